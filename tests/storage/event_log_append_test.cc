// EventLog::Append: positions and revisions, optimistic concurrency, idempotency, recorded_at,
// concurrency and reopening (validation: event_log_validation_test.cc). Every test runs on a
// real RocksDB in a TempDir.
#include <atomic>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include <catch2/catch.hpp>

#include "absl/status/status.h"
#include "absl/synchronization/blocking_counter.h"
#include "absl/time/time.h"
#include "storage/event_log.h"
#include "tests/storage/log_test_util.h"
#include "tests/temp_dir.h"

namespace closedloop::storage {
namespace {

using closedloop::testing::TempDir;
using testing::Event;
using testing::OpenLog;

AppendRequest Request(const std::string& stream, std::vector<ProposedEvent> events,
                      ExpectedRevision expected = ExpectedRevision::Any(),
                      const std::string& request_id = "") {
  AppendRequest request;
  request.stream = stream;
  request.expected = expected;
  request.events = std::move(events);
  request.request_id = request_id;
  return request;
}

// A request of `count` events of type "thing.happened" with payloads "<tag>-0", "<tag>-1", ...
AppendRequest RequestOf(const std::string& stream, int count, const std::string& tag = "p",
                        ExpectedRevision expected = ExpectedRevision::Any(),
                        const std::string& request_id = "") {
  std::vector<ProposedEvent> events;
  for (int i = 0; i < count; ++i) events.push_back(Event("thing.happened", tag + "-" + std::to_string(i)));
  return Request(stream, std::move(events), expected, request_id);
}

AppendResult MustAppend(EventLog& log, AppendRequest request) {
  absl::StatusOr<AppendResult> result = log.Append(std::move(request));
  INFO(result.status().ToString());
  REQUIRE(result.ok());
  return *result;
}

std::vector<RecordedEvent> ReadWholeLog(EventLog& log) {
  absl::StatusOr<ReadAllResult> all = log.ReadAll(1, SIZE_MAX, EventFilter{}, SIZE_MAX);
  REQUIRE(all.ok());
  return all->events;
}

absl::Time RecordedAt(const RecordedEvent& event) {
  return absl::FromUnixSeconds(event.recorded_at().seconds()) +
         absl::Nanoseconds(event.recorded_at().nanos());
}

// Checks that an append was refused for a revision mismatch and reports `actual`.
void RequireWrongRevision(const absl::StatusOr<AppendResult>& result, uint64_t actual) {
  INFO(result.status().ToString());
  REQUIRE(result.status().code() == absl::StatusCode::kAborted);
  REQUIRE(ActualRevisionOf(result.status()) == actual);
}

TEST_CASE("appends get global positions from 1 without gaps and each stream's revisions start at 1") {
  TempDir dir;
  auto log = OpenLog(dir.path());
  REQUIRE(log->HeadPosition() == 0);

  const std::vector<std::string> streams = {"order-1", "order-2", "order-1", "invoice-7", "order-2",
                                            "order-1"};
  std::map<std::string, uint64_t> revisions;
  for (size_t i = 0; i < streams.size(); ++i) {
    AppendResult r = MustAppend(*log, RequestOf(streams[i], 1));
    CHECK(r.first_position == i + 1);
    CHECK(r.last_position == i + 1);
    CHECK(r.stream_revision == ++revisions[streams[i]]);
    CHECK_FALSE(r.deduplicated);
  }
  REQUIRE(log->HeadPosition() == streams.size());

  std::vector<RecordedEvent> events = ReadWholeLog(*log);
  REQUIRE(events.size() == streams.size());
  std::map<std::string, uint64_t> seen;
  for (size_t i = 0; i < events.size(); ++i) {
    CHECK(events[i].position() == i + 1);
    CHECK(events[i].stream() == streams[i]);
    CHECK(events[i].revision() == ++seen[streams[i]]);
  }
  for (const auto& [stream, revision] : revisions) CHECK(*log->StreamRevision(stream) == revision);
}

TEST_CASE("a multi-event append is written at consecutive positions and revisions") {
  TempDir dir;
  auto log = OpenLog(dir.path());
  MustAppend(*log, RequestOf("other", 2));
  AppendResult r = MustAppend(*log, RequestOf("order-1", 5, "batch"));
  CHECK(r.first_position == 3);
  CHECK(r.last_position == 7);
  CHECK(r.stream_revision == 5);

  absl::StatusOr<std::vector<RecordedEvent>> events =
      log->ReadStream("order-1", 1, Direction::kForward, 100);
  REQUIRE(events.ok());
  REQUIRE(events->size() == 5);
  for (size_t i = 0; i < 5; ++i) {
    CHECK((*events)[i].position() == 3 + i);
    CHECK((*events)[i].revision() == 1 + i);
    CHECK((*events)[i].payload() == "batch-" + std::to_string(i));
    CHECK((*events)[i].type() == "thing.happened");
    CHECK((*events)[i].actor().principal() == "user:test");
    CHECK((*events)[i].actor().role() == "tester");
  }
}

TEST_CASE("a refused multi-event append writes none of its events") {
  TempDir dir;
  auto log = OpenLog(dir.path());
  MustAppend(*log, RequestOf("order-1", 2));
  RequireWrongRevision(log->Append(RequestOf("order-1", 10, "x", ExpectedRevision::Exact(1))), 2);
  CHECK(log->HeadPosition() == 2);
  CHECK(*log->StreamRevision("order-1") == 2);
  CHECK(ReadWholeLog(*log).size() == 2);
  // The next append gets the next position: the refused one consumed nothing.
  CHECK(MustAppend(*log, RequestOf("order-1", 1)).first_position == 3);
}

TEST_CASE("ExpectedRevision Any accepts both a new stream and an existing one") {
  TempDir dir;
  auto log = OpenLog(dir.path());
  CHECK(MustAppend(*log, RequestOf("s", 1, "p", ExpectedRevision::Any())).stream_revision == 1);
  CHECK(MustAppend(*log, RequestOf("s", 1, "p", ExpectedRevision::Any())).stream_revision == 2);
}

TEST_CASE("ExpectedRevision NoStream accepts only a stream that does not exist yet") {
  TempDir dir;
  auto log = OpenLog(dir.path());
  CHECK(MustAppend(*log, RequestOf("s", 2, "p", ExpectedRevision::NoStream())).stream_revision == 2);
  RequireWrongRevision(log->Append(RequestOf("s", 1, "p", ExpectedRevision::NoStream())), 2);
  // Exact(0) means the same thing.
  RequireWrongRevision(log->Append(RequestOf("s", 1, "p", ExpectedRevision::Exact(0))), 2);
  CHECK(MustAppend(*log, RequestOf("t", 1, "p", ExpectedRevision::Exact(0))).stream_revision == 1);
  CHECK(log->HeadPosition() == 3);
}

TEST_CASE("ExpectedRevision StreamExists refuses a new stream and accepts an existing one") {
  TempDir dir;
  auto log = OpenLog(dir.path());
  RequireWrongRevision(log->Append(RequestOf("s", 1, "p", ExpectedRevision::StreamExists())), 0);
  CHECK(log->HeadPosition() == 0);
  MustAppend(*log, RequestOf("s", 1));
  CHECK(MustAppend(*log, RequestOf("s", 1, "p", ExpectedRevision::StreamExists())).stream_revision == 2);
}

TEST_CASE("ExpectedRevision Exact accepts only the stream's current revision") {
  TempDir dir;
  auto log = OpenLog(dir.path());
  MustAppend(*log, RequestOf("s", 3));
  MustAppend(*log, RequestOf("unrelated", 4));  // other streams do not count

  RequireWrongRevision(log->Append(RequestOf("s", 1, "p", ExpectedRevision::Exact(2))), 3);
  RequireWrongRevision(log->Append(RequestOf("s", 1, "p", ExpectedRevision::Exact(4))), 3);
  RequireWrongRevision(log->Append(RequestOf("s", 1, "p", ExpectedRevision::Exact(7))), 3);
  RequireWrongRevision(log->Append(RequestOf("new", 1, "p", ExpectedRevision::Exact(1))), 0);
  CHECK(log->HeadPosition() == 7);

  AppendResult r = MustAppend(*log, RequestOf("s", 2, "p", ExpectedRevision::Exact(3)));
  CHECK(r.first_position == 8);
  CHECK(r.stream_revision == 5);
  RequireWrongRevision(log->Append(RequestOf("s", 1, "p", ExpectedRevision::Exact(3))), 5);
}

TEST_CASE("a retried append with the same request id returns the original positions and writes nothing") {
  TempDir dir;
  auto log = OpenLog(dir.path());
  const AppendRequest request = RequestOf("order-1", 3, "p", ExpectedRevision::NoStream(), "req-1");
  AppendResult original = MustAppend(*log, request);
  CHECK_FALSE(original.deduplicated);
  MustAppend(*log, RequestOf("order-1", 2));  // the stream and the head move on
  const uint64_t head = log->HeadPosition();
  REQUIRE(head == 5);

  // The retry's NoStream no longer holds, but a retry is answered from its receipt.
  AppendResult retry = MustAppend(*log, request);
  CHECK(retry.deduplicated);
  CHECK(retry.first_position == original.first_position);
  CHECK(retry.last_position == original.last_position);
  CHECK(retry.stream_revision == original.stream_revision);
  CHECK(log->HeadPosition() == head);
  CHECK(*log->StreamRevision("order-1") == 5);
  CHECK(ReadWholeLog(*log).size() == head);
}

TEST_CASE("a request id reused for different content is refused with ALREADY_EXISTS and writes nothing") {
  TempDir dir;
  auto log = OpenLog(dir.path());
  MustAppend(*log, RequestOf("order-1", 2, "p", ExpectedRevision::Any(), "req-1"));

  std::vector<AppendRequest> others = {
      RequestOf("order-1", 2, "changed", ExpectedRevision::Any(), "req-1"),   // other payloads
      RequestOf("order-2", 2, "p", ExpectedRevision::Any(), "req-1"),         // other stream
      RequestOf("order-1", 3, "p", ExpectedRevision::Any(), "req-1"),         // more events
      RequestOf("order-1", 2, "p", ExpectedRevision::Exact(0), "req-1"),      // other expectation
  };
  for (AppendRequest& other : others) {
    absl::StatusOr<AppendResult> r = log->Append(std::move(other));
    INFO(r.status().ToString());
    CHECK(r.status().code() == absl::StatusCode::kAlreadyExists);
  }
  CHECK(log->HeadPosition() == 2);
  CHECK(*log->StreamRevision("order-2") == 0);
}

TEST_CASE("identical appends with one request id in flight together are written once") {
  TempDir dir;
  auto log = OpenLog(dir.path());
  constexpr int kCopies = 50;
  std::vector<absl::StatusOr<AppendResult>> results(kCopies);
  absl::BlockingCounter done(kCopies);
  for (int i = 0; i < kCopies; ++i) {
    log->AppendAsync(RequestOf("order-1", 2, "p", ExpectedRevision::NoStream(), "req-once"),
                     [&results, &done, i](absl::StatusOr<AppendResult> r) {
                       results[i] = std::move(r);
                       done.DecrementCount();
                     });
  }
  done.Wait();
  int written = 0;
  for (const auto& r : results) {
    INFO(r.status().ToString());
    REQUIRE(r.ok());
    CHECK(r->first_position == 1);
    CHECK(r->last_position == 2);
    if (!r->deduplicated) ++written;
  }
  CHECK(written == 1);
  CHECK(log->HeadPosition() == 2);
}

TEST_CASE("deduplication by request id survives closing and reopening the log") {
  TempDir dir;
  const AppendRequest request = RequestOf("order-1", 4, "p", ExpectedRevision::Any(), "req-keep");
  AppendResult original;
  {
    auto log = OpenLog(dir.path());
    MustAppend(*log, RequestOf("first", 1));
    original = MustAppend(*log, request);
  }
  auto log = OpenLog(dir.path());
  AppendResult retry = MustAppend(*log, request);
  CHECK(retry.deduplicated);
  CHECK(retry.first_position == original.first_position);
  CHECK(retry.last_position == original.last_position);
  CHECK(retry.stream_revision == original.stream_revision);
  CHECK(log->HeadPosition() == 5);
  absl::StatusOr<AppendResult> conflicting =
      log->Append(RequestOf("order-1", 4, "other", ExpectedRevision::Any(), "req-keep"));
  CHECK(conflicting.status().code() == absl::StatusCode::kAlreadyExists);
  CHECK(log->HeadPosition() == 5);
}

TEST_CASE("recorded_at follows the injected clock but never goes backwards when the clock does") {
  TempDir dir;
  std::atomic<int64_t> now_seconds{1'700'000'000};
  EventLogOptions options;
  options.path = dir.path();
  options.clock = [&now_seconds] { return absl::FromUnixSeconds(now_seconds.load()); };
  const absl::Time t0 = absl::FromUnixSeconds(1'700'000'000);
  {
    auto log = OpenLog(options);
    MustAppend(*log, RequestOf("s", 1));  // at t0
    now_seconds = 1'600'000'000;          // the clock jumps back
    MustAppend(*log, RequestOf("s", 1));
    now_seconds = 1'700'000'100;          // and forward again
    MustAppend(*log, RequestOf("s", 1));
    std::vector<RecordedEvent> events = ReadWholeLog(*log);
    REQUIRE(events.size() == 3);
    CHECK(RecordedAt(events[0]) == t0);
    CHECK(RecordedAt(events[1]) == t0);
    CHECK(RecordedAt(events[2]) == t0 + absl::Seconds(100));
  }
  // A reopened log remembers the last recorded_at.
  now_seconds = 1'500'000'000;
  auto log = OpenLog(options);
  MustAppend(*log, RequestOf("s", 1));
  std::vector<RecordedEvent> events = ReadWholeLog(*log);
  REQUIRE(events.size() == 4);
  CHECK(RecordedAt(events[3]) == t0 + absl::Seconds(100));
}

TEST_CASE("concurrent appends from 16 threads all succeed at distinct gap-free positions") {
  constexpr int kThreads = 16;
  constexpr int kAppendsPerThread = 200;
  TempDir dir;
  auto log = OpenLog(dir.path());

  // Each thread writes its own stream with Exact expectations, so every append must succeed.
  std::vector<std::vector<absl::StatusOr<AppendResult>>> results(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&log, &results, t] {
      for (int n = 0; n < kAppendsPerThread; ++n) {
        results[t].push_back(log->Append(
            RequestOf("thread-" + std::to_string(t), 1, std::to_string(n), ExpectedRevision::Exact(n))));
      }
    });
  }
  for (std::thread& thread : threads) thread.join();

  std::set<uint64_t> positions;
  for (int t = 0; t < kThreads; ++t) {
    REQUIRE(results[t].size() == kAppendsPerThread);
    uint64_t previous = 0;
    for (int n = 0; n < kAppendsPerThread; ++n) {
      const absl::StatusOr<AppendResult>& r = results[t][n];
      INFO("thread " << t << " append " << n << ": " << r.status().ToString());
      REQUIRE(r.ok());
      CHECK(r->stream_revision == static_cast<uint64_t>(n + 1));
      CHECK(r->first_position > previous);  // one thread's appends are ordered
      previous = r->first_position;
      positions.insert(r->first_position);
    }
  }
  constexpr uint64_t kTotal = kThreads * kAppendsPerThread;
  CHECK(positions.size() == kTotal);
  CHECK(*positions.begin() == 1);
  CHECK(*positions.rbegin() == kTotal);
  CHECK(log->HeadPosition() == kTotal);

  EventLogStats stats = log->GetStats();
  CHECK(stats.appends == kTotal);
  CHECK(stats.commits >= 1);
  CHECK(stats.commits <= stats.appends);
  // One sample per synced write; every append here was accepted, so each one is in a write.
  CHECK(stats.appends_per_commit.count == stats.commits);
  CHECK(stats.appends_per_commit.sum == static_cast<double>(stats.appends));
  CHECK(stats.events_per_commit.sum >= static_cast<double>(stats.appends));
  CHECK(stats.sync_seconds.count == stats.commits);
  absl::StatusOr<ChainVerification> chain = log->VerifyChain(0, 0);
  REQUIRE(chain.ok());
  CHECK(chain->ok);
  CHECK(chain->verified_to == kTotal);
}

TEST_CASE("appends submitted asynchronously from one thread are positioned in submission order") {
  TempDir dir;
  auto log = OpenLog(dir.path());
  constexpr int kAppends = 300;
  std::vector<absl::StatusOr<AppendResult>> results(kAppends);
  absl::BlockingCounter done(kAppends);
  for (int i = 0; i < kAppends; ++i) {
    log->AppendAsync(RequestOf("s", 1 + i % 3), [&results, &done, i](absl::StatusOr<AppendResult> r) {
      results[i] = std::move(r);
      done.DecrementCount();
    });
  }
  done.Wait();
  uint64_t next = 1;
  for (int i = 0; i < kAppends; ++i) {
    REQUIRE(results[i].ok());
    CHECK(results[i]->first_position == next);
    next = results[i]->last_position + 1;
  }
  CHECK(log->HeadPosition() == next - 1);
}

TEST_CASE("an append after reopening continues the positions the revisions and the hash chain") {
  TempDir dir;
  std::string last_hash_before;
  {
    auto log = OpenLog(dir.path());
    for (int i = 0; i < 10; ++i) MustAppend(*log, RequestOf(i % 2 ? "odd" : "even", 1));
    last_hash_before = ReadWholeLog(*log).back().hash();
  }
  auto log = OpenLog(dir.path());
  REQUIRE(log->HeadPosition() == 10);
  AppendResult r = MustAppend(*log, RequestOf("even", 3));
  CHECK(r.first_position == 11);
  CHECK(r.last_position == 13);
  CHECK(r.stream_revision == 8);

  std::vector<RecordedEvent> events = ReadWholeLog(*log);
  REQUIRE(events.size() == 13);
  CHECK(events[10].previous_hash() == last_hash_before);
  absl::StatusOr<ChainVerification> chain = log->VerifyChain(0, 0);
  REQUIRE(chain.ok());
  CHECK(chain->ok);
  CHECK(chain->verified_from == 1);
  CHECK(chain->verified_to == 13);
  CHECK(chain->last_hash == events.back().hash());
}

}  // namespace
}  // namespace closedloop::storage
