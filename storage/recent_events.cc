#include "storage/recent_events.h"

#include <algorithm>
#include <cstdlib>

namespace closedloop::storage {
namespace {

// How many events a reader takes per turn of the lock: few enough that the writer never
// waits long for it, many enough that taking the lock is not the cost.
constexpr size_t kChunk = 256;

}  // namespace

RecentEvents::RecentEvents(size_t max_events, size_t max_bytes)
    : max_events_(max_events), max_bytes_(max_bytes) {}

void RecentEvents::Add(std::vector<SerializedEvent> events) {
  // Allocated before taking the lock, which readers share.
  std::vector<Kept> kept;
  kept.reserve(events.size());
  for (SerializedEvent& event : events) {
    kept.push_back(Kept{event.position, std::make_shared<const std::string>(std::move(event.bytes))});
  }
  absl::MutexLock lock(&mu_);
  for (Kept& event : kept) {
    if (!events_.empty() && events_.back().position + 1 != event.position) {
      events_.clear();
      bytes_ = 0;
    }
    bytes_ += event.bytes->size();
    events_.push_back(std::move(event));
    while (!events_.empty() && (events_.size() > max_events_ || bytes_ > max_bytes_)) {
      bytes_ -= events_.front().bytes->size();
      events_.pop_front();
    }
  }
}

std::optional<ReadAllResult> RecentEvents::Read(uint64_t from, size_t limit,
                                                const EventFilter& filter,
                                                size_t max_scanned) const {
  ReadAllResult result;
  result.next_position = from;
  std::vector<std::shared_ptr<const std::string>> chunk;
  size_t scanned = 0;
  for (bool first = true; scanned < max_scanned && result.events.size() < limit; first = false) {
    chunk.clear();
    {
      absl::MutexLock lock(&mu_);
      if (events_.empty() || result.next_position < events_.front().position) {
        if (first) return std::nullopt;
        break;  // evicted meanwhile: the caller goes on from next_position
      }
      const size_t index = result.next_position - events_.front().position;
      if (index >= events_.size()) break;
      const size_t n = std::min({kChunk, max_scanned - scanned, events_.size() - index});
      for (size_t i = 0; i < n; ++i) chunk.push_back(events_[index + i].bytes);
    }
    if (chunk.empty()) break;
    for (const std::shared_ptr<const std::string>& bytes : chunk) {
      ++scanned;
      RecordedEvent& event = result.events.emplace_back();
      // The writer serialized these bytes itself; a parse failure means memory corruption.
      if (!event.ParseFromString(*bytes)) std::abort();
      result.next_position = event.position() + 1;
      if (!filter.Matches(event)) result.events.pop_back();
      if (result.events.size() >= limit) break;
    }
  }
  return result;
}

}  // namespace closedloop::storage
