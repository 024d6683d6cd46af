// AdminService: what operators ask the daemon about itself.
#ifndef CLOSEDLOOP_SERVICES_API_ADMIN_SERVICE_H_
#define CLOSEDLOOP_SERVICES_API_ADMIN_SERVICE_H_

#include "closedloop/v1/admin_service.grpc.pb.h"
#include "services/access/authorization.h"
#include "services/webhooks/webhooks.h"
#include "storage/cursor_store.h"
#include "storage/event_log.h"
#include "storage/view_store.h"

namespace closedloop::services {

class AdminServiceImpl final : public v1::AdminService::Service {
 public:
  // `config` is the configuration in force; `webhooks` its endpoints' delivery (nullptr: none);
  // `cursors` the cursor store a backup copies too (nullptr: none). All must outlive the service.
  AdminServiceImpl(const v1::Config& config, const Authorizer& authorizer,
                   storage::EventLog& log, storage::ViewStore& views, Webhooks* webhooks,
                   storage::CursorStore* cursors)
      : config_(config),
        authorizer_(authorizer),
        log_(log),
        views_(views),
        webhooks_(webhooks),
        cursors_(cursors) {}

  grpc::Status GetConfig(grpc::ServerContext* context, const v1::GetConfigRequest* request,
                         v1::ConfigApplied* response) override;
  grpc::Status Backup(grpc::ServerContext* context, const v1::BackupRequest* request,
                      v1::BackupResponse* response) override;
  grpc::Status ListWebhookEndpoints(grpc::ServerContext* context,
                                    const v1::ListWebhookEndpointsRequest* request,
                                    v1::ListWebhookEndpointsResponse* response) override;
  grpc::Status ReplayWebhookEndpoint(grpc::ServerContext* context,
                                     const v1::ReplayWebhookEndpointRequest* request,
                                     v1::WebhookEndpointState* response) override;

 private:
  const v1::Config& config_;
  const Authorizer& authorizer_;
  storage::EventLog& log_;
  storage::ViewStore& views_;
  Webhooks* webhooks_;
  storage::CursorStore* cursors_;
};

}  // namespace closedloop::services

#endif  // CLOSEDLOOP_SERVICES_API_ADMIN_SERVICE_H_
