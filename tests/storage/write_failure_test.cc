// A failing disk and a slow one, through the fault-injecting file system
// (tests/storage/fault_injection_fs.h): after a failed sync the log refuses every write until
// it is reopened, and a full write queue refuses appends at once instead of growing.
#include <memory>
#include <optional>
#include <string>

#include <catch2/catch.hpp>

#include "absl/cleanup/cleanup.h"
#include "absl/status/status.h"
#include "absl/synchronization/notification.h"
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

struct Harness {
  std::shared_ptr<FaultInjectionFileSystem> fs = std::make_shared<FaultInjectionFileSystem>();
  std::unique_ptr<rocksdb::Env> env = rocksdb::NewCompositeEnv(fs);
  TempDir dir;

  EventLogOptions Options() {
    EventLogOptions options;
    options.path = dir.path();
    options.env = env.get();
    return options;
  }
};

AppendRequest Request(const std::string& request_id) {
  AppendRequest request;
  request.stream = "case-1";
  request.request_id = request_id;
  request.events.push_back(Event("thing.happened", request_id));
  return request;
}

bool Contains(const absl::Status& status, const std::string& text) {
  return status.message().find(text) != std::string_view::npos;
}

// An AppendAsync whose outcome can be awaited, and checked for having come at once.
struct AsyncAppend {
  absl::Notification done;
  absl::StatusOr<AppendResult> result;

  void Start(EventLog& log, AppendRequest request) {
    log.AppendAsync(std::move(request), [this](absl::StatusOr<AppendResult> r) {
      result = std::move(r);
      done.Notify();
    });
  }
};

TEST_CASE("after a failed sync every later append fails with UNAVAILABLE naming the first failure until a restart") {
  Harness harness;
  {
    auto log = OpenLog(harness.Options());
    REQUIRE(log->Append(Request("first")).ok());

    harness.fs->FailNextWalSync();
    absl::StatusOr<AppendResult> failed = log->Append(Request("during-the-failure"));
    INFO(failed.status().ToString());
    CHECK(failed.status().code() == absl::StatusCode::kUnavailable);
    CHECK(Contains(failed.status(), "unknown"));
    CHECK(Contains(failed.status(), "injected WAL sync failure"));

    // The disk works again, but the log does not trust it: a retried fsync can report
    // success for pages the kernel already dropped.
    for (int i = 0; i < 3; ++i) {
      AsyncAppend later;
      later.Start(*log, Request("after-" + std::to_string(i)));
      REQUIRE(later.done.HasBeenNotified());  // refused at once, not queued
      INFO(later.result.status().ToString());
      CHECK(later.result.status().code() == absl::StatusCode::kUnavailable);
      CHECK(Contains(later.result.status(), "stopped accepting writes after a failed write"));
      CHECK(Contains(later.result.status(), "injected WAL sync failure"));
      CHECK(Contains(later.result.status(), "restart"));
    }
    CHECK(log->HeadPosition() == 1);
  }

  // After the restart, retrying the append whose outcome was unknown is safe: its event is
  // in the log exactly once, whether the failed write reached the disk or not.
  auto log = OpenLog(harness.Options());
  absl::StatusOr<AppendResult> retried = log->Append(Request("during-the-failure"));
  INFO(retried.status().ToString());
  REQUIRE(retried.ok());
  REQUIRE(log->Append(Request("after-0")).ok());
  absl::StatusOr<std::vector<RecordedEvent>> events =
      log->ReadStream("case-1", 0, Direction::kForward, 10);
  REQUIRE(events.ok());
  REQUIRE(events->size() == 3);
  CHECK((*events)[0].payload() == "first");
  CHECK((*events)[1].payload() == "during-the-failure");
  CHECK((*events)[2].payload() == "after-0");
}

TEST_CASE("past max_queued_appends appends fail at once with UNAVAILABLE and the stats count them") {
  Harness harness;
  EventLogOptions options = harness.Options();
  options.max_queued_appends = 2;
  auto log = OpenLog(options);

  // The writer takes the first append and waits in its sync: the next two fill the queue.
  harness.fs->HoldWalSyncs();
  // Should a check fail, let the writer go before the log closes (it waits for the writer).
  absl::Cleanup release = [&harness] { harness.fs->ReleaseWalSyncs(); };
  AsyncAppend appends[3];
  appends[0].Start(*log, Request("in-the-sync"));
  harness.fs->AwaitHeldWalSync();
  appends[1].Start(*log, Request("queued-1"));
  appends[2].Start(*log, Request("queued-2"));

  AsyncAppend refused;
  refused.Start(*log, Request("refused"));
  REQUIRE(refused.done.HasBeenNotified());
  INFO(refused.result.status().ToString());
  CHECK(refused.result.status().code() == absl::StatusCode::kUnavailable);
  CHECK(Contains(refused.result.status(), "write queue is full"));
  absl::StatusOr<AppendResult> blocking = log->Append(Request("refused-too"));
  CHECK(blocking.status().code() == absl::StatusCode::kUnavailable);
  CHECK(log->GetStats().queue_full_refusals == 2);
  CHECK_FALSE(appends[1].done.HasBeenNotified());

  harness.fs->ReleaseWalSyncs();
  for (AsyncAppend& append : appends) {
    append.done.WaitForNotification();
    INFO(append.result.status().ToString());
    CHECK(append.result.ok());
  }
  // With room again, appends are accepted.
  CHECK(log->Append(Request("later")).ok());
  CHECK(log->HeadPosition() == 4);
}

}  // namespace
}  // namespace closedloop::storage
