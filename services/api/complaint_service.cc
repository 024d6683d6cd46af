#include "services/api/complaint_service.h"

#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "domain/proto_time.h"
#include "services/access/authorization.h"
#include "services/api/request_checks.h"
#include "services/commands/request_key.h"
#include "services/api/status_util.h"

namespace closedloop::services {
namespace {

void FillResponse(const CommandResult& result, v1::CommandResponse* response) {
  response->set_complaint_id(result.complaint_id);
  response->set_revision(result.stream_revision);
  response->set_position(result.position);
  response->set_deduplicated(result.deduplicated);
  for (const v1::ComplaintEvent& event : result.events) {
    response->add_event_types(domain::EventType(event));
  }
}

// The fields of a filing the service assigns: a caller must leave them empty.
absl::Status CheckNewFiling(const v1::FileComplaintRequest& request) {
  if (absl::Status s = CheckRequestId(request.request_id()); !s.ok()) return s;
  if (!request.has_complaint()) return absl::InvalidArgumentError("complaint: required");
  if (!request.complaint().complaint_id().empty()) {
    return absl::InvalidArgumentError("complaint.complaint_id: assigned by the service; leave it empty");
  }
  if (request.complaint().has_filed_at()) {
    return absl::InvalidArgumentError("complaint.filed_at: assigned by the service; leave it empty");
  }
  if (!request.complaint().filed_by().empty()) {
    return absl::InvalidArgumentError("complaint.filed_by: assigned by the service; leave it empty");
  }
  return absl::OkStatus();
}

// Domain errors name the command's field ("text"); the API's field is inside "complaint".
absl::Status InFiling(const absl::Status& status) {
  if (status.code() != absl::StatusCode::kInvalidArgument) return status;
  return absl::InvalidArgumentError(absl::StrCat("complaint.", status.message()));
}

}  // namespace

grpc::Status ComplaintServiceImpl::Run(grpc::ServerContext* context, const char* method,
                                       const google::protobuf::Message& request,
                                       const std::string& request_id,
                                       const std::string& complaint_id,
                                       const domain::ComplaintCommand& command,
                                       v1::CommandResponse* response) {
  return Run(context, method, request, request_id, complaint_id,
             [&]() -> absl::StatusOr<domain::ComplaintCommand> { return command; }, response);
}

grpc::Status ComplaintServiceImpl::Run(
    grpc::ServerContext* context, const char* method, const google::protobuf::Message& request,
    const std::string& request_id,
    const std::string& complaint_id,
    absl::FunctionRef<absl::StatusOr<domain::ComplaintCommand>()> build,
    v1::CommandResponse* response) {
  absl::StatusOr<domain::Caller> caller = authorizer_.Authorize(*context, method);
  if (!caller.ok()) return ToGrpcStatus(caller.status());
  if (absl::Status s = CheckRequestId(request_id); !s.ok()) return ToGrpcStatus(s);
  if (absl::Status s = CheckAssignedId("complaint_id", complaint_id, "CL-"); !s.ok()) {
    return ToGrpcStatus(s);
  }
  absl::StatusOr<domain::ComplaintCommand> command = build();
  if (!command.ok()) return ToGrpcStatus(command.status());
  absl::StatusOr<CommandResult> result =
      commands_.Run(complaint_id, *command, ActorOf(*caller),
                    ClientRequestKey(*caller, method, request, request_id), &*caller);
  if (!result.ok()) return ToGrpcStatus(result.status());
  FillResponse(*result, response);
  return grpc::Status::OK;
}

grpc::ServerUnaryReactor* ComplaintServiceImpl::FileComplaint(
    grpc::CallbackServerContext* context, const v1::FileComplaintRequest* request,
    v1::CommandResponse* response) {
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  absl::StatusOr<domain::Caller> caller = authorizer_.Authorize(*context, "FileComplaint");
  if (!caller.ok()) {
    reactor->Finish(ToGrpcStatus(caller.status()));
    return reactor;
  }
  if (absl::Status s = CheckNewFiling(*request); !s.ok()) {
    reactor->Finish(ToGrpcStatus(s));
    return reactor;
  }
  commands_.FileAsync(request->complaint(), ActorOf(*caller),
                      ClientRequestKey(*caller, "FileComplaint", *request, request->request_id()),
                      [reactor, response](absl::StatusOr<CommandResult> result) {
                        if (result.ok()) FillResponse(*result, response);
                        reactor->Finish(ToGrpcStatus(InFiling(result.status())));
                      });
  return reactor;
}

grpc::Status ComplaintServiceImpl::FileComplaints(grpc::ServerContext* context,
                                                  const v1::FileComplaintsRequest* request,
                                                  v1::FileComplaintsResponse* response) {
  absl::StatusOr<domain::Caller> caller = authorizer_.Authorize(*context, "FileComplaints");
  if (!caller.ok()) return ToGrpcStatus(caller.status());
  if (request->filings_size() == 0) {
    return ToGrpcStatus(absl::InvalidArgumentError("filings: at least one filing is required"));
  }
  if (request->filings_size() > kMaxBatch) {
    return ToGrpcStatus(absl::ResourceExhaustedError(absl::StrCat(
        "filings: at most ", kMaxBatch, " per call, got ", request->filings_size())));
  }
  // Checked filings go to the log together; the others get their error in place.
  std::vector<absl::Status> errors(request->filings_size());
  std::vector<ComplaintCommands::Filing> filings;
  std::vector<int> index_of;
  absl::flat_hash_set<std::string> request_ids;
  for (int i = 0; i < request->filings_size(); ++i) {
    const v1::FileComplaintRequest& filing = request->filings(i);
    errors[i] = CheckNewFiling(filing);
    if (errors[i].ok() && !filing.request_id().empty() &&
        !request_ids.insert(filing.request_id()).second) {
      errors[i] = absl::InvalidArgumentError(absl::StrCat(
          "request_id: '", filing.request_id(), "' appears twice in this batch"));
    }
    if (!errors[i].ok()) continue;
    // A filing of a batch is the same request as that filing sent alone: either retries it.
    filings.push_back({filing.complaint(),
                       ClientRequestKey(*caller, "FileComplaint", filing, filing.request_id())});
    index_of.push_back(i);
  }
  std::vector<absl::StatusOr<CommandResult>> results = commands_.FileMany(std::move(filings), ActorOf(*caller));
  std::vector<const CommandResult*> filed(request->filings_size(), nullptr);
  for (size_t j = 0; j < results.size(); ++j) {
    if (results[j].ok()) {
      filed[index_of[j]] = &*results[j];
    } else {
      errors[index_of[j]] = InFiling(results[j].status());
    }
  }
  for (int i = 0; i < request->filings_size(); ++i) {
    v1::FileComplaintsResponse::Result* result = response->add_results();
    result->set_code(static_cast<int>(errors[i].code()));
    if (filed[i] != nullptr) {
      FillResponse(*filed[i], result->mutable_response());
    } else {
      result->set_message(std::string(errors[i].message()));
    }
  }
  return grpc::Status::OK;
}

grpc::Status ComplaintServiceImpl::TriageComplaint(grpc::ServerContext* context,
                                                   const v1::TriageComplaintRequest* request,
                                                   v1::CommandResponse* response) {
  return Run(context, "TriageComplaint", *request, request->request_id(), request->complaint_id(),
             domain::TriageComplaint{request->kind(), request->category(), request->severity(),
                                     request->department(), request->root_cause_code()},
             response);
}

grpc::Status ComplaintServiceImpl::AssignComplaint(grpc::ServerContext* context,
                                                   const v1::AssignComplaintRequest* request,
                                                   v1::CommandResponse* response) {
  return Run(context, "AssignComplaint", *request, request->request_id(), request->complaint_id(),
             domain::AssignComplaint{request->owner()}, response);
}

grpc::Status ComplaintServiceImpl::RecordCustomerContact(
    grpc::ServerContext* context, const v1::RecordCustomerContactRequest* request,
    v1::CommandResponse* response) {
  return Run(context, "RecordCustomerContact", *request, request->request_id(), request->complaint_id(),
             domain::RecordCustomerContact{request->method(), request->outcome(), request->summary()}, response);
}

grpc::Status ComplaintServiceImpl::AddComment(grpc::ServerContext* context,
                                              const v1::AddCommentRequest* request,
                                              v1::CommandResponse* response) {
  return Run(context, "AddComment", *request, request->request_id(), request->complaint_id(),
             domain::AddComment{request->visibility(), request->author(), request->text()}, response);
}

grpc::Status ComplaintServiceImpl::OpenTask(grpc::ServerContext* context,
                                            const v1::OpenTaskRequest* request,
                                            v1::CommandResponse* response) {
  return Run(context, "OpenTask", *request, request->request_id(), request->complaint_id(),
             [&]() -> absl::StatusOr<domain::ComplaintCommand> {
               if (!request->has_due()) return absl::InvalidArgumentError("due: required");
               absl::StatusOr<absl::Time> due = CheckTime("due", request->due());
               if (!due.ok()) return due.status();
               return domain::OpenTask{request->department(), request->responsible(),
                                       request->description(), *due};
             },
             response);
}

grpc::Status ComplaintServiceImpl::RespondToTask(grpc::ServerContext* context,
                                                 const v1::RespondToTaskRequest* request,
                                                 v1::CommandResponse* response) {
  return Run(context, "RespondToTask", *request, request->request_id(), request->complaint_id(),
             domain::RespondToTask{request->task_id(), request->response()}, response);
}

grpc::Status ComplaintServiceImpl::CompleteTask(grpc::ServerContext* context,
                                                const v1::CompleteTaskRequest* request,
                                                v1::CommandResponse* response) {
  return Run(context, "CompleteTask", *request, request->request_id(), request->complaint_id(),
             domain::CompleteTask{request->task_id(), request->outcome()}, response);
}

grpc::Status ComplaintServiceImpl::Escalate(grpc::ServerContext* context,
                                            const v1::EscalateRequest* request,
                                            v1::CommandResponse* response) {
  return Run(context, "Escalate", *request, request->request_id(), request->complaint_id(),
             domain::Escalate{request->to(), request->reason()}, response);
}

grpc::Status ComplaintServiceImpl::ResolveComplaint(grpc::ServerContext* context,
                                                    const v1::ResolveComplaintRequest* request,
                                                    v1::CommandResponse* response) {
  return Run(context, "ResolveComplaint", *request, request->request_id(), request->complaint_id(),
             domain::ResolveComplaint{request->resolution(), request->remedy(),
                                      request->root_cause()}, response);
}

grpc::Status ComplaintServiceImpl::CloseComplaint(grpc::ServerContext* context,
                                                  const v1::CloseComplaintRequest* request,
                                                  v1::CommandResponse* response) {
  return Run(context, "CloseComplaint", *request, request->request_id(), request->complaint_id(),
             domain::CloseComplaint{request->customer_confirmed()}, response);
}

grpc::Status ComplaintServiceImpl::ReopenComplaint(grpc::ServerContext* context,
                                                   const v1::ReopenComplaintRequest* request,
                                                   v1::CommandResponse* response) {
  return Run(context, "ReopenComplaint", *request, request->request_id(), request->complaint_id(),
             domain::ReopenComplaint{request->reason()}, response);
}

grpc::Status ComplaintServiceImpl::RedirectToSupport(grpc::ServerContext* context,
                                                     const v1::RedirectToSupportRequest* request,
                                                     v1::CommandResponse* response) {
  return Run(context, "RedirectToSupport", *request, request->request_id(), request->complaint_id(),
             domain::RedirectToSupport{request->reason()}, response);
}

grpc::Status ComplaintServiceImpl::LinkToProblem(grpc::ServerContext* context,
                                                 const v1::LinkToProblemRequest* request,
                                                 v1::CommandResponse* response) {
  // The problem must accept the link before the complaint records it; the problem's side is
  // recorded after, idempotently, so a retry of the call completes a link that was cut short.
  absl::StatusOr<domain::Caller> caller = authorizer_.Authorize(*context, "LinkToProblem");
  if (!caller.ok()) return ToGrpcStatus(caller.status());
  if (absl::Status s = CheckAssignedId("problem_id", request->problem_id(), "PR-"); !s.ok()) {
    return ToGrpcStatus(s);
  }
  if (absl::Status s = CheckAssignedId("complaint_id", request->complaint_id(), "CL-"); !s.ok()) {
    return ToGrpcStatus(s);
  }
  const domain::LinkComplaint link{request->complaint_id()};
  if (absl::Status s = problems_.Check(request->problem_id(), link); !s.ok()) return ToGrpcStatus(s);
  grpc::Status linked = Run(context, "LinkToProblem", *request, request->request_id(), request->complaint_id(),
             domain::LinkToProblem{request->problem_id()}, response);
  if (!linked.ok()) return linked;
  // Linking is idempotent on the problem's side, so it needs no request id of its own.
  absl::StatusOr<ProblemResult> problem = problems_.Run(request->problem_id(), link, ActorOf(*caller), "");
  if (!problem.ok()) return ToGrpcStatus(problem.status());
  response->set_position(std::max(response->position(), problem->position));
  return grpc::Status::OK;
}

grpc::Status ComplaintServiceImpl::RecordSurvey(grpc::ServerContext* context,
                                                const v1::RecordSurveyRequest* request,
                                                v1::CommandResponse* response) {
  return Run(context, "RecordSurvey", *request, request->request_id(), request->complaint_id(),
             domain::RecordSurvey{request->nps(), request->csat(), request->comment()}, response);
}

}  // namespace closedloop::services
