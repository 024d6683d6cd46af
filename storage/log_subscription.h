// The Subscription implementation shared by event logs: it reads in pages from a
// SubscriptionSource and waits on it for the head to move.
#ifndef CLOSEDLOOP_STORAGE_LOG_SUBSCRIPTION_H_
#define CLOSEDLOOP_STORAGE_LOG_SUBSCRIPTION_H_

#include <atomic>
#include <memory>

#include "storage/event_log.h"
#include "storage/subscription.h"

namespace closedloop::storage {

// What a subscription needs from its log.
class SubscriptionSource {
 public:
  enum class WaitOutcome { kReady, kTimedOut, kCancelled, kClosing };

  virtual ~SubscriptionSource() = default;
  // Reads like EventLog::ReadAll, from memory when the events are recent, else from disk.
  virtual absl::StatusOr<ReadAllResult> ReadForSubscriber(uint64_t from, size_t limit,
                                                          const EventFilter& filter) = 0;
  // Waits until the head reaches `position`, `deadline` passes, `cancelled` is set (see
  // WakeWaiters) or the log closes.
  virtual WaitOutcome WaitForHead(uint64_t position, absl::Time deadline,
                                  const std::atomic<bool>& cancelled) = 0;
  // Makes every waiter re-check its `cancelled` flag.
  virtual void WakeWaiters() = 0;
};

std::unique_ptr<Subscription> NewLogSubscription(SubscriptionSource& source, uint64_t from,
                                                 EventFilter filter);

}  // namespace closedloop::storage

#endif  // CLOSEDLOOP_STORAGE_LOG_SUBSCRIPTION_H_
