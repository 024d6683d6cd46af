#include "domain/repeat_customers.h"

#include <algorithm>

namespace closedloop::domain {
namespace {

constexpr int64_t kDayNanos = int64_t{86400} * 1000 * 1000 * 1000;

// UTC day number (days since the epoch, rounded down) and the position within the day.
int64_t DayOf(int64_t nanos) { return nanos / kDayNanos - (nanos % kDayNanos < 0 ? 1 : 0); }
int64_t WithinDay(int64_t nanos) { return nanos % kDayNanos + (nanos % kDayNanos < 0 ? kDayNanos : 0); }

const absl::Time kEarliest = absl::FromUnixNanos(INT64_MIN);
const absl::Time kLatest = absl::FromUnixNanos(INT64_MAX);

// The least whole nanosecond at or after `t` (t within the int64 range).
int64_t CeilNanos(absl::Time t) {
  const int64_t floor = absl::ToUnixNanos(t);
  return absl::FromUnixNanos(floor) < t ? floor + 1 : floor;
}

}  // namespace

void RepeatCustomers::Add(absl::string_view customer, absl::Time filed, int sign) {
  const int64_t t = absl::ToUnixNanos(filed);
  if (sign > 0) {
    auto found = times_by_customer_.find(customer);
    if (found == times_by_customer_.end()) found = times_by_customer_.emplace(std::string(customer), Times()).first;
    Times& times = found->second;
    const int64_t i = std::upper_bound(times.begin(), times.end(), t) - times.begin();
    AddPoints(times, i - 1, i - 1, i - 1, i, -1);  // (p, n) and the triples over p..n
    times.insert(times.begin() + i, t);
    AddPoints(times, i - 1, i, i - 1, i + 1, 1);  // (p, t), (t, n) and the triples around t
    Day& day = days_[DayOf(t)];
    ++day.cases;
    day.first = std::min(day.first, t);
    day.last = std::max(day.last, t);
    return;
  }
  auto found = times_by_customer_.find(customer);
  if (found == times_by_customer_.end()) return;
  Times& times = found->second;
  const auto at = std::lower_bound(times.begin(), times.end(), t);
  if (at == times.end() || *at != t) return;
  const int64_t i = at - times.begin();
  AddPoints(times, i - 1, i, i - 1, i + 1, -1);
  times.erase(at);
  AddPoints(times, i - 1, i - 1, i - 1, i, 1);
  if (times.empty()) times_by_customer_.erase(found);
  auto day = days_.find(DayOf(t));
  if (day != days_.end() && --day->second.cases <= 0) days_.erase(day);  // missing: a bad save
}

void RepeatCustomers::AddPoints(const Times& times, int64_t pair_from, int64_t pair_to, int64_t triple_from,
                                int64_t triple_to, int sign) {
  const int64_t n = static_cast<int64_t>(times.size());
  for (int64_t k = std::max<int64_t>(pair_from, 0); k <= std::min(pair_to, n - 2); ++k) {
    AddPoint({times[k], times[k + 1]}, true, sign);
  }
  for (int64_t k = std::max<int64_t>(triple_from, 1); k <= std::min(triple_to, n - 2); ++k) {
    AddPoint({times[k - 1], times[k + 1]}, false, sign);
  }
}

void RepeatCustomers::AddPoint(Point p, bool pair, int sign) {
  const std::pair<int64_t, int64_t> key{DayOf(p.first), DayOf(p.second)};
  const int64_t weight = pair ? 1 : -1;
  if (sign > 0) {
    Cell& cell = cells_[key];
    (pair ? cell.pairs : cell.triples).insert(p);
    cell.weight += weight;
    total_ += weight;
    return;
  }
  auto it = cells_.find(key);
  if (it == cells_.end()) return;
  Cell& cell = it->second;
  absl::btree_multiset<Point>& points = pair ? cell.pairs : cell.triples;
  auto point = points.find(p);
  if (point == points.end()) return;
  points.erase(point);
  cell.weight -= weight;
  total_ -= weight;
  if (cell.pairs.empty() && cell.triples.empty()) cells_.erase(it);
}

int64_t RepeatCustomers::CountIn(const Cell& cell, int64_t after, int64_t last) {
  int64_t n = 0;
  for (auto p = cell.pairs.lower_bound({after, INT64_MIN}); p != cell.pairs.end(); ++p) {
    if (p->second <= last) ++n;
  }
  for (auto p = cell.triples.lower_bound({after, INT64_MIN}); p != cell.triples.end(); ++p) {
    if (p->second <= last) --n;
  }
  return n;
}

int64_t RepeatCustomers::Count(absl::Time after, absl::Time before) const {
  // In whole nanoseconds: after <= x becomes first <= x, y < before becomes y <= last.
  if (after > kLatest || before <= kEarliest) return 0;
  const int64_t first = after <= kEarliest ? INT64_MIN : CeilNanos(after);
  const int64_t last = before > kLatest ? INT64_MAX : CeilNanos(before) - 1;
  if (first > last) return 0;
  if (first == INT64_MIN && last == INT64_MAX) return total_;

  const int64_t first_day = DayOf(first);
  const int64_t last_day = DayOf(last);
  // A day the range cuts needs its points checked one by one, unless its filings all fall in
  // the range anyway.
  auto day_cut = [&](int64_t day, bool cut) {
    if (!cut) return false;
    auto found = days_.find(day);
    return found == days_.end() || found->second.first < first || found->second.last > last;
  };
  const bool first_day_cut = day_cut(first_day, first != INT64_MIN && WithinDay(first) != 0);
  const bool last_day_cut = day_cut(last_day, last != INT64_MAX && WithinDay(last) != kDayNanos - 1);

  int64_t n = 0;
  for (auto it = cells_.lower_bound({first_day, INT64_MIN}); it != cells_.end() && it->first.first <= last_day;) {
    const auto [x_day, y_day] = it->first;
    if (y_day > last_day) {  // the rest of this row ends after the range
      it = cells_.lower_bound({x_day + 1, INT64_MIN});
      continue;
    }
    const bool cut = (first_day_cut && x_day == first_day) || (last_day_cut && y_day == last_day);
    n += cut ? CountIn(it->second, first, last) : it->second.weight;
    ++it;
  }
  return n;
}

}  // namespace closedloop::domain
