// ProblemService: the gRPC face of ProblemCommands (the second-level loop).
#ifndef CLOSEDLOOP_SERVICES_API_PROBLEM_SERVICE_H_
#define CLOSEDLOOP_SERVICES_API_PROBLEM_SERVICE_H_

#include "closedloop/v1/problem_service.grpc.pb.h"
#include "services/access/authorization.h"
#include "services/commands/problem_commands.h"

namespace closedloop::services {

class ProblemServiceImpl final : public v1::ProblemService::Service {
 public:
  ProblemServiceImpl(ProblemCommands& commands, const Authorizer& authorizer)
      : commands_(commands), authorizer_(authorizer) {}

  grpc::Status OpenProblem(grpc::ServerContext* context, const v1::OpenProblemRequest* request,
                           v1::ProblemCommandResponse* response) override;
  grpc::Status AddActionItem(grpc::ServerContext* context, const v1::AddActionItemRequest* request,
                             v1::ProblemCommandResponse* response) override;
  grpc::Status CompleteActionItem(grpc::ServerContext* context,
                                  const v1::CompleteActionItemRequest* request,
                                  v1::ProblemCommandResponse* response) override;
  grpc::Status MarkFixed(grpc::ServerContext* context, const v1::MarkFixedRequest* request,
                         v1::ProblemCommandResponse* response) override;
  grpc::Status VerifyFix(grpc::ServerContext* context, const v1::VerifyFixRequest* request,
                         v1::ProblemCommandResponse* response) override;

 private:
  grpc::Status Run(grpc::ServerContext* context, const char* method,
                   const google::protobuf::Message& request, const std::string& request_id,
                   const std::string& problem_id, const domain::ProblemCommand& command,
                   v1::ProblemCommandResponse* response);

  ProblemCommands& commands_;
  const Authorizer& authorizer_;
};

}  // namespace closedloop::services

#endif  // CLOSEDLOOP_SERVICES_API_PROBLEM_SERVICE_H_
