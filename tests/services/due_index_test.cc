// DueIndex: the deadline board from the due-ordered index, counting the deadlines in its window
// from counts kept per minute, equals domain::DeadlineBoardOf's full pass over the open cases,
// lists and totals, whatever `now`, window and limit, and after cases leave the index.
#include <catch2/catch.hpp>

#include <random>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "domain/boards.h"
#include "domain/proto_time.h"
#include "services/projections/due_index.h"

namespace closedloop {
namespace {

constexpr int64_t kStartSeconds = 1'790'000'040;
static_assert(kStartSeconds % 60 == 0, "the start is a whole minute");

// Open cases with deadlines of every state, due within a day either side of `start`, some on
// whole minutes and some a nanosecond either side of one.
std::vector<v1::ComplaintView> RandomCases(std::mt19937& rng, int cases, absl::Time start) {
  const v1::DeadlineState states[] = {v1::DEADLINE_STATE_PENDING, v1::DEADLINE_STATE_PENDING,
                                      v1::DEADLINE_STATE_WARNED,  v1::DEADLINE_STATE_BREACHED,
                                      v1::DEADLINE_STATE_SATISFIED, v1::DEADLINE_STATE_UNSPECIFIED};
  std::vector<v1::ComplaintView> views;
  for (int n = 1; n <= cases; ++n) {
    v1::ComplaintView& view = views.emplace_back();
    view.set_complaint_id(absl::StrCat("CL-", n));
    view.set_state(n % 7 == 0 ? v1::COMPLAINT_STATE_CLOSED : v1::COMPLAINT_STATE_OPEN);
    for (int d = 0, deadlines = static_cast<int>(rng() % 4); d < deadlines; ++d) {
      v1::DeadlineView& deadline = *view.add_deadlines();
      deadline.set_timer_id(absl::StrCat("t", d));
      deadline.set_state(states[rng() % 6]);
      absl::Time due = start + absl::Minutes(static_cast<int>(rng() % 2880) - 1440);
      if (rng() % 3 == 0) due += absl::Seconds(static_cast<int>(rng() % 60));
      if (rng() % 5 == 0) due += absl::Nanoseconds(rng() % 2 == 0 ? 1 : -1);
      *deadline.mutable_due() = domain::ToProto(due);
    }
  }
  return views;
}

std::vector<const v1::ComplaintView*> Ptrs(const std::vector<v1::ComplaintView>& views, size_t from) {
  std::vector<const v1::ComplaintView*> ptrs;
  for (size_t i = from; i < views.size(); ++i) ptrs.push_back(&views[i]);
  return ptrs;
}

TEST_CASE("the deadline board counted per minute equals the full pass at any now, window and limit",
          "[due_index]") {
  // After 1970 and before it (negative times round their minutes down).
  const absl::Time start = GENERATE(absl::FromUnixSeconds(kStartSeconds), absl::FromUnixSeconds(-kStartSeconds));
  std::mt19937 rng(41);
  std::vector<v1::ComplaintView> views = RandomCases(rng, 600, start);
  services::DueIndex index;
  for (const v1::ComplaintView& view : views) index.Add(view);
  // The first hundred cases leave again, and the next hundred change as an event changes them
  // (the old view leaves, the new one enters): a deadline moves, another changes state.
  for (size_t i = 0; i < 100; ++i) index.Remove(views[i]);
  for (size_t i = 100; i < 200; ++i) {
    index.Remove(views[i]);
    for (v1::DeadlineView& deadline : *views[i].mutable_deadlines()) {
      if (rng() % 2 == 0) {
        *deadline.mutable_due() = domain::ToProto(domain::FromProto(deadline.due()) + absl::Seconds(90));
      } else {
        deadline.set_state(v1::DEADLINE_STATE_BREACHED);
      }
    }
    index.Add(views[i]);
  }
  const std::vector<const v1::ComplaintView*> open = Ptrs(views, 100);
  for (int round = 0; round < 300; ++round) {
    absl::Time now = start + absl::Seconds(static_cast<int>(rng() % (2 * 86400)) - 86400);
    if (round % 3 == 0) now = start + absl::Minutes(static_cast<int>(rng() % 600) - 300);
    if (round % 5 == 0) now += absl::Nanoseconds(1);
    const absl::Duration windows[] = {absl::Nanoseconds(1), absl::Seconds(30), absl::Minutes(1),
                                      absl::Hours(4), absl::Hours(30)};
    const absl::Duration window = windows[round % 5];
    const size_t limits[] = {SIZE_MAX, 0, 1, 20};
    const size_t limit = limits[(round / 5) % 4];
    INFO("now " << absl::FormatTime(now) << ", window " << absl::FormatDuration(window) << ", limit "
                << limit);
    const v1::DeadlineBoard board = index.Board(now, window, limit);
    const v1::DeadlineBoard expected = domain::DeadlineBoardOf(open, now, window, limit);
    CHECK(board.due_soon_total() == expected.due_soon_total());
    CHECK(board.breached_total() == expected.breached_total());
    CHECK(board.SerializeAsString() == expected.SerializeAsString());
  }
  CHECK(index.Board(start, absl::Hours(30), SIZE_MAX).due_soon_total() > 100);
  CHECK(index.Board(start, absl::Hours(30), SIZE_MAX).breached_total() > 100);
  // Once every case has left, nothing is counted.
  for (size_t i = 100; i < views.size(); ++i) index.Remove(views[i]);
  const v1::DeadlineBoard empty = index.Board(start, absl::Hours(30), SIZE_MAX);
  CHECK(empty.due_soon_total() == 0);
  CHECK(empty.breached_total() == 0);
  CHECK(index.size() == 0);
}

}  // namespace
}  // namespace closedloop
