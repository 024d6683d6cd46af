// Projections: keeps the read models (ProjectionState) current with the log and durable in a
// ViewStore. One thread follows the log from the store's checkpoint (catch-up, then live),
// applies each batch of events in memory, and commits the changed views (with their cases'
// metrics facts, and the finder keys of new cases) together with the new checkpoint in one
// atomic write; only then are the events visible to queries. A restart
// resumes from the checkpoint: no event is applied twice, none is skipped.
//
// The store is a cache of one log: at start its checkpoint (position and record hash) is
// checked against the log, and a store the log does not hold (views newer than a log restored
// from a backup, say) is cleared and rebuilt from position 1 rather than served.
//
// Readers never wait for the follower (a left-right pair): it keeps two states that share their
// unchanged views, one visible to queries and one hidden. It applies a batch to the hidden one,
// commits it, and makes it visible with one atomic store; a query reads whichever state was
// visible when it began, without a lock, and so sees a whole batch or none of it. Before the
// next batch the follower waits until no query reads the state it hid, and brings it up to date
// by taking over the views the last batch changed.
//
// Memory holds the views of open cases: once both states hold a closed case's view as the
// store does, they let go of it, and read it back from the store, through a snapshot taken at
// their own position, when a query or an event needs it.
//
// Every `save_every` events, and at a stop, the follower saves the visible state beside the
// views (ViewStore::SaveState); from then on each commit keeps the views it changes first as
// they stood at the save (ViewStore::Before). A start, after a stop or a kill, resumes that
// state (the rows, tallies and open cases' views, nothing per closed case) as of its position,
// through those earlier views, and replays the log from there up to the checkpoint in memory;
// only without a usable saved state does it read every view.
//
// A follower that fails (an unreadable event, a store that cannot be written) stops; from then
// on Check() and every wait report UNAVAILABLE naming the failure, and the OnFailure callback
// runs once, so that no query serves the frozen views as current.
//
// Thread safety: every method may be called from any thread.
#ifndef CLOSEDLOOP_SERVICES_PROJECTIONS_PROJECTIONS_H_
#define CLOSEDLOOP_SERVICES_PROJECTIONS_PROJECTIONS_H_

#include <atomic>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/container/btree_set.h"
#include "absl/container/flat_hash_set.h"
#include "absl/functional/any_invocable.h"
#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "services/commands/pending_assignments.h"
#include "services/projections/projection_state.h"
#include "storage/event_log.h"
#include "storage/view_store.h"

namespace closedloop::services {

class Projections {
 public:
  // The view format this binary writes; a store of another format is rebuilt.
  // v2: views count the contacts that reached the customer (one-call resolution).
  // v3: views hold the case as it stands, without its history (GetComplaint reads that from
  // the log), and name the filer in filing.filed_by.
  // v4: the finder's keys (order, external reference, contact, customer) are stored beside the
  // views and read from there (case_finder.h), not held in memory.
  // v5: each case's metrics facts are stored beside its view (stored_facts.h), and metrics
  // ranges that cut a day read them from there; memory keeps none per case.
  static constexpr char kFormat[] = "closedloop.views.v5";
  // The store's format: kFormat and the rules its contact keys were made under
  // (ContactKeyRules), so that keys made under other rules are made again.
  static std::string Format();

  // Events between two saves of the state while the follower runs: a start after a kill
  // replays at most this many from the log (about 2.6 s at 100k events/s), and each save
  // pauses the follower for the time it takes to build and write the state (0.6-0.7 s at 500k
  // cases).
  static constexpr uint64_t kSaveEvery = 262144;

  // `log` and `store` must outlive this object.
  Projections(storage::EventLog& log, storage::ViewStore& store, uint64_t save_every = kSaveEvery);
  ~Projections();  // Stop()s

  // Checks the store's checkpoint against the log (clearing the store if the log does not hold
  // it), loads the stored views and starts following the log after the checkpoint.
  // Errors: DATA_LOSS for an unreadable store or log; the store's UNAVAILABLE.
  absl::Status Start();
  // Why Start() cleared the store and replays the log from position 1; empty if it did not.
  const std::string& rebuild_reason() const { return rebuild_reason_; }
  // The checkpoint Start() resumed after (0 when it rebuilds from position 1).
  uint64_t resumed_after() const { return resumed_after_; }
  // Whether Start() took the state saved last (the rows, tallies and open cases) rather than
  // reading every view: false after a rebuild, or without a state it could use.
  bool resumed_saved() const { return resumed_saved_; }
  // The events Start() replayed in memory after the state saved last (0 after a clean stop).
  uint64_t replayed() const { return replayed_; }
  // Stops following the log; idempotent.
  void Stop();

  // The log position the visible views reflect.
  uint64_t position() const;
  // OK once the views reflect `position`. OUT_OF_RANGE when `position` is past the log's
  // head; DEADLINE_EXCEEDED when `deadline` passes first; UNAVAILABLE when the projections
  // stopped on an error (the error is in the message).
  absl::Status WaitFor(uint64_t position, absl::Time deadline);
  // Waits until the position moves past `after` or `deadline` passes; returns the position.
  uint64_t WaitPast(uint64_t after, absl::Time deadline);

  // OK while the views follow the log; UNAVAILABLE naming the failure once the follower
  // stopped on an error (the views are then frozen and must not be served as current).
  absl::Status Check() const;
  // Runs `on_failure` once, on the follower's thread, when the follower stops on an error (at
  // once, on this thread, if it already has). Not for a Stop(). At most one callback; it must
  // not call back into this object.
  void OnFailure(absl::AnyInvocable<void(const absl::Status&)> on_failure);

  // Runs `read` on the visible views, as of the batch last published (none is applied to them
  // meanwhile); never waits for the follower.
  void Read(absl::FunctionRef<void(const ProjectionState&, uint64_t position)> read) const;
  // Open cases per owner, for routing, and whether the views hold each of `complaint_ids`.
  LoadAt Load(const std::vector<std::string>& complaint_ids) const;

 private:
  // Why the store's checkpoint is not a point of this log (empty when it is). Errors: the log's.
  absl::StatusOr<std::string> CheckpointMismatch();
  // The hash of the log's record at `position`; "" when the log holds none there.
  absl::StatusOr<std::string> HashAt(uint64_t position);
  void Follow();
  // Applies `events` to the hidden state and commits them with the store; then publishes them.
  absl::Status ApplyBatch(const std::vector<v1::RecordedEvent>& events);
  // Restores the state of `side` from the store: from the state a clean stop saved at the
  // store's checkpoint (the rows, tallies and open cases' views) if there is one, else from
  // every view. Errors: the store's; DATA_LOSS for an unreadable view.
  struct Side;
  absl::Status Restore(Side& side);
  // Makes the state of `side` the saved one, as of the store's checkpoint: resumed through the
  // views as they stood at its position, then the log replayed in memory from there. Errors:
  // DATA_LOSS for a state of another log, or unreadable; the store's; the log's. The state
  // must then be dropped.
  absl::Status Resume(Side& side, const storage::ViewStore::SavedAt& saved);
  // Applies the log's records in (after, to] to `state`; returns the store keys of the views
  // they changed.
  absl::StatusOr<std::vector<std::string>> Replay(uint64_t after, uint64_t to,
                                                  ProjectionState& state);
  // Saves the visible state beside the views for the next start (flushed at a stop), unless
  // the follower failed. On the follower's thread, or after it stopped.
  void Save(bool flush);
  // The views of `changed` as the store holds them now, for those not kept since the last
  // save. On the follower's thread.
  absl::StatusOr<std::vector<storage::ViewStore::Before>> ViewsBeforeCommit(
      const absl::btree_set<std::string>& changed);
  // Records that the follower stopped with `status`, and wakes every waiter.
  void Fail(const absl::Status& status);

  // One of the two states, with the position it reflects, the store as of that position (for
  // the closed cases' views the state let go of), the queries reading it, and the store keys
  // of the views it changed in its last batch.
  struct Side {
    explicit Side(storage::ViewStore& store) : loader(store) { state.set_loader(&loader); }
    ProjectionState state;
    SnapshotLoader loader;
    uint64_t position = 0;
    mutable std::atomic<int> readers{0};
    std::vector<std::string> changed;
  };
  // The visible side, counted as read until the returned side is passed to Leave.
  const Side& Enter() const;
  static void Leave(const Side& side);

  storage::EventLog& log_;
  storage::ViewStore& store_;
  Side sides_[2]{Side(store_), Side(store_)};
  std::atomic<int> visible_{0};
  // Store keys of the views the last published batch changed, which the hidden side has not
  // taken over yet (the follower's alone).
  std::vector<std::string> hidden_behind_;
  // The published position and the failure, for waiters: they wait on this mutex's
  // conditions, which the follower's every publish re-evaluates.
  mutable absl::Mutex published_mu_;
  uint64_t position_ ABSL_GUARDED_BY(published_mu_) = 0;
  absl::Status failure_ ABSL_GUARDED_BY(published_mu_);
  std::atomic<bool> stopped_on_error_{false};
  // Serializes the failure callback with its installation (never held with mu_).
  absl::Mutex failure_mu_;
  absl::Status failed_ ABSL_GUARDED_BY(failure_mu_);
  absl::AnyInvocable<void(const absl::Status&)> on_failure_ ABSL_GUARDED_BY(failure_mu_);
  std::string rebuild_reason_;
  uint64_t resumed_after_ = 0;
  bool resumed_saved_ = false;
  uint64_t replayed_ = 0;
  // The follower's: whether a state is saved in the store (whose Befores the commits then
  // keep), the store keys kept since, and the events applied since.
  const uint64_t save_every_;
  bool saved_ = false;
  absl::flat_hash_set<std::string> kept_before_;
  uint64_t since_saved_ = 0;
  std::unique_ptr<storage::Subscription> subscription_;
  std::thread follower_;
};

}  // namespace closedloop::services

#endif  // CLOSEDLOOP_SERVICES_PROJECTIONS_PROJECTIONS_H_
