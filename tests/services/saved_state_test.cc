// The state a clean stop saves beside the views (ProjectionState::Saved, ViewStore::SaveState)
// and the start that reads it instead of every view (ResumeViews): a resumed state answers as
// a state keeping every view does; the store hands a saved state back only at the checkpoint
// it was saved at; and bytes the save did not write are refused, never served.
#include <catch2/catch.hpp>

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <memory>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "services/projections/projection_state.h"
#include "services/projections/view_loader.h"
#include "services/projections/view_restore.h"
#include "rocksdb/db.h"
#include "storage/view_store.h"
#include "tests/services/restored_state.h"
#include "tests/temp_dir.h"

namespace closedloop {
namespace {

using services::ProjectionState;

using testing::OpenStore;

// A store of `cases` random cases at checkpoint 1, and the state a clean stop would save of it.
struct Saved {
  explicit Saved(testing::TempDir& dir, int cases) : store(OpenStore(dir.Sub("views"))), loader(*store) {
    REQUIRE(store->Commit(testing::StoredCases(cases), 1, "h1").ok());
    loader.At(store->SnapshotNow());
    ProjectionState restored;
    restored.set_loader(&loader);
    REQUIRE(services::RestoreViews(*store, restored).ok());
    bytes = restored.Saved();
  }
  // Resumes a new state from `saved` through this store.
  absl::Status Resume(const std::string& saved, ProjectionState& state) {
    state.set_loader(&loader);
    return services::ResumeViews(loader, saved, state);
  }
  std::unique_ptr<storage::ViewStore> store;
  services::SnapshotLoader loader;
  std::string bytes;
};

TEST_CASE("a state resumed from the saved state answers as one keeping every view, having read only the open cases' views",
          "[saved_state]") {
  testing::TempDir dir;
  constexpr int kCases = 1500;
  Saved saved(dir, kCases);
  ProjectionState resumed;
  REQUIRE(saved.Resume(saved.bytes, resumed).ok());
  REQUIRE(services::RestoreProblems(*saved.store, resumed).ok());
  ProjectionState in_memory;
  testing::RestoreInMemory(*saved.store, in_memory);
  testing::CheckAnswersAlike(resumed, in_memory, kCases);
  // Saved again, the resumed state gives as many bytes (hash maps may list their entries in
  // another order), and a state resumed from those answers alike too: nothing is lost on the way.
  const std::string again = resumed.Saved();
  CHECK(again.size() == saved.bytes.size());
  ProjectionState twice;
  REQUIRE(saved.Resume(again, twice).ok());
  REQUIRE(services::RestoreProblems(*saved.store, twice).ok());
  testing::CheckAnswersAlike(twice, in_memory, kCases);
}

TEST_CASE("bytes a save did not write are refused with DATA_LOSS, and another format with FAILED_PRECONDITION",
          "[saved_state]") {
  testing::TempDir dir;
  Saved saved(dir, 300);
  // Every cut short (a byte in a thousand of the lengths, and the last ones).
  for (size_t length = 0; length < saved.bytes.size(); length += length + 997 < saved.bytes.size() ? 997 : 1) {
    ProjectionState state;
    const absl::Status resumed = saved.Resume(saved.bytes.substr(0, length), state);
    INFO(length << " of " << saved.bytes.size() << " bytes: " << resumed);
    CHECK(resumed.code() == absl::StatusCode::kDataLoss);
  }
  ProjectionState longer;
  CHECK(saved.Resume(saved.bytes + "x", longer).code() == absl::StatusCode::kDataLoss);
  std::string other_format = saved.bytes;
  other_format[0] = static_cast<char>(2 * (ProjectionState::kSavedFormat + 1));  // zigzag varint
  ProjectionState other;
  const absl::Status refused = saved.Resume(other_format, other);
  CHECK(refused.code() == absl::StatusCode::kFailedPrecondition);
  CHECK(absl::StrContains(refused.message(), "format"));
}

TEST_CASE("a saved state naming an open case whose stored view is unreadable is refused with DATA_LOSS naming the case",
          "[saved_state]") {
  testing::TempDir dir;
  Saved saved(dir, 300);
  ProjectionState state;
  state.set_loader(&saved.loader);
  absl::StatusOr<std::vector<std::string>> kept = state.Resume(saved.bytes);
  REQUIRE(kept.ok());
  REQUIRE_FALSE(kept->empty());
  // The store as it would stand had the case's view been damaged.
  const std::string missing = kept->back();
  REQUIRE(saved.store->Commit({{ProjectionState::ComplaintKey(missing), "\xff\xff"}}, 2, "h2").ok());
  saved.loader.At(saved.store->SnapshotNow());
  ProjectionState resumed;
  const absl::Status status = saved.Resume(saved.bytes, resumed);
  CHECK(status.code() == absl::StatusCode::kDataLoss);
  CHECK(absl::StrContains(status.message(), missing));
}

TEST_CASE("the view store hands the saved state back whole with the checkpoint it was saved at, across a reopen",
          "[saved_state]") {
  testing::TempDir dir;
  auto store = OpenStore(dir.Sub("views"));
  CHECK(store->SavedState().status().code() == absl::StatusCode::kNotFound);
  REQUIRE(store->Commit({{"c/CL-1", "view"}}, 5, "h5").ok());
  // Larger than one piece of the store (4 MB), with every byte value.
  std::string large(9 << 20, '\0');
  for (size_t i = 0; i < large.size(); ++i) large[i] = static_cast<char>(i * 131 % 251);
  REQUIRE(store->SaveState(large, /*flush=*/false).ok());
  CHECK(store->SavedState()->state == large);
  // A smaller one replaces it whole: none of the larger one's pieces is read with it.
  REQUIRE(store->SaveState("small", /*flush=*/true).ok());
  store.reset();
  store = OpenStore(dir.Sub("views"));
  absl::StatusOr<storage::ViewStore::SavedAt> small = store->SavedState();
  REQUIRE(small.ok());
  CHECK(small->state == "small");
  CHECK(small->position == 5);
  CHECK(small->hash == "h5");
  // The saved state is not a view: no walk over the views meets it.
  int entries = 0;
  REQUIRE(store->ForEach([&](absl::string_view, absl::string_view) { ++entries; }).ok());
  CHECK(entries == 1);
  // Once the views move on, the state saved before is still handed back, as of its checkpoint.
  REQUIRE(store->Commit({{"c/CL-1", "view 2"}}, 6, "h6").ok());
  CHECK(store->SavedState()->position == 5);
  REQUIRE(store->SaveState("at 6", /*flush=*/false).ok());
  CHECK(store->SavedState()->state == "at 6");
  CHECK(store->SavedState()->position == 6);
  REQUIRE(store->Clear().ok());
  CHECK(store->SavedState().status().code() == absl::StatusCode::kNotFound);
}

TEST_CASE("the views a commit changes first after a save are kept as they stood, across a crash, until the next save or a drop",
          "[saved_state]") {
  testing::TempDir dir;
  auto store = OpenStore(dir.Sub("views"));
  REQUIRE(store->Commit({{"c/CL-1", "one"}}, 5, "h5").ok());
  REQUIRE(store->SaveState("at 5", /*flush=*/false).ok());
  REQUIRE(store->Commit({{"c/CL-1", "one, changed"}, {"c/CL-2", "two"}}, 6, "h6",
                        {{"c/CL-1", "one"}, {"c/CL-2", std::nullopt}}).ok());
  auto befores = [&] {
    std::vector<std::pair<std::string, std::string>> seen;
    REQUIRE(store->ForEachBefore([&](absl::string_view key, std::optional<absl::string_view> view) {
      seen.emplace_back(std::string(key), view ? absl::StrCat("+", *view) : "none");
    }).ok());
    return seen;
  };
  using Seen = std::vector<std::pair<std::string, std::string>>;
  // A copy of the store is what a kill leaves: the saved state, the views and their befores.
  REQUIRE(store->Copy(dir.Sub("killed")).ok());
  store.reset();
  store = OpenStore(dir.Sub("killed"));
  CHECK(store->checkpoint() == 6);
  CHECK(store->SavedState()->position == 5);
  CHECK(befores() == Seen{{"c/CL-1", "+one"}, {"c/CL-2", "none"}});
  // Befores are not views either.
  int entries = 0;
  REQUIRE(store->ForEach([&](absl::string_view, absl::string_view) { ++entries; }).ok());
  CHECK(entries == 2);
  // A new save starts afresh; a drop leaves neither state nor befores.
  REQUIRE(store->SaveState("at 6", /*flush=*/false).ok());
  CHECK(befores().empty());
  REQUIRE(store->Commit({{"c/CL-2", "two, changed"}}, 7, "h7", {{"c/CL-2", "two"}}).ok());
  CHECK(befores() == Seen{{"c/CL-2", "+two"}});
  REQUIRE(store->DropState().ok());
  CHECK(befores().empty());
  CHECK(store->SavedState().status().code() == absl::StatusCode::kNotFound);
}

// Runs `writes` on the view store in `views` in a forked child that then dies by SIGKILL, its
// writes neither flushed nor closed, as a kill leaves a server. No store may be open: the
// child is the calling thread alone. RocksDB's background threads, if the test process has
// any, are not copied into it, so a background job it schedules (a save's flush) may never
// run: as a kill may cut it short anyway.
void WriteAndKill(const std::string& views, bool (*writes)(storage::ViewStore& store)) {
  const pid_t pid = fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    absl::StatusOr<std::unique_ptr<storage::ViewStore>> store =
        storage::ViewStore::Open(views, "test");
    if (store.ok() && writes(**store)) kill(getpid(), SIGKILL);
    _exit(1);
  }
  int status = 0;
  REQUIRE(waitpid(pid, &status, 0) == pid);
  REQUIRE(WIFSIGNALED(status));
  REQUIRE(WTERMSIG(status) == SIGKILL);
}

// The names of the table files in `dir`.
std::set<std::string> TableFiles(const std::string& dir) {
  std::set<std::string> tables;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    if (entry.path().extension() == ".sst") tables.insert(entry.path().filename().string());
  }
  return tables;
}

bool CommitSaveCommit(storage::ViewStore& store) {
  if (!store.Commit({{"c/CL-1", "one"}}, 5, "h5").ok()) return false;
  if (!store.SaveState("at 5", /*flush=*/false).ok()) return false;
  const std::vector<storage::ViewStore::Before> before = {{"c/CL-1", "one"}};
  return store.Commit({{"c/CL-1", "one, changed"}}, 6, "h6", before).ok();
}

// The befores of the store, as "key=view" ("none" for no view).
std::vector<std::string> Befores(storage::ViewStore& store) {
  std::vector<std::string> befores;
  absl::Status read =
      store.ForEachBefore([&](absl::string_view key, std::optional<absl::string_view> view) {
        befores.push_back(absl::StrCat(key, "=", view.value_or("none")));
      });
  REQUIRE(read.ok());
  return befores;
}

TEST_CASE("a kill -9 after a save and later commits leaves the saved state and the befores, read back from the write-ahead log",
          "[saved_state]") {
  testing::TempDir dir;
  const std::string views = dir.Sub("views");
  WriteAndKill(views, &CommitSaveCommit);
  auto store = OpenStore(views);
  CHECK(store->checkpoint() == 6);
  absl::StatusOr<storage::ViewStore::SavedAt> saved = store->SavedState();
  REQUIRE(saved.ok());
  CHECK(saved->state == "at 5");
  CHECK(saved->position == 5);
  CHECK(saved->hash == "h5");
  CHECK(Befores(*store) == std::vector<std::string>{"c/CL-1=one"});
}

TEST_CASE("a second kill -9 soon after a start that recovered a kill's writes loses none of them",
          "[saved_state]") {
  // The store recovers a kill's write-ahead log into memory without flushing it to a table
  // file: the log must stay until a flush, for the next recovery.
  testing::TempDir dir;
  const std::string views = dir.Sub("views");
  WriteAndKill(views, &CommitSaveCommit);
  const std::set<std::string> tables = TableFiles(views);
  WriteAndKill(views, [](storage::ViewStore& store) {
    return store.checkpoint() == 6 &&
           store.Commit({{"c/CL-2", "two"}}, 7, "h7", {{"c/CL-2", std::nullopt}}).ok();
  });
  // The second start flushed nothing: no table file is new. (One may be gone: the first
  // child's save started a flush in the background, which the kill may have cut short.)
  const std::set<std::string> after = TableFiles(views);
  CHECK(std::includes(tables.begin(), tables.end(), after.begin(), after.end()));
  auto store = OpenStore(views);
  CHECK(store->checkpoint() == 7);
  CHECK(store->checkpoint_hash() == "h7");
  absl::StatusOr<storage::ViewStore::SavedAt> saved = store->SavedState();
  REQUIRE(saved.ok());
  CHECK(saved->state == "at 5");
  CHECK(Befores(*store) == std::vector<std::string>{"c/CL-1=one", "c/CL-2=none"});
}

TEST_CASE("a saved state is not handed back once a binary that keeps no befores moved the checkpoint, and an older binary's saved state is ignored",
          "[saved_state]") {
  testing::TempDir dir;
  const std::string views = dir.Sub("views");
  {
    auto store = OpenStore(views);
    REQUIRE(store->Commit({{"c/CL-1", "one"}}, 5, "h5").ok());
    REQUIRE(store->SaveState("at 5", /*flush=*/true).ok());
  }
  {
    // An older binary's commit writes the view and the checkpoint only; its stop saves its
    // state under its own keys.
    rocksdb::DB* raw = nullptr;
    REQUIRE(rocksdb::DB::Open(rocksdb::Options(), views, &raw).ok());
    std::unique_ptr<rocksdb::DB> db(raw);
    REQUIRE(db->Put(rocksdb::WriteOptions(), "c/CL-1", "one, changed").ok());
    REQUIRE(db->Put(rocksdb::WriteOptions(), "#checkpoint", "6").ok());
    REQUIRE(db->Put(rocksdb::WriteOptions(), "#state/00000000", "old").ok());
    REQUIRE(db->Put(rocksdb::WriteOptions(), "#state_at", "6 6836 3").ok());
  }
  auto store = OpenStore(views);
  CHECK(store->checkpoint() == 6);
  CHECK(store->SavedState().status().code() == absl::StatusCode::kNotFound);
  // A save of this binary replaces both.
  REQUIRE(store->SaveState("at 6", /*flush=*/true).ok());
  CHECK(store->SavedState()->state == "at 6");
}

}  // namespace
}  // namespace closedloop
