#include "services/projections/metrics_by_day.h"

#include <algorithm>
#include <vector>

namespace closedloop::services {
namespace {

absl::CivilDay DayOf(absl::Time t) { return absl::ToCivilDay(t, absl::UTCTimeZone()); }
absl::CivilHour HourOf(absl::Time t) { return absl::ToCivilHour(t, absl::UTCTimeZone()); }
absl::Time StartOf(absl::CivilHour hour) { return absl::FromCivil(hour, absl::UTCTimeZone()); }

}  // namespace

void MetricsByDay::Add(const v1::ComplaintView& view, int sign) {
  const domain::CaseFacts facts = domain::FactsOf(view);
  all_.Add(facts, sign);
  // A case's filing (its customer and time) never changes, so it is taken back from the day and
  // the customer it was counted with.
  if (!view.filing().customer_ref().empty()) repeat_.Add(view.filing().customer_ref(), facts.filed, sign);
  const auto it = days_.try_emplace(DayOf(facts.filed)).first;
  Day& day = it->second;
  day.whole.Add(facts, sign);
  const auto hour = day.hours.try_emplace(HourOf(facts.filed).hour()).first;
  hour->second.Add(facts, sign);
  if (hour->second.cases <= 0) day.hours.erase(hour);
  if (day.whole.cases <= 0) days_.erase(it);
}

void MetricsByDay::Span::Add(const domain::CaseFacts& facts, int sign) {
  tally.Add(facts, sign);
  cases += sign;
  first = std::min(first, facts.filed);
  last = std::max(last, facts.filed);
}

absl::StatusOr<v1::Metrics> MetricsByDay::Metrics(absl::Time after, absl::Time before, FactsReader read) const {
  absl::StatusOr<v1::Metrics> m = Tallied(after, before, read);
  if (m.ok()) m->set_repeat_complainers(static_cast<int32_t>(repeat_.Count(after, before)));
  return m;
}

absl::StatusOr<v1::Metrics> MetricsByDay::Tallied(absl::Time after, absl::Time before, FactsReader read) const {
  if (after == absl::InfinitePast() && before == absl::InfiniteFuture()) return all_.ToMetrics();
  std::vector<const domain::MetricsTally*> parts;  // whole days
  // The cases read from cut hours: those in range counted, or those out of it taken back.
  domain::MetricsTally edges(domain::MetricsTally::Customers::kNotCounted);
  bool cut = false;  // whether any hour was
  auto first = after == absl::InfinitePast() ? days_.begin() : days_.lower_bound(DayOf(after));
  for (auto it = first; it != days_.end(); ++it) {
    if (absl::FromCivil(it->first, absl::UTCTimeZone()) >= before) break;
    if (absl::Status added = AddDay(it->first, it->second, after, before, read, parts, edges, cut);
        !added.ok()) {
      return added;
    }
  }
  if (cut || parts.empty()) parts.push_back(&edges);
  return domain::MetricsTally::MetricsOfParts(parts);
}

absl::Status MetricsByDay::AddDay(const absl::CivilDay& date, const Day& day, absl::Time after, absl::Time before,
                                  FactsReader read, std::vector<const domain::MetricsTally*>& parts,
                                  domain::MetricsTally& edges, bool& cut) {
  if (day.whole.Within(after, before)) {
    parts.push_back(&day.whole.tally);
    return absl::OkStatus();
  }
  for (const auto& [hour_of_day, hour] : day.hours) {
    const absl::CivilHour civil(date.year(), date.month(), date.day(), hour_of_day);
    const absl::Time start = StartOf(civil);
    const absl::Time end = StartOf(civil + 1);
    if (end <= after) continue;
    if (start >= before) break;
    if (hour.first >= before || hour.last < after) continue;  // none of its cases in range
    if (hour.Within(after, before)) {
      parts.push_back(&hour.tally);
      continue;
    }
    cut = true;
    // Reads the cases in range, or, when the range covers most of the hour (filings spread
    // over it), the hour's tally less the cases out of range: at most half an hour's facts.
    const absl::Time from = std::max(after, start);
    const absl::Time to = std::min(before, end);
    if ((to - from) * 2 <= end - start) {
      absl::Status counted = read(from, to, [&](const domain::CaseFacts& facts) { edges.Add(facts, 1); });
      if (!counted.ok()) return counted;
      continue;
    }
    parts.push_back(&hour.tally);
    for (const auto& [out_from, out_to] : {std::pair{start, from}, std::pair{to, end}}) {
      if (out_from >= out_to) continue;
      absl::Status taken = read(out_from, out_to, [&](const domain::CaseFacts& facts) { edges.Add(facts, -1); });
      if (!taken.ok()) return taken;
    }
  }
  return absl::OkStatus();
}

}  // namespace closedloop::services
