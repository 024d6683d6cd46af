// PendingAssignments: owners given new cases by filings that the projections have not applied
// yet. The projections count a case in its owner's load only once they apply its filing, so
// filings decided meanwhile (the rest of a FileComplaints batch, a burst of single filings)
// must be counted here, or every one of them goes to the same least-loaded member. A case is
// pending from its routing decision until the projections hold it (or its append fails);
// whether they hold it is asked by complaint id, since they may apply a filing before its
// append's acknowledgement reaches the filer.
//
// Thread safety: every method may be called concurrently.
#ifndef CLOSEDLOOP_SERVICES_COMMANDS_PENDING_ASSIGNMENTS_H_
#define CLOSEDLOOP_SERVICES_COMMANDS_PENDING_ASSIGNMENTS_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/container/btree_map.h"
#include "absl/synchronization/mutex.h"
#include "domain/routing.h"

namespace closedloop::services {

// Open cases per owner as the projections have them, and for each complaint id asked about,
// whether the projections hold it (and so count it in `load`).
struct LoadAt {
  domain::OpenCaseLoad load;
  std::vector<bool> applied;
};

class PendingAssignments {
 public:
  using Ticket = uint64_t;

  // The ids of the pending cases that have one, to ask the projections about.
  std::vector<std::string> Named();
  // Forgets the cases of `ids` whose `applied` is true (the projections count them), then adds
  // every remaining pending assignment to `load`.
  void AddTo(const std::vector<std::string>& ids, const std::vector<bool>& applied,
             domain::OpenCaseLoad& load);
  // A filing decided for `owner`, not yet numbered.
  Ticket Add(const std::string& owner);
  // Its complaint id, once assigned.
  void Name(Ticket ticket, const std::string& complaint_id);
  // Its append failed or was a retry: the owner never got a case from it.
  void Drop(Ticket ticket);

 private:
  struct Entry {
    std::string owner;
    std::string complaint_id;  // empty until numbered
  };
  absl::Mutex mu_;
  absl::btree_map<Ticket, Entry> entries_ ABSL_GUARDED_BY(mu_);
  Ticket next_ ABSL_GUARDED_BY(mu_) = 1;
};

}  // namespace closedloop::services

#endif  // CLOSEDLOOP_SERVICES_COMMANDS_PENDING_ASSIGNMENTS_H_
