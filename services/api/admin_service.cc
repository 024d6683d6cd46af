#include "services/api/admin_service.h"

#include <cstdio>

#include "absl/strings/str_cat.h"

#include "services/daemon/backup.h"
#include "services/daemon/config.h"
#include "services/api/status_util.h"

namespace closedloop::services {

grpc::Status AdminServiceImpl::GetConfig(grpc::ServerContext* context, const v1::GetConfigRequest*,
                                         v1::ConfigApplied* response) {
  if (auto caller = authorizer_.Authorize(*context, "GetConfig"); !caller.ok()) {
    return ToGrpcStatus(caller.status());
  }
  response->set_version(config_.sla_policy().version());
  response->set_sha256(ConfigHash(config_));
  *response->mutable_config() = config_;
  return grpc::Status::OK;
}

grpc::Status AdminServiceImpl::Backup(grpc::ServerContext* context, const v1::BackupRequest* request,
                                      v1::BackupResponse* response) {
  absl::StatusOr<domain::Caller> caller = authorizer_.Authorize(*context, "Backup");
  if (!caller.ok()) return ToGrpcStatus(caller.status());
  absl::StatusOr<v1::BackupResponse> done =
      services::Backup(log_, views_, cursors_, request->directory());
  if (!done.ok()) return ToGrpcStatus(done.status());
  std::fprintf(stderr, "closedloopd: backup to %s by %s: events up to position %llu\n",
               request->directory().c_str(), caller->principal.c_str(),
               static_cast<unsigned long long>(done->position()));
  *response = *std::move(done);
  return grpc::Status::OK;
}

grpc::Status AdminServiceImpl::ListWebhookEndpoints(grpc::ServerContext* context,
                                                   const v1::ListWebhookEndpointsRequest*,
                                                   v1::ListWebhookEndpointsResponse* response) {
  if (auto caller = authorizer_.Authorize(*context, "ListWebhookEndpoints"); !caller.ok()) {
    return ToGrpcStatus(caller.status());
  }
  if (webhooks_ == nullptr) return grpc::Status::OK;
  for (v1::WebhookEndpointState& state : webhooks_->States()) {
    *response->add_endpoints() = std::move(state);
  }
  return grpc::Status::OK;
}

grpc::Status AdminServiceImpl::ReplayWebhookEndpoint(grpc::ServerContext* context,
                                                    const v1::ReplayWebhookEndpointRequest* request,
                                                    v1::WebhookEndpointState* response) {
  absl::StatusOr<domain::Caller> caller = authorizer_.Authorize(*context, "ReplayWebhookEndpoint");
  if (!caller.ok()) return ToGrpcStatus(caller.status());
  if (webhooks_ == nullptr) {
    return ToGrpcStatus(absl::NotFoundError(
        absl::StrCat("name: no webhook endpoint '", request->name(), "' (none is configured)")));
  }
  absl::StatusOr<v1::WebhookEndpointState> state =
      webhooks_->Replay(request->name(), request->from_position());
  if (!state.ok()) return ToGrpcStatus(state.status());
  std::fprintf(stderr, "closedloopd: webhook %s replayed from position %llu by %s\n",
               request->name().c_str(), static_cast<unsigned long long>(request->from_position()),
               caller->principal.c_str());
  *response = *std::move(state);
  return grpc::Status::OK;
}

}  // namespace closedloop::services
