#include "services/timers/timer_index.h"

#include <algorithm>
#include <cstdint>
#include <cstdio>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "domain/timer_schedule.h"

namespace closedloop::services {
namespace {

// Whole microseconds, rounded up: an entry never comes due before its deadline does (times
// carry nanoseconds). Times before 1970 cannot be due in a running system; they sort first, as 0.
std::string Micros(absl::Time at) {
  int64_t micros = absl::ToUnixMicros(at);  // rounds down
  if (absl::FromUnixMicros(micros) < at) ++micros;
  return absl::StrFormat("%020d", std::max<int64_t>(0, micros));
}

}  // namespace

std::string TimerKey(const TimerEntry& entry) {
  return absl::StrCat(kTimerKeyPrefix, Micros(entry.at), "/", entry.complaint_id, "/",
                      entry.timer_id);
}

std::string TimerKeyAfter(absl::Time at) {
  // Entries at whole microseconds up to `at`, rounded down.
  return absl::StrCat(kTimerKeyPrefix, Micros(absl::FromUnixMicros(absl::ToUnixMicros(at) + 1)));
}

std::optional<TimerEntry> ParseTimerKey(const std::string& key) {
  if (!absl::StartsWith(key, kTimerKeyPrefix)) return std::nullopt;
  std::vector<std::string> parts =
      absl::StrSplit(key.substr(sizeof(kTimerKeyPrefix) - 1), absl::MaxSplits('/', 2));
  int64_t micros = 0;
  if (parts.size() != 3 || parts[0].size() != 20 || !absl::SimpleAtoi(parts[0], &micros) ||
      parts[1].empty() || parts[2].empty()) {
    return std::nullopt;
  }
  return TimerEntry{absl::FromUnixMicros(micros), std::move(parts[1]), std::move(parts[2])};
}

std::vector<storage::IndexChange> TimerIndexChanges(const std::string& complaint_id,
                                                    const domain::ComplaintState& before,
                                                    const domain::ComplaintState& after) {
  std::vector<storage::IndexChange> changes;
  for (const domain::TimerChange& change : domain::TimerChanges(before, after)) {
    if (change.before) {
      changes.push_back({TimerKey({*change.before, complaint_id, change.timer_id}), "", true});
    }
    if (change.after) {
      changes.push_back({TimerKey({*change.after, complaint_id, change.timer_id}), "", false});
    }
  }
  return changes;
}

std::optional<absl::Time> EarliestAdded(const std::vector<storage::IndexChange>& changes) {
  std::optional<absl::Time> earliest;
  for (const storage::IndexChange& change : changes) {
    if (change.remove) continue;
    std::optional<TimerEntry> entry = ParseTimerKey(change.key);
    if (entry && (!earliest || entry->at < *earliest)) earliest = entry->at;
  }
  return earliest;
}

}  // namespace closedloop::services
