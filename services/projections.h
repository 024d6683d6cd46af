// Projections: keeps the read models (ProjectionState) current with the log and durable in a
// ViewStore. One thread follows the log from the store's checkpoint (catch-up, then live),
// applies each batch of events in memory, and commits the changed views together with the new
// checkpoint in one atomic write; only then are the events visible to queries. A restart
// resumes from the checkpoint: no event is applied twice, none is skipped.
//
// Thread safety: every method may be called from any thread.
#ifndef CLOSEDLOOP_SERVICES_PROJECTIONS_H_
#define CLOSEDLOOP_SERVICES_PROJECTIONS_H_

#include <memory>
#include <thread>

#include "absl/base/thread_annotations.h"
#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "services/pending_assignments.h"
#include "services/projection_state.h"
#include "storage/event_log.h"
#include "storage/view_store.h"

namespace closedloop::services {

class Projections {
 public:
  // The view format this binary writes; a store of another format is rebuilt.
  // v2: views count the contacts that reached the customer (one-call resolution).
  static constexpr char kFormat[] = "closedloop.views.v2";

  // `log` and `store` must outlive this object.
  Projections(storage::EventLog& log, storage::ViewStore& store);
  ~Projections();  // Stop()s

  // Loads the stored views and starts following the log after the store's checkpoint.
  // Errors: DATA_LOSS for an unreadable store; the store's UNAVAILABLE.
  absl::Status Start();
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

  // Runs `read` on the views under a shared lock (no event is applied meanwhile).
  void Read(absl::FunctionRef<void(const ProjectionState&, uint64_t position)> read) const;
  // Open cases per owner, for routing.
  LoadAt Load() const;

 private:
  void Follow();
  // Applies `events` and commits them with the store; then publishes them.
  absl::Status ApplyBatch(const std::vector<v1::RecordedEvent>& events);

  storage::EventLog& log_;
  storage::ViewStore& store_;
  mutable absl::Mutex mu_;
  ProjectionState state_ ABSL_GUARDED_BY(mu_);
  uint64_t position_ ABSL_GUARDED_BY(mu_) = 0;
  absl::Status failure_ ABSL_GUARDED_BY(mu_);
  std::unique_ptr<storage::Subscription> subscription_;
  std::thread follower_;
};

}  // namespace closedloop::services

#endif  // CLOSEDLOOP_SERVICES_PROJECTIONS_H_
