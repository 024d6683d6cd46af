// OwnerPicker: owners of new filings picked in turns, each counting the picks before it that
// the projections do not hold yet, however many callers ask at once.
#include "services/commands/owner_picker.h"

#include <catch2/catch.hpp>

#include <map>
#include <thread>
#include <vector>

#include "absl/synchronization/mutex.h"

namespace closedloop::services {
namespace {

v1::Team TeamOfTwo() {
  v1::Team team;
  team.set_name("cx");
  team.add_members("bob");
  team.add_members("alice");
  return team;
}

TEST_CASE("the picks of one call count each other, so a team of two splits them evenly", "[owners]") {
  const v1::Team team = TeamOfTwo();
  OwnerPicker picker(nullptr);
  std::map<std::string, int> owned;
  for (const OwnerPicker::Pick& pick : picker.PickOwners(std::vector<const v1::Team*>(9, &team))) {
    REQUIRE(pick.owner.ok());
    ++owned[*pick.owner];
  }
  CHECK(owned["alice"] == 5);
  CHECK(owned["bob"] == 4);
}

TEST_CASE("owners picked by many callers at once count each other's picks, so a team of two splits evenly",
          "[owners]") {
  const v1::Team team = TeamOfTwo();
  OwnerPicker picker(nullptr);
  // Odd numbers: picks that did not count those of the same turn would go in lots of nine.
  constexpr int kCallers = 7;
  constexpr int kPerCaller = 9;
  absl::Mutex mu;
  std::map<std::string, int> owned;
  std::vector<std::thread> callers;
  for (int c = 0; c < kCallers; ++c) {
    callers.emplace_back([&] {
      const std::vector<const v1::Team*> teams(kPerCaller, &team);
      // No Catch2 assertions off the test's thread: a failed pick counts as no one's.
      for (const OwnerPicker::Pick& pick : picker.PickOwners(teams)) {
        absl::MutexLock lock(&mu);
        ++owned[pick.owner.ok() ? *pick.owner : ""];
      }
    });
  }
  for (std::thread& t : callers) t.join();
  CHECK(owned["alice"] == (kCallers * kPerCaller + 1) / 2);
  CHECK(owned["bob"] == kCallers * kPerCaller / 2);
}

TEST_CASE("a pick the projections already hold is counted once, not again as pending", "[owners]") {
  const v1::Team team = TeamOfTwo();
  // The projections hold CL-1, alice's, once it is named.
  bool applied = false;
  OwnerPicker picker([&](const std::vector<std::string>& ids) {
    LoadAt load;
    if (applied) load.load["alice"] = 1;
    for (const std::string& id : ids) load.applied.push_back(applied && id == "CL-1");
    return load;
  });
  const std::vector<const v1::Team*> one = {&team};
  OwnerPicker::Pick first = picker.PickOwners(one).front();
  REQUIRE(first.owner.ok());
  CHECK(*first.owner == "alice");  // a tie goes to the smallest name
  picker.Name(first.ticket, "CL-1");
  applied = true;
  CHECK(*picker.PickOwners(one).front().owner == "bob");
  // alice 1 (the projections'), bob 1 (pending): a tie again, not alice 2.
  CHECK(*picker.PickOwners(one).front().owner == "alice");
}

TEST_CASE("a dropped pick no longer counts against its owner", "[owners]") {
  const v1::Team team = TeamOfTwo();
  OwnerPicker picker(nullptr);
  const std::vector<const v1::Team*> one = {&team};
  OwnerPicker::Pick first = picker.PickOwners(one).front();
  CHECK(*first.owner == "alice");
  picker.Drop(first.ticket);
  CHECK(*picker.PickOwners(one).front().owner == "alice");
}

}  // namespace
}  // namespace closedloop::services
