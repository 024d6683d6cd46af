#include "domain/timer_schedule.h"

namespace closedloop::domain {

std::optional<absl::Time> NextFire(const DeadlineState& deadline) {
  switch (deadline.status) {
    case DeadlineStatus::kPending:
      return deadline.warn_at.value_or(deadline.due);
    case DeadlineStatus::kWarned:
      return deadline.due;
    case DeadlineStatus::kBreached:
    case DeadlineStatus::kSatisfied:
      return std::nullopt;
  }
  return std::nullopt;
}

std::map<std::string, absl::Time> TimerSchedule(const ComplaintState& state) {
  std::map<std::string, absl::Time> schedule;
  for (const auto& [timer_id, deadline] : state.deadlines) {
    if (std::optional<absl::Time> at = NextFire(deadline)) schedule[timer_id] = *at;
  }
  return schedule;
}

std::vector<TimerChange> TimerChanges(const ComplaintState& before, const ComplaintState& after) {
  const std::map<std::string, absl::Time> old_schedule = TimerSchedule(before);
  const std::map<std::string, absl::Time> new_schedule = TimerSchedule(after);
  std::vector<TimerChange> changes;
  for (const auto& [timer_id, at] : old_schedule) {
    auto now = new_schedule.find(timer_id);
    if (now == new_schedule.end()) {
      changes.push_back({timer_id, at, std::nullopt});
    } else if (now->second != at) {
      changes.push_back({timer_id, at, now->second});
    }
  }
  for (const auto& [timer_id, at] : new_schedule) {
    if (!old_schedule.contains(timer_id)) changes.push_back({timer_id, std::nullopt, at});
  }
  return changes;
}

}  // namespace closedloop::domain
