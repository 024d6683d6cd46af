#include "services/metrics/webhook_collector.h"

#include <functional>
#include <string>

namespace closedloop::services::metrics {
namespace {

using Value = std::function<double(const v1::WebhookEndpointState&)>;

prometheus::MetricFamily EndpointFamily(std::string name, std::string help,
                                        prometheus::MetricType type,
                                        const std::vector<v1::WebhookEndpointState>& states,
                                        const Value& value) {
  prometheus::MetricFamily family{std::move(name), std::move(help), type, {}};
  for (const v1::WebhookEndpointState& state : states) {
    prometheus::ClientMetric metric;
    metric.label.push_back({"endpoint", state.name()});
    if (type == prometheus::MetricType::Counter) {
      metric.counter.value = value(state);
    } else {
      metric.gauge.value = value(state);
    }
    family.metric.push_back(std::move(metric));
  }
  return family;
}

}  // namespace

std::vector<prometheus::MetricFamily> WebhookCollector::Collect() const {
  // One state per endpoint, each read under its own lock: position and lag agree.
  const std::vector<v1::WebhookEndpointState> states = webhooks_.States();
  using prometheus::MetricType;
  return {
      EndpointFamily("closedloop_webhook_delivered_position",
                     "Log position up to which the endpoint has every event it receives "
                     "(delivered, dead-lettered, or not its own).",
                     MetricType::Gauge, states,
                     [](const auto& s) { return static_cast<double>(s.delivered_position()); }),
      EndpointFamily("closedloop_webhook_lag_events",
                     "Events of the log the endpoint has yet to pass (head minus delivered position).",
                     MetricType::Gauge, states,
                     [](const auto& s) { return static_cast<double>(s.lag()); }),
      EndpointFamily("closedloop_webhook_dead_letters_total",
                     "Events the endpoint's delivery gave up on after its attempts or its age.",
                     MetricType::Counter, states,
                     [](const auto& s) { return static_cast<double>(s.dead_letter_count()); }),
      EndpointFamily("closedloop_webhook_delivered_total",
                     "Events the endpoint accepted since the daemon started.", MetricType::Counter,
                     states,
                     [](const auto& s) { return static_cast<double>(s.delivered_since_start()); }),
      EndpointFamily("closedloop_webhook_retrying",
                     "1 while the endpoint refuses or fails the event being delivered, else 0.",
                     MetricType::Gauge, states,
                     [](const auto& s) {
                       return s.status() == v1::WEBHOOK_STATUS_RETRYING ? 1.0 : 0.0;
                     }),
  };
}

}  // namespace closedloop::services::metrics
