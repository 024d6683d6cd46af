// The complaint queries that are more than a board: a page of ListComplaints over the
// projected views, a complaint as it stood at a past point, folded from its stream, and the
// history of a case, read from its stream (views do not keep it).
#ifndef CLOSEDLOOP_SERVICES_PROJECTIONS_COMPLAINT_LOOKUP_H_
#define CLOSEDLOOP_SERVICES_PROJECTIONS_COMPLAINT_LOOKUP_H_

#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "closedloop/v1/query_service.pb.h"
#include "services/projections/projection_state.h"
#include "storage/event_log.h"

namespace closedloop::services {

inline constexpr int kDefaultListPage = 50;
inline constexpr int kMaxListPage = 1000;

// INVALID_ARGUMENT naming the first bad field of `request`.
absl::Status CheckListRequest(const v1::ListComplaintsRequest& request);

// The cases a caller may list at all: every case, or, for a department, those attributed to
// it or holding a task for it (as domain::MayRead says). The list rows know both, so a scoped
// list reads no view it does not list.
struct ListScope {
  std::optional<std::string> department;
};

// One page of the cases matching `request` (and `scope`), newest filing first. The request's
// customer_contact, if set, must be a contact key already (SearchContactKey, contact_key.h).
// Errors: reading a view the state let go of (ProjectionState::Complaint).
absl::StatusOr<v1::ListComplaintsResponse> ListPage(const ProjectionState& state,
                                                    const v1::ListComplaintsRequest& request,
                                                    const ListScope& scope = {});

// The answer to an as-of read of a case that had not been filed at that point.
absl::Status NotFiledAsOf(const std::string& complaint_id);

// The complaint with only the events up to `request`'s as-of point folded in, with their
// history. NOT_FOUND when it had not been filed by then.
absl::StatusOr<v1::ComplaintView> ComplaintAsOf(storage::EventLog& log,
                                                const v1::GetComplaintRequest& request);

// Sets `view`'s history to the events of its case's stream up to the view's revision, one
// entry each, so that the history and the state it shows agree even while the log runs ahead
// of the views. Costs a read of the case's stream. DATA_LOSS when the log holds fewer events.
absl::Status AddHistory(storage::EventLog& log, v1::ComplaintView& view);

}  // namespace closedloop::services

#endif  // CLOSEDLOOP_SERVICES_PROJECTIONS_COMPLAINT_LOOKUP_H_
