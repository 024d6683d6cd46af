// How many long-lived server streams (WatchBoard, Subscribe) one principal may hold open at
// once. Each stream holds a server thread and re-evaluates or reads on its own, so a client
// that opens streams in a loop must be told no before it exhausts the daemon.
//
// Thread safety: all methods may be called from any thread.
#ifndef CLOSEDLOOP_SERVICES_API_STREAM_LIMITER_H_
#define CLOSEDLOOP_SERVICES_API_STREAM_LIMITER_H_

#include <atomic>
#include <string>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"

namespace closedloop::services {

class StreamLimiter {
 public:
  // Open streams a principal may hold by default.
  static constexpr int kDefaultPerPrincipal = 16;

  explicit StreamLimiter(int per_principal = kDefaultPerPrincipal) : limit_(per_principal) {}

  // A held stream; gives its place back when destroyed.
  class Slot {
   public:
    Slot(Slot&& other) noexcept : limiter_(other.limiter_), principal_(std::move(other.principal_)) {
      other.limiter_ = nullptr;
    }
    Slot(const Slot&) = delete;
    Slot& operator=(const Slot&) = delete;
    Slot& operator=(Slot&&) = delete;
    ~Slot() {
      if (limiter_ != nullptr) limiter_->Release(principal_);
    }

   private:
    friend class StreamLimiter;
    Slot(StreamLimiter* limiter, std::string principal)
        : limiter_(limiter), principal_(std::move(principal)) {}
    StreamLimiter* limiter_;
    std::string principal_;
  };

  // A slot, or RESOURCE_EXHAUSTED naming the limit when `principal` holds all of theirs;
  // UNAVAILABLE once closed.
  absl::StatusOr<Slot> Acquire(const std::string& principal);
  // The server is shutting down: streams never end by themselves, so each open one ends at its
  // next look with CheckOpen()'s UNAVAILABLE (retryable: reconnect elsewhere or later) instead
  // of holding the shutdown for its whole grace period and being cut with CANCELLED.
  void Close();
  // OK until Close(); then UNAVAILABLE saying so.
  absl::Status CheckOpen() const;
  // Streams `principal` holds now.
  int Open(const std::string& principal) const;

 private:
  void Release(const std::string& principal);

  const int limit_;
  mutable absl::Mutex mu_;
  absl::flat_hash_map<std::string, int> open_ ABSL_GUARDED_BY(mu_);
  std::atomic<bool> closed_{false};
};

}  // namespace closedloop::services

#endif  // CLOSEDLOOP_SERVICES_API_STREAM_LIMITER_H_
