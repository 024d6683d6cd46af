#include "storage/recent_events.h"

#include <catch2/catch.hpp>

namespace closedloop::storage {
namespace {

std::vector<SerializedEvent> Events(uint64_t first, uint64_t last,
                                    const std::string& stream = "s-1") {
  std::vector<SerializedEvent> events;
  for (uint64_t p = first; p <= last; ++p) {
    RecordedEvent e;
    e.set_position(p);
    e.set_stream(stream);
    e.set_type("t");
    events.push_back(SerializedEvent{p, e.SerializeAsString()});
  }
  return events;
}

TEST_CASE("recent events are read from the requested position within the window") {
  RecentEvents recent(100, 1 << 20);
  recent.Add(Events(1, 10));
  std::optional<ReadAllResult> page = recent.Read(4, 3, {}, 100);
  REQUIRE(page.has_value());
  REQUIRE(page->events.size() == 3);
  CHECK(page->events[0].position() == 4);
  CHECK(page->next_position == 7);
}

TEST_CASE("a reader behind the window is told to read from disk") {
  RecentEvents recent(5, 1 << 20);
  recent.Add(Events(1, 10));
  CHECK_FALSE(recent.Read(5, 10, {}, 100).has_value());
  std::optional<ReadAllResult> page = recent.Read(6, 10, {}, 100);
  REQUIRE(page.has_value());
  CHECK(page->events.size() == 5);
}

TEST_CASE("the window is bounded by bytes as well as by count") {
  RecentEvents recent(1000, 1);  // any event exceeds one byte: keeps nothing
  recent.Add(Events(1, 3));
  CHECK_FALSE(recent.Read(3, 10, {}, 100).has_value());
}

TEST_CASE("a reader ahead of the newest event gets an empty page at its own position") {
  RecentEvents recent(100, 1 << 20);
  recent.Add(Events(1, 3));
  std::optional<ReadAllResult> page = recent.Read(4, 10, {}, 100);
  REQUIRE(page.has_value());
  CHECK(page->events.empty());
  CHECK(page->next_position == 4);
}

TEST_CASE("a filtered read advances past non-matching events within its scan budget") {
  RecentEvents recent(100, 1 << 20);
  recent.Add(Events(1, 5, "problem-1"));
  recent.Add(Events(6, 6, "complaint-1"));
  EventFilter filter{"complaint-", {}};
  std::optional<ReadAllResult> first = recent.Read(1, 10, filter, 3);
  REQUIRE(first.has_value());
  CHECK(first->events.empty());
  CHECK(first->next_position == 4);
  std::optional<ReadAllResult> second = recent.Read(first->next_position, 10, filter, 3);
  REQUIRE(second.has_value());
  REQUIRE(second->events.size() == 1);
  CHECK(second->events[0].position() == 6);
}

TEST_CASE("a gap in added positions restarts the window so it stays contiguous") {
  RecentEvents recent(100, 1 << 20);
  recent.Add(Events(1, 3));
  recent.Add(Events(10, 12));
  CHECK_FALSE(recent.Read(2, 10, {}, 100).has_value());
  std::optional<ReadAllResult> page = recent.Read(10, 10, {}, 100);
  REQUIRE(page.has_value());
  CHECK(page->events.size() == 3);
}

TEST_CASE("long reads, taken from the window a chunk at a time, stop at the limit and at max_scanned") {
  RecentEvents recent(5000, 64 << 20);
  for (uint64_t p = 1; p <= 3000; p += 2) {
    std::vector<SerializedEvent> pair = Events(p, p);
    std::vector<SerializedEvent> other = Events(p + 1, p + 1, "s-2");
    pair.push_back(std::move(other[0]));
    recent.Add(std::move(pair));
  }
  EventFilter only_s2;
  only_s2.stream_prefix = "s-2";
  // The limit: the 700th event of s-2 is at position 1400.
  std::optional<ReadAllResult> limited = recent.Read(1, 700, only_s2, 3000);
  REQUIRE(limited.has_value());
  REQUIRE(limited->events.size() == 700);
  for (size_t i = 0; i < 700; ++i) REQUIRE(limited->events[i].position() == 2 * (i + 1));
  CHECK(limited->next_position == 1401);
  // max_scanned: positions 500 to 1500 examined, of which the even ones are of s-2.
  std::optional<ReadAllResult> scanned = recent.Read(500, 3000, only_s2, 1001);
  REQUIRE(scanned.has_value());
  CHECK(scanned->events.size() == 501);
  CHECK(scanned->events.front().position() == 500);
  CHECK(scanned->events.back().position() == 1500);
  CHECK(scanned->next_position == 1501);
  // To the end of the window.
  std::optional<ReadAllResult> all = recent.Read(2990, 3000, {}, 3000);
  REQUIRE(all.has_value());
  CHECK(all->events.size() == 11);
  CHECK(all->next_position == 3001);
}

}  // namespace
}  // namespace closedloop::storage
