// Rules that act on a case after filing, and that say why: emergencies around the clock, the
// SLA rule and policy version on every deadline and routing, reclassification moving the
// clock, category routing at triage.
#include <catch2/catch.hpp>

#include "domain/sla_policy.h"
#include "domain/timer_schedule.h"
#include "tests/domain/complaint_test_util.h"

namespace closedloop::domain {
namespace {

using namespace testing;  // NOLINT: test helpers
using Strings = std::vector<std::string>;

// The built-in policy plus a Berlin calendar for market DE: weekdays 09:00-17:00.
v1::SlaPolicy DefaultsWithBerlinHours() {
  v1::SlaPolicy policy = DefaultSlaPolicy();
  policy.set_version("berlin-1");
  v1::BusinessCalendar& berlin = (*policy.mutable_calendars())["DE"];
  berlin.set_time_zone("Europe/Berlin");
  for (int weekday = 1; weekday <= 5; ++weekday) {
    v1::BusinessDay* day = berlin.add_days();
    day->set_weekday(weekday);
    day->set_open_minute(9 * 60);
    day->set_close_minute(17 * 60);
  }
  return policy;
}

absl::Time Utc(int year, int month, int day, int hour, int minute) {
  return absl::FromCivil(absl::CivilSecond(year, month, day, hour, minute, 0), absl::UTCTimeZone());
}

// Decides `command` at `now` under `policy`, requires success and appends the events.
std::vector<v1::ComplaintEvent> RunUnder(History& h, const v1::SlaPolicy& policy,
                                         const ComplaintCommand& command, absl::Time now) {
  DecisionContext context = h.Context(now);
  context.policy = &policy;
  absl::StatusOr<std::vector<v1::ComplaintEvent>> events = Decide(command, h.state(), context);
  INFO(events.status().ToString());
  REQUIRE(events.ok());
  for (const v1::ComplaintEvent& e : *events) h.Append(e);
  return *events;
}

const v1::DeadlineScheduled& ScheduledOf(const std::vector<v1::ComplaintEvent>& events,
                                         v1::DeadlineKind kind) {
  for (const v1::ComplaintEvent& e : events) {
    if (e.has_deadline_scheduled() && e.deadline_scheduled().kind() == kind) {
      return e.deadline_scheduled();
    }
  }
  FAIL("no deadline of kind " << v1::DeadlineKind_Name(kind));
  return v1::DeadlineScheduled::default_instance();
}

TEST_CASE("a red-button filing at night in a market with a calendar gets 15 minutes of wall time", "[complaint][policy]") {
  const v1::SlaPolicy policy = DefaultsWithBerlinHours();
  const absl::Time night = Utc(2026, 11, 23, 22, 0);  // Monday 23:00 in Berlin, closed
  FileComplaint red = Filing(v1::CHANNEL_RED_BUTTON);
  red.filing.set_market("DE");
  History emergency;
  const auto filed = RunUnder(emergency, policy, red, night);
  const v1::DeadlineScheduled& first = ScheduledOf(filed, v1::DEADLINE_KIND_FIRST_CONTACT);
  CHECK(FromProto(first.due()) == night + absl::Minutes(15));
  CHECK(FromProto(first.warn_at()) == night + absl::Seconds(675));
  CHECK(FromProto(ScheduledOf(filed, v1::DEADLINE_KIND_RESOLUTION).due()) == night + absl::Hours(24));

  // An ordinary complaint filed then waits for opening hours: 2 working hours from Tuesday 09:00.
  FileComplaint hotline = Filing();
  hotline.filing.set_market("DE");
  History ordinary;
  const auto ordinary_filed = RunUnder(ordinary, policy, hotline, night);
  CHECK(FromProto(ScheduledOf(ordinary_filed, v1::DEADLINE_KIND_FIRST_CONTACT).due()) ==
        Utc(2026, 11, 24, 10, 0));

  // A policy may still say its red-button rule keeps business hours.
  v1::SlaPolicy office_hours = policy;
  office_hours.mutable_rules(0)->set_around_the_clock(false);
  History kept;
  const auto kept_filed = RunUnder(kept, office_hours, red, night);
  CHECK(FromProto(ScheduledOf(kept_filed, v1::DEADLINE_KIND_FIRST_CONTACT).due()) ==
        Utc(2026, 11, 24, 8, 15));
}

TEST_CASE("every deadline and routing event names the rule and the policy version behind it", "[complaint][policy]") {
  v1::SlaPolicy policy = DefaultSlaPolicy();
  policy.set_version("retail-7");
  History h;
  const auto filed = RunUnder(h, policy, Filing(), T0());
  REQUIRE(Types(filed) == Strings{"complaint.filed", "complaint.routed", "complaint.assigned",
                                  "complaint.deadline_scheduled", "complaint.deadline_scheduled"});
  CHECK(filed[1].routed().rule() == "everything-else");
  CHECK(filed[1].routed().policy_version() == "retail-7");
  for (int i : {3, 4}) {
    const v1::DeadlineScheduled& d = filed[i].deadline_scheduled();
    CHECK(d.sla_rule() == "complaint");
    CHECK(d.policy_version() == "retail-7");
    CHECK(d.reason().empty());
    CHECK(FromProto(d.counted_from()) == T0());
  }

  // Without a policy in the context the built-in one answers, and says so.
  History red;
  red.Run(Filing(v1::CHANNEL_RED_BUTTON));
  CHECK(red.events()[1].routed().rule() == kRedButtonRule);
  CHECK(red.events()[1].routed().policy_version() == "default-1");
  CHECK(red.events()[3].deadline_scheduled().sla_rule() == "red-button");
  CHECK(red.events()[3].deadline_scheduled().policy_version() == "default-1");

  // Deadlines scheduled later carry the rule and version in force then.
  h.Run(Reached());
  const auto task = RunUnder(h, policy, OpenTask{"warehouse", "", "check", T0() + absl::Hours(48)},
                             T0());
  CHECK(ScheduledOf(task, v1::DEADLINE_KIND_TASK_RESPONSE).sla_rule() == "complaint");
  CHECK(ScheduledOf(task, v1::DEADLINE_KIND_TASK_RESPONSE).policy_version() == "retail-7");
  // The task's own due time came from whoever opened it, not from a rule.
  CHECK(ScheduledOf(task, v1::DEADLINE_KIND_TASK_DUE).sla_rule().empty());
  CHECK(ScheduledOf(task, v1::DEADLINE_KIND_TASK_DUE).policy_version() == "retail-7");
}

TEST_CASE("triage raising a complaint to critical moves its pending deadlines to the critical clock from filing", "[complaint][triage]") {
  History h;
  h.Run(Filing());
  const std::string first = h.TimerOf(v1::DEADLINE_KIND_FIRST_CONTACT);
  const std::string resolution = h.TimerOf(v1::DEADLINE_KIND_RESOLUTION);
  REQUIRE(h.state().deadlines.at(first).due == T0() + absl::Hours(2));
  const ComplaintState before = h.state();

  TriageComplaint critical;
  critical.severity = v1::SEVERITY_CRITICAL;
  auto triaged = h.When(critical, T0() + absl::Minutes(30));
  REQUIRE(triaged.ok());
  REQUIRE(Types(*triaged) == Strings{"complaint.triaged", "complaint.deadline_scheduled",
                                     "complaint.deadline_scheduled"});
  const v1::DeadlineScheduled& moved_first = (*triaged)[1].deadline_scheduled();
  CHECK(moved_first.timer_id() == first);
  CHECK(moved_first.reason() == kReclassifiedReason);
  CHECK(moved_first.sla_rule() == "critical");
  CHECK(FromProto(moved_first.due()) == T0() + absl::Hours(1));
  CHECK(FromProto(moved_first.warn_at()) == T0() + absl::Minutes(45));
  const v1::DeadlineScheduled& moved_resolution = (*triaged)[2].deadline_scheduled();
  CHECK(moved_resolution.timer_id() == resolution);
  CHECK(FromProto(moved_resolution.due()) == T0() + absl::Hours(12));
  h.Run(critical, T0() + absl::Minutes(30));

  // The state and the timer schedule follow: the same timers, due earlier.
  CHECK(h.state().deadlines.size() == 2);
  CHECK(h.state().deadlines.at(first).due == T0() + absl::Hours(1));
  const std::vector<TimerChange> changes = TimerChanges(before, h.state());
  REQUIRE(changes.size() == 2);
  for (const TimerChange& change : changes) {
    CHECK(change.before.has_value());
    CHECK(change.after.has_value());
  }
  CHECK(TimerSchedule(h.state()).at(first) == T0() + absl::Minutes(45));

  // A met deadline stays met: once the customer was reached, only the resolution clock moves.
  History reached;
  reached.Run(Filing()).Run(Reached(), T0() + absl::Minutes(10));
  auto later = reached.When(critical, T0() + absl::Minutes(30));
  REQUIRE(later.ok());
  REQUIRE(Types(*later) == Strings{"complaint.triaged", "complaint.deadline_scheduled"});
  CHECK((*later)[1].deadline_scheduled().kind() == v1::DEADLINE_KIND_RESOLUTION);

  // A deadline already warned and moved into the past breaches on the next firing, as due.
  History warned;
  warned.Run(Filing());
  const std::string warned_first = warned.TimerOf(v1::DEADLINE_KIND_FIRST_CONTACT);
  warned.Run(FireDeadline{warned_first, T0() + absl::Minutes(90)}, T0() + absl::Minutes(90));
  warned.Run(critical, T0() + absl::Minutes(100));
  auto breached = warned.When(FireDeadline{warned_first, T0() + absl::Hours(1)}, T0() + absl::Minutes(100));
  REQUIRE(breached.ok());
  REQUIRE_FALSE(breached->empty());
  CHECK(FromProto((*breached)[0].deadline_breached().reached_at()) == T0() + absl::Hours(1));
}

TEST_CASE("triage setting a category a routing rule names moves the case to that rule's team", "[complaint][triage][routing]") {
  History h;
  v1::Team* furniture = h.directory().add_teams();
  furniture->set_name("furniture-desk");
  furniture->add_members("fay");
  // Before the catch-all, as category rules must be.
  v1::RoutingRule* rule = h.directory().mutable_routing_rules()->Add();
  rule->set_name("furniture-damage");
  rule->set_category("furniture");
  rule->set_team("furniture-desk");
  h.directory().mutable_routing_rules()->SwapElements(0, 1);
  h.Run(Filing());
  REQUIRE(h.state().team == "cx");
  const std::string first_owner = h.state().owner;

  TriageComplaint toys;
  toys.category = "toys";
  auto unmatched = h.When(toys, T0() + absl::Minutes(5));
  REQUIRE(unmatched.ok());
  CHECK(Types(*unmatched) == Strings{"complaint.triaged"});

  TriageComplaint sofa;
  sofa.category = "furniture";
  auto rerouted = h.When(sofa, T0() + absl::Minutes(5));
  REQUIRE(rerouted.ok());
  REQUIRE(Types(*rerouted) == Strings{"complaint.triaged", "complaint.routed", "complaint.assigned"});
  CHECK((*rerouted)[1].routed().team() == "furniture-desk");
  CHECK((*rerouted)[1].routed().rule() == "furniture-damage");
  CHECK((*rerouted)[1].routed().policy_version() == "default-1");
  CHECK((*rerouted)[2].assigned().owner() == "fay");
  CHECK((*rerouted)[2].assigned().previous_owner() == first_owner);
  h.Run(sofa, T0() + absl::Minutes(5));
  CHECK(h.state().team == "furniture-desk");
  CHECK(h.state().owner == "fay");

  // A red-button case stays with the red-button team whatever its category.
  History red;
  red.directory() = h.directory();
  red.Run(Filing(v1::CHANNEL_RED_BUTTON));
  auto kept = red.When(sofa, T0() + absl::Minutes(5));
  REQUIRE(kept.ok());
  CHECK(Types(*kept) == Strings{"complaint.triaged"});
}

}  // namespace
}  // namespace closedloop::domain
