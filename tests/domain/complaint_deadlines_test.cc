// Fired deadlines: warnings, breaches, escalation along the chain, hanging-case reminders.
#include <catch2/catch.hpp>

#include "tests/domain/complaint_test_util.h"

namespace closedloop::domain {
namespace {

using namespace testing;  // NOLINT: test helpers
using Strings = std::vector<std::string>;

FireDeadline Fire(const std::string& timer_id, absl::Time at) { return FireDeadline{timer_id, at}; }

TEST_CASE("a complaint not resolved within 24 hours breaches at exactly 24 hours, once", "[deadline]") {
  History h;
  h.Run(Filing()).Run(Reached());
  const std::string timer = h.TimerOf(v1::DEADLINE_KIND_RESOLUTION);
  RequireError(h.When(Fire(timer, T0() + absl::Hours(18) - absl::Seconds(1))),
               absl::StatusCode::kFailedPrecondition, "not due");

  auto warned = h.When(Fire(timer, T0() + absl::Hours(18)));
  REQUIRE(warned.ok());
  CHECK(Types(*warned) == Strings{"complaint.deadline_warned"});
  CHECK(FromProto((*warned)[0].deadline_warned().reached_at()) == T0() + absl::Hours(18));
  h.Run(Fire(timer, T0() + absl::Hours(18)));
  auto early = h.When(Fire(timer, T0() + absl::Hours(24) - absl::Seconds(1)));
  REQUIRE(early.ok());
  CHECK(early->empty());

  const absl::Time processed = T0() + absl::Hours(30);
  auto breached = h.When(Fire(timer, T0() + absl::Hours(24)), processed);
  REQUIRE(breached.ok());
  REQUIRE_FALSE(breached->empty());
  CHECK(Types(*breached)[0] == "complaint.deadline_breached");
  CHECK(FromProto((*breached)[0].deadline_breached().fired_at()) == processed);
  // Processed late (after downtime, say), it still says when it came due.
  CHECK(FromProto((*breached)[0].deadline_breached().reached_at()) == T0() + absl::Hours(24));
  h.Run(Fire(timer, T0() + absl::Hours(24)), processed);
  auto again = h.When(Fire(timer, T0() + absl::Hours(24)), processed);
  REQUIRE(again.ok());
  CHECK(again->empty());
}

TEST_CASE("a complaint resolved at 23 hours 59 minutes never breaches", "[deadline]") {
  History h;
  h.Run(Filing()).Run(Reached());
  const std::string timer = h.TimerOf(v1::DEADLINE_KIND_RESOLUTION);
  h.Run(Resolution(), T0() + absl::Hours(23) + absl::Minutes(59));
  auto fired = h.When(Fire(timer, T0() + absl::Hours(24)));
  REQUIRE(fired.ok());
  CHECK(fired->empty());
  CHECK(h.state().deadlines.at(timer).status == DeadlineStatus::kSatisfied);
}

TEST_CASE("a red-button case warns and breaches on its 15-minute first-contact target", "[deadline]") {
  History h;
  h.Run(Filing(v1::CHANNEL_RED_BUTTON));
  const std::string timer = h.TimerOf(v1::DEADLINE_KIND_FIRST_CONTACT);
  const DeadlineState& deadline = h.state().deadlines.at(timer);
  REQUIRE(deadline.warn_at.has_value());
  CHECK(*deadline.warn_at == T0() + absl::Seconds(675));  // 75 % of 15 minutes
  h.Run(Fire(timer, *deadline.warn_at));
  auto breached = h.When(Fire(timer, T0() + absl::Minutes(15)));
  REQUIRE(breached.ok());
  CHECK(Types(*breached) == Strings{"complaint.deadline_breached"});
}

TEST_CASE("a silent department task escalates responsible, director, chief experience officer, then stops", "[deadline]") {
  History h;
  h.Run(Filing()).Run(Reached()).Run(OpenTask{"warehouse", "", "check the stock", T0() + absl::Hours(48)});
  absl::Time due = T0() + absl::Hours(4);
  const Strings chain = {"warehouse-director", "cxo"};
  for (size_t level = 1; level <= chain.size(); ++level) {
    const std::string timer = h.TimerOf(v1::DEADLINE_KIND_TASK_RESPONSE);
    auto events = h.When(Fire(timer, due), due);
    REQUIRE(events.ok());
    CHECK(Types(*events) == Strings{"complaint.deadline_breached", "complaint.escalated",
                                    "complaint.deadline_scheduled"});
    CHECK((*events)[1].escalated().level() == static_cast<int>(level));
    CHECK((*events)[1].escalated().to() == chain[level - 1]);
    CHECK((*events)[1].escalated().mode() == v1::ESCALATION_MODE_AUTOMATIC);
    CHECK(FromProto((*events)[2].deadline_scheduled().due()) == due + absl::Hours(4));
    h.Run(Fire(timer, due), due);
    due += absl::Hours(4);
  }
  // Nobody above the chief experience officer: the breach stands alone.
  auto last = h.When(Fire(h.TimerOf(v1::DEADLINE_KIND_TASK_RESPONSE), due), due);
  REQUIRE(last.ok());
  CHECK(Types(*last) == Strings{"complaint.deadline_breached"});
}

TEST_CASE("a task answered after one escalation escalates no further", "[deadline]") {
  History h;
  h.Run(Filing()).Run(Reached()).Run(OpenTask{"warehouse", "", "check the stock", T0() + absl::Hours(48)});
  const absl::Time due = T0() + absl::Hours(4);
  h.Run(Fire(h.TimerOf(v1::DEADLINE_KIND_TASK_RESPONSE), due), due);
  const std::string next = h.TimerOf(v1::DEADLINE_KIND_TASK_RESPONSE);
  auto answered = h.When(RespondToTask{"T1", "two legs in stock, shipping today"}, due + absl::Hours(1));
  REQUIRE(answered.ok());
  CHECK(Types(*answered) == Strings{"complaint.task_responded", "complaint.deadline_satisfied"});
  h.Run(RespondToTask{"T1", "two legs in stock, shipping today"}, due + absl::Hours(1));
  auto fired = h.When(Fire(next, due + absl::Hours(4)), due + absl::Hours(4));
  REQUIRE(fired.ok());
  CHECK(fired->empty());
}

TEST_CASE("a hanging case owes the customer an update every interval until it is resolved", "[deadline]") {
  History h;
  h.Run(Filing()).Run(Reached());
  const absl::Time missed = T0() + absl::Hours(24);
  h.Run(Fire(h.TimerOf(v1::DEADLINE_KIND_RESOLUTION), missed), missed);
  CHECK(h.state().hanging);
  absl::Time update_due = missed + absl::Hours(24);
  for (int reminder = 0; reminder < 3; ++reminder) {
    const std::string timer = h.TimerOf(v1::DEADLINE_KIND_CUSTOMER_UPDATE);
    REQUIRE(h.state().deadlines.at(timer).due == update_due);
    auto events = h.When(Fire(timer, update_due), update_due);
    REQUIRE(events.ok());
    CHECK(Types(*events) == Strings{"complaint.deadline_breached", "complaint.deadline_scheduled"});
    h.Run(Fire(timer, update_due), update_due);
    update_due += absl::Hours(24);
  }
  // An update given early resets the rhythm from the moment of the contact.
  const absl::Time contact = update_due - absl::Hours(10);
  h.Run(Reached(), contact);
  CHECK(h.state().deadlines.at(h.TimerOf(v1::DEADLINE_KIND_CUSTOMER_UPDATE)).due == contact + absl::Hours(24));
  // Resolution ends the reminders.
  h.Run(Resolution(), contact + absl::Hours(1));
  CHECK_FALSE(h.state().hanging);
  auto after = h.When(Fire(h.TimerOf(v1::DEADLINE_KIND_CUSTOMER_UPDATE), contact + absl::Hours(24)));
  REQUIRE(after.ok());
  CHECK(after->empty());
}

TEST_CASE("a firing reported up to a microsecond late records the warning and due times to the nanosecond", "[deadline]") {
  // The timer index keeps whole microseconds, rounded up: it reports a deadline due 1 ns past a
  // microsecond 999 ns late.
  auto rounded_up = [](absl::Time t) { return absl::FromUnixMicros(absl::ToUnixMicros(t) + 1); };
  History h;
  const absl::Time filed = T0() + absl::Nanoseconds(1);
  h.Run(Filing(), filed).Run(Reached(), filed);
  const std::string timer = h.TimerOf(v1::DEADLINE_KIND_RESOLUTION);
  const DeadlineState deadline = h.state().deadlines.at(timer);
  REQUIRE(deadline.warn_at == filed + absl::Hours(18));
  REQUIRE(deadline.due == filed + absl::Hours(24));

  auto warned = h.When(Fire(timer, rounded_up(*deadline.warn_at)), rounded_up(*deadline.warn_at));
  REQUIRE(warned.ok());
  REQUIRE(Types(*warned) == Strings{"complaint.deadline_warned"});
  CHECK(FromProto((*warned)[0].deadline_warned().reached_at()) == *deadline.warn_at);
  h.Run(Fire(timer, rounded_up(*deadline.warn_at)), rounded_up(*deadline.warn_at));

  auto breached = h.When(Fire(timer, rounded_up(deadline.due)), rounded_up(deadline.due));
  REQUIRE(breached.ok());
  REQUIRE_FALSE(breached->empty());
  CHECK(FromProto((*breached)[0].deadline_breached().reached_at()) == deadline.due);
  CHECK(FromProto((*breached)[0].deadline_breached().fired_at()) == rounded_up(deadline.due));
}

TEST_CASE("a task's own due time is a deadline, a reply does not meet it, completion does", "[deadline]") {
  History h;
  h.Run(Filing()).Run(Reached());
  auto opened = h.When(OpenTask{"warehouse", "", "check the stock", T0() + absl::Hours(48)});
  REQUIRE(opened.ok());
  REQUIRE(Types(*opened) == Strings{"complaint.task_opened", "complaint.deadline_scheduled",
                                    "complaint.deadline_scheduled"});
  const v1::DeadlineScheduled& own = (*opened)[2].deadline_scheduled();
  CHECK(own.kind() == v1::DEADLINE_KIND_TASK_DUE);
  CHECK(own.task_id() == "T1");
  CHECK(FromProto(own.due()) == T0() + absl::Hours(48));
  CHECK(FromProto(own.warn_at()) == T0() + absl::Hours(36));  // 75 % of the time given
  h.Run(OpenTask{"warehouse", "", "check the stock", T0() + absl::Hours(48)});

  // "Looking into it" meets the response deadline only.
  auto replied = h.When(RespondToTask{"T1", "looking into it"}, T0() + absl::Hours(1));
  REQUIRE(replied.ok());
  REQUIRE(Types(*replied) == Strings{"complaint.task_responded", "complaint.deadline_satisfied"});
  CHECK((*replied)[1].deadline_satisfied().timer_id() == h.TimerOf(v1::DEADLINE_KIND_TASK_RESPONSE));
  h.Run(RespondToTask{"T1", "looking into it"}, T0() + absl::Hours(1));

  const std::string timer = h.TimerOf(v1::DEADLINE_KIND_TASK_DUE);
  auto warned = h.When(Fire(timer, T0() + absl::Hours(36)), T0() + absl::Hours(36));
  REQUIRE(warned.ok());
  CHECK(Types(*warned) == Strings{"complaint.deadline_warned"});
  h.Run(Fire(timer, T0() + absl::Hours(36)), T0() + absl::Hours(36));

  // Never completed: breached at the due time and escalated up the department's chain, with the
  // next due time a task-response interval later.
  const absl::Time due = T0() + absl::Hours(48);
  auto breached = h.When(Fire(timer, due), due);
  REQUIRE(breached.ok());
  REQUIRE(Types(*breached) == Strings{"complaint.deadline_breached", "complaint.escalated",
                                      "complaint.deadline_scheduled"});
  CHECK((*breached)[1].escalated().level() == 1);
  CHECK((*breached)[1].escalated().to() == "warehouse-director");
  CHECK((*breached)[1].escalated().task_id() == "T1");
  CHECK((*breached)[2].deadline_scheduled().kind() == v1::DEADLINE_KIND_TASK_DUE);
  CHECK(FromProto((*breached)[2].deadline_scheduled().due()) == due + absl::Hours(4));
  h.Run(Fire(timer, due), due);

  // Completion meets it: the next firing changes nothing.
  const std::string next = h.TimerOf(v1::DEADLINE_KIND_TASK_DUE);
  auto completed = h.When(CompleteTask{"T1", "restocked"}, due + absl::Hours(1));
  REQUIRE(completed.ok());
  REQUIRE(Types(*completed) == Strings{"complaint.task_completed", "complaint.deadline_satisfied"});
  CHECK((*completed)[1].deadline_satisfied().timer_id() == next);
  h.Run(CompleteTask{"T1", "restocked"}, due + absl::Hours(1));
  auto later = h.When(Fire(next, due + absl::Hours(4)), due + absl::Hours(4));
  REQUIRE(later.ok());
  CHECK(later->empty());
}

TEST_CASE("firing an unknown timer is not found", "[deadline]") {
  History h;
  h.Run(Filing());
  RequireError(h.When(Fire("resolution-99", T0())), absl::StatusCode::kNotFound, "resolution-99");
}

}  // namespace
}  // namespace closedloop::domain
