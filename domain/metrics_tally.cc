// MetricsTally: the case-by-case counterpart of MetricsOf (domain/metrics.cc); the two must
// count the same things, which the property test in tests/domain/metrics_tally_test.cc checks.
#include "domain/metrics_tally.h"

#include "absl/time/time.h"
#include "domain/proto_time.h"

namespace closedloop::domain {
namespace {

// Adds `delta` (times `sign`) to the group under `key`, dropping the group once it is empty
// again, so that a group shows exactly when MetricsOf would show it.
template <typename Map, typename Key, typename Group>
void AddTo(Map& groups, const Key& key, const Group& delta, int sign) {
  auto [it, inserted] = groups.try_emplace(key);
  it->second.Add(delta, sign);
  if (it->second.empty()) groups.erase(it);
}

template <typename Map>
void MergeInto(Map& into, const Map& from) {
  for (const auto& [key, group] : from) AddTo(into, key, group, 1);
}

double Share(int64_t part, int64_t whole) {
  return whole == 0 ? 0.0 : static_cast<double>(part) / static_cast<double>(whole);
}

v1::Satisfaction Reduce(const MetricsTally::Scores& s) {
  v1::Satisfaction out;
  out.set_responses(static_cast<int32_t>(s.responses));
  if (s.responses > 0) {
    out.set_nps(100.0 * static_cast<double>(s.promoters - s.detractors) / static_cast<double>(s.responses));
    out.set_csat(static_cast<double>(s.csat_sum) / static_cast<double>(s.responses));
  }
  return out;
}

v1::Metrics::OneCallResolution Reduce(const MetricsTally::OneCall& c) {
  v1::Metrics::OneCallResolution out;
  out.set_resolved(static_cast<int32_t>(c.resolved));
  out.set_one_call(static_cast<int32_t>(c.one_call));
  out.set_rate(Share(c.one_call, c.resolved));
  return out;
}

std::string MonthName(absl::CivilMonth month) {
  return absl::FormatTime("%Y-%m", absl::FromCivil(month, absl::UTCTimeZone()), absl::UTCTimeZone());
}

}  // namespace

void MetricsTally::Scores::Add(const Scores& other, int sign) {
  responses += sign * other.responses;
  promoters += sign * other.promoters;
  detractors += sign * other.detractors;
  csat_sum += sign * other.csat_sum;
}

void MetricsTally::OneCall::Add(const OneCall& other, int sign) {
  resolved += sign * other.resolved;
  one_call += sign * other.one_call;
}

void MetricsTally::Mix::Add(const Mix& other, int sign) {
  complaints += sign * other.complaints;
  recommendations += sign * other.recommendations;
}

void MetricsTally::AddCustomer(const std::string& customer, int64_t count) {
  auto [it, inserted] = cases_by_customer_.try_emplace(customer, 0);
  const bool was_repeat = it->second >= 2;
  it->second += count;
  const bool is_repeat = it->second >= 2;
  repeat_customers_ += static_cast<int64_t>(is_repeat) - static_cast<int64_t>(was_repeat);
  // A customer at zero keeps its entry: a case changing is taken back and counted again at
  // once, and erasing would allocate the entry anew on every change.
}

void MetricsTally::Add(const v1::ComplaintView& view, int sign) {
  Add(FactsOf(view), sign);
  if (count_customers_ && !view.filing().customer_ref().empty()) AddCustomer(view.filing().customer_ref(), sign);
}

void MetricsTally::Add(const CaseFacts& facts, int sign) {
  const bool complaint = facts.kind == CaseFacts::Kind::kComplaint;
  cases_ += sign;

  if (complaint) {
    complaints_ += sign;
    AddTo(mix_by_channel_, facts.channel, Mix{1, 0}, sign);
  } else if (facts.kind == CaseFacts::Kind::kRecommendation) {
    recommendations_ += sign;
    AddTo(mix_by_channel_, facts.channel, Mix{0, 1}, sign);
  }
  // As MetricsOf: the first-level loop is measured on complaints only.
  if (complaint && facts.first_contacted) first_contact_.Add(absl::Nanoseconds(facts.first_contact_ns), sign);
  if (complaint && facts.resolved) {
    resolution_.Add(absl::Nanoseconds(facts.resolution_ns), sign);
    if (facts.within_target) within_target_ += sign;
    const OneCall counted{1, facts.one_call ? 1 : 0};
    one_call_.Add(counted, sign);
    AddTo(one_call_by_channel_, facts.channel, counted, sign);
    AddTo(one_call_by_team_, *facts.team, counted, sign);
  }
  if (complaint && facts.reopened) reopened_ += sign;
  if (facts.breach_count > 0) {
    auto [it, inserted] = breaches_by_department_.try_emplace(*facts.department, 0);
    it->second += sign * int64_t{facts.breach_count};
    if (it->second == 0) breaches_by_department_.erase(it);
  }
  if (facts.channel == v1::CHANNEL_RED_BUTTON) {
    red_button_cases_ += sign;
    if (facts.redirected) red_button_redirected_ += sign;
  }
  if (facts.surveyed) {
    const Scores one{1, facts.promoter ? 1 : 0, facts.detractor ? 1 : 0, facts.csat};
    satisfaction_.Add(one, sign);
    AddTo(satisfaction_by_month_, absl::ToCivilMonth(facts.filed, absl::UTCTimeZone()), one, sign);
    AddTo(satisfaction_by_channel_, facts.channel, one, sign);
    AddTo(satisfaction_by_store_, *facts.store, one, sign);
    AddTo(satisfaction_by_department_, *facts.department, one, sign);
  }
}

void MetricsTally::Merge(const MetricsTally& other) {
  MergeCounts(other);
  if (!count_customers_) return;
  for (const auto& [customer, n] : other.cases_by_customer_) {
    if (n != 0) AddCustomer(customer, n);
  }
}

v1::Metrics MetricsTally::MetricsOfParts(const std::vector<const MetricsTally*>& parts) {
  if (parts.size() == 1) return parts.front()->ToMetrics();
  MetricsTally sum;
  size_t customers = 0;
  for (const MetricsTally* part : parts) {
    sum.MergeCounts(*part);
    customers += part->cases_by_customer_.size();
  }
  absl::flat_hash_map<absl::string_view, int64_t> cases_by_customer;
  cases_by_customer.reserve(customers);
  for (const MetricsTally* part : parts) {
    for (const auto& [customer, n] : part->cases_by_customer_) {
      if (n == 0) continue;
      int64_t& total = cases_by_customer[customer];
      if (total < 2 && total + n >= 2) ++sum.repeat_customers_;
      total += n;
    }
  }
  return sum.ToMetrics();
}

void MetricsTally::MergeCounts(const MetricsTally& other) {
  cases_ += other.cases_;
  complaints_ += other.complaints_;
  recommendations_ += other.recommendations_;
  first_contact_.Merge(other.first_contact_);
  resolution_.Merge(other.resolution_);
  within_target_ += other.within_target_;
  reopened_ += other.reopened_;
  red_button_cases_ += other.red_button_cases_;
  red_button_redirected_ += other.red_button_redirected_;
  MergeInto(mix_by_channel_, other.mix_by_channel_);
  for (const auto& [department, n] : other.breaches_by_department_) {
    auto [it, inserted] = breaches_by_department_.try_emplace(department, 0);
    it->second += n;
    if (it->second == 0) breaches_by_department_.erase(it);
  }
  satisfaction_.Add(other.satisfaction_, 1);
  MergeInto(satisfaction_by_month_, other.satisfaction_by_month_);
  MergeInto(satisfaction_by_channel_, other.satisfaction_by_channel_);
  MergeInto(satisfaction_by_store_, other.satisfaction_by_store_);
  MergeInto(satisfaction_by_department_, other.satisfaction_by_department_);
  one_call_.Add(other.one_call_, 1);
  MergeInto(one_call_by_channel_, other.one_call_by_channel_);
  MergeInto(one_call_by_team_, other.one_call_by_team_);
}

v1::Metrics MetricsTally::ToMetrics() const {
  v1::Metrics m;
  m.set_complaints(static_cast<int32_t>(complaints_));
  m.set_recommendations(static_cast<int32_t>(recommendations_));
  for (const auto& [channel, mix] : mix_by_channel_) {
    v1::Metrics::ChannelMix& out = (*m.mutable_by_channel())[v1::Channel_Name(channel)];
    out.set_complaints(static_cast<int32_t>(mix.complaints));
    out.set_recommendations(static_cast<int32_t>(mix.recommendations));
  }
  if (!first_contact_.empty()) {
    *m.mutable_first_contact_p50() = ToProto(first_contact_.Percentile(50));
    *m.mutable_first_contact_p90() = ToProto(first_contact_.Percentile(90));
  }
  if (!resolution_.empty()) {
    *m.mutable_resolution_p50() = ToProto(resolution_.Percentile(50));
    *m.mutable_resolution_p90() = ToProto(resolution_.Percentile(90));
  }
  const int64_t resolved = resolution_.count();
  m.set_resolved(static_cast<int32_t>(resolved));
  m.set_resolved_within_target(Share(within_target_, resolved));
  m.set_reopen_rate(Share(reopened_, resolved));
  for (const auto& [department, n] : breaches_by_department_) {
    (*m.mutable_breaches_by_department())[department] = static_cast<int32_t>(n);
  }
  m.set_red_button_cases(static_cast<int32_t>(red_button_cases_));
  m.set_red_button_redirect_rate(Share(red_button_redirected_, red_button_cases_));
  m.set_repeat_complainers(static_cast<int32_t>(repeat_customers_));
  *m.mutable_satisfaction() = Reduce(satisfaction_);
  for (const auto& [month, s] : satisfaction_by_month_) {
    (*m.mutable_satisfaction_by_month())[MonthName(month)] = Reduce(s);
  }
  for (const auto& [channel, s] : satisfaction_by_channel_) {
    (*m.mutable_satisfaction_by_channel())[v1::Channel_Name(channel)] = Reduce(s);
  }
  for (const auto& [store, s] : satisfaction_by_store_) (*m.mutable_satisfaction_by_store())[store] = Reduce(s);
  for (const auto& [department, s] : satisfaction_by_department_) {
    (*m.mutable_satisfaction_by_department())[department] = Reduce(s);
  }
  *m.mutable_one_call_resolution() = Reduce(one_call_);
  for (const auto& [channel, c] : one_call_by_channel_) {
    (*m.mutable_one_call_resolution_by_channel())[v1::Channel_Name(channel)] = Reduce(c);
  }
  for (const auto& [team, c] : one_call_by_team_) (*m.mutable_one_call_resolution_by_team())[team] = Reduce(c);
  return m;
}

}  // namespace closedloop::domain
