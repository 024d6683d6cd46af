// OwnerPicker: the owners of new filings, each the least-loaded member of its team, counting
// the filings picked before it that the projections do not hold yet (PendingAssignments).
// Picks must take turns, since each has to see the ones before it. A turn is kept short (one
// look at the projections' load, then one pick per filing), and whoever asks while a turn runs
// has its picks made together with everyone else's in the next turn: a FileComplaints batch is
// one turn, and a burst of single filings asks the projections once per turn, not once each.
//
// Thread safety: every method may be called concurrently.
#ifndef CLOSEDLOOP_SERVICES_COMMANDS_OWNER_PICKER_H_
#define CLOSEDLOOP_SERVICES_COMMANDS_OWNER_PICKER_H_

#include <functional>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "closedloop/v1/policy.pb.h"
#include "services/commands/pending_assignments.h"

namespace closedloop::services {

// Open cases per owner as the projections have them, and which of the given complaints they
// hold; filings they do not hold yet are counted on top (PendingAssignments).
using LoadSource = std::function<LoadAt(const std::vector<std::string>& complaint_ids)>;

class OwnerPicker {
 public:
  // `load` may be empty: every owner counts as free.
  explicit OwnerPicker(LoadSource load) : load_(std::move(load)) {}

  struct Pick {
    absl::StatusOr<std::string> owner;  // FAILED_PRECONDITION for a team without members
    PendingAssignments::Ticket ticket = 0;  // the owner's pending assignment (with an owner)
  };
  // One pick per team, in order, each counting those before it. Every picked owner is pending
  // until Name tells its complaint id (and the projections hold that), or Drop.
  std::vector<Pick> PickOwners(const std::vector<const v1::Team*>& teams);

  // The complaint id of a pick, once assigned.
  void Name(PendingAssignments::Ticket ticket, const std::string& complaint_id) {
    pending_.Name(ticket, complaint_id);
  }
  // Its filing was never appended (or was a retry): the owner got no case from it.
  void Drop(PendingAssignments::Ticket ticket) { pending_.Drop(ticket); }

 private:
  // One caller's teams and the picks made for them.
  struct Request {
    const std::vector<const v1::Team*>* teams;
    std::vector<Pick>* picks;
    bool done = false;
  };
  // The turn: picks for every request, in the order they asked.
  void PickAll(const std::vector<Request*>& requests);

  const LoadSource load_;
  PendingAssignments pending_;
  absl::Mutex mu_;
  std::vector<Request*> waiting_ ABSL_GUARDED_BY(mu_);
  bool turn_running_ ABSL_GUARDED_BY(mu_) = false;
};

}  // namespace closedloop::services

#endif  // CLOSEDLOOP_SERVICES_COMMANDS_OWNER_PICKER_H_
