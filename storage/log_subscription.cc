#include "storage/log_subscription.h"

#include <algorithm>

namespace closedloop::storage {
namespace {

class LogSubscription final : public Subscription {
 public:
  LogSubscription(SubscriptionSource& source, uint64_t from, EventFilter filter)
      : source_(source), cursor_(std::max<uint64_t>(from, 1)), filter_(std::move(filter)) {}

  absl::StatusOr<std::vector<RecordedEvent>> Next(size_t max_events, absl::Time deadline) override {
    max_events = std::max<size_t>(max_events, 1);
    while (true) {
      if (cancelled_.load()) return absl::CancelledError("subscription cancelled");
      switch (source_.WaitForHead(cursor_, deadline, cancelled_)) {
        case SubscriptionSource::WaitOutcome::kReady:
          break;
        case SubscriptionSource::WaitOutcome::kTimedOut:
          return std::vector<RecordedEvent>();
        case SubscriptionSource::WaitOutcome::kCancelled:
          return absl::CancelledError("subscription cancelled");
        case SubscriptionSource::WaitOutcome::kClosing:
          return absl::UnavailableError("the event log is closing");
      }
      absl::StatusOr<ReadAllResult> page = source_.ReadForSubscriber(cursor_, max_events, filter_);
      if (!page.ok()) return page.status();
      cursor_.store(std::max(cursor_.load(), page->next_position));
      // A selective filter may examine a page without a match; keep going from the new cursor.
      if (!page->events.empty()) return std::move(page->events);
    }
  }

  uint64_t cursor() const override { return cursor_.load(); }

  void Cancel() override {
    cancelled_.store(true);
    source_.WakeWaiters();
  }

 private:
  SubscriptionSource& source_;
  std::atomic<uint64_t> cursor_;
  const EventFilter filter_;
  std::atomic<bool> cancelled_{false};
};

}  // namespace

std::unique_ptr<Subscription> NewLogSubscription(SubscriptionSource& source, uint64_t from,
                                                 EventFilter filter) {
  return std::make_unique<LogSubscription>(source, from, std::move(filter));
}

}  // namespace closedloop::storage
