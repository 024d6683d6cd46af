// RecentEvents: the last events appended, kept in memory so that live subscribers do not
// read from disk. Bounded by count and bytes; a reader that falls behind the oldest kept
// event is told so and reads from disk instead.
//
// Thread safety: all methods may be called concurrently.
#ifndef CLOSEDLOOP_STORAGE_RECENT_EVENTS_H_
#define CLOSEDLOOP_STORAGE_RECENT_EVENTS_H_

#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <string>
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
  // nullopt when `from` is older than the oldest event kept (read from disk instead). The
  // events are parsed outside the lock (the writer takes it before it publishes each head),
  // from shared references taken a chunk at a time; if the window moves past the reader
  // meanwhile, the result ends early and its next_position says where to go on.
  std::optional<ReadAllResult> Read(uint64_t from, size_t limit, const EventFilter& filter,
                                    size_t max_scanned) const;

 private:
  struct Kept {
    uint64_t position;
    // Shared so that a reader can hold on to it after the lock, even if it is evicted.
    std::shared_ptr<const std::string> bytes;
  };

  const size_t max_events_;
  const size_t max_bytes_;
  mutable absl::Mutex mu_;
  std::deque<Kept> events_ ABSL_GUARDED_BY(mu_);
  size_t bytes_ ABSL_GUARDED_BY(mu_) = 0;
};

}  // namespace closedloop::storage

#endif  // CLOSEDLOOP_STORAGE_RECENT_EVENTS_H_
