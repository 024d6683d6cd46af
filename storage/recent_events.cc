#include "storage/recent_events.h"

namespace closedloop::storage {

RecentEvents::RecentEvents(size_t max_events, size_t max_bytes)
    : max_events_(max_events), max_bytes_(max_bytes) {}

void RecentEvents::Add(const std::vector<RecordedEvent>& events) {
  absl::MutexLock lock(&mu_);
  for (const RecordedEvent& event : events) {
    if (!events_.empty() && events_.back().position() + 1 != event.position()) {
      events_.clear();
      bytes_ = 0;
    }
    events_.push_back(event);
    bytes_ += event.ByteSizeLong();
    while (!events_.empty() && (events_.size() > max_events_ || bytes_ > max_bytes_)) {
      bytes_ -= events_.front().ByteSizeLong();
      events_.pop_front();
    }
  }
}

std::optional<ReadAllResult> RecentEvents::Read(uint64_t from, size_t limit,
                                                const EventFilter& filter,
                                                size_t max_scanned) const {
  absl::MutexLock lock(&mu_);
  if (events_.empty() || from < events_.front().position()) return std::nullopt;
  ReadAllResult result;
  result.next_position = from;
  size_t index = from - events_.front().position();
  for (size_t scanned = 0; index < events_.size() && scanned < max_scanned &&
                           result.events.size() < limit;
       ++index, ++scanned) {
    const RecordedEvent& event = events_[index];
    if (filter.Matches(event)) result.events.push_back(event);
    result.next_position = event.position() + 1;
  }
  return result;
}

}  // namespace closedloop::storage
