// ViewIndex: an index of complaint views by id, in filing order (the order every list shows,
// newest last), shared by ProjectionState's indexes and the case finder's.
#ifndef CLOSEDLOOP_SERVICES_PROJECTIONS_VIEW_INDEX_H_
#define CLOSEDLOOP_SERVICES_PROJECTIONS_VIEW_INDEX_H_

#include <map>
#include <string>

#include "closedloop/v1/views.pb.h"
#include "domain/boards.h"

namespace closedloop::services {

struct IdOrder {
  bool operator()(const std::string& a, const std::string& b) const { return domain::IdLess(a, b); }
};
// Complaint id -> its view (views are immutable and owned by ProjectionState::complaints_).
using ViewIndex = std::map<std::string, const v1::ComplaintView*, IdOrder>;

}  // namespace closedloop::services

#endif  // CLOSEDLOOP_SERVICES_PROJECTIONS_VIEW_INDEX_H_
