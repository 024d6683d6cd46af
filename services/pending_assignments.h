// PendingAssignments: owners given new cases by filings that the projections have not applied
// yet. The projections count a case in its owner's load only once they apply its filing, so
// filings decided meanwhile (the rest of a FileComplaints batch, a burst of single filings)
// must be counted here, or every one of them goes to the same least-loaded member.
//
// Thread safety: every method may be called concurrently.
#ifndef CLOSEDLOOP_SERVICES_PENDING_ASSIGNMENTS_H_
#define CLOSEDLOOP_SERVICES_PENDING_ASSIGNMENTS_H_

#include <cstdint>
#include <string>

#include "absl/container/btree_map.h"
#include "absl/synchronization/mutex.h"
#include "domain/routing.h"

namespace closedloop::services {

// Open cases per owner as the projections have applied the log up to `position`.
struct LoadAt {
  domain::OpenCaseLoad load;
  uint64_t position = 0;
};

class PendingAssignments {
 public:
  using Ticket = uint64_t;

  // Adds to `applied.load` every pending assignment the projections had not applied at
  // `applied.position`, and forgets those they had.
  void AddTo(LoadAt& applied);
  // A filing decided for `owner`, not yet appended.
  Ticket Add(const std::string& owner);
  // Its append is durable at `position`: pending until the projections pass it.
  void Appended(Ticket ticket, uint64_t position);
  // Its append failed: the owner never got the case.
  void Drop(Ticket ticket);

 private:
  struct Entry {
    std::string owner;
    uint64_t position = 0;  // 0 while the append is in flight
  };
  absl::Mutex mu_;
  absl::btree_map<Ticket, Entry> entries_ ABSL_GUARDED_BY(mu_);
  Ticket next_ ABSL_GUARDED_BY(mu_) = 1;
};

}  // namespace closedloop::services

#endif  // CLOSEDLOOP_SERVICES_PENDING_ASSIGNMENTS_H_
