// Subscription: catch-up, then live delivery of the log's events to one reader.
//
// Thread safety: Next() is called by one thread at a time; Cancel() may be called from any
// thread, at any time. A Subscription must be destroyed before the EventLog that made it.
#ifndef CLOSEDLOOP_STORAGE_SUBSCRIPTION_H_
#define CLOSEDLOOP_STORAGE_SUBSCRIPTION_H_

#include <cstdint>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "closedloop/v1/event.pb.h"

namespace closedloop::storage {

class Subscription {
 public:
  virtual ~Subscription() = default;

  // Returns up to `max_events` matching events past the cursor, in position order, waiting
  // until at least one exists or `deadline` passes (then the result is empty). Errors:
  // CANCELLED after Cancel(); UNAVAILABLE when the log is closing.
  virtual absl::StatusOr<std::vector<v1::RecordedEvent>> Next(size_t max_events,
                                                             absl::Time deadline) = 0;

  // The position the next call to Next() starts from.
  virtual uint64_t cursor() const = 0;

  // Makes a waiting and every later Next() return CANCELLED.
  virtual void Cancel() = 0;
};

}  // namespace closedloop::storage

#endif  // CLOSEDLOOP_STORAGE_SUBSCRIPTION_H_
