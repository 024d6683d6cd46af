// The due-time index of complaint deadlines, kept in the log's side index: one entry per
// deadline that still needs the timer service, keyed so that a range scan from the start
// lists them in the order they come due:
//
//   due/<unix micros, 20 digits>/<complaint id>/<timer id>
//
// Entries are written by the same append as the events that schedule, move or end them
// (warning fired, breach fired, deadline satisfied), so the index never disagrees with the log.
#ifndef CLOSEDLOOP_SERVICES_TIMERS_TIMER_INDEX_H_
#define CLOSEDLOOP_SERVICES_TIMERS_TIMER_INDEX_H_

#include <optional>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "domain/complaint.h"
#include "storage/event_log.h"

namespace closedloop::services {

inline constexpr char kTimerKeyPrefix[] = "due/";
// Present once the index covers every complaint in the log: written with every filing, and by
// the rebuild of a store from before the index (services/timers/timer_rebuild.h). Sorts before "due/".
inline constexpr char kTimerIndexMarker[] = "due-index/v1";

struct TimerEntry {
  absl::Time at;  // when the timer service must act (a warning time or a due time)
  std::string complaint_id;
  std::string timer_id;
};

std::string TimerKey(const TimerEntry& entry);
// The first key after every entry due at or before `at`: scan [kTimerKeyPrefix, this).
std::string TimerKeyAfter(absl::Time at);
// nullopt for a key that is not a timer entry.
std::optional<TimerEntry> ParseTimerKey(const std::string& key);

// The index changes that take complaint `complaint_id` from the schedule of `before` to that of
// `after` (domain::TimerChanges).
std::vector<storage::IndexChange> TimerIndexChanges(const std::string& complaint_id,
                                                    const domain::ComplaintState& before,
                                                    const domain::ComplaintState& after);

// The earliest time any of `changes` schedules, if they add any entry.
std::optional<absl::Time> EarliestAdded(const std::vector<storage::IndexChange>& changes);

}  // namespace closedloop::services

#endif  // CLOSEDLOOP_SERVICES_TIMERS_TIMER_INDEX_H_
