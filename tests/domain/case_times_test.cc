// CaseTimes: given a case's deadlines in every state, when a board asks at any `now`, then
// the case is at risk and breached exactly from the times TimesOf gives, and its next deadline
// is due at TimesOf's next_due.
#include <catch2/catch.hpp>

#include <random>

#include "absl/strings/str_cat.h"
#include "domain/boards.h"
#include "domain/proto_time.h"

namespace closedloop::domain {

TEST_CASE("Given deadlines in every state, then a case's at-risk and breached flags turn on at "
          "the times TimesOf gives, at any now",
          "[boards]") {
  std::mt19937 rng(17);
  const absl::Time t0 = absl::FromUnixSeconds(1790000000);
  const v1::DeadlineState states[] = {v1::DEADLINE_STATE_PENDING, v1::DEADLINE_STATE_WARNED,
                                      v1::DEADLINE_STATE_BREACHED, v1::DEADLINE_STATE_SATISFIED};
  int at_risk = 0;
  int breached = 0;
  for (int round = 0; round < 500; ++round) {
    v1::ComplaintView view;
    view.set_complaint_id(absl::StrCat("CL-", round));
    view.set_state(v1::COMPLAINT_STATE_OPEN);
    for (int n = static_cast<int>(rng() % 4); n > 0; --n) {
      v1::DeadlineView& d = *view.add_deadlines();
      d.set_timer_id(absl::StrCat("T", n));
      d.set_state(states[rng() % 4]);
      const absl::Time due = t0 + absl::Minutes(static_cast<int>(rng() % 600));
      *d.mutable_due() = ToProto(due);
      if (rng() % 3 != 0) *d.mutable_warn_at() = ToProto(due - absl::Minutes(static_cast<int>(rng() % 120)));
    }
    const CaseTimes times = TimesOf(view);
    for (int k = 0; k < 10; ++k) {
      const absl::Time now = t0 + absl::Minutes(static_cast<int>(rng() % 700) - 60);
      const v1::BoardCase board_case = ToBoardCase(view, now);
      REQUIRE(board_case.at_risk() == (times.at_risk_from <= now));
      REQUIRE(board_case.breached() == (times.breached_from <= now));
      REQUIRE(board_case.has_next_deadline() == (times.next_due != absl::InfiniteFuture()));
      if (board_case.has_next_deadline()) {
        REQUIRE(FromProto(board_case.next_deadline().due()) == times.next_due);
      }
      at_risk += board_case.at_risk();
      breached += board_case.breached();
    }
  }
  // Both flags were seen on and off.
  REQUIRE(at_risk > 100);
  REQUIRE(breached > 100);
  REQUIRE(at_risk < 4900);
  REQUIRE(breached < 4900);
}

}  // namespace closedloop::domain
