// WebhookCollector: each webhook endpoint's delivery, read from its state when Prometheus
// scrapes (the same figures `closedloop admin webhooks` shows), labelled `endpoint`:
//
//   closedloop_webhook_delivered_position{endpoint}  gauge    every event up to here is passed
//   closedloop_webhook_lag_events{endpoint}          gauge    head minus delivered position
//   closedloop_webhook_dead_letters_total{endpoint}  counter  events given up on (kept across
//                                                             restarts, with the position)
//   closedloop_webhook_delivered_total{endpoint}     counter  events delivered since start
//   closedloop_webhook_retrying{endpoint}            gauge    1 while an event is retried, else 0
//
// An alert on retrying or on a growing lag finds a failing receiver before its dead letters do.
//
// Thread safety: Collect() may be called from any thread.
#ifndef CLOSEDLOOP_SERVICES_METRICS_WEBHOOK_COLLECTOR_H_
#define CLOSEDLOOP_SERVICES_METRICS_WEBHOOK_COLLECTOR_H_

#include <vector>

#include "prometheus/collectable.h"
#include "prometheus/metric_family.h"
#include "services/webhooks/webhooks.h"

namespace closedloop::services::metrics {

class WebhookCollector final : public prometheus::Collectable {
 public:
  // `webhooks` must outlive every Collect() call.
  explicit WebhookCollector(const Webhooks& webhooks) : webhooks_(webhooks) {}

  std::vector<prometheus::MetricFamily> Collect() const override;

 private:
  const Webhooks& webhooks_;
};

}  // namespace closedloop::services::metrics

#endif  // CLOSEDLOOP_SERVICES_METRICS_WEBHOOK_COLLECTOR_H_
