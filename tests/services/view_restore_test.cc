// Restoring the stored views at start-up: one thread reads and parses them while another
// restores them into the state (view_restore.h), letting go of the closed cases' views. These
// tests check that this answers as a state keeping every view in memory does, and that an
// unreadable view stops it.
#include <catch2/catch.hpp>

#include <memory>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "services/projections/complaint_lookup.h"
#include "services/projections/projection_state.h"
#include "services/projections/stored_facts.h"
#include "services/projections/view_loader.h"
#include "services/projections/view_restore.h"
#include "storage/view_store.h"
#include "tests/domain/random_case.h"
#include "tests/temp_dir.h"

namespace closedloop {
namespace {

using services::ProjectionState;

std::unique_ptr<storage::ViewStore> OpenStore(const std::string& path) {
  absl::StatusOr<std::unique_ptr<storage::ViewStore>> store = storage::ViewStore::Open(path, "test");
  REQUIRE(store.ok());
  return *std::move(store);
}

// More cases than one batch of the restore holds, half of them open, and a problem.
std::vector<std::pair<std::string, std::string>> StoredCases(int cases) {
  std::mt19937 rng(29);
  std::vector<std::pair<std::string, std::string>> writes;
  for (int n = 1; n <= cases; ++n) {
    const v1::ComplaintView view = testing::RandomCase(rng, n);
    writes.emplace_back(ProjectionState::ComplaintKey(view.complaint_id()), view.SerializeAsString());
    writes.push_back(services::FactsEntryOf(view.complaint_id(), view));
  }
  v1::ProblemView problem;
  problem.set_problem_id("PR-1");
  writes.emplace_back(ProjectionState::ProblemKey("PR-1"), problem.SerializeAsString());
  return writes;
}

// Every case the state lists, newest first, as ListComplaints pages them.
std::vector<std::string> Listed(const ProjectionState& state) {
  v1::ListComplaintsRequest request;
  request.set_page_size(100);
  std::vector<std::string> ids;
  for (;;) {
    absl::StatusOr<v1::ListComplaintsResponse> page = services::ListPage(state, request);
    REQUIRE(page.ok());
    for (const v1::ComplaintView& view : page->complaints()) ids.push_back(view.complaint_id());
    if (page->next_page_token().empty()) return ids;
    request.set_page_token(page->next_page_token());
  }
}

TEST_CASE("restoring the stored views on two threads gives a state that answers as one keeping every view",
          "[view_restore]") {
  testing::TempDir dir;
  auto store = OpenStore(dir.Sub("views"));
  constexpr int kCases = 1500;
  const std::vector<std::pair<std::string, std::string>> writes = StoredCases(kCases);
  REQUIRE(store->Commit(writes, 1, "h1").ok());

  services::SnapshotLoader loader(*store);
  loader.At(store->SnapshotNow());
  ProjectionState restored;
  restored.set_loader(&loader);
  REQUIRE(services::RestoreViews(*store, restored).ok());
  // Without a loader a state keeps every view: the reference for what letting go must not change.
  ProjectionState in_memory;
  for (absl::string_view prefix : {"c/", "p/"}) {
    REQUIRE(store->ForEach(prefix, [&](absl::string_view key, absl::string_view value) {
                    REQUIRE(in_memory.Restore(key, value).ok());
                  }).ok());
  }

  CHECK(in_memory.complaints().size() == kCases);
  CHECK(restored.ComplaintCount() == kCases);
  CHECK(restored.OpenIndex().size() == in_memory.OpenIndex().size());
  CHECK(restored.OpenIndex().size() < kCases);
  CHECK(restored.complaints().size() == restored.OpenIndex().size());  // the closed ones let go of
  CHECK(restored.problems().size() == 1);
  const std::vector<std::string> listed = Listed(restored);
  CHECK(listed.size() == kCases);
  CHECK(listed == Listed(in_memory));
  CHECK(restored.Metrics(absl::InfinitePast(), absl::InfiniteFuture())->DebugString() ==
        in_memory.Metrics(absl::InfinitePast(), absl::InfiniteFuture())->DebugString());
  const absl::Time now = testing::kRandomCaseStart + absl::Hours(24 * 91);
  CHECK(restored.Catalog("", now).DebugString() == in_memory.Catalog("", now).DebugString());
  CHECK(restored.DeadlineBoard(now, absl::Hours(4), 500).DebugString() ==
        in_memory.DeadlineBoard(now, absl::Hours(4), 500).DebugString());
  CHECK(restored.Load() == in_memory.Load());
  for (int n = 1; n <= kCases; n += 7) {
    const std::string id = absl::StrCat("CL-", n);
    CHECK(restored.HasComplaint(id));
    absl::StatusOr<ProjectionState::ComplaintPtr> read = restored.Complaint(id);
    REQUIRE(read.ok());
    REQUIRE(*read != nullptr);
    CHECK((*read)->DebugString() == in_memory.complaints().at(id)->DebugString());
  }
  CHECK_FALSE(restored.HasComplaint(absl::StrCat("CL-", kCases + 1)));
}

TEST_CASE("an unreadable stored view stops the restore with DATA_LOSS naming its case", "[view_restore]") {
  testing::TempDir dir;
  auto store = OpenStore(dir.Sub("views"));
  std::vector<std::pair<std::string, std::string>> writes = StoredCases(900);
  writes.emplace_back("c/CL-600", "\xff\xff\xff");  // replaces the case's view
  REQUIRE(store->Commit(writes, 1, "h1").ok());
  services::SnapshotLoader loader(*store);
  loader.At(store->SnapshotNow());
  ProjectionState state;
  state.set_loader(&loader);
  const absl::Status restored = services::RestoreViews(*store, state);
  CHECK(restored.code() == absl::StatusCode::kDataLoss);
  CHECK(absl::StrContains(restored.message(), "CL-600"));
}

}  // namespace
}  // namespace closedloop
