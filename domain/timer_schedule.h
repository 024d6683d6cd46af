// When each deadline of a complaint next needs the timer service: its warning time while it is
// pending and has one, its due time while it is pending or warned, never once it is breached
// or satisfied. The timer index is the difference of this schedule before and after each
// command, written in the command's own append.
#ifndef CLOSEDLOOP_DOMAIN_TIMER_SCHEDULE_H_
#define CLOSEDLOOP_DOMAIN_TIMER_SCHEDULE_H_

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "domain/complaint.h"

namespace closedloop::domain {

// The time the timer service must next act on `deadline`, if ever.
std::optional<absl::Time> NextFire(const DeadlineState& deadline);

// Timer id -> next fire time, for every deadline that still needs the timer service.
std::map<std::string, absl::Time> TimerSchedule(const ComplaintState& state);

struct TimerChange {
  std::string timer_id;
  std::optional<absl::Time> before;  // the entry to remove, if any
  std::optional<absl::Time> after;   // the entry to add, if any
};

// What changes in the schedule from `before` to `after`, by timer id.
std::vector<TimerChange> TimerChanges(const ComplaintState& before, const ComplaintState& after);

}  // namespace closedloop::domain

#endif  // CLOSEDLOOP_DOMAIN_TIMER_SCHEDULE_H_
