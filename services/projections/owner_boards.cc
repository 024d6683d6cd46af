#include "services/projections/owner_boards.h"

#include "domain/boards.h"
#include "domain/proto_time.h"

namespace closedloop::services {
namespace {

// How many entries of `from` are on by `now` (they come first).
size_t OnBy(const absl::btree_set<std::pair<absl::Time, const v1::ComplaintView*>>& from, absl::Time now) {
  size_t n = 0;
  for (const auto& [t, view] : from) {
    if (t > now) break;
    ++n;
  }
  return n;
}

}  // namespace

bool OwnerBoards::Entry::operator<(const Entry& other) const {
  if (next_due != other.next_due) return next_due < other.next_due;
  if (filed != other.filed) return filed < other.filed;
  if (view->complaint_id() != other.view->complaint_id()) {
    return domain::IdLess(view->complaint_id(), other.view->complaint_id());
  }
  return view < other.view;
}

void OwnerBoards::Add(const v1::ComplaintView& view) {
  if (view.complaint_id().empty() || !domain::IsOpen(view)) return;
  const domain::CaseTimes times = domain::TimesOf(view);
  Owner& owner = owners_[view.owner()];
  owner.cases.insert(Entry{times.next_due, domain::FromProto(view.filing().filed_at()), &view});
  if (times.at_risk_from != absl::InfiniteFuture()) owner.at_risk_from.insert({times.at_risk_from, &view});
  if (times.breached_from != absl::InfiniteFuture()) owner.breached_from.insert({times.breached_from, &view});
  if (view.hanging()) ++owner.hanging;
}

void OwnerBoards::Remove(const v1::ComplaintView& view) {
  if (view.complaint_id().empty() || !domain::IsOpen(view)) return;
  auto it = owners_.find(view.owner());
  if (it == owners_.end()) return;
  Owner& owner = it->second;
  const domain::CaseTimes times = domain::TimesOf(view);
  owner.cases.erase(Entry{times.next_due, domain::FromProto(view.filing().filed_at()), &view});
  owner.at_risk_from.erase({times.at_risk_from, &view});
  owner.breached_from.erase({times.breached_from, &view});
  if (view.hanging()) --owner.hanging;
  if (owner.cases.empty()) owners_.erase(it);
}

v1::SuperheroBoard OwnerBoards::Board(const std::string& owner_name, absl::Time now, size_t limit) const {
  v1::SuperheroBoard board;
  board.set_owner(owner_name);
  auto it = owners_.find(owner_name);
  if (it == owners_.end()) return board;
  const Owner& owner = it->second;
  board.set_open(static_cast<int>(owner.cases.size()));
  board.set_at_risk(static_cast<int>(OnBy(owner.at_risk_from, now)));
  board.set_breached(static_cast<int>(OnBy(owner.breached_from, now)));
  board.set_hanging(owner.hanging);
  for (const Entry& entry : owner.cases) {
    if (static_cast<size_t>(board.cases_size()) >= limit) break;
    *board.add_cases() = domain::ToBoardCase(*entry.view, now);
  }
  return board;
}

}  // namespace closedloop::services
