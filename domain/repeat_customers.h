// RepeatCustomers: how many customers filed two or more cases in a filing range [after, before),
// exactly, kept as cases come and go, at a cost of the days in the range rather than the cases.
//
// The count. Take one customer's filing times in order, t1 <= t2 <= ... <= tk. Keep a "pair
// point" (t_i, t_i+1) of weight +1 for each two neighbours and a "triple point" (t_i-1, t_i+1) of
// weight -1 for each three. A point (x, y) is in [after, before) when after <= x and y < before.
// Then the customer's points in range weigh exactly 1 if two or more of its cases are in range,
// else 0:
// - the customer's cases in range form one unbroken run t_i..t_j of the order, since t is
//   non-decreasing and the range is an interval (equal times are both in or both out);
// - as x <= y, a pair point is in range exactly when both its cases are (after <= x <= y and
//   x <= y < before), that is when both are in the run: n - 1 pairs for n >= 1 cases in range;
// - a triple point is in range exactly when both its ends are, and then its middle case, filed
//   between them, is too: n - 2 triples for n >= 2;
// - so n >= 2 gives (n - 1) - (n - 2) = 1, n = 1 gives 0 - 0, n = 0 gives 0, however the
//   customer's cases straddle the bounds.
// Equal times (ties): the points are made of times only, and a customer's sorted sequence of
// times is the same whichever of two equally timed cases comes first, so which case is which
// does not matter: a customer keeps just its sorted times, and a case is found again by its time.
//
// Change. Filing t between p and n changes O(1) points: it takes away pair (p, n) and the two
// triples over p..n, and adds (p, t), (t, n) and the three triples around t. Taking the case back
// is the exact reverse, so the churn of a case taken back and counted again after every change
// ends in the very same state.
//
// Query. Points are counted in a grid of cells by (UTC day of x, UTC day of y), each cell keeping
// its weight and its points. A range adds the weights of the cells wholly inside it and checks
// points one by one only in the cells of the (at most two) days it cuts; a cut day whose
// customers' filings (of those ever counted since the day last emptied) all fall in the range
// counts whole, as "the last 30 days" does with today. All time is one counter. So a range costs
// the cells in it (at most days * (days + 1) / 2, far fewer in practice: a cell holds the points
// of one pair of days) plus the points of its two edge days.
//
// Times are kept as int64 nanoseconds since the Unix epoch (filings carry whole nanoseconds).
// Pure: no clock, no I/O.
#ifndef CLOSEDLOOP_DOMAIN_REPEAT_CUSTOMERS_H_
#define CLOSEDLOOP_DOMAIN_REPEAT_CUSTOMERS_H_

#include <cstdint>
#include <string>
#include <utility>

#include "absl/container/btree_map.h"
#include "absl/container/btree_set.h"
#include "absl/container/flat_hash_map.h"
#include "absl/container/inlined_vector.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace closedloop::domain {

class RepeatCustomers {
 public:
  // Counts a case of `customer` filed at `filed` (sign +1), or takes one back (sign -1). A case
  // taken back must have been counted with the same customer and filing time.
  void Add(absl::string_view customer, absl::Time filed, int sign);

  // The customers with two or more cases filed in [after, before); infinite bounds allowed.
  int64_t Count(absl::Time after, absl::Time before) const;

  int64_t customers() const { return static_cast<int64_t>(times_by_customer_.size()); }

  // The fields a saved state keeps (services/projections/state_archive.h).
  template <typename Archive>
  void Fields(Archive& archive) {
    archive(times_by_customer_, cells_, days_, total_);
  }

 private:
  using Point = std::pair<int64_t, int64_t>;  // (x, y) in nanoseconds, x <= y
  struct Cell {
    int64_t weight = 0;  // pairs minus triples
    absl::btree_multiset<Point> pairs;
    absl::btree_multiset<Point> triples;
    template <typename Archive>
    void Fields(Archive& archive) {
      archive(weight, pairs, triples);
    }
  };
  struct Day {
    int64_t cases = 0;
    int64_t first = INT64_MAX;  // the earliest and latest filing counted since the day emptied
    int64_t last = INT64_MIN;
    template <typename Archive>
    void Fields(Archive& archive) {
      archive(cases, first, last);
    }
  };
  // Most customers file once or twice: their times stay inline.
  using Times = absl::InlinedVector<int64_t, 2>;

  // The pairs numbered [pair_from, pair_to] (pair k joins times[k] and times[k + 1]) and the
  // triples [triple_from, triple_to] (triple k spans times[k - 1] to times[k + 1]) of `times`,
  // added with `sign`; numbers outside the sequence are skipped.
  void AddPoints(const Times& times, int64_t pair_from, int64_t pair_to, int64_t triple_from, int64_t triple_to,
                 int sign);
  void AddPoint(Point p, bool pair, int sign);
  // The points of `cell` in range, one by one.
  static int64_t CountIn(const Cell& cell, int64_t after, int64_t last);

  absl::flat_hash_map<std::string, Times> times_by_customer_;
  absl::btree_map<std::pair<int64_t, int64_t>, Cell> cells_;  // by (day of x, day of y)
  absl::btree_map<int64_t, Day> days_;                        // the filing days of the times
  int64_t total_ = 0;                                         // all points' weight: all time
};

}  // namespace closedloop::domain

#endif  // CLOSEDLOOP_DOMAIN_REPEAT_CUSTOMERS_H_
