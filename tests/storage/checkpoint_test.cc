// Online copies of the log: taken while appends continue, each opens as a whole prefix of the
// log whose hash chain verifies.
#include <catch2/catch.hpp>

#include <atomic>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "tests/storage/log_test_util.h"
#include "tests/temp_dir.h"

namespace closedloop::storage {
namespace {

using namespace testing;  // NOLINT: test helpers
using closedloop::testing::TempDir;

AppendRequest OneEvent(const std::string& stream, int n) {
  AppendRequest request;
  request.stream = stream;
  request.events.push_back(Event("thing.happened", absl::StrCat("payload ", n)));
  request.events.push_back(Event("thing.followed", absl::StrCat("payload ", n)));
  return request;
}

TEST_CASE("copies of the log taken during appends each open as a verified whole prefix", "[checkpoint]") {
  TempDir dir;
  std::unique_ptr<EventLog> log = OpenLog(dir.Sub("log"));
  for (int i = 0; i < 100; ++i) REQUIRE(log->Append(OneEvent("warmup", i)).ok());

  std::atomic<bool> stop{false};
  std::atomic<int> appended{0};
  std::vector<std::thread> writers;
  for (int w = 0; w < 4; ++w) {
    writers.emplace_back([&, w] {
      for (int i = 0; !stop.load(); ++i) {
        if (log->Append(OneEvent(absl::StrCat("writer-", w), i)).ok()) ++appended;
      }
    });
  }
  std::vector<uint64_t> acknowledged;
  for (int copy = 0; copy < 3; ++copy) {
    // Wait for the writers to make progress between copies (positions, not time).
    const int before = appended.load();
    while (appended.load() < before + 50) std::this_thread::yield();
    acknowledged.push_back(log->HeadPosition());
    REQUIRE(log->Checkpoint(dir.Sub(absl::StrCat("copy-", copy))).ok());
  }
  stop = true;
  for (std::thread& t : writers) t.join();

  for (int copy = 0; copy < 3; ++copy) {
    INFO("copy " << copy);
    std::unique_ptr<EventLog> restored = OpenLog(dir.Sub(absl::StrCat("copy-", copy)));
    const uint64_t head = restored->HeadPosition();
    CHECK(head >= acknowledged[copy]);
    CHECK(head <= log->HeadPosition());
    CHECK(head % 2 == 0);  // every append is two events: no half of one
    absl::StatusOr<ChainVerification> verified = restored->VerifyChain(1, 0);
    REQUIRE(verified.ok());
    CHECK(verified->ok);
    CHECK(verified->verified_to == head);
    // The copy is a log of its own: it takes appends and chains them on.
    REQUIRE(restored->Append(OneEvent("after-restore", 0)).ok());
    CHECK(restored->VerifyChain(1, 0)->ok);
  }
  CHECK(log->Checkpoint(dir.Sub("copy-0")).code() == absl::StatusCode::kAlreadyExists);
}

}  // namespace
}  // namespace closedloop::storage
