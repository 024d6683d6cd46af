#include "services/server.h"

#include "absl/strings/str_cat.h"
#include "grpcpp/ext/proto_server_reflection_plugin.h"
#include "grpcpp/health_check_service_interface.h"
#include "grpcpp/security/server_credentials.h"
#include "grpcpp/server_builder.h"

namespace closedloop::services {

absl::StatusOr<std::unique_ptr<ClosedLoopServer>> ClosedLoopServer::Start(
    storage::EventLog& log, const std::string& listen_address) {
  grpc::EnableDefaultHealthCheckService(true);
  grpc::reflection::InitProtoReflectionServerBuilderPlugin();

  std::unique_ptr<ClosedLoopServer> server(new ClosedLoopServer(log));
  grpc::ServerBuilder builder;
  builder.AddListeningPort(listen_address, grpc::InsecureServerCredentials(), &server->port_);
  builder.RegisterService(&server->audit_);
  server->server_ = builder.BuildAndStart();
  if (server->server_ == nullptr || server->port_ == 0) {
    return absl::UnavailableError(absl::StrCat("cannot listen on ", listen_address));
  }
  return server;
}

void ClosedLoopServer::Shutdown(absl::Duration grace) {
  if (shut_down_) return;
  shut_down_ = true;
  if (grpc::HealthCheckServiceInterface* health = server_->GetHealthCheckService()) {
    health->Shutdown();  // health checks now answer NOT_SERVING
  }
  server_->Shutdown(absl::ToChronoTime(absl::Now() + grace));
  server_->Wait();
}

ClosedLoopServer::~ClosedLoopServer() { Shutdown(absl::ZeroDuration()); }

}  // namespace closedloop::services
