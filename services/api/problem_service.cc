#include "services/api/problem_service.h"

#include "services/access/authorization.h"
#include "services/api/request_checks.h"
#include "services/commands/request_key.h"
#include "services/api/status_util.h"

namespace closedloop::services {
namespace {

void FillResponse(const ProblemResult& result, v1::ProblemCommandResponse* response) {
  response->set_problem_id(result.stream.substr(sizeof("problem-") - 1));
  response->set_revision(result.stream_revision);
  response->set_position(result.position);
  response->set_deduplicated(result.deduplicated);
  for (const v1::ProblemEvent& event : result.events) {
    response->add_event_types(domain::EventType(event));
    if (event.has_action_item_added()) response->set_item_id(event.action_item_added().item_id());
  }
}

}  // namespace

grpc::Status ProblemServiceImpl::Run(grpc::ServerContext* context, const char* method,
                                     const google::protobuf::Message& request,
                                     const std::string& request_id, const std::string& problem_id,
                                     const domain::ProblemCommand& command,
                                     v1::ProblemCommandResponse* response) {
  absl::StatusOr<domain::Caller> caller = authorizer_.Authorize(*context, method);
  if (!caller.ok()) return ToGrpcStatus(caller.status());
  const v1::Actor actor = ActorOf(*caller);
  if (absl::Status s = CheckRequestId(request_id); !s.ok()) return ToGrpcStatus(s);
  const RequestKey key = ClientRequestKey(*caller, method, request, request_id);
  absl::StatusOr<ProblemResult> result;
  if (const auto* open = std::get_if<domain::OpenProblem>(&command)) {
    result = commands_.Open(*open, actor, key);
  } else if (absl::Status s = CheckAssignedId("problem_id", problem_id, "PR-"); !s.ok()) {
    return ToGrpcStatus(s);
  } else {
    result = commands_.Run(problem_id, command, actor, key);
  }
  if (!result.ok()) return ToGrpcStatus(result.status());
  FillResponse(*result, response);
  return grpc::Status::OK;
}

grpc::Status ProblemServiceImpl::OpenProblem(grpc::ServerContext* context,
                                             const v1::OpenProblemRequest* request,
                                             v1::ProblemCommandResponse* response) {
  return Run(context, "OpenProblem", *request, request->request_id(), "",
             domain::OpenProblem{"", request->department(), request->description(),
                                 request->source()},
             response);
}

grpc::Status ProblemServiceImpl::AddActionItem(grpc::ServerContext* context,
                                               const v1::AddActionItemRequest* request,
                                               v1::ProblemCommandResponse* response) {
  // Who is calling is settled before any field is looked at.
  if (absl::StatusOr<domain::Caller> caller = authorizer_.Authorize(*context, "AddActionItem");
      !caller.ok()) {
    return ToGrpcStatus(caller.status());
  }
  if (!request->has_due()) return ToGrpcStatus(absl::InvalidArgumentError("due: required"));
  absl::StatusOr<absl::Time> due = CheckTime("due", request->due());
  if (!due.ok()) return ToGrpcStatus(due.status());
  return Run(context, "AddActionItem", *request, request->request_id(), request->problem_id(),
             domain::AddActionItem{request->description(), request->owner(), *due}, response);
}

grpc::Status ProblemServiceImpl::CompleteActionItem(grpc::ServerContext* context,
                                                    const v1::CompleteActionItemRequest* request,
                                                    v1::ProblemCommandResponse* response) {
  return Run(context, "CompleteActionItem", *request, request->request_id(), request->problem_id(),
             domain::CompleteActionItem{request->item_id(), request->outcome()}, response);
}

grpc::Status ProblemServiceImpl::MarkFixed(grpc::ServerContext* context,
                                           const v1::MarkFixedRequest* request,
                                           v1::ProblemCommandResponse* response) {
  return Run(context, "MarkFixed", *request, request->request_id(), request->problem_id(),
             domain::MarkFixed{request->summary()}, response);
}

grpc::Status ProblemServiceImpl::VerifyFix(grpc::ServerContext* context,
                                           const v1::VerifyFixRequest* request,
                                           v1::ProblemCommandResponse* response) {
  return Run(context, "VerifyFix", *request, request->request_id(), request->problem_id(),
             domain::VerifyFix{request->evidence()}, response);
}

}  // namespace closedloop::services
