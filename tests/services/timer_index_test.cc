// The due-time index keys: due order is key order, a deadline's entry never comes due before
// the deadline does, and only well-formed keys parse.
#include <catch2/catch.hpp>

#include "services/timers/timer_index.h"

namespace closedloop::services {
namespace {

const absl::Time kT = absl::FromUnixSeconds(1793610000);

TEST_CASE("timer keys sort in due order and parse back") {
  const std::string early = TimerKey({kT, "CL-10", "resolution-2"});
  const std::string late = TimerKey({kT + absl::Microseconds(1), "CL-9", "first-contact-1"});
  const std::string much_later = TimerKey({kT + absl::Hours(24 * 365 * 50), "CL-1", "x-1"});
  CHECK(early == "due/00001793610000000000/CL-10/resolution-2");
  CHECK(early < late);
  CHECK(late < much_later);
  const std::optional<TimerEntry> parsed = ParseTimerKey(late);
  REQUIRE(parsed.has_value());
  CHECK(parsed->at == kT + absl::Microseconds(1));
  CHECK(parsed->complaint_id == "CL-9");
  CHECK(parsed->timer_id == "first-contact-1");
}

TEST_CASE("a deadline with nanoseconds is indexed at the next whole microsecond") {
  const absl::Time due = kT + absl::Nanoseconds(1500);
  const std::optional<TimerEntry> entry = ParseTimerKey(TimerKey({due, "CL-1", "t-1"}));
  REQUIRE(entry.has_value());
  CHECK(entry->at == kT + absl::Microseconds(2));
  CHECK(entry->at >= due);
  // Due by a clock reading of exactly its microsecond, not a nanosecond before.
  CHECK(TimerKey(*entry) < TimerKeyAfter(kT + absl::Microseconds(2)));
  CHECK(TimerKey(*entry) >= TimerKeyAfter(kT + absl::Microseconds(2) - absl::Nanoseconds(1)));
}

TEST_CASE("only well-formed timer keys parse") {
  CHECK_FALSE(ParseTimerKey("due/123/CL-1/t-1").has_value());
  CHECK_FALSE(ParseTimerKey("due/00001793610000000000/CL-1").has_value());
  CHECK_FALSE(ParseTimerKey("due/00001793610000000000//t-1").has_value());
  CHECK_FALSE(ParseTimerKey("due/0000179361000000000x/CL-1/t-1").has_value());
  CHECK_FALSE(ParseTimerKey("other/00001793610000000000/CL-1/t-1").has_value());
  CHECK(ParseTimerKey("due/00001793610000000000/CL-1/t-1").has_value());
}

TEST_CASE("a command's index changes move, add and remove entries by timer") {
  domain::ComplaintState before;
  before.deadlines["first-contact-1"] = {v1::DEADLINE_KIND_FIRST_CONTACT, kT + absl::Hours(2),
                                         kT + absl::Hours(1), "", domain::DeadlineStatus::kPending, std::nullopt};
  before.deadlines["resolution-2"] = {v1::DEADLINE_KIND_RESOLUTION, kT + absl::Hours(24),
                                      std::nullopt, "", domain::DeadlineStatus::kPending, std::nullopt};
  domain::ComplaintState after = before;
  after.deadlines["first-contact-1"].status = domain::DeadlineStatus::kWarned;
  after.deadlines["resolution-2"].status = domain::DeadlineStatus::kSatisfied;
  after.deadlines["customer-update-3"] = {v1::DEADLINE_KIND_CUSTOMER_UPDATE, kT + absl::Hours(48),
                                          std::nullopt, "", domain::DeadlineStatus::kPending, std::nullopt};
  const std::vector<storage::IndexChange> changes = TimerIndexChanges("CL-7", before, after);
  auto has = [&](absl::Time at, const std::string& timer, bool remove) {
    for (const storage::IndexChange& c : changes) {
      if (c.key == TimerKey({at, "CL-7", timer}) && c.remove == remove) return true;
    }
    return false;
  };
  CHECK(changes.size() == 4);
  CHECK(has(kT + absl::Hours(1), "first-contact-1", true));
  CHECK(has(kT + absl::Hours(2), "first-contact-1", false));
  CHECK(has(kT + absl::Hours(24), "resolution-2", true));
  CHECK(has(kT + absl::Hours(48), "customer-update-3", false));
  CHECK(EarliestAdded(changes) == kT + absl::Hours(2));
  CHECK_FALSE(EarliestAdded({}).has_value());
}

}  // namespace
}  // namespace closedloop::services
