// AdminService: what operators ask the daemon about itself.
#ifndef CLOSEDLOOP_SERVICES_API_ADMIN_SERVICE_H_
#define CLOSEDLOOP_SERVICES_API_ADMIN_SERVICE_H_

#include "closedloop/v1/admin_service.grpc.pb.h"
#include "services/access/authorization.h"
#include "storage/event_log.h"
#include "storage/view_store.h"

namespace closedloop::services {

class AdminServiceImpl final : public v1::AdminService::Service {
 public:
  // `config` is the configuration in force; all must outlive the service.
  AdminServiceImpl(const v1::Config& config, const Authorizer& authorizer,
                   storage::EventLog& log, storage::ViewStore& views)
      : config_(config), authorizer_(authorizer), log_(log), views_(views) {}

  grpc::Status GetConfig(grpc::ServerContext* context, const v1::GetConfigRequest* request,
                         v1::ConfigApplied* response) override;
  grpc::Status Backup(grpc::ServerContext* context, const v1::BackupRequest* request,
                      v1::BackupResponse* response) override;

 private:
  const v1::Config& config_;
  const Authorizer& authorizer_;
  storage::EventLog& log_;
  storage::ViewStore& views_;
};

}  // namespace closedloop::services

#endif  // CLOSEDLOOP_SERVICES_API_ADMIN_SERVICE_H_
