// DueIndex: the unsatisfied deadlines of open cases in board order (due, then complaint id and
// timer id as IdLess orders them), so that a deadline board reads its lists in order and copies
// out only the entries it lists; and the open ones' count per minute of their due, so that it
// counts its totals without reading the deadlines it counts. It equals
// domain::DeadlineBoardOf over the open cases (a property the projection and DueIndex tests
// check).
//
// Thread safety: none; ProjectionState's owner guards it.
#ifndef CLOSEDLOOP_SERVICES_PROJECTIONS_DUE_INDEX_H_
#define CLOSEDLOOP_SERVICES_PROJECTIONS_DUE_INDEX_H_

#include <cstddef>
#include <cstdint>
#include <string>

#include "absl/container/btree_map.h"
#include "absl/container/btree_set.h"
#include "absl/time/time.h"
#include "closedloop/v1/boards.pb.h"
#include "closedloop/v1/views.pb.h"

namespace closedloop::services {

class DueIndex {
 public:
  // Indexes the unsatisfied deadlines of an open case (none of a closed one), or removes the
  // very same view's entries again before it changes. The view must stay where it is meanwhile.
  void Add(const v1::ComplaintView& view);
  void Remove(const v1::ComplaintView& view);

  // The deadline board at `now` for `window` (> 0), at most `limit` entries per list (the
  // totals count them all). Costs the entries it lists, the minutes of its window and the
  // deadlines due in the two minutes at its edges: not the deadlines it counts.
  v1::DeadlineBoard Board(absl::Time now, absl::Duration window, size_t limit) const;

  // Unsatisfied deadlines of open cases (pending, warned or breached).
  size_t size() const { return due_.size(); }

 private:
  struct Key {
    absl::Time due;
    std::string complaint_id;
    std::string timer_id;
    const v1::ComplaintView* view;
    // Not part of the order: a board classifies the entries it walks from the key alone, and
    // reads the view only for the entries it lists.
    v1::DeadlineState state;
    bool operator<(const Key& other) const;
  };
  template <typename Visit>
  static void ForEachKey(const v1::ComplaintView& view, bool breached_only, Visit visit);
  // The open (pending or warned) deadlines due in (after, upto]; `after` may be the infinite
  // past, `upto` is finite (a board's window is at most 30 days).
  int64_t CountOpen(absl::Time after, absl::Time upto) const;

  absl::btree_set<Key> due_;
  // The breached ones alone: a breached deadline due after a board's horizon (a clock set back)
  // is still listed, and is found here without reading past the horizon in due_.
  absl::btree_set<Key> breached_;
  // The open deadlines per minute of their due (minutes since the epoch), so that a board
  // counts the minutes wholly inside its range and reads deadlines only in its edge minutes.
  absl::btree_map<int64_t, int64_t> open_per_minute_;
};

}  // namespace closedloop::services

#endif  // CLOSEDLOOP_SERVICES_PROJECTIONS_DUE_INDEX_H_
