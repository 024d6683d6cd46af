// Power cuts, simulated by a file system that drops everything not synced
// (tests/storage/fault_injection_fs.h). Unlike SIGKILL (tests/storage/crash_test.cc), which
// leaves unsynced writes in the page cache, this test fails if the log acknowledges an append
// before it is synced: the second test case shows it by turning the sync off.
#include <map>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include <catch2/catch.hpp>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "rocksdb/env.h"
#include "storage/event_log.h"
#include "tests/storage/fault_injection_fs.h"
#include "tests/storage/log_test_util.h"
#include "tests/temp_dir.h"

namespace closedloop::storage {
namespace {

using closedloop::testing::TempDir;
using testing::Event;
using testing::FaultInjectionFileSystem;
using testing::OpenLog;

constexpr int kCycles = 6;
constexpr int kThreads = 4;

struct Ack {
  std::string request_id;
  uint64_t first_position = 0;
  uint64_t last_position = 0;
};

// An append of 1 to 3 events; each event's payload is "<request_id>/<count>".
AppendRequest Request(int cycle, int thread, int n) {
  AppendRequest request;
  request.request_id = absl::StrCat("c", cycle, "-t", thread, "-", n);
  request.stream = absl::StrCat("stream-", (thread + n) % 5);
  const int count = 1 + (cycle + n) % 3;
  for (int i = 0; i < count; ++i) {
    request.events.push_back(Event("power.appended", absl::StrCat(request.request_id, "/", count)));
  }
  return request;
}

struct Harness {
  std::shared_ptr<FaultInjectionFileSystem> fs = std::make_shared<FaultInjectionFileSystem>();
  std::unique_ptr<rocksdb::Env> env = rocksdb::NewCompositeEnv(fs);
  TempDir dir;

  EventLogOptions Options(bool sync_writes) {
    EventLogOptions options;
    options.path = dir.path();
    options.env = env.get();
    options.sync_writes = sync_writes;
    return options;
  }

  // Appends from several threads until `acks_wanted` appends were acknowledged, then cuts the
  // power while appends are still in flight, and closes the log. Returns the appends
  // acknowledged before the cut.
  std::vector<Ack> AppendUntilPowerCut(int cycle, size_t acks_wanted, bool sync_writes) {
    auto log = OpenLog(Options(sync_writes));
    absl::Mutex mu;
    std::vector<Ack> acks;
    bool cut = false;
    std::string error;
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t) {
      threads.emplace_back([&, t] {
        for (int n = 0;; ++n) {
          AppendRequest request = Request(cycle, t, n);
          const std::string id = request.request_id;
          absl::StatusOr<AppendResult> result = log->Append(std::move(request));
          absl::MutexLock lock(&mu);
          if (cut) return;
          if (!result.ok()) {  // Catch2 assertions are for the main thread only
            if (error.empty()) error = result.status().ToString();
            return;
          }
          acks.push_back(Ack{id, result->first_position, result->last_position});
        }
      });
    }
    std::vector<Ack> acked;
    {
      absl::MutexLock lock(&mu);
      auto enough = [&] { return acks.size() >= acks_wanted || !error.empty(); };
      mu.Await(absl::Condition(&enough));
      // Under the lock that records acks: every ack counted here was synced before the cut.
      fs->CutPower();
      cut = true;
      acked = acks;
    }
    for (std::thread& thread : threads) thread.join();
    log.reset();
    fs->RestorePower();
    INFO(error);
    REQUIRE(error.empty());
    return acked;
  }
};

// Checks that every acknowledged append is in the reopened log at its positions, that no
// append is torn, and that the chain verifies. Returns the head.
uint64_t CheckRecovered(EventLog& log, const std::vector<Ack>& acks) {
  const uint64_t head = log.HeadPosition();
  absl::StatusOr<ReadAllResult> all = log.ReadAll(1, SIZE_MAX, EventFilter{}, SIZE_MAX);
  REQUIRE(all.ok());
  REQUIRE(all->events.size() == head);
  std::map<std::string, size_t> events_of;
  for (const RecordedEvent& event : all->events) ++events_of[event.request_id()];
  for (const RecordedEvent& event : all->events) {
    const std::string expected = absl::StrCat(event.request_id(), "/", events_of[event.request_id()]);
    if (event.payload() != expected) FAIL("torn append at position " << event.position());
  }
  for (const Ack& ack : acks) {
    if (ack.last_position > head) {
      FAIL("acknowledged " << ack.request_id << " at " << ack.first_position << ".."
                           << ack.last_position << " is lost: the head is " << head);
    }
    for (uint64_t p = ack.first_position; p <= ack.last_position; ++p) {
      REQUIRE(all->events[p - 1].request_id() == ack.request_id);
    }
  }
  absl::StatusOr<ChainVerification> chain = log.VerifyChain(0, 0);
  REQUIRE(chain.ok());
  INFO(chain->problem);
  REQUIRE(chain->ok);
  return head;
}

TEST_CASE("after a power cut every acknowledged append survives whole and the chain verifies") {
  Harness harness;
  std::vector<Ack> all_acks;
  for (int cycle = 0; cycle < kCycles; ++cycle) {
    INFO("cycle " << cycle);
    std::vector<Ack> acks =
        harness.AppendUntilPowerCut(cycle, 20 + 37 * static_cast<size_t>(cycle), true);
    all_acks.insert(all_acks.end(), acks.begin(), acks.end());
    auto log = OpenLog(harness.Options(true));
    CHECK(CheckRecovered(*log, all_acks) >= all_acks.size());
  }
}

TEST_CASE("with the sync turned off the same power cut loses acknowledged appends") {
  Harness harness;
  std::vector<Ack> acks = harness.AppendUntilPowerCut(0, 50, /*sync_writes=*/false);
  REQUIRE(acks.size() >= 50);
  auto log = OpenLog(harness.Options(true));
  uint64_t acknowledged_end = 0;
  for (const Ack& ack : acks) acknowledged_end = std::max(acknowledged_end, ack.last_position);
  // What the first test case checks would fail here.
  CHECK(log->HeadPosition() < acknowledged_end);
}

}  // namespace
}  // namespace closedloop::storage
