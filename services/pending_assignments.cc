#include "services/pending_assignments.h"

namespace closedloop::services {

void PendingAssignments::AddTo(LoadAt& applied) {
  absl::MutexLock lock(&mu_);
  for (auto it = entries_.begin(); it != entries_.end();) {
    if (it->second.position != 0 && it->second.position <= applied.position) {
      it = entries_.erase(it);
      continue;
    }
    ++applied.load[it->second.owner];
    ++it;
  }
}

PendingAssignments::Ticket PendingAssignments::Add(const std::string& owner) {
  absl::MutexLock lock(&mu_);
  const Ticket ticket = next_++;
  entries_[ticket].owner = owner;
  return ticket;
}

void PendingAssignments::Appended(Ticket ticket, uint64_t position) {
  absl::MutexLock lock(&mu_);
  if (auto it = entries_.find(ticket); it != entries_.end()) it->second.position = position;
}

void PendingAssignments::Drop(Ticket ticket) {
  absl::MutexLock lock(&mu_);
  entries_.erase(ticket);
}

}  // namespace closedloop::services
