// The hash chain: VerifyChain on healthy logs, on logs tampered with directly in RocksDB, and
// EventLog::Open's check of the newest records.
#include <atomic>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include <catch2/catch.hpp>

#include "absl/status/status.h"
#include "rocksdb/db.h"
#include "storage/event_log.h"
#include "storage/key_layout.h"
#include "storage/log_database.h"
#include "storage/record_hash.h"
#include "tests/storage/log_test_util.h"
#include "tests/temp_dir.h"

namespace closedloop::storage {
namespace {

using closedloop::testing::TempDir;
using testing::Event;
using testing::OpenLog;

// EventLog::Open re-verifies this many of the newest records (rocksdb_event_log.cc).
constexpr uint64_t kCheckedOnOpen = 1000;
// Logs for tamper tests are longer than that, so that old records can be changed and the log
// still opens; kOld is well outside the newest kCheckedOnOpen records.
constexpr uint64_t kLongLog = 1200;
constexpr uint64_t kOld = 50;
static_assert(kOld < kLongLog - kCheckedOnOpen);

// Appends `count` small events in appends of up to 300, spread over four streams.
void AppendEvents(EventLog& log, uint64_t count) {
  for (uint64_t done = 0; done < count;) {
    AppendRequest request;
    request.stream = "stream-" + std::to_string(done % 4);
    for (uint64_t i = 0; i < 300 && done < count; ++i, ++done) {
      ProposedEvent& event = request.events.emplace_back();
      event.set_type("thing.happened");
      event.set_payload("payload-" + std::to_string(done + 1));
    }
    absl::StatusOr<AppendResult> result = log.Append(std::move(request));
    REQUIRE(result.ok());
  }
}

void MakeLog(const std::string& path, uint64_t count) {
  auto log = OpenLog(path);
  AppendEvents(*log, count);
  REQUIRE(log->HeadPosition() == count);
}

ChainVerification Verify(EventLog& log, uint64_t from, uint64_t to) {
  absl::StatusOr<ChainVerification> v = log.VerifyChain(from, to);
  INFO(v.status().ToString());
  REQUIRE(v.ok());
  return *v;
}

RecordedEvent ReadEvent(EventLog& log, uint64_t position) {
  absl::StatusOr<ReadAllResult> r = log.ReadAll(position, 1, EventFilter{}, 1);
  REQUIRE(r.ok());
  REQUIRE(r->events.size() == 1);
  return r->events[0];
}

// Direct access to the log's RocksDB database, for tampering. The log must be closed.
class RawDatabase {
 public:
  explicit RawDatabase(const std::string& path) {
    absl::StatusOr<std::unique_ptr<LogDatabase>> db = LogDatabase::Open(path);
    INFO(db.status().ToString());
    REQUIRE(db.ok());
    db_ = *std::move(db);
  }

  std::string GetValue(uint64_t position) {
    std::string value;
    rocksdb::Status s =
        db_->db().Get(rocksdb::ReadOptions(), db_->events(), keys::EventKey(position), &value);
    REQUIRE(s.ok());
    return value;
  }
  RecordedEvent Get(uint64_t position) {
    RecordedEvent event;
    REQUIRE(event.ParseFromString(GetValue(position)));
    REQUIRE(event.position() == position);
    return event;
  }
  void PutValue(uint64_t position, const std::string& value) {
    REQUIRE(db_->db().Put(rocksdb::WriteOptions(), db_->events(), keys::EventKey(position), value).ok());
  }
  void Put(const RecordedEvent& event) { PutValue(event.position(), event.SerializeAsString()); }
  void Delete(uint64_t position) {
    REQUIRE(db_->db().Delete(rocksdb::WriteOptions(), db_->events(), keys::EventKey(position)).ok());
  }

 private:
  std::unique_ptr<LogDatabase> db_;
};

enum class Tamper { kPayload, kDelete, kSwapWithNext, kPayloadAndHash };

// Applies `tamper` at `position` directly in the database at `path`, and returns the position
// VerifyChain must report for it.
uint64_t TamperWith(const std::string& path, Tamper tamper, uint64_t position) {
  RawDatabase db(path);
  switch (tamper) {
    case Tamper::kPayload: {
      RecordedEvent event = db.Get(position);
      event.set_payload("forged");
      db.Put(event);
      return position;
    }
    case Tamper::kDelete:
      db.Delete(position);
      return position;
    case Tamper::kSwapWithNext: {
      std::string here = db.GetValue(position);
      std::string next = db.GetValue(position + 1);
      db.PutValue(position, next);
      db.PutValue(position + 1, here);
      return position;
    }
    case Tamper::kPayloadAndHash: {
      // A forger who also recomputes the record's own hash: the record at `position` is then
      // self-consistent (its previous_hash still matches position - 1 and its hash matches its
      // content), so the chain breaks only at position + 1, whose previous_hash still holds
      // the original hash. The verifier reports that first inconsistent record.
      RecordedEvent event = db.Get(position);
      event.set_payload("forged");
      event.set_hash(ChainHash(event.previous_hash(), event));
      db.Put(event);
      return position + 1;
    }
  }
  FAIL("unknown tamper kind");
  return 0;
}

TEST_CASE("VerifyChain is ok on an empty log") {
  TempDir dir;
  auto log = OpenLog(dir.path());
  ChainVerification v = Verify(*log, 0, 0);
  CHECK(v.ok);
  CHECK(v.first_bad_position == 0);
  CHECK(v.problem.empty());
}

TEST_CASE("VerifyChain is ok on a fresh log and returns the stored hash of the last event") {
  TempDir dir;
  auto log = OpenLog(dir.path());
  AppendEvents(*log, 700);
  ChainVerification v = Verify(*log, 0, 0);
  CHECK(v.ok);
  CHECK(v.verified_from == 1);
  CHECK(v.verified_to == 700);
  CHECK(v.first_bad_position == 0);
  CHECK(v.problem.empty());

  absl::StatusOr<ReadAllResult> all = log->ReadAll(1, SIZE_MAX, EventFilter{}, SIZE_MAX);
  REQUIRE(all.ok());
  REQUIRE(all->events.size() == 700);
  CHECK(v.last_hash == all->events.back().hash());
  // The chain as documented in record_hash.h.
  std::string previous = GenesisHash();
  CHECK(previous == std::string(kHashBytes, '\0'));
  for (const RecordedEvent& e : all->events) {
    REQUIRE(e.previous_hash() == previous);
    REQUIRE(e.hash().size() == kHashBytes);
    REQUIRE(e.hash() == ChainHash(previous, e));
    previous = e.hash();
  }
}

TEST_CASE("VerifyChain over a sub-range is anchored at the record before it") {
  TempDir dir;
  auto log = OpenLog(dir.path());
  AppendEvents(*log, 100);
  ChainVerification v = Verify(*log, 40, 60);
  CHECK(v.ok);
  CHECK(v.verified_from == 40);
  CHECK(v.verified_to == 60);
  CHECK(v.last_hash == ReadEvent(*log, 60).hash());
  CHECK(Verify(*log, 100, 100).ok);
  CHECK(Verify(*log, 1, 1).last_hash == ReadEvent(*log, 1).hash());
  CHECK(Verify(*log, 30, 0).verified_to == 100);
}

TEST_CASE("VerifyChain past the head is OUT_OF_RANGE and a reversed range is INVALID_ARGUMENT") {
  TempDir dir;
  auto log = OpenLog(dir.path());
  CHECK(log->VerifyChain(0, 1).status().code() == absl::StatusCode::kOutOfRange);
  AppendEvents(*log, 10);
  CHECK(log->VerifyChain(0, 11).status().code() == absl::StatusCode::kOutOfRange);
  CHECK(log->VerifyChain(5, 1000).status().code() == absl::StatusCode::kOutOfRange);
  CHECK(log->VerifyChain(8, 3).status().code() == absl::StatusCode::kInvalidArgument);
}

TEST_CASE("a changed payload of an old record is reported at exactly that position") {
  TempDir dir;
  MakeLog(dir.path(), kLongLog);
  TamperWith(dir.path(), Tamper::kPayload, kOld);
  auto log = OpenLog(dir.path());  // the newest records are intact
  CHECK(ReadEvent(*log, kOld).payload() == "forged");

  ChainVerification v = Verify(*log, 0, 0);
  CHECK_FALSE(v.ok);
  CHECK(v.first_bad_position == kOld);
  CHECK(v.verified_from == 1);
  CHECK(v.verified_to == kOld - 1);
  CHECK(v.problem.find("hash") != std::string::npos);
  CHECK(v.last_hash.empty());

  // Ranges that contain the record fail there; ranges around it pass.
  CHECK(Verify(*log, kOld - 10, kOld + 10).first_bad_position == kOld);
  CHECK(Verify(*log, kOld, kOld).first_bad_position == kOld);
  CHECK(Verify(*log, 1, kOld - 1).ok);
  // The record after it is anchored on the forged record's stored (original) hash.
  CHECK(Verify(*log, kOld + 1, 0).ok);
}

TEST_CASE("a deleted old record is reported at its position as missing") {
  TempDir dir;
  MakeLog(dir.path(), kLongLog);
  TamperWith(dir.path(), Tamper::kDelete, kOld);
  auto log = OpenLog(dir.path());
  ChainVerification v = Verify(*log, 0, 0);
  CHECK_FALSE(v.ok);
  CHECK(v.first_bad_position == kOld);
  CHECK(v.problem.find("missing") != std::string::npos);
  // A range starting right after it has no anchor.
  CHECK(Verify(*log, kOld + 1, kOld + 5).first_bad_position == kOld);
  CHECK(Verify(*log, kOld + 2, 0).ok);
}

TEST_CASE("two swapped old records are reported at the first of them") {
  TempDir dir;
  MakeLog(dir.path(), kLongLog);
  TamperWith(dir.path(), Tamper::kSwapWithNext, kOld);
  auto log = OpenLog(dir.path());
  ChainVerification v = Verify(*log, 0, 0);
  CHECK_FALSE(v.ok);
  CHECK(v.first_bad_position == kOld);
  CHECK(v.problem.find("out of place") != std::string::npos);
  CHECK(Verify(*log, kOld + 1, kOld + 1).first_bad_position == kOld + 1);
  // Anchored on the moved record at kOld + 1, the record after it does not link either.
  CHECK(Verify(*log, kOld + 2, kOld + 2).first_bad_position == kOld + 2);
  CHECK(Verify(*log, kOld + 3, 0).ok);
}

TEST_CASE("a changed old record with a recomputed hash is caught by the next record's previous_hash") {
  TempDir dir;
  MakeLog(dir.path(), kLongLog);
  const uint64_t reported = TamperWith(dir.path(), Tamper::kPayloadAndHash, kOld);
  REQUIRE(reported == kOld + 1);  // see TamperWith for why
  auto log = OpenLog(dir.path());
  ChainVerification v = Verify(*log, 0, 0);
  CHECK_FALSE(v.ok);
  CHECK(v.first_bad_position == kOld + 1);
  CHECK(v.verified_to == kOld);
  CHECK(v.problem.find("previous_hash") != std::string::npos);
  // The forged record on its own is consistent; only the link to it betrays it.
  CHECK(Verify(*log, 1, kOld).ok);
}

TEST_CASE("Open refuses with DATA_LOSS when one of the newest records was tampered with") {
  const uint64_t position = kLongLog - 10;
  for (Tamper tamper : {Tamper::kPayload, Tamper::kDelete, Tamper::kSwapWithNext,
                        Tamper::kPayloadAndHash}) {
    INFO("tamper kind " << static_cast<int>(tamper));
    TempDir dir;
    MakeLog(dir.path(), kLongLog);
    const uint64_t reported = TamperWith(dir.path(), tamper, position);
    EventLogOptions options;
    options.path = dir.path();
    absl::StatusOr<std::unique_ptr<EventLog>> log = EventLog::Open(options);
    INFO(log.status().ToString());
    CHECK(log.status().code() == absl::StatusCode::kDataLoss);
    CHECK(log.status().message().find(std::to_string(reported)) != std::string_view::npos);
  }
}

TEST_CASE("Open accepts a log whose tampered record is older than the records it re-verifies") {
  TempDir dir;
  MakeLog(dir.path(), kLongLog);
  const uint64_t oldest_checked = kLongLog - kCheckedOnOpen + 1;
  TamperWith(dir.path(), Tamper::kPayload, oldest_checked - 1);
  {
    auto log = OpenLog(dir.path());
    CHECK(Verify(*log, 0, 0).first_bad_position == oldest_checked - 1);
  }
  TamperWith(dir.path(), Tamper::kPayload, oldest_checked);
  EventLogOptions options;
  options.path = dir.path();
  CHECK(EventLog::Open(options).status().code() == absl::StatusCode::kDataLoss);
}

TEST_CASE("VerifyChain to the head is ok while appends are in flight") {
  TempDir dir;
  auto log = OpenLog(dir.path());
  AppendEvents(*log, 10);
  std::atomic<bool> stop{false};
  std::thread writer([&log, &stop] {
    while (!stop.load()) {
      AppendRequest request;
      request.stream = "busy";
      request.events.emplace_back().set_type("thing.happened");
      if (!log->Append(std::move(request)).ok()) return;
    }
  });
  std::thread poller([&log, &stop] {
    while (!stop.load()) log->HeadPosition();
  });
  int failures = 0;
  std::string first_problem;
  for (int i = 0; i < 50000; ++i) {
    const uint64_t head = log->HeadPosition();
    absl::StatusOr<ChainVerification> v = log->VerifyChain(head, 0);
    if (!v.ok() || !v->ok) {
      if (failures++ == 0) first_problem = v.ok() ? v->problem : v.status().ToString();
    }
  }
  stop = true;
  writer.join();
  poller.join();
  INFO(first_problem);
  CHECK(failures == 0);
  CHECK(Verify(*log, 0, 0).ok);
}

}  // namespace
}  // namespace closedloop::storage
