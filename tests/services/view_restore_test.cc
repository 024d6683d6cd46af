// Restoring the stored views at start-up: one thread reads and parses them while another
// restores them into the state (view_restore.h), letting go of the closed cases' views. These
// tests check that this answers as a state keeping every view in memory does, and that an
// unreadable view stops it.
#include <catch2/catch.hpp>

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/match.h"
#include "services/projections/projection_state.h"
#include "services/projections/view_loader.h"
#include "services/projections/view_restore.h"
#include "storage/view_store.h"
#include "tests/services/restored_state.h"
#include "tests/temp_dir.h"

namespace closedloop {
namespace {

using services::ProjectionState;

using testing::OpenStore;

TEST_CASE("restoring the stored views on two threads gives a state that answers as one keeping every view",
          "[view_restore]") {
  testing::TempDir dir;
  auto store = OpenStore(dir.Sub("views"));
  constexpr int kCases = 1500;
  const std::vector<std::pair<std::string, std::string>> writes = testing::StoredCases(kCases);
  REQUIRE(store->Commit(writes, 1, "h1").ok());

  services::SnapshotLoader loader(*store);
  loader.At(store->SnapshotNow());
  ProjectionState restored;
  restored.set_loader(&loader);
  REQUIRE(services::RestoreViews(*store, restored).ok());
  ProjectionState in_memory;
  testing::RestoreInMemory(*store, in_memory);
  testing::CheckAnswersAlike(restored, in_memory, kCases);
}

TEST_CASE("an unreadable stored view stops the restore with DATA_LOSS naming its case", "[view_restore]") {
  testing::TempDir dir;
  auto store = OpenStore(dir.Sub("views"));
  std::vector<std::pair<std::string, std::string>> writes = testing::StoredCases(900);
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
