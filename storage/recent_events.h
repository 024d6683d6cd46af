// RecentEvents: the last events appended, kept in memory so that live subscribers do not
// read from disk. Bounded by count and bytes; a reader that falls behind the oldest kept
// event is told so and reads from disk instead.
//
// Thread safety: all methods may be called concurrently.
#ifndef CLOSEDLOOP_STORAGE_RECENT_EVENTS_H_
#define CLOSEDLOOP_STORAGE_RECENT_EVENTS_H_

#include <cstdint>
#include <deque>
#include <optional>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "storage/event_log.h"
#include "storage/group_commit.h"

namespace closedloop::storage {

class RecentEvents {
 public:
  RecentEvents(size_t max_events, size_t max_bytes);

  // Adds events that directly follow the newest kept one (positions must be consecutive;
  // a gap drops everything kept before, so the window stays contiguous). Events are kept
  // serialized: adding and evicting them costs no more than moving a string.
  void Add(std::vector<SerializedEvent> events);

  // Matching events at positions >= from, up to `limit`, examining at most `max_scanned`.
  // nullopt when `from` is older than the oldest event kept (read from disk instead).
  std::optional<ReadAllResult> Read(uint64_t from, size_t limit, const EventFilter& filter,
                                    size_t max_scanned) const;

 private:
  const size_t max_events_;
  const size_t max_bytes_;
  mutable absl::Mutex mu_;
  std::deque<SerializedEvent> events_ ABSL_GUARDED_BY(mu_);
  size_t bytes_ ABSL_GUARDED_BY(mu_) = 0;
};

}  // namespace closedloop::storage

#endif  // CLOSEDLOOP_STORAGE_RECENT_EVENTS_H_
