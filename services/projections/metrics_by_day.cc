#include "services/projections/metrics_by_day.h"

#include <algorithm>
#include <vector>

namespace closedloop::services {
namespace {

absl::CivilDay DayOf(absl::Time t) { return absl::ToCivilDay(t, absl::UTCTimeZone()); }

}  // namespace

const std::string* MetricsByDay::Intern(const std::string& s) { return &*strings_.insert(s).first; }

void MetricsByDay::Add(const v1::ComplaintView& view, int sign) {
  domain::CaseFacts facts = domain::FactsOf(view);
  // From here on the facts point at nothing of the view's.
  facts.team = Intern(*facts.team);
  facts.department = Intern(*facts.department);
  facts.store = Intern(*facts.store);
  all_.Add(facts, sign);
  // A case's filing (its customer and time) never changes, so it is taken back from the day and
  // the customer it was counted with.
  if (!view.filing().customer_ref().empty()) repeat_.Add(view.filing().customer_ref(), facts.filed, sign);
  auto [it, inserted] = days_.try_emplace(DayOf(facts.filed));
  Day& day = it->second;
  day.tally.Add(facts, sign);
  if (sign > 0) {
    day.cases.insert(facts);
  } else {
    auto [first, last] = day.cases.equal_range(facts.filed);
    auto found = std::find(first, last, facts);
    if (found != last) day.cases.erase(found);
  }
  if (day.cases.empty()) days_.erase(it);
}

v1::Metrics MetricsByDay::Metrics(absl::Time after, absl::Time before) const {
  v1::Metrics m = Tallied(after, before);
  m.set_repeat_complainers(static_cast<int32_t>(repeat_.Count(after, before)));
  return m;
}

v1::Metrics MetricsByDay::Tallied(absl::Time after, absl::Time before) const {
  if (after == absl::InfinitePast() && before == absl::InfiniteFuture()) return all_.ToMetrics();
  std::vector<const domain::MetricsTally*> parts;  // whole days
  domain::MetricsTally edges(domain::MetricsTally::Customers::kNotCounted);  // cases of cut days
  auto first = after == absl::InfinitePast() ? days_.begin() : days_.lower_bound(DayOf(after));
  for (auto it = first; it != days_.end(); ++it) {
    const absl::Time start = absl::FromCivil(it->first, absl::UTCTimeZone());
    if (start >= before) break;
    const Day& day = it->second;
    if (day.cases.begin()->filed >= after && day.cases.rbegin()->filed < before) {
      parts.push_back(&day.tally);
      continue;
    }
    for (auto c = day.cases.lower_bound(after); c != day.cases.end() && c->filed < before; ++c) edges.Add(*c);
  }
  if (edges.cases() > 0 || parts.empty()) parts.push_back(&edges);
  return domain::MetricsTally::MetricsOfParts(parts);
}

}  // namespace closedloop::services
