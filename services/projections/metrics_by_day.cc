#include "services/projections/metrics_by_day.h"

#include <algorithm>
#include <vector>

#include "domain/proto_time.h"

namespace closedloop::services {
namespace {

absl::Time FiledAt(const v1::ComplaintView& view) { return domain::FromProto(view.filing().filed_at()); }

absl::CivilDay DayOf(absl::Time t) { return absl::ToCivilDay(t, absl::UTCTimeZone()); }

}  // namespace

void MetricsByDay::Add(const v1::ComplaintView& view, int sign) {
  all_.Add(view, sign);
  // A case's filing (its customer and time) never changes, so it is taken back from the day and
  // the customer it was counted with.
  if (!view.filing().customer_ref().empty()) repeat_.Add(view.filing().customer_ref(), FiledAt(view), sign);
  auto [it, inserted] = days_.try_emplace(DayOf(FiledAt(view)));
  Day& day = it->second;
  day.tally.Add(view, sign);
  if (sign > 0) {
    day.cases.insert(&view);
    day.first_filed = std::min(day.first_filed, FiledAt(view));
    day.last_filed = std::max(day.last_filed, FiledAt(view));
  } else {
    day.cases.erase(&view);
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
    const absl::Time end = absl::FromCivil(it->first + 1, absl::UTCTimeZone());
    const Day& day = it->second;
    if ((start >= after && end <= before) || (day.first_filed >= after && day.last_filed < before)) {
      parts.push_back(&day.tally);
      continue;
    }
    for (const v1::ComplaintView* view : day.cases) {
      const absl::Time filed = FiledAt(*view);
      if (filed >= after && filed < before) edges.Add(*view);
    }
  }
  if (edges.cases() > 0 || parts.empty()) parts.push_back(&edges);
  return domain::MetricsTally::MetricsOfParts(parts);
}

}  // namespace closedloop::services
