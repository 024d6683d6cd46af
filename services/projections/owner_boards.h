// OwnerBoards: every owner's open cases in superhero-board order (next deadline due, then
// filing time, then id), with the times each case's at-risk and breached flags turn on, so that
// a board lists its first cases without sorting all of the owner's, and counts at-risk and
// breached cases by reading only those whose flag is on. It equals domain::SuperheroBoardOf over
// the owner's open cases (a property the projection tests check).
//
// Thread safety: none; ProjectionState's owner guards it.
#ifndef CLOSEDLOOP_SERVICES_PROJECTIONS_OWNER_BOARDS_H_
#define CLOSEDLOOP_SERVICES_PROJECTIONS_OWNER_BOARDS_H_

#include <cstddef>
#include <string>

#include "absl/container/btree_set.h"
#include "absl/container/flat_hash_map.h"
#include "absl/time/time.h"
#include "closedloop/v1/boards.pb.h"
#include "closedloop/v1/views.pb.h"

namespace closedloop::services {

class OwnerBoards {
 public:
  // Indexes an open case under its owner (a closed one not at all), or removes the very same
  // view again before it changes. The view must stay where it is meanwhile.
  void Add(const v1::ComplaintView& view);
  void Remove(const v1::ComplaintView& view);

  // The owner's board at `now`, listing at most `limit` cases.
  v1::SuperheroBoard Board(const std::string& owner, absl::Time now, size_t limit) const;

 private:
  struct Entry {
    absl::Time next_due;
    absl::Time filed;
    const v1::ComplaintView* view;
    bool operator<(const Entry& other) const;
  };
  struct Owner {
    absl::btree_set<Entry> cases;
    // When each case's flag turns on (cases whose flag cannot are left out), with the view.
    absl::btree_set<std::pair<absl::Time, const v1::ComplaintView*>> at_risk_from;
    absl::btree_set<std::pair<absl::Time, const v1::ComplaintView*>> breached_from;
    int hanging = 0;
  };
  absl::flat_hash_map<std::string, Owner> owners_;
};

}  // namespace closedloop::services

#endif  // CLOSEDLOOP_SERVICES_PROJECTIONS_OWNER_BOARDS_H_
