// The timer service: acts on complaint deadlines as they come due.
//
// It reads the due-time index (services/timers/timer_index.h) up to the clock's `now`, in due order,
// and for each entry decides the domain's FireDeadline on the case's current state: a warning,
// a breach, an escalation up a department's chain or a customer-update reminder (and the next
// one). The append that records the outcome also moves or removes the entry, so a fired timer
// leaves the index in the same atomic write. Up to 128 firings of distinct cases are decided,
// then appended together in due order, so they share synced writes; a case's next firing is
// decided only once its previous one is in the log.
//
// Exactly once: each firing carries the request id timer/<complaint>/<timer>/<due micros>.
// A crash between deciding and appending leaves the entry in place and the next pass decides
// again; a second pass over the same entry finds the original append by its request id and
// writes nothing; and the domain ignores a deadline that is already breached or satisfied.
// Deadlines that came due while the daemon was down fire at start, in due order, each
// recording when it came due and when it was processed. A clock moved backwards fires nothing
// (nothing is ever un-fired); moved forwards, everything now due fires once.
//
// Thread safety: every method may be called from any thread; passes never overlap.
#ifndef CLOSEDLOOP_SERVICES_TIMERS_TIMER_SERVICE_H_
#define CLOSEDLOOP_SERVICES_TIMERS_TIMER_SERVICE_H_

#include <functional>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "services/commands/complaint_commands.h"
#include "services/timers/timer_index.h"
#include "storage/event_log.h"

namespace closedloop::services {

// The actor recorded on the events the timer service causes.
v1::Actor TimerActor();

// The request id of firing `entry`: the same for every attempt at the same occurrence.
std::string TimerRequestId(const TimerEntry& entry);

class TimerService {
 public:
  struct Pass {
    absl::Time now;     // the clock when the pass began: it fired what was due by then
    size_t fired = 0;   // timers whose firing appended events
    size_t skipped = 0; // entries the domain refused or found nothing to do for (logged)
  };

  // `log` and `commands` must outlive the service. `max_sleep` bounds how long the background
  // loop goes without looking at the index, and so how late it notices a wall clock moved
  // forwards.
  TimerService(storage::EventLog& log, ComplaintCommands& commands,
               std::function<absl::Time()> clock, absl::Duration max_sleep = absl::Seconds(1));
  ~TimerService();  // Stop()s

  // Starts the background loop: a pass, then sleep until the next entry is due (at most
  // `max_sleep`, or until Wake()), and again.
  void Start();
  // Stops the loop, waiting for a running pass to append its current group of firings (a pass
  // checks between groups); a pass run after Stop() fires at most one group.
  void Stop();

  // A timer was scheduled at `at`: wakes the loop if it planned to sleep past it.
  void Wake(absl::Time at);

  // One pass: fires every entry due at the clock's now, in due order, including entries that
  // firing itself makes due (a warning long past whose breach is also past). Errors: the log's
  // UNAVAILABLE, which stops the pass; what was fired stays fired.
  absl::StatusOr<Pass> FireDue();

  // The earliest entry in the index the service has not given up on, if any.
  absl::StatusOr<std::optional<TimerEntry>> Next();

 private:
  // Firings decided and waiting to be appended together; at most one per case.
  struct Firing {
    TimerEntry entry;
    ComplaintCommands::Prepared prepared;
  };
  struct Batch {
    std::vector<Firing> firings;
    std::set<std::string> cases;
  };
  // Decides the firing of `entry` into `batch`; adds to `queue` the entries it schedules before
  // `end`. Errors stop the pass (the log's UNAVAILABLE).
  absl::Status Prepare(const TimerEntry& entry, const std::string& end,
                       std::set<std::string>& queue, Batch& batch, Pass& pass);
  // Appends the batch's firings together. false when any was refused (a case changed
  // meanwhile): the queue may then hold entries that were never written, so the pass ends.
  absl::StatusOr<bool> Flush(Batch& batch, Pass& pass);
  void Loop();
  bool Stopping();

  storage::EventLog& log_;
  ComplaintCommands& commands_;
  const std::function<absl::Time()> clock_;
  const absl::Duration max_sleep_;

  absl::Mutex pass_mu_;  // one pass at a time
  // Entries that could not be fired for a reason of their own case (the domain refused, found
  // nothing to do, or the stream is unreadable; each logged): skipped until the next start
  // instead of being tried in a loop. Only a bug or a damaged stream leads here.
  std::set<std::string> stale_ ABSL_GUARDED_BY(pass_mu_);

  absl::Mutex mu_;
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  bool woken_ ABSL_GUARDED_BY(mu_) = false;
  std::optional<absl::Time> planned_wake_ ABSL_GUARDED_BY(mu_);
  absl::CondVar wake_;
  std::thread loop_;
};

}  // namespace closedloop::services

#endif  // CLOSEDLOOP_SERVICES_TIMERS_TIMER_SERVICE_H_
