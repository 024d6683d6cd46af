// Rebuilding the due-time index at start for a store written before it existed: the same
// entries come back, the rebuild is recorded in the log once, and the timers then fire.
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "closedloop/v1/timers.pb.h"
#include "services/timers/timer_index.h"
#include "tests/services/timer_test_util.h"

namespace closedloop {
namespace {

using namespace testing;  // NOLINT: the API test helpers

std::vector<std::string> IndexKeys(TestServer& s) {
  auto entries = s.log->ScanIndex("", "~", 100000);
  REQUIRE(entries.ok());
  std::vector<std::string> keys;
  for (const auto& [key, value] : *entries) keys.push_back(key);
  return keys;
}

// Makes the store look as one written before the index: every entry and the marker removed.
void DropIndex(TestServer& s) {
  storage::AppendRequest drop;
  drop.stream = "test-old-store";
  storage::ProposedEvent& event = drop.events.emplace_back();
  event.set_type("test.index_dropped");
  event.mutable_actor()->set_principal("test");
  for (const std::string& key : IndexKeys(s)) drop.index_changes.push_back({key, "", true});
  REQUIRE(s.log->Append(std::move(drop)).ok());
  REQUIRE(IndexKeys(s).empty());
}

TEST_CASE("a store from before the due-time index gets it rebuilt at start, once", "[timers]") {
  TestServer s;
  const std::string open = FileCase(s, v1::CHANNEL_HOTLINE, "c1").complaint_id();
  const std::string contacted = FileCase(s, v1::CHANNEL_WEB, "c2").complaint_id();
  Contact(s, contacted);
  const std::string resolved = FileCase(s, v1::CHANNEL_RED_BUTTON, "c3").complaint_id();
  Contact(s, resolved);
  Resolve(s, resolved);
  const std::vector<std::string> before = IndexKeys(s);
  REQUIRE(before.size() == 4);  // open: first contact and resolution; contacted: resolution; the marker
  CHECK(before.front() == services::kTimerIndexMarker);
  DropIndex(s);

  s.Stop();
  s.Start();
  const services::TimerIndexRebuild& rebuild = s.server->timer_index_rebuild();
  CHECK(rebuild.rebuilt);
  CHECK(rebuild.complaints == 3);
  CHECK(rebuild.entries == 3);
  CHECK(IndexKeys(s) == before);
  const v1::ReadStreamResponse timers = Ok(*s.audit, &v1::AuditService::Stub::ReadStream,
                                           Msg<v1::ReadStreamRequest>("stream: 'timers'"));
  REQUIRE(timers.events_size() == 1);
  CHECK(timers.events(0).type() == "timers.index_rebuilt");
  v1::TimerIndexRebuilt recorded;
  REQUIRE(recorded.ParseFromString(timers.events(0).payload()));
  CHECK(recorded.entries() == 3);
  CHECK(recorded.complete());

  // Started again: nothing to rebuild, nothing appended.
  const uint64_t head = s.log->HeadPosition();
  s.Stop();
  s.Start();
  CHECK_FALSE(s.server->timer_index_rebuild().rebuilt);
  CHECK(s.log->HeadPosition() == head);

  // The rebuilt timers fire.
  AdvanceAndFire(s, absl::Hours(25));
  CHECK(View(s, open, s.log->HeadPosition()).hanging());
  CHECK(View(s, contacted, s.log->HeadPosition()).hanging());
  CHECK(View(s, resolved, s.log->HeadPosition()).breach_count() == 0);
}

TEST_CASE("a fresh store, and one whose filings wrote the marker, are not rebuilt", "[timers]") {
  TestServer s;
  const uint64_t empty = s.log->HeadPosition();
  s.Stop();
  s.Start();
  CHECK_FALSE(s.server->timer_index_rebuild().rebuilt);
  CHECK(s.log->HeadPosition() == empty);

  FileCase(s, v1::CHANNEL_HOTLINE);
  const uint64_t filed = s.log->HeadPosition();
  s.Stop();
  s.Start();
  CHECK_FALSE(s.server->timer_index_rebuild().rebuilt);
  CHECK(s.log->HeadPosition() == filed);
}

}  // namespace
}  // namespace closedloop
