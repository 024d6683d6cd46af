// Who may do what, and see what: the roles of Closed Loop's callers as pure rules. The services
// authenticate a caller and ask these functions; nothing here knows about tokens or gRPC.
//
//   role         may call                                         sees
//   -----------  -----------------------------------------------  ------------------------------
//   integrator   FileComplaint(s), RecordSurvey, GetComplaint     only cases it filed; no internal
//                                                                 comments (customer-facing)
//   agent        FileComplaint(s), AddComment, every query        everything
//   superhero    every complaint and problem command, every       everything
//                query, the audit API
//   department   RespondToTask / CompleteTask (its own tasks),    cases of its department or with
//                AddComment (internal only), GetComplaint,        a task for it; no contact data
//                ListComplaints, GetDepartmentCatalog
//   internal     AddComment (internal only), every query          no contact data
//   dashboard    every query, WatchBoard                          no contact data
//   auditor      every query, the audit API                       everything
//   admin        the admin API                                    -
//   local        everything (insecure local mode only)            everything
//
// Every role but admin may also follow the cases it sees as a consumer group (SubscribeGroup,
// Acknowledge), receiving their events as it sees them (domain/event_delivery.h).
#ifndef CLOSEDLOOP_DOMAIN_ACCESS_H_
#define CLOSEDLOOP_DOMAIN_ACCESS_H_

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "closedloop/v1/views.pb.h"
#include "domain/commands.h"
#include "domain/complaint.h"

namespace closedloop::domain {

inline constexpr absl::string_view kRoleIntegrator = "integrator";
inline constexpr absl::string_view kRoleAgent = "agent";
inline constexpr absl::string_view kRoleSuperhero = "superhero";
inline constexpr absl::string_view kRoleDepartment = "department";
inline constexpr absl::string_view kRoleInternal = "internal";
inline constexpr absl::string_view kRoleDashboard = "dashboard";
inline constexpr absl::string_view kRoleAuditor = "auditor";
inline constexpr absl::string_view kRoleAdmin = "admin";
inline constexpr absl::string_view kRoleLocal = "local";

// The roles a token may carry, in the order of the table above.
const std::vector<absl::string_view>& TokenRoles();
bool IsTokenRole(absl::string_view role);

// An authenticated caller. `department` scopes a "department" caller; `team` is recorded for
// the other roles and scopes nothing yet.
struct Caller {
  std::string principal;
  std::string role;
  std::string team;
  std::string department;
};

// Whether `role` may call the RPC named `method` ("FileComplaint", "ReadAll", ...).
bool MayCall(absl::string_view role, absl::string_view method);

// OK or an error: may `caller` run `command` on the case in `state`? Checks what the method
// alone cannot. A case outside the caller's scope (an integrator's: the cases it filed; a
// department's: cases attributed to it or holding a task for it) is NOT_FOUND exactly as an
// unfiled one, so that a refusal reveals nothing of it. Within the scope, PERMISSION_DENIED:
// a department answers only its own tasks, and departments and internal staff write internal
// comments only.
absl::Status CheckCommandScope(const Caller& caller, const ComplaintCommand& command,
                               const ComplaintState& state);

// Whether `caller` may read this case at all. A service answers a case it may not read as it
// answers an unknown id (NOT_FOUND), so that a caller cannot tell which cases exist.
bool MayRead(const Caller& caller, const v1::ComplaintView& view);

// The parts of a case a caller's role does not see.
struct ReadScope {
  bool contact_details = true;    // filing.customer_contact
  bool internal_comments = true;  // comments with VISIBILITY_INTERNAL
};
ReadScope ScopeOf(absl::string_view role);

// Removes from `view` what `scope` does not see.
void Redact(const ReadScope& scope, v1::ComplaintView& view);

// OK, or PERMISSION_DENIED naming customer_contact: a caller searches only by what its role
// sees, so a role whose ReadScope hides contact data may not filter by a contact (each match
// would tell it whose number that is).
absl::Status CheckContactSearch(const Caller& caller);

// The department a query is narrowed to: a department caller's own (PERMISSION_DENIED when
// it asks for another), whatever was requested for every other role.
absl::StatusOr<std::string> DepartmentFilter(const Caller& caller, const std::string& requested);

}  // namespace closedloop::domain

#endif  // CLOSEDLOOP_DOMAIN_ACCESS_H_
