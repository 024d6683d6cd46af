// Projections: a view store maintained incrementally across restarts holds exactly what a
// rebuild from position 1 produces, and no event is ever applied twice.
#include <catch2/catch.hpp>

#include <map>
#include <random>
#include <string>
#include <vector>

#include "domain/boards.h"
#include "google/protobuf/io/coded_stream.h"
#include "google/protobuf/io/zero_copy_stream_impl_lite.h"
#include "domain/metrics.h"
#include "domain/problem.h"
#include "domain/sla_policy.h"
#include "services/complaint_commands.h"
#include "services/problem_commands.h"
#include "services/projections.h"
#include "tests/domain/complaint_test_util.h"
#include "tests/services/test_server.h"
#include "tests/storage/log_test_util.h"

namespace closedloop::services {
namespace {

using domain::testing::RetailDirectory;
using domain::testing::T0;

std::unique_ptr<storage::ViewStore> OpenStore(const std::string& path) {
  absl::StatusOr<std::unique_ptr<storage::ViewStore>> store =
      storage::ViewStore::Open(path, Projections::kFormat);
  INFO(store.status().ToString());
  REQUIRE(store.ok());
  return *std::move(store);
}

// Maps serialize in no fixed order unless asked to.
std::string Bytes(const google::protobuf::Message& message) {
  std::string bytes;
  {
    google::protobuf::io::StringOutputStream stream(&bytes);
    google::protobuf::io::CodedOutputStream coded(&stream);
    coded.SetSerializationDeterministic(true);
    message.SerializeToCodedStream(&coded);
  }
  return bytes;
}

// Everything a projection answers, serialized: the views, then the boards and metrics at `now`.
std::map<std::string, std::string> Contents(Projections& projections, absl::Time now) {
  std::map<std::string, std::string> contents;
  projections.Read([&](const ProjectionState& state, uint64_t position) {
    contents["position"] = std::to_string(position);
    std::vector<const v1::ComplaintView*> all;
    for (const auto& [id, view] : state.complaints()) {
      contents[ProjectionState::ComplaintKey(id)] = Bytes(view);
      all.push_back(&view);
      contents["board/" + view.owner()] =
          Bytes(domain::SuperheroBoardOf(view.owner(), state.OpenOf(view.owner()), now));
    }
    for (const auto& [id, problem] : state.problems()) {
      contents[ProjectionState::ProblemKey(id)] = Bytes(problem);
    }
    contents["deadlines"] = Bytes(domain::DeadlineBoardOf(state.OpenCases(), now, absl::Hours(8)));
    // The due-ordered index finds every case the full pass does.
    CHECK(Bytes(domain::DeadlineBoardOf(state.DueBy(now + absl::Hours(8)), now, absl::Hours(8))) ==
          contents["deadlines"]);
    contents["metrics"] = Bytes(domain::MetricsOf(all));
    contents["catalog"] = Bytes(domain::CatalogOf(all, "", now));
  });
  return contents;
}

// One random command on a random complaint or problem; most fail or succeed, both are fine.
struct Scenario {
  Scenario(storage::EventLog& log, testing::FakeClock& clock) : log(log), clock(clock) {
    actor.set_principal("user:anna");
    actor.set_role("superhero");
  }
  storage::EventLog& log;
  testing::FakeClock& clock;
  v1::SlaPolicy policy = domain::DefaultSlaPolicy();
  v1::Directory directory = RetailDirectory();
  ComplaintCommands complaints{log, [this] { return clock.Now(); }, policy, directory};
  ProblemCommands problems{log, [this] { return clock.Now(); }, directory};
  std::mt19937 random{20261123};
  std::vector<std::string> complaint_ids;
  std::vector<std::string> problem_ids;
  v1::Actor actor;

  int Pick(int n) { return std::uniform_int_distribution<int>(0, n - 1)(random); }

  void Step() {
    clock.Advance(absl::Minutes(Pick(90)));
    if (complaint_ids.empty() || Pick(5) == 0) {
      v1::Filed filing = domain::testing::Filing(Pick(6) == 0 ? v1::CHANNEL_RED_BUTTON
                                                             : v1::CHANNEL_HOTLINE,
                                                 Pick(8) == 0 ? v1::ITEM_KIND_RECOMMENDATION
                                                              : v1::ITEM_KIND_COMPLAINT).filing;
      filing.clear_complaint_id();
      filing.set_customer_ref("customer-" + std::to_string(Pick(20)));
      absl::StatusOr<CommandResult> filed = complaints.File(filing, actor, "");
      REQUIRE(filed.ok());
      complaint_ids.push_back(filed->complaint_id);
      return;
    }
    const std::string id = complaint_ids[Pick(static_cast<int>(complaint_ids.size()))];
    domain::ComplaintCommand command;
    switch (Pick(12)) {
      case 0: command = domain::testing::Reached(); break;
      case 1: command = domain::AddComment{v1::VISIBILITY_INTERNAL, "anna", "checked"}; break;
      case 2: command = domain::OpenTask{"warehouse", "", "where is it?", clock.Now() + absl::Hours(30)}; break;
      case 3: command = domain::RespondToTask{"T1", "found it"}; break;
      case 4: command = domain::CompleteTask{"T1", "shipped"}; break;
      case 5: command = domain::testing::Resolution(); break;
      case 6: command = domain::CloseComplaint{true}; break;
      case 7: command = domain::ReopenComplaint{"still broken"}; break;
      case 8: command = domain::RecordSurvey{Pick(11), 1 + Pick(5), ""}; break;
      case 9: command = domain::AssignComplaint{Pick(2) == 0 ? "anna" : "bob"}; break;
      case 10: FireDue(id); return;
      default: ProblemStep(id); return;
    }
    (void)complaints.Run(id, command, actor, "");
  }

  // Fires every deadline of `id` that the clock has passed, as the timer service would.
  void FireDue(const std::string& id) {
    absl::StatusOr<ComplaintCommands::Loaded> loaded = complaints.Load(id);
    REQUIRE(loaded.ok());
    for (const auto& [timer_id, deadline] : loaded->state.deadlines) {
      if (deadline.status == domain::DeadlineStatus::kSatisfied ||
          deadline.status == domain::DeadlineStatus::kBreached) {
        continue;
      }
      const absl::Time reached = deadline.status == domain::DeadlineStatus::kPending
                                     ? deadline.warn_at.value_or(deadline.due)
                                     : deadline.due;
      if (reached <= clock.Now()) {
        (void)complaints.Run(id, domain::FireDeadline{timer_id, reached}, actor, "");
      }
    }
  }

  void ProblemStep(const std::string& complaint_id) {
    if (problem_ids.empty() || Pick(4) == 0) {
      absl::StatusOr<ProblemResult> opened = problems.Open(
          domain::OpenProblem{"", "warehouse", "legs break", v1::PROBLEM_SOURCE_COMPLAINTS}, actor, "");
      REQUIRE(opened.ok());
      problem_ids.push_back(opened->stream.substr(8));
      return;
    }
    const std::string id = problem_ids[Pick(static_cast<int>(problem_ids.size()))];
    domain::ProblemCommand command = domain::LinkComplaint{complaint_id};
    switch (Pick(4)) {
      case 0: command = domain::AddActionItem{"stronger legs", "wes", clock.Now() + absl::Hours(48)}; break;
      case 1: command = domain::CompleteActionItem{"A1", "done"}; break;
      case 2: command = domain::MarkFixed{"new supplier"}; break;
      default: break;
    }
    (void)problems.Run(id, command, actor, "");
  }
};

TEST_CASE("views kept across restarts equal views rebuilt from position 1", "[projections]") {
  testing::TempDir dir;
  std::unique_ptr<storage::EventLog> log = storage::testing::OpenLog(dir.Sub("db"));
  testing::FakeClock clock(T0());
  Scenario scenario(*log, clock);

  auto store = OpenStore(dir.Sub("views"));
  auto projections = std::make_unique<Projections>(*log, *store);
  REQUIRE(projections->Start().ok());
  for (int round = 0; round < 4; ++round) {
    for (int step = 0; step < 150; ++step) scenario.Step();
    // Restart mid-stream: the store resumes from its checkpoint.
    REQUIRE(projections->WaitFor(log->HeadPosition(), absl::InfiniteFuture()).ok());
    for (int step = 0; step < 30; ++step) scenario.Step();
    projections.reset();
    const uint64_t checkpoint = store->checkpoint();
    store.reset();
    store = OpenStore(dir.Sub("views"));
    CHECK(store->checkpoint() == checkpoint);
    projections = std::make_unique<Projections>(*log, *store);
    REQUIRE(projections->Start().ok());
  }
  REQUIRE(projections->WaitFor(log->HeadPosition(), absl::InfiniteFuture()).ok());
  CHECK(scenario.complaint_ids.size() > 100);

  auto fresh_store = OpenStore(dir.Sub("rebuilt"));
  Projections rebuilt(*log, *fresh_store);
  REQUIRE(rebuilt.Start().ok());
  REQUIRE(rebuilt.WaitFor(log->HeadPosition(), absl::InfiniteFuture()).ok());

  const std::map<std::string, std::string> incremental = Contents(*projections, clock.Now());
  const std::map<std::string, std::string> from_scratch = Contents(rebuilt, clock.Now());
  REQUIRE(incremental.size() == from_scratch.size());
  for (const auto& [key, value] : from_scratch) {
    INFO(key);
    CHECK(incremental.at(key) == value);
  }

  // Never applied twice: each view's history has exactly one entry per event of its stream.
  projections->Read([&](const ProjectionState& state, uint64_t) {
    for (const auto& [id, view] : state.complaints()) {
      INFO(id);
      CHECK(static_cast<uint64_t>(view.history_size()) == *log->StreamRevision(ComplaintStream(id)));
    }
  });
}

TEST_CASE("a view store of another format is emptied and rebuilt", "[projections]") {
  testing::TempDir dir;
  {
    auto store = OpenStore(dir.Sub("views"));
    REQUIRE(store->Commit({{"c/CL-1", "x"}}, 7).ok());
    CHECK(store->Commit({}, 6).code() == absl::StatusCode::kFailedPrecondition);
  }
  absl::StatusOr<std::unique_ptr<storage::ViewStore>> other =
      storage::ViewStore::Open(dir.Sub("views"), "closedloop.views.v0");
  REQUIRE(other.ok());
  CHECK((*other)->checkpoint() == 0);
  int views = 0;
  REQUIRE((*other)->ForEach([&](absl::string_view, absl::string_view) { ++views; }).ok());
  CHECK(views == 0);
}

}  // namespace
}  // namespace closedloop::services
