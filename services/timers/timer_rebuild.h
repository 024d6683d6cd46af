// Rebuilding the due-time index for a store written before the index existed: every complaint
// filed in the log is loaded, and the entries of its timer schedule are written, in appends
// of up to 1,000 entries to the "timers" stream (event "timers.index_rebuilt"), the last of
// which also writes the marker. Runs at start-up before the server takes calls; a store that
// has the marker, or has no complaints yet, is left as it is (every filing writes the marker).
// Interrupted, it starts over at the next start: writing an entry twice changes nothing.
#ifndef CLOSEDLOOP_SERVICES_TIMERS_TIMER_REBUILD_H_
#define CLOSEDLOOP_SERVICES_TIMERS_TIMER_REBUILD_H_

#include "absl/status/statusor.h"
#include "closedloop/v1/event.pb.h"
#include "services/commands/complaint_commands.h"
#include "storage/event_log.h"

namespace closedloop::services {

inline constexpr char kTimersStream[] = "timers";
inline constexpr char kTimerIndexRebuiltType[] = "timers.index_rebuilt";

struct TimerIndexRebuild {
  bool rebuilt = false;  // false: the index was already complete (or nothing to index)
  size_t complaints = 0;
  size_t entries = 0;
};

// Errors: the log's, DATA_LOSS for an unreadable complaint.
absl::StatusOr<TimerIndexRebuild> RebuildTimerIndexIfMissing(storage::EventLog& log,
                                                             ComplaintCommands& commands,
                                                             const v1::Actor& actor);

}  // namespace closedloop::services

#endif  // CLOSEDLOOP_SERVICES_TIMERS_TIMER_REBUILD_H_
