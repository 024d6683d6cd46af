// A shutdown does not wait for a whole timer catch-up pass: a pass checks between its groups
// of firings and leaves the rest in the index, to fire at the next start.
#include <catch2/catch.hpp>

#include "tests/services/timer_test_util.h"

namespace closedloop {
namespace {

using namespace testing;  // NOLINT: the API test helpers

TEST_CASE("a timer pass of many groups stops after its current group once the service stops",
          "[timers]") {
  TestServer s;
  for (int i = 0; i < 300; ++i) FileCase(s, v1::CHANNEL_HOTLINE, "cust-" + std::to_string(i));
  s.server->timers().Stop();
  // Every case's deadlines are long due: a catch-up pass of several groups of 128.
  s.clock.Advance(absl::Hours(24 * 30));
  absl::StatusOr<services::TimerService::Pass> pass = s.server->timers().FireDue();
  INFO(pass.status().ToString());
  REQUIRE(pass.ok());
  CHECK(pass->fired > 0);
  CHECK(pass->fired <= 128);
  // What the pass left is still indexed and due, for the next start.
  absl::StatusOr<std::optional<services::TimerEntry>> next = s.server->timers().Next();
  REQUIRE(next.ok());
  REQUIRE(next->has_value());
  CHECK((*next)->at <= s.clock.Now());
}

}  // namespace
}  // namespace closedloop
