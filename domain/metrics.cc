// Metrics: one pass over the views, then percentiles and shares.
#include "domain/metrics.h"

#include <cstdint>
#include <map>
#include <string>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "domain/boards.h"
#include "domain/proto_time.h"

namespace closedloop::domain {
namespace {

// Survey answers of one group, reduced to a Satisfaction at the end.
struct Scores {
  int responses = 0;
  int promoters = 0;   // nps 9..10
  int detractors = 0;  // nps 0..6
  int64_t csat_sum = 0;

  void Add(const v1::SurveyRecorded& survey) {
    ++responses;
    if (survey.nps() >= 9) ++promoters;
    if (survey.nps() <= 6) ++detractors;
    csat_sum += survey.csat();
  }

  v1::Satisfaction Reduce() const {
    v1::Satisfaction out;
    out.set_responses(responses);
    if (responses > 0) {
      out.set_nps(100.0 * (promoters - detractors) / responses);
      out.set_csat(static_cast<double>(csat_sum) / responses);
    }
    return out;
  }
};

// Groups are keyed by what is cheapest to compare in the pass over every case (an enum, a
// civil month, a string the view owns) and named once each at the end.
template <typename Key, typename NameOf>
void Fill(const std::map<Key, Scores>& groups, NameOf name_of,
          google::protobuf::Map<std::string, v1::Satisfaction>* out) {
  for (const auto& [key, scores] : groups) (*out)[name_of(key)] = scores.Reduce();
}

std::string Itself(const std::string& key) { return key; }
std::string ChannelName(v1::Channel channel) { return v1::Channel_Name(channel); }
std::string MonthName(absl::CivilMonth month) {
  return absl::FormatTime("%Y-%m", absl::FromCivil(month, absl::UTCTimeZone()), absl::UTCTimeZone());
}

// The due of the case's first resolution deadline, if it has one.
const v1::DeadlineView* FirstResolutionDeadline(const v1::ComplaintView& view) {
  for (const v1::DeadlineView& d : view.deadlines()) {
    if (d.kind() == v1::DEADLINE_KIND_RESOLUTION) return &d;
  }
  return nullptr;
}

double Share(int part, int whole) { return whole == 0 ? 0.0 : static_cast<double>(part) / whole; }

// One-call resolution of one group, reduced to its proto at the end.
struct OneCall {
  int resolved = 0;
  int one_call = 0;

  void Add(bool in_one_call) {
    ++resolved;
    if (in_one_call) ++one_call;
  }

  v1::Metrics::OneCallResolution Reduce() const {
    v1::Metrics::OneCallResolution out;
    out.set_resolved(resolved);
    out.set_one_call(one_call);
    out.set_rate(Share(one_call, resolved));
    return out;
  }
};

// At most one contact reached the customer before the first resolution (see boards.proto).
bool ResolvedInOneCall(const v1::ComplaintView& view) {
  return view.reached_contacts_before_resolution() <= 1;
}

}  // namespace

v1::Metrics MetricsOf(const std::vector<const v1::ComplaintView*>& views) {
  v1::Metrics m;
  std::vector<absl::Duration> first_contact;
  std::vector<absl::Duration> resolution;
  int within_target = 0;
  int reopened = 0;
  int red_button_redirected = 0;
  // The views outlive this call, so their customer refs key the count without copies.
  absl::flat_hash_map<absl::string_view, int> cases_by_customer;
  cases_by_customer.reserve(views.size());
  std::map<v1::Channel, v1::Metrics::ChannelMix> mix_by_channel;
  Scores overall;
  std::map<absl::CivilMonth, Scores> by_month;
  std::map<v1::Channel, Scores> by_channel;
  std::map<std::string, Scores> by_store, by_department;
  OneCall one_call;
  std::map<v1::Channel, OneCall> one_call_by_channel;
  absl::flat_hash_map<absl::string_view, OneCall> one_call_by_team;

  for (const v1::ComplaintView* view : views) {
    if (view == nullptr) continue;
    const v1::Filed& filing = view->filing();
    const absl::Time filed_at = FromProto(filing.filed_at());
    const bool complaint = view->kind() == v1::ITEM_KIND_COMPLAINT;

    if (complaint) {
      m.set_complaints(m.complaints() + 1);
      v1::Metrics::ChannelMix& mix = mix_by_channel[filing.channel()];
      mix.set_complaints(mix.complaints() + 1);
    } else if (view->kind() == v1::ITEM_KIND_RECOMMENDATION) {
      m.set_recommendations(m.recommendations() + 1);
      v1::Metrics::ChannelMix& mix = mix_by_channel[filing.channel()];
      mix.set_recommendations(mix.recommendations() + 1);
    }

    // The first-level loop is a complaint's: recommendations are answered on a slower clock
    // and would drown the measure (they are most of the items).
    if (complaint && view->has_first_contact_at()) {
      first_contact.push_back(FromProto(view->first_contact_at()) - filed_at);
    }
    if (complaint && view->has_first_resolved_at()) {
      const absl::Time resolved_at = FromProto(view->first_resolved_at());
      resolution.push_back(resolved_at - filed_at);
      const v1::DeadlineView* target = FirstResolutionDeadline(*view);
      if (target == nullptr || resolved_at <= FromProto(target->due())) ++within_target;
      const bool in_one_call = ResolvedInOneCall(*view);
      one_call.Add(in_one_call);
      one_call_by_channel[filing.channel()].Add(in_one_call);
      one_call_by_team[view->team()].Add(in_one_call);
    }
    if (complaint && view->reopen_count() > 0) ++reopened;
    if (view->breach_count() > 0) {
      (*m.mutable_breaches_by_department())[view->department()] += view->breach_count();
    }

    if (filing.channel() == v1::CHANNEL_RED_BUTTON) {
      m.set_red_button_cases(m.red_button_cases() + 1);
      // A redirected case is worked on in ordinary support afterwards; the redirect stays.
      if (view->state() == v1::COMPLAINT_STATE_REDIRECTED || !view->redirect_reason().empty()) {
        ++red_button_redirected;
      }
    }
    if (!filing.customer_ref().empty()) ++cases_by_customer[filing.customer_ref()];

    if (view->surveyed()) {
      const v1::SurveyRecorded& survey = view->survey();
      overall.Add(survey);
      by_month[absl::ToCivilMonth(filed_at, absl::UTCTimeZone())].Add(survey);
      by_channel[filing.channel()].Add(survey);
      by_store[filing.store()].Add(survey);
      by_department[view->department()].Add(survey);
    }
  }
  for (const auto& [channel, mix] : mix_by_channel) (*m.mutable_by_channel())[ChannelName(channel)] = mix;

  const int resolved = static_cast<int>(resolution.size());
  if (!first_contact.empty()) {
    *m.mutable_first_contact_p50() = ToProto(Percentile(first_contact, 50));
    *m.mutable_first_contact_p90() = ToProto(Percentile(first_contact, 90));
  }
  if (!resolution.empty()) {
    *m.mutable_resolution_p50() = ToProto(Percentile(resolution, 50));
    *m.mutable_resolution_p90() = ToProto(Percentile(resolution, 90));
  }
  m.set_resolved(resolved);
  m.set_resolved_within_target(Share(within_target, resolved));
  m.set_reopen_rate(Share(reopened, resolved));
  m.set_red_button_redirect_rate(Share(red_button_redirected, m.red_button_cases()));
  int repeat = 0;
  for (const auto& [customer, cases] : cases_by_customer) {
    if (cases >= 2) ++repeat;
  }
  m.set_repeat_complainers(repeat);
  *m.mutable_satisfaction() = overall.Reduce();
  Fill(by_month, MonthName, m.mutable_satisfaction_by_month());
  Fill(by_channel, ChannelName, m.mutable_satisfaction_by_channel());
  Fill(by_store, Itself, m.mutable_satisfaction_by_store());
  Fill(by_department, Itself, m.mutable_satisfaction_by_department());
  *m.mutable_one_call_resolution() = one_call.Reduce();
  for (const auto& [channel, counts] : one_call_by_channel) {
    (*m.mutable_one_call_resolution_by_channel())[ChannelName(channel)] = counts.Reduce();
  }
  for (const auto& [team, counts] : one_call_by_team) {
    (*m.mutable_one_call_resolution_by_team())[std::string(team)] = counts.Reduce();
  }
  return m;
}

}  // namespace closedloop::domain
