// MetricsByDay: the metrics of every case, kept as cases change, one tally per UTC filing day
// and one for all time. GetMetrics over all time reads one tally; over a range it merges the
// days wholly inside it and tallies only the cases of the (at most two) days at its edges. So a
// query costs the days it covers and the cases of its edge days, never a pass over every case.
// Repeat customers do not merge by day (a merge would cost a map entry per customer): the day
// tallies leave them out, and RepeatCustomers counts them for any range from its own day grid.
//
// Thread safety: none; ProjectionState's owner guards it.
#ifndef CLOSEDLOOP_SERVICES_PROJECTIONS_METRICS_BY_DAY_H_
#define CLOSEDLOOP_SERVICES_PROJECTIONS_METRICS_BY_DAY_H_

#include <map>

#include "absl/container/btree_set.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "closedloop/v1/boards.pb.h"
#include "closedloop/v1/views.pb.h"
#include "domain/metrics_tally.h"
#include "domain/repeat_customers.h"

namespace closedloop::services {

class MetricsByDay {
 public:
  // Counts `view` (+1), or takes the very same view back (-1) before it changes. The view must
  // stay where it is while it is counted: the edge days of a range read it.
  void Add(const v1::ComplaintView& view, int sign);

  // The metrics of the cases filed in [after, before) (infinite bounds for all time).
  v1::Metrics Metrics(absl::Time after, absl::Time before) const;

 private:
  // Metrics() but for the repeat customers.
  v1::Metrics Tallied(absl::Time after, absl::Time before) const;

  struct Day {
    domain::MetricsTally tally{domain::MetricsTally::Customers::kNotCounted};
    absl::btree_set<const v1::ComplaintView*> cases;
    // When its first and last cases were filed (of those ever counted here): a range that cuts
    // the day but holds both takes the day's tally whole, as "the last 30 days" does with today.
    absl::Time first_filed = absl::InfiniteFuture();
    absl::Time last_filed = absl::InfinitePast();
  };
  std::map<absl::CivilDay, Day> days_;
  domain::MetricsTally all_{domain::MetricsTally::Customers::kNotCounted};
  domain::RepeatCustomers repeat_;
};

}  // namespace closedloop::services

#endif  // CLOSEDLOOP_SERVICES_PROJECTIONS_METRICS_BY_DAY_H_
