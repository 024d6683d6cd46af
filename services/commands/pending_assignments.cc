#include "services/commands/pending_assignments.h"

#include "absl/container/flat_hash_set.h"

namespace closedloop::services {

std::vector<std::string> PendingAssignments::Named() {
  absl::MutexLock lock(&mu_);
  std::vector<std::string> ids;
  for (const auto& [ticket, entry] : entries_) {
    if (!entry.complaint_id.empty()) ids.push_back(entry.complaint_id);
  }
  return ids;
}

void PendingAssignments::AddTo(const std::vector<std::string>& ids,
                               const std::vector<bool>& applied, domain::OpenCaseLoad& load) {
  absl::flat_hash_set<std::string> counted;
  for (size_t i = 0; i < ids.size() && i < applied.size(); ++i) {
    if (applied[i]) counted.insert(ids[i]);
  }
  absl::MutexLock lock(&mu_);
  for (auto it = entries_.begin(); it != entries_.end();) {
    if (!it->second.complaint_id.empty() && counted.contains(it->second.complaint_id)) {
      it = entries_.erase(it);
      continue;
    }
    ++load[it->second.owner];
    ++it;
  }
}

PendingAssignments::Ticket PendingAssignments::Add(const std::string& owner) {
  absl::MutexLock lock(&mu_);
  const Ticket ticket = next_++;
  entries_[ticket].owner = owner;
  return ticket;
}

void PendingAssignments::Name(Ticket ticket, const std::string& complaint_id) {
  absl::MutexLock lock(&mu_);
  if (auto it = entries_.find(ticket); it != entries_.end()) it->second.complaint_id = complaint_id;
}

void PendingAssignments::Drop(Ticket ticket) {
  absl::MutexLock lock(&mu_);
  entries_.erase(ticket);
}

}  // namespace closedloop::services
