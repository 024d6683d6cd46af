// ViewIndex: an index of complaint views by id, in filing order (the order every list shows,
// newest last), shared by ProjectionState's indexes and the case finder's.
#ifndef CLOSEDLOOP_SERVICES_PROJECTIONS_VIEW_INDEX_H_
#define CLOSEDLOOP_SERVICES_PROJECTIONS_VIEW_INDEX_H_

#include <map>
#include <string>

#include "absl/container/btree_set.h"
#include "closedloop/v1/views.pb.h"
#include "domain/boards.h"

namespace closedloop::services {

struct IdOrder {
  bool operator()(const std::string& a, const std::string& b) const { return domain::IdLess(a, b); }
};
// Complaint id -> its view (views are immutable and owned by ProjectionState::complaints_; an
// index holding pointers must be given the new view whenever a case's view is replaced).
using ViewIndex = std::map<std::string, const v1::ComplaintView*, IdOrder>;
// Complaint ids alone, for an index that is written once per case (when it is filed) and so
// must not hold a view, which a change replaces: ProjectionState::FindComplaint gives the view.
using IdSet = absl::btree_set<std::string, IdOrder>;

}  // namespace closedloop::services

#endif  // CLOSEDLOOP_SERVICES_PROJECTIONS_VIEW_INDEX_H_
