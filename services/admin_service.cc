#include "services/admin_service.h"

#include "services/config.h"
#include "services/status_util.h"

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

}  // namespace closedloop::services
