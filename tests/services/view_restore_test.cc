// Restoring the stored views at start-up: one thread reads and parses them while another
// restores them into the state (view_restore.h). These tests check that this gives the very
// state that restoring them one by one gives, and that an unreadable view stops it.
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

TEST_CASE("restoring the stored views on two threads gives the state that restoring them one by one gives",
          "[view_restore]") {
  testing::TempDir dir;
  auto store = OpenStore(dir.Sub("views"));
  constexpr int kCases = 1500;
  const std::vector<std::pair<std::string, std::string>> writes = StoredCases(kCases);
  REQUIRE(store->Commit(writes, 1, "h1").ok());

  services::SnapshotLoader loader(*store), one_by_one_loader(*store);
  loader.At(store->SnapshotNow());
  one_by_one_loader.At(loader.snapshot());
  ProjectionState restored, one_by_one;
  restored.set_loader(&loader);
  one_by_one.set_loader(&one_by_one_loader);
  REQUIRE(services::RestoreViews(*store, restored).ok());
  for (absl::string_view prefix : {"c/", "p/"}) {
    REQUIRE(store->ForEach(prefix, [&](absl::string_view key, absl::string_view value) {
                    REQUIRE(one_by_one.Restore(key, value).ok());
                  }).ok());
  }

  CHECK(restored.ComplaintCount() == kCases);
  CHECK(restored.ComplaintCount() == one_by_one.ComplaintCount());
  CHECK(restored.OpenIndex().size() == one_by_one.OpenIndex().size());
  CHECK(restored.OpenIndex().size() < kCases);  // closed cases were let go of
  CHECK(restored.complaints().size() == restored.OpenIndex().size());
  CHECK(restored.problems().size() == 1);
  const std::vector<std::string> listed = Listed(restored);
  CHECK(listed.size() == kCases);
  CHECK(listed == Listed(one_by_one));
  CHECK(restored.Metrics(absl::InfinitePast(), absl::InfiniteFuture())->DebugString() ==
        one_by_one.Metrics(absl::InfinitePast(), absl::InfiniteFuture())->DebugString());
  const absl::Time now = testing::kRandomCaseStart + absl::Hours(24 * 91);
  CHECK(restored.Catalog("", now).DebugString() == one_by_one.Catalog("", now).DebugString());
  for (const std::string id : {"CL-1", "CL-700", "CL-1500"}) {
    CHECK(restored.Complaint(id).value()->DebugString() ==
          one_by_one.Complaint(id).value()->DebugString());
  }
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
