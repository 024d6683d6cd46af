// The timer schedule: what the timer index holds for a complaint, before and after a command.
#include <catch2/catch.hpp>

#include "domain/timer_schedule.h"
#include "tests/domain/complaint_test_util.h"

namespace closedloop::domain {
namespace {

using testing::History;
using testing::T0;

TEST_CASE("a filing schedules each deadline at its warning time, or its due time without one") {
  History h;
  const ComplaintState before = h.state();
  h.Run(testing::Filing());
  const std::map<std::string, absl::Time> schedule = TimerSchedule(h.state());
  REQUIRE(schedule.size() == h.state().deadlines.size());
  for (const auto& [id, deadline] : h.state().deadlines) {
    INFO(id);
    CHECK(schedule.at(id) == deadline.warn_at.value_or(deadline.due));
  }
  const std::vector<TimerChange> changes = TimerChanges(before, h.state());
  CHECK(changes.size() == schedule.size());
  for (const TimerChange& c : changes) {
    CHECK_FALSE(c.before.has_value());
    CHECK(c.after == schedule.at(c.timer_id));
  }
}

TEST_CASE("a warning moves a timer to its due time, a breach or a satisfaction removes it") {
  History h;
  h.Run(testing::Filing());
  const std::string first_contact = h.TimerOf(v1::DEADLINE_KIND_FIRST_CONTACT);
  const DeadlineState deadline = h.state().deadlines.at(first_contact);
  REQUIRE(deadline.warn_at.has_value());

  ComplaintState before = h.state();
  h.Run(FireDeadline{first_contact, *deadline.warn_at}, *deadline.warn_at);
  std::vector<TimerChange> changes = TimerChanges(before, h.state());
  REQUIRE(changes.size() == 1);
  CHECK(changes[0].timer_id == first_contact);
  CHECK(changes[0].before == *deadline.warn_at);
  CHECK(changes[0].after == deadline.due);

  before = h.state();
  h.Run(testing::Reached(), *deadline.warn_at + absl::Minutes(1));
  changes = TimerChanges(before, h.state());
  bool removed = false;
  for (const TimerChange& c : changes) {
    if (c.timer_id == first_contact) removed = c.before == deadline.due && !c.after.has_value();
  }
  CHECK(removed);
  CHECK_FALSE(TimerSchedule(h.state()).contains(first_contact));
}

TEST_CASE("a command that touches no deadline changes no timer") {
  History h;
  h.Run(testing::Filing());
  const ComplaintState before = h.state();
  h.Run(AddComment{v1::VISIBILITY_INTERNAL, "anna", "checking"});
  CHECK(TimerChanges(before, h.state()).empty());
  CHECK_FALSE(NextFire(DeadlineState{v1::DEADLINE_KIND_RESOLUTION, T0(), std::nullopt, "",
                                     DeadlineStatus::kBreached, std::nullopt})
                  .has_value());
}

}  // namespace
}  // namespace closedloop::domain
