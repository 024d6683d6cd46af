// Metrics: given case views as the projections hold them, when the metrics are computed, then each
// measure counts what DESIGN.md §2.10 says it counts.
#include "domain/metrics.h"

#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "domain/proto_time.h"

namespace closedloop::domain {
namespace {

// Monday 2026-11-23 09:00 UTC.
const absl::Time kT0 = absl::FromCivil(absl::CivilSecond(2026, 11, 23, 9, 0, 0), absl::UTCTimeZone());

v1::ComplaintView Case(const std::string& id, v1::ItemKind kind = v1::ITEM_KIND_COMPLAINT,
                       v1::Channel channel = v1::CHANNEL_HOTLINE, absl::Time filed_at = kT0) {
  v1::ComplaintView v;
  v.set_complaint_id(id);
  v.set_state(v1::COMPLAINT_STATE_OPEN);
  v.set_kind(kind);
  v.mutable_filing()->set_complaint_id(id);
  v.mutable_filing()->set_channel(channel);
  v.mutable_filing()->set_kind(kind);
  *v.mutable_filing()->mutable_filed_at() = ToProto(filed_at);
  return v;
}

void Resolve(v1::ComplaintView& v, absl::Duration after_filing) {
  v.set_state(v1::COMPLAINT_STATE_RESOLVED);
  *v.mutable_first_resolved_at() = ToProto(FromProto(v.filing().filed_at()) + after_filing);
}

void AddDeadline(v1::ComplaintView& v, v1::DeadlineKind kind, absl::Duration after_filing) {
  v1::DeadlineView& d = *v.add_deadlines();
  d.set_timer_id(absl::StrCat("T", v.deadlines_size()));
  d.set_kind(kind);
  *d.mutable_due() = ToProto(FromProto(v.filing().filed_at()) + after_filing);
}

void Survey(v1::ComplaintView& v, int nps, int csat) {
  v.set_surveyed(true);
  v.mutable_survey()->set_nps(nps);
  v.mutable_survey()->set_csat(csat);
}

std::vector<const v1::ComplaintView*> Ptrs(const std::vector<v1::ComplaintView>& views) {
  std::vector<const v1::ComplaintView*> out;
  for (const v1::ComplaintView& v : views) out.push_back(&v);
  return out;
}

TEST_CASE("Given no cases, then every metric is zero and no percentile is set", "[metrics]") {
  const v1::Metrics m = MetricsOf({});
  CHECK(m.complaints() == 0);
  CHECK(m.recommendations() == 0);
  CHECK(m.resolved() == 0);
  CHECK(m.resolved_within_target() == 0.0);
  CHECK(m.reopen_rate() == 0.0);
  CHECK(m.red_button_redirect_rate() == 0.0);
  CHECK_FALSE(m.has_first_contact_p50());
  CHECK_FALSE(m.has_resolution_p90());
  CHECK(m.satisfaction().responses() == 0);
  CHECK(m.by_channel().empty());
  CHECK(m.satisfaction_by_month().empty());
}

TEST_CASE("Given times to first contact and to resolution, then p50 and p90 are nearest-rank, "
          "over complaints only", "[metrics]") {
  std::vector<v1::ComplaintView> v;
  for (int i = 1; i <= 10; ++i) {
    v.push_back(Case(absl::StrCat("CL-", i)));
    *v.back().mutable_first_contact_at() = ToProto(kT0 + absl::Minutes(10 * i));
    Resolve(v.back(), absl::Hours(i));
  }
  v.push_back(Case("CL-11", v1::ITEM_KIND_RECOMMENDATION));  // contacted, resolved: not a complaint
  *v.back().mutable_first_contact_at() = ToProto(kT0 + absl::Hours(50));
  Resolve(v.back(), absl::Hours(100));
  v.push_back(Case("CL-12"));  // never reached, never resolved: in neither sample

  const v1::Metrics m = MetricsOf(Ptrs(v));
  CHECK(m.complaints() == 11);
  CHECK(m.recommendations() == 1);
  // First contact over the 10 complaints reached, 10..100 min (not the recommendation's
  // 50 h); p50 = 5th, p90 = 9th.
  CHECK(FromProto(m.first_contact_p50()) == absl::Minutes(50));
  CHECK(FromProto(m.first_contact_p90()) == absl::Minutes(90));
  CHECK(FromProto(m.resolution_p50()) == absl::Hours(5));
  CHECK(FromProto(m.resolution_p90()) == absl::Hours(9));
  CHECK(m.resolved() == 10);
}

TEST_CASE("Given resolved complaints around their resolution target, then the within-target share "
          "and the reopen rate are shares of the resolved", "[metrics]") {
  std::vector<v1::ComplaintView> v;
  v.push_back(Case("CL-1"));  // early: within
  AddDeadline(v.back(), v1::DEADLINE_KIND_FIRST_CONTACT, absl::Hours(1));
  AddDeadline(v.back(), v1::DEADLINE_KIND_RESOLUTION, absl::Hours(24));
  Resolve(v.back(), absl::Hours(20));
  v.push_back(Case("CL-2"));  // exactly at due: within
  AddDeadline(v.back(), v1::DEADLINE_KIND_RESOLUTION, absl::Hours(24));
  Resolve(v.back(), absl::Hours(24));
  v.push_back(Case("CL-3"));  // late against the first resolution deadline, though a later one exists
  AddDeadline(v.back(), v1::DEADLINE_KIND_RESOLUTION, absl::Hours(24));
  AddDeadline(v.back(), v1::DEADLINE_KIND_RESOLUTION, absl::Hours(72));
  Resolve(v.back(), absl::Hours(30));
  v.back().set_reopen_count(2);
  v.push_back(Case("CL-4"));  // no resolution deadline: within
  Resolve(v.back(), absl::Hours(100));
  v.push_back(Case("CL-5"));  // unresolved: not counted
  AddDeadline(v.back(), v1::DEADLINE_KIND_RESOLUTION, absl::Hours(24));
  v.push_back(Case("CL-6", v1::ITEM_KIND_RECOMMENDATION));  // resolved recommendation: not counted
  Resolve(v.back(), absl::Hours(1));
  v.back().set_reopen_count(1);

  const v1::Metrics m = MetricsOf(Ptrs(v));
  CHECK(m.resolved() == 4);
  CHECK(m.resolved_within_target() == Approx(0.75));
  CHECK(m.reopen_rate() == Approx(0.25));
}

TEST_CASE("Given breaches, channels and red-button cases, then they are counted by department and "
          "channel, with the redirect rate", "[metrics]") {
  std::vector<v1::ComplaintView> v;
  v.push_back(Case("CL-1", v1::ITEM_KIND_COMPLAINT, v1::CHANNEL_HOTLINE));
  v.back().set_department("warehouse");
  v.back().set_breach_count(2);
  v.push_back(Case("CL-2", v1::ITEM_KIND_RECOMMENDATION, v1::CHANNEL_HOTLINE));
  v.back().set_department("warehouse");
  v.back().set_breach_count(1);
  v.push_back(Case("CL-3", v1::ITEM_KIND_RECOMMENDATION, v1::CHANNEL_WEB));
  v.back().set_department("delivery");  // no breach: no entry
  v.push_back(Case("CL-4", v1::ITEM_KIND_COMPLAINT, v1::CHANNEL_RED_BUTTON));
  v.back().set_breach_count(1);  // no department yet: ""
  v.push_back(Case("CL-5", v1::ITEM_KIND_COMPLAINT, v1::CHANNEL_RED_BUTTON));
  v.back().set_state(v1::COMPLAINT_STATE_REDIRECTED);
  v.push_back(Case("CL-6", v1::ITEM_KIND_COMPLAINT, v1::CHANNEL_RED_BUTTON));
  v.back().set_state(v1::COMPLAINT_STATE_CLOSED);
  v.push_back(Case("CL-7", v1::ITEM_KIND_RECOMMENDATION, v1::CHANNEL_RED_BUTTON));
  v.back().set_state(v1::COMPLAINT_STATE_REDIRECTED);

  const v1::Metrics m = MetricsOf(Ptrs(v));
  CHECK(m.complaints() == 4);
  CHECK(m.recommendations() == 3);
  CHECK(m.breaches_by_department().size() == 2);
  CHECK(m.breaches_by_department().at("warehouse") == 3);
  CHECK(m.breaches_by_department().at("") == 1);
  CHECK(m.by_channel().size() == 3);
  CHECK(m.by_channel().at("CHANNEL_HOTLINE").complaints() == 1);
  CHECK(m.by_channel().at("CHANNEL_HOTLINE").recommendations() == 1);
  CHECK(m.by_channel().at("CHANNEL_WEB").complaints() == 0);
  CHECK(m.by_channel().at("CHANNEL_WEB").recommendations() == 1);
  CHECK(m.by_channel().at("CHANNEL_RED_BUTTON").complaints() == 3);
  CHECK(m.by_channel().at("CHANNEL_RED_BUTTON").recommendations() == 1);
  CHECK(m.red_button_cases() == 4);
  CHECK(m.red_button_redirect_rate() == Approx(0.5));
}

TEST_CASE("Given customers with one or more cases, then repeat complainers are those with two or more",
          "[metrics]") {
  std::vector<v1::ComplaintView> v;
  const std::vector<std::string> refs = {"anna", "anna", "anna", "bert", "bert", "carl", "", ""};
  for (size_t i = 0; i < refs.size(); ++i) {
    v.push_back(Case(absl::StrCat("CL-", i + 1)));
    v.back().mutable_filing()->set_customer_ref(refs[i]);
  }
  CHECK(MetricsOf(Ptrs(v)).repeat_complainers() == 2);  // anna, bert; unknown customers never repeat
}

TEST_CASE("Given surveys of promoters, passives and detractors, then NPS and CSAT are computed "
          "overall and by month, channel, store and department", "[metrics]") {
  const absl::TimeZone utc = absl::UTCTimeZone();
  const absl::Time nov30 = absl::FromCivil(absl::CivilSecond(2026, 11, 30, 23, 30, 0), utc);
  const absl::Time dec01 = absl::FromCivil(absl::CivilSecond(2026, 12, 1, 0, 30, 0), utc);
  std::vector<v1::ComplaintView> v;
  v.push_back(Case("CL-1", v1::ITEM_KIND_COMPLAINT, v1::CHANNEL_STORE, nov30));
  v.back().mutable_filing()->set_store("berlin-1");
  v.back().set_department("warehouse");
  Survey(v.back(), 10, 5);  // promoter
  v.push_back(Case("CL-2", v1::ITEM_KIND_COMPLAINT, v1::CHANNEL_STORE, nov30));
  v.back().mutable_filing()->set_store("berlin-1");
  v.back().set_department("delivery");
  Survey(v.back(), 9, 4);  // promoter
  v.push_back(Case("CL-3", v1::ITEM_KIND_COMPLAINT, v1::CHANNEL_HOTLINE, dec01));
  v.back().set_department("warehouse");
  Survey(v.back(), 8, 3);  // passive
  v.push_back(Case("CL-4", v1::ITEM_KIND_RECOMMENDATION, v1::CHANNEL_HOTLINE, dec01));
  v.back().set_department("warehouse");
  Survey(v.back(), 6, 2);  // detractor
  v.push_back(Case("CL-5", v1::ITEM_KIND_COMPLAINT, v1::CHANNEL_WEB, dec01));  // not surveyed
  v.back().mutable_survey()->set_nps(0);

  const v1::Metrics m = MetricsOf(Ptrs(v));
  CHECK(m.satisfaction().responses() == 4);
  CHECK(m.satisfaction().nps() == Approx(25.0));  // 50 % promoters - 25 % detractors
  CHECK(m.satisfaction().csat() == Approx(3.5));

  REQUIRE(m.satisfaction_by_month().size() == 2);
  CHECK(m.satisfaction_by_month().at("2026-11").responses() == 2);
  CHECK(m.satisfaction_by_month().at("2026-11").nps() == Approx(100.0));
  CHECK(m.satisfaction_by_month().at("2026-11").csat() == Approx(4.5));
  CHECK(m.satisfaction_by_month().at("2026-12").responses() == 2);
  CHECK(m.satisfaction_by_month().at("2026-12").nps() == Approx(-50.0));
  CHECK(m.satisfaction_by_month().at("2026-12").csat() == Approx(2.5));

  REQUIRE(m.satisfaction_by_channel().size() == 2);
  CHECK(m.satisfaction_by_channel().at("CHANNEL_STORE").responses() == 2);
  CHECK(m.satisfaction_by_channel().at("CHANNEL_HOTLINE").nps() == Approx(-50.0));

  REQUIRE(m.satisfaction_by_store().size() == 2);
  CHECK(m.satisfaction_by_store().at("berlin-1").responses() == 2);
  CHECK(m.satisfaction_by_store().at("").responses() == 2);

  REQUIRE(m.satisfaction_by_department().size() == 2);
  const v1::Satisfaction& warehouse = m.satisfaction_by_department().at("warehouse");
  CHECK(warehouse.responses() == 3);
  CHECK(warehouse.nps() == Approx(0.0));  // one promoter, one passive, one detractor
  CHECK(warehouse.csat() == Approx(10.0 / 3));
  CHECK(m.satisfaction_by_department().at("delivery").nps() == Approx(100.0));
}

}  // namespace
}  // namespace closedloop::domain
