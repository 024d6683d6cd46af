// ComplaintService: the gRPC face of ComplaintCommands. Each RPC authorizes the caller, checks
// the fields the API owns (request id, complaint id, times), turns the request into a domain
// command and runs it; every error leaves the log unchanged.
#ifndef CLOSEDLOOP_SERVICES_API_COMPLAINT_SERVICE_H_
#define CLOSEDLOOP_SERVICES_API_COMPLAINT_SERVICE_H_

#include "google/protobuf/message.h"
#include "absl/functional/function_ref.h"
#include "closedloop/v1/complaint_service.grpc.pb.h"
#include "services/access/authorization.h"
#include "services/commands/complaint_commands.h"
#include "services/commands/problem_commands.h"

namespace closedloop::services {

// FileComplaint, the hot path of every intake system, uses the callback API: it decides on the
// calling thread and answers from the log's completion callback, so no thread waits for the
// synced append. The other commands use the synchronous API (the sync server's thread pool
// grows with the calls in flight, which lets group commit batch them).
class ComplaintServiceImpl final
    : public v1::ComplaintService::WithCallbackMethod_FileComplaint<v1::ComplaintService::Service> {
 public:
  ComplaintServiceImpl(ComplaintCommands& commands, ProblemCommands& problems,
                       const Authorizer& authorizer)
      : commands_(commands), problems_(problems), authorizer_(authorizer) {}

  // Most at once in FileComplaints.
  static constexpr int kMaxBatch = 500;

  grpc::ServerUnaryReactor* FileComplaint(grpc::CallbackServerContext* context,
                                          const v1::FileComplaintRequest* request,
                                          v1::CommandResponse* response) override;
  grpc::Status FileComplaints(grpc::ServerContext* context, const v1::FileComplaintsRequest* request,
                              v1::FileComplaintsResponse* response) override;
  grpc::Status TriageComplaint(grpc::ServerContext* context, const v1::TriageComplaintRequest* request,
                               v1::CommandResponse* response) override;
  grpc::Status AssignComplaint(grpc::ServerContext* context, const v1::AssignComplaintRequest* request,
                               v1::CommandResponse* response) override;
  grpc::Status RecordCustomerContact(grpc::ServerContext* context,
                                     const v1::RecordCustomerContactRequest* request,
                                     v1::CommandResponse* response) override;
  grpc::Status AddComment(grpc::ServerContext* context, const v1::AddCommentRequest* request,
                          v1::CommandResponse* response) override;
  grpc::Status OpenTask(grpc::ServerContext* context, const v1::OpenTaskRequest* request,
                        v1::CommandResponse* response) override;
  grpc::Status RespondToTask(grpc::ServerContext* context, const v1::RespondToTaskRequest* request,
                             v1::CommandResponse* response) override;
  grpc::Status CompleteTask(grpc::ServerContext* context, const v1::CompleteTaskRequest* request,
                            v1::CommandResponse* response) override;
  grpc::Status Escalate(grpc::ServerContext* context, const v1::EscalateRequest* request,
                        v1::CommandResponse* response) override;
  grpc::Status ResolveComplaint(grpc::ServerContext* context,
                                const v1::ResolveComplaintRequest* request,
                                v1::CommandResponse* response) override;
  grpc::Status CloseComplaint(grpc::ServerContext* context, const v1::CloseComplaintRequest* request,
                              v1::CommandResponse* response) override;
  grpc::Status ReopenComplaint(grpc::ServerContext* context,
                               const v1::ReopenComplaintRequest* request,
                               v1::CommandResponse* response) override;
  grpc::Status RedirectToSupport(grpc::ServerContext* context,
                                 const v1::RedirectToSupportRequest* request,
                                 v1::CommandResponse* response) override;
  grpc::Status LinkToProblem(grpc::ServerContext* context, const v1::LinkToProblemRequest* request,
                             v1::CommandResponse* response) override;
  grpc::Status RecordSurvey(grpc::ServerContext* context, const v1::RecordSurveyRequest* request,
                            v1::CommandResponse* response) override;

 private:
  // Authorizes, checks the ids, builds the command (checking the request's other fields), runs
  // it on the complaint and fills `response`: who is calling is settled before any field.
  grpc::Status Run(grpc::ServerContext* context, const char* method,
                   const google::protobuf::Message& request, const std::string& request_id,
                   const std::string& complaint_id,
                   absl::FunctionRef<absl::StatusOr<domain::ComplaintCommand>()> build,
                   v1::CommandResponse* response);
  grpc::Status Run(grpc::ServerContext* context, const char* method,
                   const google::protobuf::Message& request, const std::string& request_id,
                   const std::string& complaint_id, const domain::ComplaintCommand& command,
                   v1::CommandResponse* response);

  ComplaintCommands& commands_;
  ProblemCommands& problems_;
  const Authorizer& authorizer_;
};

}  // namespace closedloop::services

#endif  // CLOSEDLOOP_SERVICES_API_COMPLAINT_SERVICE_H_
