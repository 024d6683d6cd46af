#include "services/metrics/log_collector.h"

#include "services/metrics/scrape_families.h"

namespace closedloop::services::metrics {

std::vector<prometheus::MetricFamily> LogCollector::Collect() const {
  // The projections' position first: the head read after it can only be further along, so
  // the lag is never negative and never understated.
  const uint64_t projected = projections_.position();
  const uint64_t head = log_.HeadPosition();
  const uint64_t lag = head > projected ? head - projected : 0;
  const storage::EventLogStats stats = log_.GetStats();
  return {
      GaugeFamily("closedloop_log_head_position",
                  "Position of the last acknowledged event in the log.",
                  static_cast<double>(head)),
      GaugeFamily("closedloop_projection_position",
                  "Log position the query views (boards, lists, metrics) reflect.",
                  static_cast<double>(projected)),
      GaugeFamily("closedloop_projection_lag_positions",
                  "Events acknowledged in the log that queries cannot see yet.",
                  static_cast<double>(lag)),
      CounterFamily("closedloop_appends_total",
                    "Appends taken by the log's writer: accepted, retried or refused.",
                    static_cast<double>(stats.appends)),
      CounterFamily("closedloop_appends_refused_queue_full_total",
                    "Appends refused at once (UNAVAILABLE) because the log's write queue was full.",
                    static_cast<double>(stats.queue_full_refusals)),
      HistogramFamily("closedloop_append_batch_appends",
                      "Appends per synced write of the log (the group-commit factor).",
                      stats.appends_per_commit),
      HistogramFamily("closedloop_append_batch_events", "Events per synced write of the log.",
                      stats.events_per_commit),
      HistogramFamily("closedloop_append_sync_seconds",
                      "Duration of each synced write of the log, in seconds.",
                      stats.sync_seconds),
  };
}

}  // namespace closedloop::services::metrics
