#include "storage/recent_events.h"

#include <cstdlib>

namespace closedloop::storage {

RecentEvents::RecentEvents(size_t max_events, size_t max_bytes)
    : max_events_(max_events), max_bytes_(max_bytes) {}

void RecentEvents::Add(std::vector<SerializedEvent> events) {
  absl::MutexLock lock(&mu_);
  for (SerializedEvent& event : events) {
    if (!events_.empty() && events_.back().position + 1 != event.position) {
      events_.clear();
      bytes_ = 0;
    }
    bytes_ += event.bytes.size();
    events_.push_back(std::move(event));
    while (!events_.empty() && (events_.size() > max_events_ || bytes_ > max_bytes_)) {
      bytes_ -= events_.front().bytes.size();
      events_.pop_front();
    }
  }
}

std::optional<ReadAllResult> RecentEvents::Read(uint64_t from, size_t limit,
                                                const EventFilter& filter,
                                                size_t max_scanned) const {
  absl::MutexLock lock(&mu_);
  if (events_.empty() || from < events_.front().position) return std::nullopt;
  ReadAllResult result;
  result.next_position = from;
  size_t index = from - events_.front().position;
  for (size_t scanned = 0; index < events_.size() && scanned < max_scanned &&
                           result.events.size() < limit;
       ++index, ++scanned) {
    RecordedEvent& event = result.events.emplace_back();
    // The writer serialized these bytes itself; a parse failure means memory corruption.
    if (!event.ParseFromString(events_[index].bytes)) std::abort();
    result.next_position = event.position() + 1;
    if (!filter.Matches(event)) result.events.pop_back();
  }
  return result;
}

}  // namespace closedloop::storage
