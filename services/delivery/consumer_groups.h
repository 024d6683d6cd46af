// ConsumerGroups: where each consumer group stands, kept durably in the cursor store. A group
// belongs to the principal that names it ("group/<principal>/<group>"), so two systems that
// pick the same name never move each other's position.
//
// Thread safety: every method may be called concurrently.
#ifndef CLOSEDLOOP_SERVICES_DELIVERY_CONSUMER_GROUPS_H_
#define CLOSEDLOOP_SERVICES_DELIVERY_CONSUMER_GROUPS_H_

#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "storage/cursor_store.h"

namespace closedloop::services {

class ConsumerGroups {
 public:
  explicit ConsumerGroups(storage::CursorStore& store) : store_(store) {}

  // OK, or INVALID_ARGUMENT naming `group`: 1 to 64 of [A-Za-z0-9._-].
  static absl::Status CheckName(const std::string& group);

  // The group's acknowledged position. A group the principal never named is made here,
  // acknowledged up to `start_position - 1` (so a consumer that asked to start at the head and
  // went away before acknowledging anything resumes there, not at a later head). Errors: the
  // store's.
  absl::StatusOr<uint64_t> Join(const std::string& principal, const std::string& group,
                                uint64_t start_position);

  // Records that the group processed everything up to `position`, unless it already went
  // further; returns its acknowledged position. NOT_FOUND for a group never joined. Errors:
  // the store's.
  absl::StatusOr<uint64_t> Acknowledge(const std::string& principal, const std::string& group,
                                       uint64_t position);

 private:
  static std::string KeyOf(const std::string& principal, const std::string& group);
  // The group's position; NOT_FOUND when there is none.
  absl::StatusOr<uint64_t> Read(const std::string& key) const ABSL_SHARED_LOCKS_REQUIRED(mu_);

  storage::CursorStore& store_;
  // Serializes each read-modify-write (joins and acknowledgements are rare next to events).
  absl::Mutex mu_;
};

}  // namespace closedloop::services

#endif  // CLOSEDLOOP_SERVICES_DELIVERY_CONSUMER_GROUPS_H_
