// Webhooks: every configured endpoint's delivery loop (WebhookDelivery), started and stopped
// together, and what operators ask of them.
//
// Thread safety: Start and Stop from one thread; the rest from any.
#ifndef CLOSEDLOOP_SERVICES_WEBHOOKS_WEBHOOKS_H_
#define CLOSEDLOOP_SERVICES_WEBHOOKS_WEBHOOKS_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "closedloop/v1/admin_service.pb.h"
#include "services/webhooks/webhook_delivery.h"

namespace closedloop::services {

class Webhooks {
 public:
  Webhooks(const std::vector<WebhookTarget>& targets, storage::EventLog& log,
           Projections& projections, storage::CursorStore& cursors, WebhookTiming timing,
           WebhookDelivery::AlertRecorder record_alert);

  // Starts every endpoint's loop. Errors: the cursor store's.
  absl::Status Start();
  void Stop();

  // Every endpoint's state, in configuration order.
  std::vector<v1::WebhookEndpointState> States() const;
  // Delivers endpoint `name`'s events again from `from_position` on; its state after. Errors:
  // NOT_FOUND for an unknown name, OUT_OF_RANGE past the head + 1, the store's.
  absl::StatusOr<v1::WebhookEndpointState> Replay(const std::string& name, uint64_t from_position);

 private:
  std::vector<std::unique_ptr<WebhookDelivery>> deliveries_;
};

}  // namespace closedloop::services

#endif  // CLOSEDLOOP_SERVICES_WEBHOOKS_WEBHOOKS_H_
