// StreamStateCache: the folded state of the streams commands touched most recently, so a
// command on a hot complaint reads only the events appended since, not the whole stream.
// The log stays the truth: a cached state is used only from the revision it was folded to,
// and the caller reads everything after that revision from the log before deciding.
//
// Thread safety: every method may be called concurrently.
#ifndef CLOSEDLOOP_SERVICES_COMMANDS_STREAM_STATE_CACHE_H_
#define CLOSEDLOOP_SERVICES_COMMANDS_STREAM_STATE_CACHE_H_

#include <cstdint>
#include <list>
#include <optional>
#include <string>
#include <utility>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/synchronization/mutex.h"

namespace closedloop::services {

template <typename State>
class StreamStateCache {
 public:
  struct Entry {
    State state;
    uint64_t revision = 0;  // the stream revision `state` is folded up to
  };

  explicit StreamStateCache(size_t capacity) : capacity_(capacity) {}

  // A copy of the cached entry of `stream`, if any.
  std::optional<Entry> Get(const std::string& stream) {
    absl::MutexLock lock(&mu_);
    auto found = index_.find(stream);
    if (found == index_.end()) return std::nullopt;
    recent_.splice(recent_.begin(), recent_, found->second);  // now the most recent
    return found->second->second;
  }

  // Remembers `entry` for `stream` unless a newer revision is already cached; evicts the least
  // recently used stream beyond capacity.
  void Put(const std::string& stream, Entry entry) {
    absl::MutexLock lock(&mu_);
    auto found = index_.find(stream);
    if (found != index_.end()) {
      if (found->second->second.revision > entry.revision) return;
      found->second->second = std::move(entry);
      recent_.splice(recent_.begin(), recent_, found->second);
      return;
    }
    recent_.emplace_front(stream, std::move(entry));
    index_[stream] = recent_.begin();
    if (recent_.size() > capacity_) {
      index_.erase(recent_.back().first);
      recent_.pop_back();
    }
  }

 private:
  using Recent = std::list<std::pair<std::string, Entry>>;
  const size_t capacity_;
  absl::Mutex mu_;
  Recent recent_ ABSL_GUARDED_BY(mu_);  // most recent first
  absl::flat_hash_map<std::string, typename Recent::iterator> index_ ABSL_GUARDED_BY(mu_);
};

}  // namespace closedloop::services

#endif  // CLOSEDLOOP_SERVICES_COMMANDS_STREAM_STATE_CACHE_H_
