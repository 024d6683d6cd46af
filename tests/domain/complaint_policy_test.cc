// Policy and triage in the complaint decider: the policy in force when a deadline is scheduled
// decides it forever; business calendars; triage changing the kind of an item.
#include <catch2/catch.hpp>

#include "google/protobuf/util/time_util.h"
#include "tests/domain/complaint_test_util.h"

namespace closedloop::domain {
namespace {

using namespace testing;  // NOLINT: test helpers
using google::protobuf::util::TimeUtil;
using Strings = std::vector<std::string>;

// One rule for every complaint: resolution within `hours`, customer updates every
// `update_hours` once it hangs.
v1::SlaPolicy PolicyResolvingIn(int hours, int update_hours = 6) {
  v1::SlaPolicy policy;
  policy.set_version("test-" + std::to_string(hours));
  v1::SlaRule* rule = policy.add_rules();
  rule->set_name("all-complaints");
  rule->set_kind(v1::ITEM_KIND_COMPLAINT);
  *rule->mutable_targets()->mutable_resolution() = TimeUtil::SecondsToDuration(hours * 3600);
  *rule->mutable_targets()->mutable_customer_update() = TimeUtil::SecondsToDuration(update_hours * 3600);
  return policy;
}

TEST_CASE("deadlines keep the policy in force when they were scheduled, whatever the policy is later", "[complaint][policy]") {
  History h;
  const v1::SlaPolicy then = PolicyResolvingIn(24);
  const v1::SlaPolicy later = PolicyResolvingIn(12, /*update_hours=*/3);
  DecisionContext at_filing = h.Context(T0());
  at_filing.policy = &then;
  auto filed = Decide(Filing(), h.state(), at_filing);
  REQUIRE(filed.ok());
  for (const auto& e : *filed) h.Append(e);
  const std::string timer = h.TimerOf(v1::DEADLINE_KIND_RESOLUTION);
  CHECK(h.state().deadlines.at(timer).due == T0() + absl::Hours(24));

  // Under the later, stricter policy the deadline is not due at 12 h...
  DecisionContext at_12h = h.Context(T0() + absl::Hours(12));
  at_12h.policy = &later;
  auto early = Decide(FireDeadline{timer, T0() + absl::Hours(12)}, h.state(), at_12h);
  CHECK(early.status().code() == absl::StatusCode::kFailedPrecondition);
  // ...and once it breaches at 24 h, the reminders follow the policy in force then.
  DecisionContext at_24h = h.Context(T0() + absl::Hours(24));
  at_24h.policy = &later;
  auto breached = Decide(FireDeadline{timer, T0() + absl::Hours(24)}, h.state(), at_24h);
  REQUIRE(breached.ok());
  REQUIRE(Types(*breached) == Strings{"complaint.deadline_breached", "complaint.deadline_scheduled"});
  CHECK(FromProto((*breached)[1].deadline_scheduled().due()) == T0() + absl::Hours(27));
}

TEST_CASE("a market with a business calendar gets its resolution deadline in working hours", "[complaint][policy]") {
  v1::SlaPolicy policy = PolicyResolvingIn(8);
  v1::BusinessCalendar& berlin = (*policy.mutable_calendars())["DE"];
  berlin.set_time_zone("Europe/Berlin");
  for (int weekday = 1; weekday <= 5; ++weekday) {
    v1::BusinessDay* day = berlin.add_days();
    day->set_weekday(weekday);
    day->set_open_minute(9 * 60);
    day->set_close_minute(17 * 60);
  }
  History h;
  FileComplaint filing = Filing();
  filing.filing.set_market("DE");
  // Friday 2026-11-27 15:00 in Berlin (14:00 UTC): 2 working hours left that day, 6 on Monday.
  const absl::Time friday = absl::FromCivil(absl::CivilSecond(2026, 11, 27, 14, 0, 0), absl::UTCTimeZone());
  DecisionContext context = h.Context(friday);
  context.policy = &policy;
  auto events = Decide(filing, h.state(), context);
  REQUIRE(events.ok());
  for (const auto& e : *events) h.Append(e);
  const absl::Time monday_15h_berlin =
      absl::FromCivil(absl::CivilSecond(2026, 11, 30, 14, 0, 0), absl::UTCTimeZone());
  CHECK(h.state().deadlines.at(h.TimerOf(v1::DEADLINE_KIND_RESOLUTION)).due == monday_15h_berlin);
}

TEST_CASE("triage that changes nothing decides nothing, an unknown department is refused", "[complaint][triage]") {
  History h;
  h.Run(Filing()).Run(TriageComplaint{v1::ITEM_KIND_COMPLAINT, "delivery", v1::SEVERITY_HIGH, "warehouse", "RC-7"});
  auto same = h.When(TriageComplaint{v1::ITEM_KIND_COMPLAINT, "delivery", v1::SEVERITY_HIGH, "warehouse", "RC-7"});
  REQUIRE(same.ok());
  CHECK(same->empty());
  auto unknown = h.When(TriageComplaint{v1::ITEM_KIND_UNSPECIFIED, "", v1::SEVERITY_UNSPECIFIED, "bakery", ""});
  CHECK(unknown.status().code() == absl::StatusCode::kInvalidArgument);
  CHECK(std::string(unknown.status().message()).find("department") != std::string::npos);
}

TEST_CASE("triaging a complaint as a recommendation stops its resolution clock, and back starts a new one", "[complaint][triage]") {
  History h;
  h.Run(Filing());
  const std::string first = h.TimerOf(v1::DEADLINE_KIND_RESOLUTION);
  h.Run(TriageComplaint{v1::ITEM_KIND_RECOMMENDATION, "", v1::SEVERITY_UNSPECIFIED, "", ""});
  CHECK(h.state().deadlines.at(first).status == DeadlineStatus::kSatisfied);
  const absl::Time later = T0() + absl::Hours(5);
  auto back = h.When(TriageComplaint{v1::ITEM_KIND_COMPLAINT, "", v1::SEVERITY_UNSPECIFIED, "", ""}, later);
  REQUIRE(back.ok());
  // The pending first-contact deadline returns to the complaint's target (from filing); the
  // resolution clock starts now.
  REQUIRE(Types(*back) == Strings{"complaint.triaged", "complaint.deadline_scheduled",
                                  "complaint.deadline_scheduled"});
  CHECK((*back)[1].deadline_scheduled().reason() == kReclassifiedReason);
  CHECK(FromProto((*back)[1].deadline_scheduled().due()) == T0() + absl::Hours(2));
  CHECK((*back)[2].deadline_scheduled().kind() == v1::DEADLINE_KIND_RESOLUTION);
  CHECK(FromProto((*back)[2].deadline_scheduled().due()) == later + absl::Hours(24));
}

TEST_CASE("every event type is named after its oneof field", "[complaint]") {
  v1::ComplaintEvent event;
  event.mutable_deadline_breached()->set_timer_id("resolution-2");
  CHECK(EventType(event) == "complaint.deadline_breached");
  CHECK(EventType(v1::ComplaintEvent()) == "complaint.unknown");
}

}  // namespace
}  // namespace closedloop::domain
