// Subscriptions: catch-up then live delivery, filters, slow and idle subscribers, deadlines
// and cancellation. No test sleeps: waiting is Next() with a generous deadline as a bound.
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include <catch2/catch.hpp>

#include "absl/status/status.h"
#include "absl/synchronization/blocking_counter.h"
#include "absl/synchronization/notification.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "storage/event_log.h"
#include "tests/storage/log_test_util.h"
#include "tests/temp_dir.h"

namespace closedloop::storage {
namespace {

using closedloop::testing::TempDir;
using testing::Event;
using testing::OpenLog;

// A bound for waits that should end much sooner; reaching it fails the test.
constexpr absl::Duration kPatience = absl::Seconds(10);

AppendRequest RequestOf(const std::string& stream, int count, const std::string& type) {
  AppendRequest request;
  request.stream = stream;
  for (int i = 0; i < count; ++i) request.events.emplace_back().set_type(type);
  return request;
}

// Appends `count` events to `stream`; usable from any thread (no Catch2 assertions).
bool AppendEvents(EventLog& log, const std::string& stream, int count,
                  const std::string& type = "thing.happened") {
  return log.Append(RequestOf(stream, count, type)).ok();
}

// Appends `count` single-event appends without waiting for each; returns once all are durable.
void AppendManyAsync(EventLog& log, const std::string& stream, int count) {
  absl::BlockingCounter done(count);
  std::vector<absl::Status> statuses(count);
  for (int i = 0; i < count; ++i) {
    log.AppendAsync(RequestOf(stream, 1, "thing.happened"),
                    [&done, &statuses, i](absl::StatusOr<AppendResult> r) {
                      statuses[i] = r.status();
                      done.DecrementCount();
                    });
  }
  done.Wait();
  for (const absl::Status& s : statuses) REQUIRE(s.ok());
}

// Calls Next until `count` events arrived, an error, or kPatience passes. Thread-safe (no
// Catch2 assertions); the caller checks the size.
std::vector<RecordedEvent> Collect(Subscription& sub, size_t count, size_t max_per_call = 100) {
  std::vector<RecordedEvent> out;
  const absl::Time deadline = absl::Now() + kPatience;
  while (out.size() < count && absl::Now() < deadline) {
    absl::StatusOr<std::vector<RecordedEvent>> batch = sub.Next(max_per_call, deadline);
    if (!batch.ok()) break;
    for (RecordedEvent& e : *batch) out.push_back(std::move(e));
  }
  return out;
}

std::vector<uint64_t> Positions(const std::vector<RecordedEvent>& events) {
  std::vector<uint64_t> out;
  for (const RecordedEvent& e : events) out.push_back(e.position());
  return out;
}

std::vector<uint64_t> Range(uint64_t first, uint64_t last) {
  std::vector<uint64_t> out;
  for (uint64_t p = first; p <= last; ++p) out.push_back(p);
  return out;
}

TEST_CASE("a subscription from position 1 catches up on existing events and then delivers live ones in order") {
  TempDir dir;
  auto log = OpenLog(dir.path());
  REQUIRE(AppendEvents(*log, "order-1", 4));
  REQUIRE(AppendEvents(*log, "order-2", 6));

  std::unique_ptr<Subscription> sub = log->Subscribe(1, EventFilter{});
  CHECK(sub->cursor() == 1);
  std::vector<RecordedEvent> caught_up = Collect(*sub, 10, 3);
  CHECK(Positions(caught_up) == Range(1, 10));
  CHECK(sub->cursor() == 11);

  std::thread writer([&log] {
    for (int i = 1; i <= 10; ++i) {
      if (!AppendEvents(*log, "order-" + std::to_string(i % 3), i % 4 + 1)) return;
    }
  });
  std::vector<RecordedEvent> live = Collect(*sub, 25);
  writer.join();
  CHECK(Positions(live) == Range(11, 35));
  CHECK(log->HeadPosition() == 35);
  CHECK(sub->cursor() == 36);
}

TEST_CASE("a subscription from a later position starts there") {
  TempDir dir;
  auto log = OpenLog(dir.path());
  REQUIRE(AppendEvents(*log, "s", 20));
  std::unique_ptr<Subscription> sub = log->Subscribe(15, EventFilter{});
  CHECK(Positions(Collect(*sub, 6)) == Range(15, 20));
  // A subscription past the head waits for the events to come.
  std::unique_ptr<Subscription> ahead = log->Subscribe(23, EventFilter{});
  REQUIRE(AppendEvents(*log, "s", 5));
  CHECK(Positions(Collect(*ahead, 3)) == Range(23, 25));
}

TEST_CASE("twenty subscribers at once each receive every event in order") {
  constexpr int kSubscribers = 20;
  constexpr uint64_t kEvents = 300;
  TempDir dir;
  auto log = OpenLog(dir.path());
  REQUIRE(AppendEvents(*log, "early", 10));

  std::vector<std::unique_ptr<Subscription>> subs;
  for (int i = 0; i < kSubscribers; ++i) subs.push_back(log->Subscribe(1, EventFilter{}));
  std::vector<std::vector<RecordedEvent>> received(kSubscribers);
  std::vector<std::thread> readers;
  for (int i = 0; i < kSubscribers; ++i) {
    readers.emplace_back([&, i] { received[i] = Collect(*subs[i], kEvents, 1 + i * 7); });
  }
  std::thread writer([&log] {
    for (int i = 0; i < 58; ++i) {
      if (!AppendEvents(*log, "s-" + std::to_string(i % 5), 5)) return;
    }
  });
  writer.join();
  for (std::thread& t : readers) t.join();

  REQUIRE(log->HeadPosition() == kEvents);
  std::vector<RecordedEvent> all = Collect(*log->Subscribe(1, EventFilter{}), kEvents, 1000);
  for (int i = 0; i < kSubscribers; ++i) {
    INFO("subscriber " << i);
    REQUIRE(Positions(received[i]) == Range(1, kEvents));
    for (size_t j = 0; j < kEvents; ++j) REQUIRE(received[i][j].hash() == all[j].hash());
  }
}

TEST_CASE("a subscription with a stream prefix or event types delivers only matching events") {
  TempDir dir;
  auto log = OpenLog(dir.path());
  EventFilter orders;
  orders.stream_prefix = "order-";
  EventFilter paid;
  paid.event_types = {"order.paid", "invoice.paid"};
  std::unique_ptr<Subscription> order_sub = log->Subscribe(1, orders);
  std::unique_ptr<Subscription> paid_sub = log->Subscribe(1, paid);

  for (int i = 0; i < 10; ++i) {
    REQUIRE(AppendEvents(*log, "order-" + std::to_string(i), 1, "order.placed"));   // 3i+1
    REQUIRE(AppendEvents(*log, "invoice-" + std::to_string(i), 1, "invoice.paid"));  // 3i+2
    REQUIRE(AppendEvents(*log, "order-" + std::to_string(i), 1, "order.paid"));     // 3i+3
  }
  std::vector<uint64_t> expected_orders, expected_paid;
  for (uint64_t i = 0; i < 10; ++i) {
    expected_orders.insert(expected_orders.end(), {3 * i + 1, 3 * i + 3});
    expected_paid.insert(expected_paid.end(), {3 * i + 2, 3 * i + 3});
  }
  std::vector<RecordedEvent> got_orders = Collect(*order_sub, 20, 7);
  CHECK(Positions(got_orders) == expected_orders);
  for (const RecordedEvent& e : got_orders) CHECK(e.stream().rfind("order-", 0) == 0);
  std::vector<RecordedEvent> got_paid = Collect(*paid_sub, 20, 7);
  CHECK(Positions(got_paid) == expected_paid);
  // The cursors moved past everything examined.
  CHECK(order_sub->cursor() == 31);
  CHECK(paid_sub->cursor() == 31);
}

TEST_CASE("a selective subscription finds a match beyond thousands of non-matching events") {
  TempDir dir;
  auto log = OpenLog(dir.path());
  for (int i = 0; i < 6; ++i) REQUIRE(AppendEvents(*log, "noise", 1000));
  REQUIRE(AppendEvents(*log, "needle", 1));
  EventFilter needle;
  needle.stream_prefix = "needle";
  std::unique_ptr<Subscription> sub = log->Subscribe(1, needle);
  std::vector<RecordedEvent> got = Collect(*sub, 1);
  CHECK(Positions(got) == std::vector<uint64_t>{6001});
  CHECK(sub->cursor() == 6002);
}

TEST_CASE("a slow subscriber that fell behind the in-memory window still receives every event in order") {
  TempDir dir;
  auto log = OpenLog(dir.path(), /*recent_events_capacity=*/16);
  std::unique_ptr<Subscription> sub = log->Subscribe(1, EventFilter{});
  for (int i = 0; i < 100; ++i) REQUIRE(AppendEvents(*log, "s-" + std::to_string(i % 3), 10));
  REQUIRE(log->HeadPosition() == 1000);

  std::vector<RecordedEvent> got = Collect(*sub, 1000, 64);
  REQUIRE(Positions(got) == Range(1, 1000));
  // Events read back from disk carry the same content as when appended.
  CHECK(got[0].stream() == "s-0");
  CHECK(got[999].stream() == "s-0");
  // Position 501 opens append 50, to "s-2", which had 16 appends of 10 events before.
  CHECK(got[500].stream() == "s-2");
  CHECK(got[500].revision() == 161);
  for (size_t i = 1; i < got.size(); ++i) REQUIRE(got[i].previous_hash() == got[i - 1].hash());
}

TEST_CASE("writers are not blocked by a subscriber that never reads") {
  TempDir dir;
  auto log = OpenLog(dir.path(), /*recent_events_capacity=*/16);
  std::unique_ptr<Subscription> idle = log->Subscribe(1, EventFilter{});
  REQUIRE(AppendEvents(*log, "s", 1));
  AppendManyAsync(*log, "s", 1000);  // returns once every append is durable
  CHECK(log->HeadPosition() == 1001);
  CHECK(idle->cursor() == 1);
  // The subscriber is not broken by having been left behind.
  CHECK(Positions(Collect(*idle, 1001, 500)) == Range(1, 1001));
}

TEST_CASE("Next with a near deadline and no new events returns an empty batch") {
  TempDir dir;
  auto log = OpenLog(dir.path());
  REQUIRE(AppendEvents(*log, "s", 3));
  std::unique_ptr<Subscription> sub = log->Subscribe(1, EventFilter{});
  REQUIRE(Collect(*sub, 3).size() == 3);

  absl::StatusOr<std::vector<RecordedEvent>> next = sub->Next(10, absl::Now() + absl::Milliseconds(20));
  REQUIRE(next.ok());
  CHECK(next->empty());
  CHECK(sub->cursor() == 4);
  // A deadline already past returns at once, with what is there.
  next = sub->Next(10, absl::InfinitePast());
  REQUIRE(next.ok());
  CHECK(next->empty());
  REQUIRE(AppendEvents(*log, "s", 2));
  next = sub->Next(10, absl::InfinitePast());
  REQUIRE(next.ok());
  CHECK(Positions(*next) == Range(4, 5));
}

TEST_CASE("Next returns at most max_events per call") {
  TempDir dir;
  auto log = OpenLog(dir.path());
  REQUIRE(AppendEvents(*log, "s", 10));
  std::unique_ptr<Subscription> sub = log->Subscribe(1, EventFilter{});
  absl::StatusOr<std::vector<RecordedEvent>> next = sub->Next(4, absl::Now() + kPatience);
  REQUIRE(next.ok());
  CHECK(Positions(*next) == Range(1, 4));
  CHECK(sub->cursor() == 5);
}

TEST_CASE("Cancel from another thread wakes a waiting Next which returns CANCELLED") {
  TempDir dir;
  auto log = OpenLog(dir.path());
  REQUIRE(AppendEvents(*log, "s", 2));
  std::unique_ptr<Subscription> sub = log->Subscribe(1, EventFilter{});
  REQUIRE(Collect(*sub, 2).size() == 2);

  absl::Notification about_to_wait;
  absl::StatusOr<std::vector<RecordedEvent>> result;
  std::thread reader([&] {
    about_to_wait.Notify();
    // Without a wake-up this would return an empty batch at the deadline, failing the test.
    result = sub->Next(10, absl::Now() + absl::Seconds(30));
  });
  about_to_wait.WaitForNotification();
  sub->Cancel();
  reader.join();
  CHECK(result.status().code() == absl::StatusCode::kCancelled);

  // Every later call is cancelled too, even with events waiting.
  REQUIRE(AppendEvents(*log, "s", 1));
  CHECK(sub->Next(10, absl::Now() + kPatience).status().code() == absl::StatusCode::kCancelled);
  // Other subscriptions are unaffected.
  std::unique_ptr<Subscription> other = log->Subscribe(1, EventFilter{});
  CHECK(Positions(Collect(*other, 3)) == Range(1, 3));
}

TEST_CASE("Cancel before any Next makes the first Next return CANCELLED") {
  TempDir dir;
  auto log = OpenLog(dir.path());
  REQUIRE(AppendEvents(*log, "s", 2));
  std::unique_ptr<Subscription> sub = log->Subscribe(1, EventFilter{});
  sub->Cancel();
  CHECK(sub->Next(10, absl::Now() + kPatience).status().code() == absl::StatusCode::kCancelled);
  CHECK(sub->cursor() == 1);
}

}  // namespace
}  // namespace closedloop::storage
