// LogCollector: the event log's and the projections' series, read when Prometheus scrapes
// (nothing is kept between scrapes; the log counts, this only reports):
//
//   closedloop_log_head_position                 gauge      last acknowledged log position
//   closedloop_projection_position               gauge      position the query views reflect
//   closedloop_projection_lag_positions          gauge      head minus projection position
//   closedloop_appends_total                     counter    appends the writer took
//   closedloop_append_batch_appends              histogram  appends per synced write
//   closedloop_append_batch_events               histogram  events per synced write
//   closedloop_append_sync_seconds               histogram  duration of each synced write
//
// Thread safety: Collect() may be called from any thread.
#ifndef CLOSEDLOOP_SERVICES_METRICS_LOG_COLLECTOR_H_
#define CLOSEDLOOP_SERVICES_METRICS_LOG_COLLECTOR_H_

#include <vector>

#include "prometheus/collectable.h"
#include "prometheus/metric_family.h"
#include "services/projections/projections.h"
#include "storage/event_log.h"

namespace closedloop::services::metrics {

class LogCollector final : public prometheus::Collectable {
 public:
  // `log` and `projections` must outlive every Collect() call.
  LogCollector(storage::EventLog& log, const Projections& projections)
      : log_(log), projections_(projections) {}

  std::vector<prometheus::MetricFamily> Collect() const override;

 private:
  storage::EventLog& log_;
  const Projections& projections_;
};

}  // namespace closedloop::services::metrics

#endif  // CLOSEDLOOP_SERVICES_METRICS_LOG_COLLECTOR_H_
