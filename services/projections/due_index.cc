#include "services/projections/due_index.h"

#include "domain/boards.h"
#include "domain/proto_time.h"

namespace closedloop::services {

bool DueIndex::Key::operator<(const Key& other) const {
  if (due != other.due) return due < other.due;
  if (complaint_id != other.complaint_id) return domain::IdLess(complaint_id, other.complaint_id);
  if (timer_id != other.timer_id) return domain::IdLess(timer_id, other.timer_id);
  return view < other.view;
}

template <typename Visit>
void DueIndex::ForEachKey(const v1::ComplaintView& view, bool breached_only, Visit visit) {
  if (view.complaint_id().empty() || !domain::IsOpen(view)) return;
  for (const v1::DeadlineView& d : view.deadlines()) {
    if (d.state() == v1::DEADLINE_STATE_SATISFIED) continue;
    if (breached_only && d.state() != v1::DEADLINE_STATE_BREACHED) continue;
    visit(Key{domain::FromProto(d.due()), view.complaint_id(), d.timer_id(), &view, d.state()});
  }
}

void DueIndex::Add(const v1::ComplaintView& view) {
  ForEachKey(view, false, [&](Key key) { due_.insert(std::move(key)); });
  ForEachKey(view, true, [&](Key key) { breached_.insert(std::move(key)); });
}

void DueIndex::Remove(const v1::ComplaintView& view) {
  ForEachKey(view, false, [&](const Key& key) { due_.erase(key); });
  ForEachKey(view, true, [&](const Key& key) { breached_.erase(key); });
}

v1::DeadlineBoard DueIndex::Board(absl::Time now, absl::Duration window, size_t limit) const {
  const absl::Time horizon = now + window;
  v1::DeadlineBoard board;
  size_t soon = 0;
  size_t breached = 0;
  auto entry = [&](const Key& key) {
    for (const v1::DeadlineView& d : key.view->deadlines()) {
      if (d.timer_id() == key.timer_id) return domain::DueEntryOf(*key.view, d, now);
    }
    return v1::DueDeadline();  // not reached: the key was made from this very deadline
  };
  auto visit = [&](const Key& key) {
    switch (domain::ClassifyDue(key.state, key.due, now, horizon)) {
      case domain::DueClass::kBreached:
        if (breached++ < limit) *board.add_breached() = entry(key);
        break;
      case domain::DueClass::kSoon:
        if (soon++ < limit) *board.add_due_soon() = entry(key);
        break;
      case domain::DueClass::kNone:
        break;
    }
  };
  for (const Key& key : due_) {
    if (key.due > horizon) break;
    visit(key);
  }
  // Past the horizon only breached deadlines are listed; they come after every earlier entry.
  for (auto it = breached_.upper_bound(Key{horizon, {}, {}, nullptr, v1::DEADLINE_STATE_UNSPECIFIED}); it != breached_.end(); ++it) {
    if (it->due > horizon) visit(*it);
  }
  board.set_due_soon_total(static_cast<int>(soon));
  board.set_breached_total(static_cast<int>(breached));
  return board;
}

}  // namespace closedloop::services
