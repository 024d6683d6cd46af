// The stream index is checked, not trusted: entries tampered with directly in RocksDB make
// reads through the index fail with DATA_LOSS and make VerifyChain (and Open) report them.
#include <memory>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "absl/status/status.h"
#include "rocksdb/db.h"
#include "storage/event_log.h"
#include "storage/key_layout.h"
#include "storage/log_database.h"
#include "tests/storage/log_test_util.h"
#include "tests/temp_dir.h"

namespace closedloop::storage {
namespace {

using closedloop::testing::TempDir;
using testing::Event;
using testing::OpenLog;

// EventLog::Open re-verifies this many of the newest records (rocksdb_event_log.cc); the
// tampered records below are older, so that the log still opens.
constexpr uint64_t kCheckedOnOpen = 1000;
constexpr uint64_t kFiller = kCheckedOnOpen + 50;

// Positions of the two cases' events: case-a at revisions 1..3 and case-b at 1..3, alternating.
struct Positions {
  uint64_t a[4] = {};
  uint64_t b[4] = {};
};

Positions MakeLog(const std::string& path) {
  auto log = OpenLog(path);
  Positions positions;
  for (uint64_t revision = 1; revision <= 3; ++revision) {
    for (const std::string stream : {"case-a", "case-b"}) {
      AppendRequest request;
      request.stream = stream;
      request.events.push_back(Event("thing.happened", stream + "/" + std::to_string(revision)));
      absl::StatusOr<AppendResult> result = log->Append(std::move(request));
      REQUIRE(result.ok());
      (stream == "case-a" ? positions.a : positions.b)[revision] = result->first_position;
    }
  }
  for (uint64_t done = 0; done < kFiller; done += 500) {
    AppendRequest request;
    request.stream = "filler";
    for (uint64_t i = 0; i < 500 && done + i < kFiller; ++i) {
      request.events.push_back(Event("thing.happened", "filler"));
    }
    REQUIRE(log->Append(std::move(request)).ok());
  }
  return positions;
}

// Sets (or with nullopt removes) the stream index entry of `stream` at `revision`.
void SetIndexEntry(const std::string& path, const std::string& stream, uint64_t revision,
                   std::optional<uint64_t> position) {
  absl::StatusOr<std::unique_ptr<LogDatabase>> db = LogDatabase::Open(path);
  REQUIRE(db.ok());
  const std::string key = keys::StreamKey(stream, revision);
  rocksdb::Status s =
      position ? (*db)->db().Put(rocksdb::WriteOptions(), (*db)->index(), key, keys::EncodeU64(*position))
               : (*db)->db().Delete(rocksdb::WriteOptions(), (*db)->index(), key);
  REQUIRE(s.ok());
}

bool Mentions(const absl::Status& status, uint64_t position) {
  return status.message().find("position " + std::to_string(position)) != std::string_view::npos;
}

TEST_CASE("ReadStream is DATA_LOSS naming the position when an index entry points at another stream's record") {
  TempDir dir;
  const Positions p = MakeLog(dir.path());
  SetIndexEntry(dir.path(), "case-a", 2, p.b[2]);
  auto log = OpenLog(dir.path());

  for (Direction direction : {Direction::kForward, Direction::kBackward}) {
    absl::StatusOr<std::vector<RecordedEvent>> events = log->ReadStream("case-a", 0, direction, 10);
    INFO(events.status().ToString());
    CHECK(events.status().code() == absl::StatusCode::kDataLoss);
    CHECK(Mentions(events.status(), p.b[2]));
  }
  // Reads that do not pass the bad entry, and the other stream, are unaffected.
  absl::StatusOr<std::vector<RecordedEvent>> first = log->ReadStream("case-a", 1, Direction::kForward, 1);
  REQUIRE(first.ok());
  REQUIRE(first->size() == 1);
  CHECK((*first)[0].payload() == "case-a/1");
  absl::StatusOr<std::vector<RecordedEvent>> b = log->ReadStream("case-b", 0, Direction::kForward, 10);
  REQUIRE(b.ok());
  CHECK(b->size() == 3);
}

TEST_CASE("ReadStream is DATA_LOSS when an index entry points at another revision of the same stream") {
  TempDir dir;
  const Positions p = MakeLog(dir.path());
  SetIndexEntry(dir.path(), "case-a", 3, p.a[1]);
  auto log = OpenLog(dir.path());
  absl::StatusOr<std::vector<RecordedEvent>> events =
      log->ReadStream("case-a", 3, Direction::kBackward, 1);
  INFO(events.status().ToString());
  CHECK(events.status().code() == absl::StatusCode::kDataLoss);
  CHECK(Mentions(events.status(), p.a[1]));
}

TEST_CASE("a forged index entry past a stream's end makes its revision and appends to it DATA_LOSS") {
  TempDir dir;
  const Positions p = MakeLog(dir.path());
  SetIndexEntry(dir.path(), "case-a", 7, p.b[3]);
  auto log = OpenLog(dir.path());
  absl::StatusOr<uint64_t> revision = log->StreamRevision("case-a");
  INFO(revision.status().ToString());
  CHECK(revision.status().code() == absl::StatusCode::kDataLoss);
  CHECK(Mentions(revision.status(), p.b[3]));

  AppendRequest request;
  request.stream = "case-a";
  request.events.push_back(Event("thing.happened", "after the forgery"));
  absl::StatusOr<AppendResult> appended = log->Append(std::move(request));
  CHECK(appended.status().code() == absl::StatusCode::kDataLoss);
}

TEST_CASE("VerifyChain fails at the record whose index entry points elsewhere or is missing") {
  for (bool remove : {false, true}) {
    INFO((remove ? "removed entry" : "redirected entry"));
    TempDir dir;
    const Positions p = MakeLog(dir.path());
    SetIndexEntry(dir.path(), "case-a", 2, remove ? std::nullopt : std::optional(p.b[2]));
    auto log = OpenLog(dir.path());
    absl::StatusOr<ChainVerification> v = log->VerifyChain(0, 0);
    REQUIRE(v.ok());
    CHECK_FALSE(v->ok);
    CHECK(v->first_bad_position == p.a[2]);
    CHECK(v->verified_to == p.a[2] - 1);
    CHECK(v->problem.find("stream index") != std::string::npos);
    // Ranges around the record still pass.
    absl::StatusOr<ChainVerification> after = log->VerifyChain(p.a[2] + 1, 0);
    REQUIRE(after.ok());
    CHECK(after->ok);
  }
}

TEST_CASE("Open refuses with DATA_LOSS when a stream index entry of one of the newest records is redirected") {
  TempDir dir;
  MakeLog(dir.path());
  uint64_t head = 0;
  {
    auto log = OpenLog(dir.path());
    head = log->HeadPosition();
  }
  SetIndexEntry(dir.path(), "filler", kFiller, head - 1);
  EventLogOptions options;
  options.path = dir.path();
  absl::StatusOr<std::unique_ptr<EventLog>> log = EventLog::Open(options);
  INFO(log.status().ToString());
  CHECK(log.status().code() == absl::StatusCode::kDataLoss);
  CHECK(log.status().message().find(std::to_string(head)) != std::string_view::npos);
}

}  // namespace
}  // namespace closedloop::storage
