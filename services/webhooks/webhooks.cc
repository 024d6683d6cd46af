#include "services/webhooks/webhooks.h"

#include "absl/strings/str_cat.h"

namespace closedloop::services {

Webhooks::Webhooks(const std::vector<WebhookTarget>& targets, storage::EventLog& log,
                   Projections& projections, storage::CursorStore& cursors, WebhookTiming timing,
                   WebhookDelivery::AlertRecorder record_alert) {
  for (const WebhookTarget& target : targets) {
    deliveries_.push_back(std::make_unique<WebhookDelivery>(target, log, projections, cursors,
                                                            timing, record_alert));
  }
}

absl::Status Webhooks::Start() {
  for (auto& delivery : deliveries_) {
    if (absl::Status started = delivery->Start(); !started.ok()) return started;
  }
  return absl::OkStatus();
}

void Webhooks::Stop() {
  for (auto& delivery : deliveries_) delivery->Stop();
}

std::vector<v1::WebhookEndpointState> Webhooks::States() const {
  std::vector<v1::WebhookEndpointState> states;
  for (const auto& delivery : deliveries_) states.push_back(delivery->State());
  return states;
}

absl::StatusOr<v1::WebhookEndpointState> Webhooks::Replay(const std::string& name,
                                                          uint64_t from_position) {
  for (auto& delivery : deliveries_) {
    if (delivery->name() != name) continue;
    if (absl::Status replayed = delivery->Replay(from_position); !replayed.ok()) return replayed;
    return delivery->State();
  }
  return absl::NotFoundError(absl::StrCat("name: no webhook endpoint '", name, "'"));
}

}  // namespace closedloop::services
