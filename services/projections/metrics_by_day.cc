#include "services/projections/metrics_by_day.h"

#include <algorithm>
#include <vector>

namespace closedloop::services {
namespace {

absl::CivilDay DayOf(absl::Time t) { return absl::ToCivilDay(t, absl::UTCTimeZone()); }

}  // namespace

void MetricsByDay::Add(const v1::ComplaintView& view, int sign) {
  const domain::CaseFacts facts = domain::FactsOf(view);
  all_.Add(facts, sign);
  // A case's filing (its customer and time) never changes, so it is taken back from the day and
  // the customer it was counted with.
  if (!view.filing().customer_ref().empty()) repeat_.Add(view.filing().customer_ref(), facts.filed, sign);
  auto [it, inserted] = days_.try_emplace(DayOf(facts.filed));
  Day& day = it->second;
  day.tally.Add(facts, sign);
  day.cases += sign;
  day.first = std::min(day.first, facts.filed);
  day.last = std::max(day.last, facts.filed);
  if (day.cases <= 0) days_.erase(it);
}

absl::StatusOr<v1::Metrics> MetricsByDay::Metrics(absl::Time after, absl::Time before, FactsReader read) const {
  absl::StatusOr<v1::Metrics> m = Tallied(after, before, read);
  if (m.ok()) m->set_repeat_complainers(static_cast<int32_t>(repeat_.Count(after, before)));
  return m;
}

absl::StatusOr<v1::Metrics> MetricsByDay::Tallied(absl::Time after, absl::Time before, FactsReader read) const {
  if (after == absl::InfinitePast() && before == absl::InfiniteFuture()) return all_.ToMetrics();
  std::vector<const domain::MetricsTally*> parts;  // whole days
  domain::MetricsTally edges(domain::MetricsTally::Customers::kNotCounted);  // cases of cut days
  auto first = after == absl::InfinitePast() ? days_.begin() : days_.lower_bound(DayOf(after));
  for (auto it = first; it != days_.end(); ++it) {
    const absl::Time start = absl::FromCivil(it->first, absl::UTCTimeZone());
    if (start >= before) break;
    const Day& day = it->second;
    if (day.first >= after && day.last < before) {
      parts.push_back(&day.tally);
      continue;
    }
    const absl::Time end = absl::FromCivil(it->first + 1, absl::UTCTimeZone());
    absl::Status counted = read(std::max(after, start), std::min(before, end),
                                [&](const domain::CaseFacts& facts) { edges.Add(facts); });
    if (!counted.ok()) return counted;
  }
  if (edges.cases() > 0 || parts.empty()) parts.push_back(&edges);
  return domain::MetricsTally::MetricsOfParts(parts);
}

}  // namespace closedloop::services
