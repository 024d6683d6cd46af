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

namespace {

bool IsOpen(v1::DeadlineState state) {
  return state == v1::DEADLINE_STATE_PENDING || state == v1::DEADLINE_STATE_WARNED;
}

// The minute (since the epoch, rounded down) of a finite time, and where it starts.
int64_t MinuteOf(absl::Time t) {
  const int64_t seconds = absl::ToUnixSeconds(t);  // rounded down
  return seconds / 60 - (seconds % 60 < 0 ? 1 : 0);
}
absl::Time StartOf(int64_t minute) { return absl::FromUnixSeconds(minute * 60); }

}  // namespace

void DueIndex::Add(const v1::ComplaintView& view) {
  ForEachKey(view, false, [&](Key key) {
    const bool open = IsOpen(key.state);
    const int64_t minute = MinuteOf(key.due);
    if (due_.insert(std::move(key)).second && open) ++open_per_minute_[minute];
  });
  ForEachKey(view, true, [&](Key key) { breached_.insert(std::move(key)); });
}

void DueIndex::Remove(const v1::ComplaintView& view) {
  ForEachKey(view, false, [&](const Key& key) {
    // The count goes by the entry as it was added (the order does not compare states).
    auto found = due_.find(key);
    if (found == due_.end()) return;
    const bool open = IsOpen(found->state);
    due_.erase(found);
    if (!open) return;
    auto minute = open_per_minute_.find(MinuteOf(key.due));
    if (minute != open_per_minute_.end() && --minute->second == 0) open_per_minute_.erase(minute);
  });
  ForEachKey(view, true, [&](const Key& key) { breached_.erase(key); });
}

int64_t DueIndex::CountOpen(absl::Time after, absl::Time upto) const {
  if (upto <= after) return 0;
  int64_t n = 0;
  // One by one, the open deadlines of `minute` in range.
  auto count_keys = [&](int64_t minute) {
    const Key first{StartOf(minute), {}, {}, nullptr, v1::DEADLINE_STATE_UNSPECIFIED};
    for (auto it = due_.lower_bound(first); it != due_.end() && it->due < StartOf(minute + 1); ++it) {
      if (IsOpen(it->state) && it->due > after && it->due <= upto) ++n;
    }
  };
  const int64_t last = MinuteOf(upto);
  const bool from_start = after == absl::InfinitePast();
  const int64_t first = from_start ? INT64_MIN : MinuteOf(after);
  if (!from_start) count_keys(first);
  if (first != last) count_keys(last);
  // The minutes in between count whole.
  for (auto it = from_start ? open_per_minute_.begin() : open_per_minute_.upper_bound(first);
       it != open_per_minute_.end() && it->first < last; ++it) {
    n += it->second;
  }
  return n;
}

v1::DeadlineBoard DueIndex::Board(absl::Time now, absl::Duration window, size_t limit) const {
  const absl::Time horizon = now + window;
  v1::DeadlineBoard board;
  auto entry = [&](const Key& key) {
    for (const v1::DeadlineView& d : key.view->deadlines()) {
      if (d.timer_id() == key.timer_id) return domain::DueEntryOf(*key.view, d, now);
    }
    return v1::DueDeadline();  // not reached: the key was made from this very deadline
  };
  auto is = [&](const Key& key, domain::DueClass due_class) {
    return domain::ClassifyDue(key.state, key.due, now, horizon) == due_class;
  };
  // Breached, in due order: those due by now (open or breached), then the breached ones due
  // after now (a clock set back).
  for (auto it = due_.begin();
       it != due_.end() && it->due <= now && static_cast<size_t>(board.breached_size()) < limit; ++it) {
    if (is(*it, domain::DueClass::kBreached)) *board.add_breached() = entry(*it);
  }
  const Key at_now{now, {}, {}, nullptr, v1::DEADLINE_STATE_UNSPECIFIED};
  for (auto it = breached_.lower_bound(at_now);
       it != breached_.end() && static_cast<size_t>(board.breached_size()) < limit; ++it) {
    if (it->due > now) *board.add_breached() = entry(*it);
  }
  // Due soon: the open ones due after now, by the horizon.
  for (auto it = due_.lower_bound(at_now);
       it != due_.end() && it->due <= horizon && static_cast<size_t>(board.due_soon_size()) < limit; ++it) {
    if (is(*it, domain::DueClass::kSoon)) *board.add_due_soon() = entry(*it);
  }
  board.set_breached_total(static_cast<int>(CountOpen(absl::InfinitePast(), now) + breached_.size()));
  board.set_due_soon_total(static_cast<int>(CountOpen(now, horizon)));
  return board;
}

}  // namespace closedloop::services
