// Projections: a view store maintained incrementally across restarts holds exactly what a
// rebuild from position 1 produces, and no event is ever applied twice.
#include <catch2/catch.hpp>

#include <filesystem>
#include <map>
#include <random>
#include <string>
#include <vector>

#include "domain/boards.h"
#include "google/protobuf/io/coded_stream.h"
#include "google/protobuf/io/zero_copy_stream_impl_lite.h"
#include "domain/metrics.h"
#include "domain/problem.h"
#include "domain/proto_time.h"
#include "absl/container/btree_set.h"
#include "absl/strings/str_cat.h"
#include "domain/sla_policy.h"
#include "services/commands/complaint_commands.h"
#include "services/commands/problem_commands.h"
#include "services/projections/complaint_lookup.h"
#include "services/projections/projections.h"
#include "tests/services/api_test_util.h"
#include "tests/services/list_reference.h"
#include "tests/domain/complaint_test_util.h"
#include "tests/domain/metrics_agree.h"
#include "tests/services/test_server.h"
#include "tests/storage/log_test_util.h"

namespace closedloop::services {
namespace {

using domain::testing::RetailDirectory;
using domain::testing::T0;

std::unique_ptr<storage::ViewStore> OpenStore(const std::string& path) {
  absl::StatusOr<std::unique_ptr<storage::ViewStore>> store =
      storage::ViewStore::Open(path, Projections::Format());
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

// List requests, one per filter and some together, 3 cases a page.
std::vector<v1::ListComplaintsRequest> ListRequests(absl::Time now) {
  std::vector<v1::ListComplaintsRequest> requests(1);
  auto with = [&](auto set) {
    v1::ListComplaintsRequest r;
    set(r);
    requests.push_back(r);
  };
  with([](auto& r) { r.add_states(v1::COMPLAINT_STATE_OPEN); r.add_states(v1::COMPLAINT_STATE_IN_PROGRESS); });
  with([](auto& r) { r.add_states(v1::COMPLAINT_STATE_RESOLVED); r.add_states(v1::COMPLAINT_STATE_CLOSED); });
  with([](auto& r) { r.set_owner("anna"); });
  with([](auto& r) { r.set_owner("bob"); r.add_states(v1::COMPLAINT_STATE_IN_PROGRESS); });
  with([](auto& r) { r.set_channel(v1::CHANNEL_RED_BUTTON); });
  with([](auto& r) { r.set_kind(v1::ITEM_KIND_RECOMMENDATION); });
  with([](auto& r) { r.set_breached_only(true); });
  with([](auto& r) { r.set_hanging_only(true); r.set_market("DE"); });
  with([&](auto& r) { *r.mutable_filed_after() = domain::ToProto(now - absl::Hours(24)); });
  for (v1::ListComplaintsRequest& r : requests) r.set_page_size(3);
  return requests;
}

// Everything a projection answers, serialized: the views, then the boards and metrics at `now`.
std::map<std::string, std::string> Contents(Projections& projections, absl::Time now) {
  std::map<std::string, std::string> contents;
  projections.Read([&](const ProjectionState& state, uint64_t position) {
    contents["position"] = std::to_string(position);
    std::vector<const v1::ComplaintView*> all;
    const auto complaints = testing::AllComplaints(state);
    CHECK(complaints.size() == state.ComplaintCount());
    for (const auto& [id, shared] : complaints) {
      const v1::ComplaintView& view = *shared;
      contents[ProjectionState::ComplaintKey(id)] = Bytes(view);
      all.push_back(&view);
      contents["board/" + view.owner()] =
          Bytes(domain::SuperheroBoardOf(view.owner(), state.OpenOf(view.owner()), now));
      // The owners' index gives the board the full pass gives.
      CHECK(Bytes(state.SuperheroBoard(view.owner(), now, SIZE_MAX)) == contents["board/" + view.owner()]);
    }
    for (const auto& [id, problem] : state.problems()) {
      contents[ProjectionState::ProblemKey(id)] = Bytes(*problem);
    }
    contents["deadlines"] = Bytes(domain::DeadlineBoardOf(state.OpenCases(), now, absl::Hours(8)));
    // The due-ordered index gives the board the full pass gives.
    CHECK(Bytes(state.DeadlineBoard(now, absl::Hours(8), SIZE_MAX)) == contents["deadlines"]);
    contents["metrics"] = Bytes(domain::MetricsOf(all));
    contents["catalog"] = Bytes(domain::CatalogOf(all, "", now));
    // The tallies kept as cases changed agree with the reference computed from the views (and,
    // through `contents`, with the tallies of a state rebuilt from position 1).
    absl::StatusOr<v1::Metrics> tallied = state.Metrics(absl::InfinitePast(), absl::InfiniteFuture());
    REQUIRE(tallied.ok());
    testing::RequireMetricsAgree(*tallied, domain::MetricsOf(all));
    contents["tallied metrics"] = Bytes(*tallied);
    // Ranges that cut days count those days' cases from their stored facts.
    for (const auto& [after, before] : {std::pair{now - absl::Hours(30), now - absl::Hours(3)},
                                        std::pair{now - absl::Minutes(90), absl::InfiniteFuture()},
                                        std::pair{absl::InfinitePast(), now - absl::Hours(20)}}) {
      std::vector<const v1::ComplaintView*> in_range;
      for (const v1::ComplaintView* view : all) {
        const absl::Time filed = domain::FromProto(view->filing().filed_at());
        if (filed >= after && filed < before) in_range.push_back(view);
      }
      absl::StatusOr<v1::Metrics> part = state.Metrics(after, before);
      REQUIRE(part.ok());
      INFO("after " << after << " before " << before << ": " << in_range.size() << " cases");
      testing::RequireMetricsAgree(*part, domain::MetricsOf(in_range));
      contents[absl::StrCat("metrics after ", absl::FormatTime(after))] = Bytes(*part);
    }
    v1::DepartmentCatalog catalog = state.Catalog("", now);
    contents["tallied catalog"] = Bytes(catalog);
    v1::DepartmentCatalog exact = domain::CatalogOf(all, "", now);
    for (v1::DepartmentCatalog* c : {&catalog, &exact}) {
      for (v1::DepartmentEntry& e : *c->mutable_departments()) {
        e.clear_response_time_p50();
        e.clear_response_time_p90();
      }
    }
    CHECK(Bytes(catalog) == Bytes(exact));
    // The list rows kept as cases changed page through exactly the views each filter names.
    for (const v1::ListComplaintsRequest& request : ListRequests(now)) {
      std::vector<std::string> expected;
      for (auto it = complaints.rbegin(); it != complaints.rend(); ++it) {
        if (testing::ListedBy(request, *it->second)) expected.push_back(it->first);
      }
      INFO(request.ShortDebugString());
      CHECK(testing::AllPages(state, request, static_cast<int>(expected.size()), 1000) == expected);
      // And as each department, which lists the cases it may read.
      for (const v1::DepartmentEntry& entry : exact.departments()) {
        domain::Caller caller;
        caller.role = std::string(domain::kRoleDepartment);
        caller.department = entry.department();
        std::vector<std::string> readable;
        for (const std::string& id : expected) {
          if (domain::MayRead(caller, *complaints.at(id))) readable.push_back(id);
        }
        INFO(entry.department());
        CHECK(testing::AllPages(state, request, static_cast<int>(readable.size()), 1000,
                                ListScope{entry.department()}) == readable);
        // Its open numbers, which its lists of open cases start from, are exactly those.
        absl::btree_set<uint64_t> open;
        for (const auto& [id, view] : complaints) {
          if (domain::MayRead(caller, *view) && (view->state() == v1::COMPLAINT_STATE_OPEN ||
                                                 view->state() == v1::COMPLAINT_STATE_IN_PROGRESS)) {
            open.insert(*CaseNumberOf(id));
          }
        }
        CHECK(state.rows().OpenReadableBy(entry.department()) == open);
      }
    }
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

  // A save of the state every 400 events or so, so that kills fall between saves.
  constexpr uint64_t kSaveEvery = 400;
  std::string views = dir.Sub("views");
  auto store = OpenStore(views);
  auto projections = std::make_unique<Projections>(*log, *store, kSaveEvery);
  REQUIRE(projections->Start().ok());
  uint64_t replayed = 0, started_at = 0;
  int resumed_periodic_save = 0;
  for (int round = 0; round < 8; ++round) {
    for (int step = 0; step < 150; ++step) scenario.Step();
    // Restart mid-stream: the store resumes from its checkpoint.
    REQUIRE(projections->WaitFor(log->HeadPosition(), absl::InfiniteFuture()).ok());
    for (int step = 0; step < 30; ++step) scenario.Step();
    // From round 4 on, a kill: the next start takes a copy of the store as it stands now, with
    // the state saved last and the views committed since.
    const bool killed = round >= 4;
    if (killed) {
      views = dir.Sub(absl::StrCat("killed", round));
      REQUIRE(store->Copy(views).ok());
    }
    projections.reset();  // a clean stop: it saves the state for the next start
    const uint64_t checkpoint = store->checkpoint();
    // Twice the saved state is unusable, its bytes or its pieces (as after a disk fault): that
    // start reads every view.
    if (round == 1) REQUIRE(store->Commit({{"#saved/00000000", "cut"}}, checkpoint, store->checkpoint_hash()).ok());
    if (round == 2) REQUIRE(store->SaveState("not a saved state", /*flush=*/true).ok());
    store.reset();
    store = OpenStore(views);
    if (!killed) CHECK(store->checkpoint() == checkpoint);
    projections = std::make_unique<Projections>(*log, *store, kSaveEvery);
    REQUIRE(projections->Start().ok());
    INFO("round " << round);
    CHECK(projections->resumed_saved() == (round != 1 && round != 2));
    if (!killed) CHECK(projections->replayed() == 0);
    // A kill's start replayed fewer events than came since the last start when the follower
    // saved the state in between (every kSaveEvery events).
    const uint64_t resumed_from = store->checkpoint();
    if (killed && projections->replayed() < resumed_from - started_at) ++resumed_periodic_save;
    replayed += projections->replayed();
    started_at = resumed_from;
    if (killed) {
      // What a kill's start made answers as views rebuilt from position 1 do.
      REQUIRE(projections->WaitFor(log->HeadPosition(), absl::InfiniteFuture()).ok());
      auto fresh_store = OpenStore(dir.Sub(absl::StrCat("rebuilt", round)));
      Projections rebuilt(*log, *fresh_store);
      REQUIRE(rebuilt.Start().ok());
      REQUIRE(rebuilt.WaitFor(log->HeadPosition(), absl::InfiniteFuture()).ok());
      CHECK(Contents(*projections, clock.Now()) == Contents(rebuilt, clock.Now()));
    }
  }
  // The kills fell after saves, some of them made while the follower ran: their starts
  // replayed the log after them.
  CHECK(replayed > 0);
  CHECK(resumed_periodic_save > 0);
  REQUIRE(projections->WaitFor(log->HeadPosition(), absl::InfiniteFuture()).ok());
  CHECK(scenario.complaint_ids.size() > 100);

  auto fresh_store = OpenStore(dir.Sub("rebuilt"));
  Projections rebuilt(*log, *fresh_store);
  REQUIRE(rebuilt.Start().ok());
  REQUIRE(rebuilt.WaitFor(log->HeadPosition(), absl::InfiniteFuture()).ok());

  // Closed cases' views were let go of (and read back for the events that came after them).
  projections->Read([&](const ProjectionState& state, uint64_t) {
    CHECK(state.complaints().size() < state.ComplaintCount());
  });
  const std::map<std::string, std::string> incremental = Contents(*projections, clock.Now());
  const std::map<std::string, std::string> from_scratch = Contents(rebuilt, clock.Now());
  REQUIRE(incremental.size() == from_scratch.size());
  for (const auto& [key, value] : from_scratch) {
    INFO(key);
    CHECK(incremental.at(key) == value);
  }

  // Never applied twice: each view is its stream folded once, as an as-of read folds it at the
  // head, and holds the case without its history.
  projections->Read([&](const ProjectionState& state, uint64_t) {
    for (const auto& [id, shared] : testing::AllComplaints(state)) {
      const v1::ComplaintView& view = *shared;
      INFO(id);
      CHECK(view.history_size() == 0);
      CHECK(view.revision() == *log->StreamRevision(ComplaintStream(id)));
      v1::GetComplaintRequest request;
      request.set_complaint_id(id);
      request.set_as_of_position(log->HeadPosition());
      absl::StatusOr<v1::ComplaintView> folded = ComplaintAsOf(*log, request);
      REQUIRE(folded.ok());
      CHECK(static_cast<uint64_t>(folded->history_size()) == view.revision());
      folded->clear_history();
      CHECK(Bytes(*folded) == Bytes(view));
    }
  });
}

TEST_CASE("a view store of another format is emptied and rebuilt", "[projections]") {
  testing::TempDir dir;
  {
    auto store = OpenStore(dir.Sub("views"));
    REQUIRE(store->Commit({{"c/CL-1", "x"}}, 7, "hash").ok());
    CHECK(store->Commit({}, 6, "hash").code() == absl::StatusCode::kFailedPrecondition);
  }
  absl::StatusOr<std::unique_ptr<storage::ViewStore>> other =
      storage::ViewStore::Open(dir.Sub("views"), "closedloop.views.v0");
  REQUIRE(other.ok());
  CHECK((*other)->checkpoint() == 0);
  int views = 0;
  REQUIRE((*other)->ForEach([&](absl::string_view, absl::string_view) { ++views; }).ok());
  CHECK(views == 0);
}

TEST_CASE("views stored with their history (format v2) are emptied and rebuilt without it",
          "[projections]") {
  testing::TempDir dir;
  {
    absl::StatusOr<std::unique_ptr<storage::ViewStore>> v2 =
        storage::ViewStore::Open(dir.Sub("views"), "closedloop.views.v2");
    REQUIRE(v2.ok());
    v1::ComplaintView with_history;
    with_history.set_complaint_id("CL-1");
    with_history.add_history()->set_type("complaint.filed");
    REQUIRE((*v2)->Commit({{"c/CL-1", with_history.SerializeAsString()}}, 7, "hash").ok());
  }
  auto store = OpenStore(dir.Sub("views"));
  CHECK(store->checkpoint() == 0);
  int views = 0;
  REQUIRE(store->ForEach([&](absl::string_view, absl::string_view) { ++views; }).ok());
  CHECK(views == 0);
}

}  // namespace
}  // namespace closedloop::services
