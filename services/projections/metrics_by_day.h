// MetricsByDay: the metrics of every case, kept as cases change, one tally per UTC filing day
// and one for all time. GetMetrics over all time reads one tally; over a range it merges the
// days and hours wholly inside it and counts only cases of the (at most two) hours at its edges.
// So a query costs the days it covers and part of its edge hours' cases, never a pass over
// every case.
// Repeat customers do not merge by day (a merge would cost a map entry per customer): the day
// tallies leave them out, and RepeatCustomers counts them for any range from its own day grid.
//
// A day keeps a tally of its own and one per hour of it. A range cutting a day merges the hours
// wholly inside it, and counts the cases of the (at most two) hours it cuts one by one, from
// their facts (domain::CaseFacts), which the caller reads from where it keeps them (a
// FactsReader: the view store, stored_facts.h), never from views kept here; where the range
// covers most of a cut hour, it takes the hour's tally less the cases out of range instead. So
// a range reads the facts of at most an hour's filings (half of each of two hours), however
// busy the days. Each tally also keeps the
// span of the filings counted since it last emptied: a range holding the whole span takes the
// tally whole (as "the last 30 days" does with today, and "the last 24 hours" with this hour).
//
// Memory: a tally per filing day and per hour with filings (a few KB each, sparse), none per
// case (but RepeatCustomers' filing times).
//
// Thread safety: none; ProjectionState's owner guards it.
#ifndef CLOSEDLOOP_SERVICES_PROJECTIONS_METRICS_BY_DAY_H_
#define CLOSEDLOOP_SERVICES_PROJECTIONS_METRICS_BY_DAY_H_

#include <cstdint>
#include <map>
#include <vector>

#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "closedloop/v1/boards.pb.h"
#include "closedloop/v1/views.pb.h"
#include "domain/case_facts.h"
#include "domain/metrics_tally.h"
#include "domain/repeat_customers.h"

namespace closedloop::services {

// Calls `visit` with the facts of every case filed in [from, to), a part of one UTC hour, as the
// tallies count them now. Errors: where the facts are read from.
using FactsReader = absl::FunctionRef<absl::Status(
    absl::Time from, absl::Time to, absl::FunctionRef<void(const domain::CaseFacts&)> visit)>;

class MetricsByDay {
 public:
  // Counts `view` (+1), or takes back a case counted before (-1): a view equal to the one it was
  // counted with, as it stood then (the same object or not). Keeps nothing of `view` itself.
  void Add(const v1::ComplaintView& view, int sign);

  // The metrics of the cases filed in [after, before) (infinite bounds for all time), reading
  // the facts of the days the range cuts through `read`. Errors: read's.
  absl::StatusOr<v1::Metrics> Metrics(absl::Time after, absl::Time before, FactsReader read) const;

  // The fields a saved state keeps (services/projections/state_archive.h).
  template <typename Archive>
  void Fields(Archive& archive) {
    archive(days_, all_, repeat_);
  }

 private:
  // Metrics() but for the repeat customers.
  absl::StatusOr<v1::Metrics> Tallied(absl::Time after, absl::Time before, FactsReader read) const;

  // The cases filed in a day, or in an hour of it.
  struct Span {
    domain::MetricsTally tally{domain::MetricsTally::Customers::kNotCounted};
    int64_t cases = 0;
    // The earliest and the latest filing counted since the span last emptied: a case taken back
    // is counted again at the same time (its filing never changes), so they never need to
    // shrink; at worst a range reads an hour it could have taken whole.
    absl::Time first = absl::InfiniteFuture();
    absl::Time last = absl::InfinitePast();
    void Add(const domain::CaseFacts& facts, int sign);
    bool Within(absl::Time after, absl::Time before) const { return first >= after && last < before; }
    template <typename Archive>
    void Fields(Archive& archive) {
      archive(tally, cases, first, last);
    }
  };
  struct Day {
    Span whole;
    std::map<int, Span> hours;  // by hour of the day (UTC)
    template <typename Archive>
    void Fields(Archive& archive) {
      archive(whole, hours);
    }
  };
  // Adds the tallies of `day` in [after, before) to `parts`, and the facts read from the hours
  // it cuts to `edges` (setting `cut`). Errors: read's.
  static absl::Status AddDay(const absl::CivilDay& date, const Day& day, absl::Time after, absl::Time before,
                             FactsReader read, std::vector<const domain::MetricsTally*>& parts,
                             domain::MetricsTally& edges, bool& cut);

  std::map<absl::CivilDay, Day> days_;
  domain::MetricsTally all_{domain::MetricsTally::Customers::kNotCounted};
  domain::RepeatCustomers repeat_;
};

}  // namespace closedloop::services

#endif  // CLOSEDLOOP_SERVICES_PROJECTIONS_METRICS_BY_DAY_H_
