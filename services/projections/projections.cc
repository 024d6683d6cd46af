#include "services/projections/projections.h"

#include <cstdio>

#include "absl/container/btree_set.h"
#include "absl/strings/str_cat.h"
#include "services/projections/before_loader.h"
#include "services/projections/contact_key.h"
#include "services/projections/view_restore.h"

namespace closedloop::services {
namespace {
// Events per applied batch: large enough to amortize the store's write, small enough that
// queries see new events within a few milliseconds.
constexpr size_t kBatch = 1024;
}  // namespace

std::string Projections::Format() {
  return absl::StrCat(kFormat, " contact-keys:", ContactKeyRules());
}

Projections::Projections(storage::EventLog& log, storage::ViewStore& store, uint64_t save_every)
    : log_(log), store_(store), save_every_(save_every) {}

Projections::~Projections() { Stop(); }

absl::StatusOr<std::string> Projections::CheckpointMismatch() {
  const uint64_t checkpoint = store_.checkpoint();
  if (checkpoint == 0) return std::string();
  const uint64_t head = log_.HeadPosition();
  if (checkpoint > head) {
    return absl::StrCat("the views reflect position ", checkpoint, " but the log ends at ", head);
  }
  // A store from before the hash was kept is checked by position only.
  const std::string expected = store_.checkpoint_hash();
  if (expected.empty()) return std::string();
  absl::StatusOr<std::string> hash = HashAt(checkpoint);
  if (!hash.ok()) return hash.status();
  if (hash->empty()) {
    return absl::StrCat("the log holds no record at the views' position ", checkpoint);
  }
  if (*hash != expected) {
    return absl::StrCat("the log's record at the views' position ", checkpoint,
                        " is not the one the views were built from (its hash differs)");
  }
  return std::string();
}

absl::StatusOr<std::string> Projections::HashAt(uint64_t position) {
  absl::StatusOr<storage::ReadAllResult> read =
      log_.ReadAll(position, 1, storage::EventFilter{}, /*max_scanned=*/1);
  if (!read.ok()) return read.status();
  if (read->events.empty() || read->events.front().position() != position) return std::string();
  return read->events.front().hash();
}

absl::Status Projections::Start() {
  // Views of another log (or of a longer past of this one) would answer for cases the log does
  // not hold: start again from the log, the only truth.
  absl::StatusOr<std::string> mismatch = CheckpointMismatch();
  if (!mismatch.ok()) return mismatch.status();
  if (!mismatch->empty()) {
    if (absl::Status cleared = store_.Clear(); !cleared.ok()) return cleared;
    rebuild_reason_ = *std::move(mismatch);
    std::fprintf(stderr,
                 "closedloopd: views do not match the log (%s); rebuilding them from position 1\n",
                 rebuild_reason_.c_str());
  }
  // Nothing reads the states yet: the follower and the server start after this. One state
  // is restored, and the follower makes the other a copy of it (Follow): parsing and counting
  // every case once, not twice.
  const std::shared_ptr<const storage::ViewStore::Snapshot> snapshot = store_.SnapshotNow();
  for (Side& side : sides_) side.loader.At(snapshot);
  if (absl::Status restored = Restore(sides_[0]); !restored.ok()) return restored;

  resumed_after_ = store_.checkpoint();
  sides_[0].position = sides_[1].position = resumed_after_;
  {
    absl::MutexLock lock(&published_mu_);
    position_ = store_.checkpoint();
  }
  subscription_ = log_.Subscribe(store_.checkpoint() + 1, storage::EventFilter{});
  follower_ = std::thread([this] { Follow(); });
  return absl::OkStatus();
}

absl::Status Projections::Restore(Side& side) {
  absl::StatusOr<storage::ViewStore::SavedAt> saved = store_.SavedState();
  absl::Status resumed = saved.status();
  if (saved.ok()) resumed = Resume(side, *saved);
  if (resumed.ok()) {
    resumed_saved_ = true;
    saved_ = true;
    since_saved_ = replayed_;
    return absl::OkStatus();
  }
  // A store or log that cannot be read now fails the start, as reading every view would.
  if (absl::IsUnavailable(resumed)) return resumed;
  // The saved state is a shortcut: without it (damaged, say), every view is read, and a store
  // that cannot be read at all fails there.
  if (!absl::IsNotFound(resumed)) {
    std::fprintf(stderr, "closedloopd: the saved state is unusable (%s); reading every view\n",
                 resumed.ToString().c_str());
  }
  // No commit keeps earlier views for a state that is not saved: a later start must not take
  // this one with some of them missing.
  if (absl::Status dropped = store_.DropState(); !dropped.ok()) return dropped;
  replayed_ = 0;
  side.state = ProjectionState();
  side.state.set_loader(&side.loader);
  // Every view, letting go of the closed cases' at once. The views only: the finder's keys and
  // the facts are read where they are, when asked for.
  return RestoreViews(store_, side.state);
}

absl::Status Projections::Resume(Side& side, const storage::ViewStore::SavedAt& saved) {
  const uint64_t checkpoint = store_.checkpoint();
  // The checkpoint's record was checked against the log (CheckpointMismatch); the saved
  // state's is checked here.
  absl::StatusOr<std::string> hash = saved.position == checkpoint
                                         ? absl::StatusOr<std::string>(store_.checkpoint_hash())
                                         : HashAt(saved.position);
  if (!hash.ok()) return hash.status();
  if (*hash != saved.hash) {
    return absl::DataLossError(absl::StrCat("the state saved at position ", saved.position,
                                            " is not of this log (the record's hash differs)"));
  }
  ViewsBefore before;
  absl::Status read = store_.ForEachBefore(
      [&](absl::string_view key, std::optional<absl::string_view> view) {
        before.emplace(key, view ? std::optional<std::string>(*view) : std::nullopt);
      });
  if (!read.ok()) return read;
  // The state reads the store as of its own position until it reaches the checkpoint.
  const BeforeLoader as_saved(side.loader, before);
  side.state.set_loader(&as_saved);
  absl::Status resumed = ResumeViews(as_saved, saved.state, side.state);
  if (resumed.ok()) resumed = RestoreProblems(store_, side.state, &before);
  absl::StatusOr<std::vector<std::string>> changed =
      resumed.ok() ? Replay(saved.position, checkpoint, side.state) : resumed;
  side.state.set_loader(&side.loader);
  if (!changed.ok()) return changed.status();
  // The store already holds what the replay changed (the views, facts and finder keys of
  // the commits after the save), as the state now has it: closed cases' views go as usual.
  (void)side.state.TakeFiled();
  (void)side.state.TakeChangedFacts();
  for (const std::string& key : *changed) side.state.LetGo(key);
  kept_before_.clear();
  for (const auto& [key, view] : before) kept_before_.insert(key);
  replayed_ = checkpoint - saved.position;
  return absl::OkStatus();
}

absl::StatusOr<std::vector<std::string>> Projections::Replay(uint64_t after, uint64_t to,
                                                             ProjectionState& state) {
  absl::btree_set<std::string> changed;
  absl::Status applied = absl::OkStatus();
  for (uint64_t from = after + 1; from <= to;) {
    absl::StatusOr<uint64_t> next = log_.ScanAll(
        from, storage::EventFilter{}, to - from + 1, [&](const v1::RecordedEvent& record) {
          absl::StatusOr<std::string> key = state.Apply(record);
          if (!key.ok()) {
            applied = key.status();
            return false;
          }
          if (!key->empty()) changed.insert(*std::move(key));
          return true;
        });
    if (!next.ok()) return next.status();
    if (!applied.ok()) return applied;
    if (*next <= from) {
      return absl::DataLossError(absl::StrCat("the log ends at ", from - 1,
                                              ", before the views' checkpoint ", to));
    }
    from = *next;
  }
  return std::vector<std::string>(changed.begin(), changed.end());
}

void Projections::Stop() {
  if (subscription_ == nullptr) return;
  subscription_->Cancel();
  if (follower_.joinable()) follower_.join();
  subscription_.reset();
  Save(/*flush=*/true);
}

void Projections::Save(bool flush) {
  // The visible side stands where the store does, unless the follower failed.
  const Side& side = sides_[visible_.load()];
  if (stopped_on_error_.load() || side.position != store_.checkpoint()) return;
  since_saved_ = 0;
  if (absl::Status saved = store_.SaveState(side.state.Saved(), flush); !saved.ok()) {
    // Rather than keep views for an ever older state, none is kept: the next start reads every
    // view, unless a later save succeeds.
    std::fprintf(stderr, "closedloopd: could not save the state (%s)\n", saved.ToString().c_str());
    if (store_.DropState().ok()) {
      saved_ = false;
      kept_before_.clear();
    }  // else the state saved before still holds, with the views kept for it
    return;
  }
  saved_ = true;
  kept_before_.clear();
}

absl::StatusOr<std::vector<storage::ViewStore::Before>> Projections::ViewsBeforeCommit(
    const absl::btree_set<std::string>& changed) {
  std::vector<storage::ViewStore::Before> before;
  if (!saved_) return before;
  // The visible side's loader reads the store as of the last commit.
  const SnapshotLoader& store = sides_[visible_.load()].loader;
  for (const std::string& key : changed) {
    if (kept_before_.contains(key)) continue;
    absl::StatusOr<std::string> view = store.Load(key);
    if (view.ok()) {
      before.push_back({key, *std::move(view)});
    } else if (absl::IsNotFound(view.status())) {
      before.push_back({key, std::nullopt});
    } else {
      return view.status();
    }
    kept_before_.insert(key);
  }
  return before;
}

void Projections::Follow() {
  // The other state copies the restored one here, while the server already answers from it:
  // queries read only the visible state, and copying reads it as they do.
  sides_[1 - visible_.load()].state.CopyOf(sides_[visible_.load()].state);
  for (;;) {
    absl::StatusOr<std::vector<v1::RecordedEvent>> events =
        subscription_->Next(kBatch, absl::InfiniteFuture());
    absl::Status applied = events.ok() ? ApplyBatch(*events) : events.status();
    if (applied.ok()) {
      since_saved_ += events->size();
      if (since_saved_ >= save_every_) Save(/*flush=*/false);
      continue;
    }
    if (applied.code() != absl::StatusCode::kCancelled) {
      std::fprintf(stderr, "closedloopd: projections stopped: %s\n", applied.ToString().c_str());
      // Before the failure is published: whoever sees it (a query, a test) also sees its effect.
      absl::MutexLock lock(&failure_mu_);
      failed_ = applied;
      if (on_failure_) on_failure_(applied);
    }
    Fail(applied);
    return;
  }
}

void Projections::Fail(const absl::Status& status) {
  absl::MutexLock lock(&published_mu_);
  failure_ = status;
  if (status.code() != absl::StatusCode::kCancelled) stopped_on_error_.store(true);
}

const Projections::Side& Projections::Enter() const {
  for (;;) {
    const int visible = visible_.load();
    const Side& side = sides_[visible];
    side.readers.fetch_add(1);
    // Still visible after the count went up: the follower, which hides a side before it waits
    // for the side's readers to leave, will wait for this one.
    if (visible_.load() == visible) return side;
    Leave(side);
  }
}

void Projections::Leave(const Side& side) {
  if (side.readers.fetch_sub(1) == 1) side.readers.notify_all();
}

absl::Status Projections::ApplyBatch(const std::vector<v1::RecordedEvent>& events) {
  if (events.empty()) return absl::OkStatus();
  const int visible = visible_.load();
  Side& hidden = sides_[1 - visible];
  // Queries that began before the last publish may still read the hidden side.
  for (int readers = hidden.readers.load(); readers != 0; readers = hidden.readers.load()) {
    hidden.readers.wait(readers);
  }
  for (const std::string& key : hidden_behind_) {
    if (absl::Status shared = hidden.state.Share(sides_[visible].state, key); !shared.ok()) {
      return shared;
    }
  }
  // The two states are equal again: the list rows' chunks either changed since they last
  // shared, and those both made for new cases, are held once.
  hidden.state.ShareRows(sides_[visible].state);
  // The hidden state now stands where the visible one and the store do: it lets go of the
  // closed cases' views that both states now hold as the store does, those of the last two
  // batches (its own and the visible one's).
  hidden.loader.At(sides_[visible].loader.snapshot());
  for (const std::string& key : hidden.changed) hidden.state.LetGo(key);
  for (const std::string& key : hidden_behind_) hidden.state.LetGo(key);
  hidden_behind_.clear();
  absl::btree_set<std::string> changed;
  for (const v1::RecordedEvent& record : events) {
    absl::StatusOr<std::string> key = hidden.state.Apply(record);
    if (!key.ok()) return key.status();
    if (!key->empty()) changed.insert(*std::move(key));
  }
  std::vector<std::pair<std::string, std::string>> views;
  views.reserve(2 * changed.size());
  for (const std::string& key : changed) views.emplace_back(key, hidden.state.Serialized(key));
  // A case's metrics facts go with its view (stored_facts.h), when they changed.
  for (auto& facts : hidden.state.TakeChangedFacts()) views.push_back(std::move(facts));
  // The finder's keys of the cases filed in this batch go with their first views.
  for (const std::string& id : hidden.state.TakeFiled()) {
    absl::StatusOr<ProjectionState::ComplaintPtr> view = hidden.state.Complaint(id);
    if (!view.ok()) return view.status();
    if (*view == nullptr) continue;
    for (std::string& key : FinderKeysOf(**view)) views.emplace_back(std::move(key), "");
  }
  // The hidden side is already ahead; the store must catch up before anyone sees it. A failing
  // store stops the projections (queries then report UNAVAILABLE) rather than showing views
  // that a restart would not have. The views first changed since the state was saved are kept
  // as they stood, for a start from that state.
  absl::StatusOr<std::vector<storage::ViewStore::Before>> before = ViewsBeforeCommit(changed);
  if (!before.ok()) return before.status();
  if (absl::Status committed =
          store_.Commit(views, events.back().position(), events.back().hash(), *before);
      !committed.ok()) {
    return committed;
  }
  hidden.loader.At(store_.SnapshotNow());
  hidden.position = events.back().position();
  visible_.store(1 - visible);
  hidden_behind_.assign(changed.begin(), changed.end());
  hidden.changed = hidden_behind_;
  absl::MutexLock lock(&published_mu_);
  position_ = events.back().position();
  return absl::OkStatus();
}

uint64_t Projections::position() const {
  absl::MutexLock lock(&published_mu_);
  return position_;
}

absl::Status Projections::WaitFor(uint64_t position, absl::Time deadline) {
  if (position > log_.HeadPosition()) {
    return absl::OutOfRangeError(absl::StrCat("min_position: ", position,
                                              " is past the log's head ", log_.HeadPosition()));
  }
  absl::MutexLock lock(&published_mu_);
  auto ready = [&]() ABSL_SHARED_LOCKS_REQUIRED(published_mu_) {
    return position_ >= position || !failure_.ok();
  };
  published_mu_.AwaitWithDeadline(absl::Condition(&ready), deadline);
  if (position_ >= position) return absl::OkStatus();
  if (!failure_.ok()) {
    return absl::UnavailableError(absl::StrCat("projections stopped: ", failure_.message()));
  }
  return absl::DeadlineExceededError(absl::StrCat("the views reached position ", position_,
                                                  ", not yet min_position ", position));
}

uint64_t Projections::WaitPast(uint64_t after, absl::Time deadline) {
  absl::MutexLock lock(&published_mu_);
  auto moved = [&]() ABSL_SHARED_LOCKS_REQUIRED(published_mu_) {
    return position_ > after || !failure_.ok();
  };
  published_mu_.AwaitWithDeadline(absl::Condition(&moved), deadline);
  return position_;
}

absl::Status Projections::Check() const {
  // Every query calls this: it takes no lock while the follower is well.
  if (!stopped_on_error_.load()) return absl::OkStatus();
  absl::MutexLock lock(&published_mu_);
  return absl::UnavailableError(absl::StrCat("projections stopped: ", failure_.message()));
}

void Projections::OnFailure(absl::AnyInvocable<void(const absl::Status&)> on_failure) {
  absl::MutexLock lock(&failure_mu_);
  if (!failed_.ok()) {
    on_failure(failed_);
    return;
  }
  on_failure_ = std::move(on_failure);
}

void Projections::Read(
    absl::FunctionRef<void(const ProjectionState&, uint64_t position)> read) const {
  const Side& side = Enter();
  read(side.state, side.position);
  Leave(side);
}

LoadAt Projections::Load(const std::vector<std::string>& complaint_ids) const {
  const Side& side = Enter();
  LoadAt load{side.state.Load(), {}};
  load.applied.reserve(complaint_ids.size());
  for (const std::string& id : complaint_ids) {
    load.applied.push_back(side.state.HasComplaint(id));
  }
  Leave(side);
  return load;
}

}  // namespace closedloop::services
