// SubscriptionService: consumer groups for company systems, each reading the cases its role
// may read from where it last acknowledged (proto/closedloop/v1/subscription_service.proto).
#ifndef CLOSEDLOOP_SERVICES_API_SUBSCRIPTION_SERVICE_H_
#define CLOSEDLOOP_SERVICES_API_SUBSCRIPTION_SERVICE_H_

#include <memory>

#include "closedloop/v1/subscription_service.grpc.pb.h"
#include "services/access/authorization.h"
#include "services/api/stream_limiter.h"
#include "services/delivery/consumer_groups.h"
#include "services/projections/projections.h"
#include "storage/cursor_store.h"
#include "storage/event_log.h"

namespace closedloop::services {

// Uses the synchronous API, as AuditService: SubscribeGroup blocks its own thread while it
// waits for new events.
class SubscriptionServiceImpl final : public v1::SubscriptionService::Service {
 public:
  SubscriptionServiceImpl(storage::EventLog& log, Projections& projections,
                          storage::CursorStore* cursors, const Authorizer& authorizer,
                          StreamLimiter& streams)
      : log_(log),
        projections_(projections),
        groups_(cursors == nullptr ? nullptr : std::make_unique<ConsumerGroups>(*cursors)),
        authorizer_(authorizer),
        streams_(streams) {}

  grpc::Status SubscribeGroup(grpc::ServerContext* context,
                              const v1::SubscribeGroupRequest* request,
                              grpc::ServerWriter<v1::SubscribeGroupResponse>* writer) override;
  grpc::Status Acknowledge(grpc::ServerContext* context, const v1::AcknowledgeRequest* request,
                           v1::AcknowledgeResponse* response) override;

 private:
  storage::EventLog& log_;
  Projections& projections_;
  // Where the groups stand; null without a cursor store (then every call fails).
  std::unique_ptr<ConsumerGroups> groups_;
  const Authorizer& authorizer_;
  StreamLimiter& streams_;
};

}  // namespace closedloop::services

#endif  // CLOSEDLOOP_SERVICES_API_SUBSCRIPTION_SERVICE_H_
