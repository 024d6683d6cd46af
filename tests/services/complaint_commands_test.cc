// The command pipeline on a real log: load, decide, append with the expected revision, retry
// on conflicts, and deduplicate by request id.
#include "services/commands/complaint_commands.h"

#include <catch2/catch.hpp>

#include <atomic>
#include <set>
#include <thread>
#include <vector>

#include "domain/sla_policy.h"
#include "tests/domain/complaint_test_util.h"
#include "tests/storage/log_test_util.h"
#include "tests/fake_clock.h"
#include "tests/temp_dir.h"

namespace closedloop::services {
namespace {

using domain::testing::Filing;
using domain::testing::RetailDirectory;
using domain::testing::T0;

struct Setup {
  testing::TempDir dir;
  std::unique_ptr<storage::EventLog> log = storage::testing::OpenLog(dir.Sub("db"));
  testing::FakeClock clock{T0()};
  v1::SlaPolicy policy = domain::DefaultSlaPolicy();
  v1::Directory directory = RetailDirectory();
  ComplaintCommands commands{*log, [this] { return clock.Now(); }, policy, directory};
  v1::Actor actor;
  Setup() {
    actor.set_principal("user:anna");
    actor.set_role("superhero");
  }
};

TEST_CASE("a filed complaint is appended as one atomic append with the actor on every event") {
  Setup s;
  absl::StatusOr<CommandResult> result = s.commands.Run("CL-1", Filing(), s.actor, "req-1");
  REQUIRE(result.ok());
  CHECK(result->stream_revision == 5);
  CHECK(result->position == 5);
  CHECK(result->events.size() == 5);
  auto records = s.log->ReadStream("complaint-CL-1", 0, storage::Direction::kForward, 100);
  REQUIRE(records.ok());
  REQUIRE(records->size() == 5);
  CHECK((*records)[0].type() == "complaint.filed");
  CHECK((*records)[4].actor().principal() == "user:anna");
  CHECK((*records)[4].request_id() == "req-1");
}

TEST_CASE("a retried command returns the original result and appends nothing, even later") {
  Setup s;
  absl::StatusOr<CommandResult> first = s.commands.Run("CL-1", Filing(), s.actor, "req-1");
  REQUIRE(first.ok());
  s.clock.Advance(absl::Minutes(5));  // the decision would differ now (filed_at)
  absl::StatusOr<CommandResult> retry = s.commands.Run("CL-1", Filing(), s.actor, "req-1");
  REQUIRE(retry.ok());
  CHECK(retry->deduplicated);
  CHECK(retry->position == first->position);
  CHECK(retry->stream_revision == first->stream_revision);
  CHECK(s.log->HeadPosition() == first->position);
}

TEST_CASE("a cached complaint state never hides events another writer appended") {
  Setup s;
  REQUIRE(s.commands.Run("CL-1", Filing(), s.actor, "").ok());
  const domain::AddComment comment{v1::VISIBILITY_INTERNAL, "anna", "checking"};
  absl::StatusOr<CommandResult> first = s.commands.Run("CL-1", comment, s.actor, "");
  REQUIRE(first.ok());
  CHECK(first->events.front().comment_added().comment_id() == "C1");
  // Another writer adds a comment behind the commands' back (the state is cached by now).
  v1::ComplaintEvent other;
  other.mutable_comment_added()->set_comment_id("C2");
  other.mutable_comment_added()->set_text("from elsewhere");
  storage::AppendRequest append;
  append.stream = "complaint-CL-1";
  storage::ProposedEvent& proposed = append.events.emplace_back();
  proposed.set_type("complaint.comment_added");
  proposed.set_payload(other.SerializeAsString());
  REQUIRE(s.log->Append(std::move(append)).ok());
  absl::StatusOr<CommandResult> next = s.commands.Run("CL-1", comment, s.actor, "");
  REQUIRE(next.ok());
  CHECK(next->events.front().comment_added().comment_id() == "C3");
  CHECK(next->stream_revision == first->stream_revision + 2);
}

TEST_CASE("a request id already used on another complaint is refused") {
  Setup s;
  REQUIRE(s.commands.Run("CL-1", Filing(), s.actor, "req-1").ok());
  domain::FileComplaint other = Filing();
  other.filing.set_complaint_id("CL-2");
  absl::StatusOr<CommandResult> reused = s.commands.Run("CL-2", other, s.actor, "req-1");
  CHECK(reused.status().code() == absl::StatusCode::kAlreadyExists);
  CHECK(s.log->HeadPosition() == 5);
}

TEST_CASE("a refused command appends nothing and keeps the decider's error") {
  Setup s;
  REQUIRE(s.commands.Run("CL-1", Filing(), s.actor, "").ok());
  absl::StatusOr<CommandResult> early = s.commands.Run("CL-1", domain::testing::Resolution(), s.actor, "");
  CHECK(early.status().code() == absl::StatusCode::kFailedPrecondition);
  absl::StatusOr<CommandResult> unknown = s.commands.Run("CL-9", domain::testing::Reached(), s.actor, "");
  CHECK(unknown.status().code() == absl::StatusCode::kNotFound);
  CHECK(s.log->HeadPosition() == 5);
}

TEST_CASE("a command that changes nothing appends nothing and reports the current revision") {
  Setup s;
  REQUIRE(s.commands.Run("CL-1", Filing(), s.actor, "").ok());
  absl::StatusOr<CommandResult> same_owner =
      s.commands.Run("CL-1", domain::AssignComplaint{"anna"}, s.actor, "");
  REQUIRE(same_owner.ok());
  CHECK(same_owner->events.empty());
  CHECK(same_owner->stream_revision == 5);
  CHECK(s.log->HeadPosition() == 5);
}

TEST_CASE("superheroes commenting on one complaint at once never lose an update") {
  Setup s;
  REQUIRE(s.commands.Run("CL-1", Filing(), s.actor, "").ok());
  constexpr int kThreads = 8;
  constexpr int kEach = 5;
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kEach; ++i) {
        domain::AddComment comment{v1::VISIBILITY_INTERNAL, "hero-" + std::to_string(t), "note"};
        if (!s.commands.Run("CL-1", comment, s.actor, "").ok()) ++failures;
      }
    });
  }
  for (std::thread& t : threads) t.join();
  // Commands on one complaint take turns, so none conflicts and none is lost.
  CHECK(failures.load() == 0);
  absl::StatusOr<ComplaintCommands::Loaded> loaded = s.commands.Load("CL-1");
  REQUIRE(loaded.ok());
  CHECK(loaded->state.comments == kThreads * kEach);
  CHECK(loaded->revision == 5u + kThreads * kEach);
  auto records = s.log->ReadStream("complaint-CL-1", 6, storage::Direction::kForward, 1000);
  REQUIRE(records.ok());
  std::set<std::string> ids;
  for (const auto& r : *records) {
    v1::ComplaintEvent e;
    REQUIRE(e.ParseFromString(r.payload()));
    ids.insert(e.comment_added().comment_id());
  }
  CHECK(ids.size() == records->size());
}

TEST_CASE("two command runners on one log resolve their conflicts by deciding again") {
  Setup s;
  ComplaintCommands other(*s.log, [&s] { return s.clock.Now(); }, s.policy, s.directory);
  REQUIRE(s.commands.Run("CL-1", Filing(), s.actor, "").ok());
  std::atomic<int> acknowledged{0};
  std::atomic<int> aborted{0};
  int acknowledged_by[2] = {0, 0};
  auto work = [&](ComplaintCommands& runner, int& mine) {
    for (int i = 0; i < 20; ++i) {
      absl::StatusOr<CommandResult> r =
          runner.Run("CL-1", domain::AddComment{v1::VISIBILITY_PUBLIC, "hero", "note"}, s.actor, "");
      if (r.ok()) {
        ++acknowledged;
        ++mine;
      } else if (r.status().code() == absl::StatusCode::kAborted) {
        ++aborted;
      }
    }
  };
  std::thread a([&] { work(s.commands, acknowledged_by[0]); });
  std::thread b([&] { work(other, acknowledged_by[1]); });
  a.join();
  b.join();
  CHECK(acknowledged + aborted == 40);
  // Deciding again resolves conflicts: a command is ABORTED only after 8 lost races in a row,
  // so each runner gets most of its commands through (a runner that never retried would lose
  // about half of them).
  CHECK(acknowledged_by[0] >= 15);
  CHECK(acknowledged_by[1] >= 15);
  absl::StatusOr<ComplaintCommands::Loaded> loaded = s.commands.Load("CL-1");
  REQUIRE(loaded.ok());
  // Every acknowledged comment is there, each exactly once, and nothing else.
  CHECK(loaded->state.comments == acknowledged.load());
  CHECK(loaded->revision == 5u + acknowledged.load());
}

}  // namespace
}  // namespace closedloop::services
