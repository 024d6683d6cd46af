#include "domain/access.h"

#include <algorithm>
#include <initializer_list>
#include <variant>

#include "absl/strings/str_cat.h"

namespace closedloop::domain {
namespace {

using Methods = std::initializer_list<absl::string_view>;

constexpr Methods kComplaintCommands = {
    "FileComplaint",    "FileComplaints",   "TriageComplaint", "AssignComplaint",
    "RecordCustomerContact", "AddComment",  "OpenTask",        "RespondToTask",
    "CompleteTask",     "Escalate",         "ResolveComplaint", "CloseComplaint",
    "ReopenComplaint",  "RedirectToSupport", "LinkToProblem",  "RecordSurvey"};
constexpr Methods kProblemCommands = {"OpenProblem", "AddActionItem", "CompleteActionItem",
                                      "MarkFixed", "VerifyFix"};
constexpr Methods kQueries = {"GetComplaint",        "ListComplaints",     "GetSuperheroBoard",
                              "GetDeadlineBoard",    "GetDepartmentCatalog", "GetCustomerHistory",
                              "GetMetrics",          "GetProblemBoard",    "WatchBoard"};
constexpr Methods kAudit = {"ReadStream", "ReadAll", "Subscribe", "VerifyChain"};
constexpr Methods kAdmin = {"Backup", "GetConfig", "ListWebhookEndpoints", "ReplayWebhookEndpoint"};
// Consumer groups: every role that reads cases, each receiving what it may read.
constexpr Methods kSubscriptions = {"SubscribeGroup", "Acknowledge"};

bool In(Methods methods, absl::string_view method) {
  return std::find(methods.begin(), methods.end(), method) != methods.end();
}

absl::Status Denied(const Caller& caller, absl::string_view what) {
  return absl::PermissionDeniedError(
      absl::StrCat("role ", caller.role, " (", caller.principal, ") may not ", what));
}

// What a command on a case the caller may not see gets: the answer for an unfiled case.
constexpr char kNotFiled[] = "complaint: not filed";

// Whether the case in `state` is one `caller` may see and act on (an unfiled case is: the
// decider answers it).
bool InScope(const Caller& caller, const ComplaintState& state) {
  if (state.status == ComplaintStatus::kNone) return true;
  if (caller.role == kRoleIntegrator) return state.filed.filed_by() == caller.principal;
  if (caller.role == kRoleDepartment) {
    return state.department == caller.department ||
           std::any_of(state.tasks.begin(), state.tasks.end(),
                       [&](const auto& task) { return task.second.department == caller.department; });
  }
  return true;
}

}  // namespace

const std::vector<absl::string_view>& TokenRoles() {
  static const std::vector<absl::string_view> kRoles = {
      kRoleIntegrator, kRoleAgent,     kRoleSuperhero, kRoleDepartment,
      kRoleInternal,   kRoleDashboard, kRoleAuditor,   kRoleAdmin};
  return kRoles;
}

bool IsTokenRole(absl::string_view role) {
  const auto& roles = TokenRoles();
  return std::find(roles.begin(), roles.end(), role) != roles.end();
}

bool MayCall(absl::string_view role, absl::string_view method) {
  if (role == kRoleLocal) return true;
  if (In(kSubscriptions, method)) return IsTokenRole(role) && role != kRoleAdmin;
  if (role == kRoleIntegrator) {
    return In({"FileComplaint", "FileComplaints", "RecordSurvey", "GetComplaint"}, method);
  }
  if (role == kRoleAgent) {
    return In({"FileComplaint", "FileComplaints", "AddComment"}, method) || In(kQueries, method);
  }
  if (role == kRoleSuperhero) {
    return In(kComplaintCommands, method) || In(kProblemCommands, method) ||
           In(kQueries, method) || In(kAudit, method);
  }
  if (role == kRoleDepartment) {
    return In({"RespondToTask", "CompleteTask", "AddComment", "GetComplaint", "ListComplaints",
               "GetDepartmentCatalog"},
              method);
  }
  if (role == kRoleInternal) return method == "AddComment" || In(kQueries, method);
  if (role == kRoleDashboard) return In(kQueries, method);
  if (role == kRoleAuditor) return In(kQueries, method) || In(kAudit, method);
  if (role == kRoleAdmin) return In(kAdmin, method);
  return false;  // "system" and anything unknown call nothing
}

absl::Status CheckCommandScope(const Caller& caller, const ComplaintCommand& command,
                               const ComplaintState& state) {
  const bool department = caller.role == kRoleDepartment;
  if (!InScope(caller, state)) return absl::NotFoundError(kNotFiled);
  if (!department && caller.role != kRoleInternal) return absl::OkStatus();
  if (const auto* comment = std::get_if<AddComment>(&command)) {
    if (comment->visibility == v1::VISIBILITY_PUBLIC) {
      return Denied(caller, "add a public comment; internal comments only");
    }
    return absl::OkStatus();
  }
  std::string task_id;
  if (const auto* respond = std::get_if<RespondToTask>(&command)) task_id = respond->task_id;
  if (const auto* complete = std::get_if<CompleteTask>(&command)) task_id = complete->task_id;
  if (!department || task_id.empty()) return Denied(caller, "run this command");
  auto task = state.tasks.find(task_id);
  // An unknown task is the decider's NOT_FOUND, the same answer every caller gets.
  if (task == state.tasks.end() || task->second.department == caller.department) {
    return absl::OkStatus();
  }
  return Denied(caller, absl::StrCat("answer task ", task_id, ": it is addressed to department ",
                                     task->second.department, ", not ", caller.department));
}

bool MayRead(const Caller& caller, const v1::ComplaintView& view) {
  if (caller.role == kRoleIntegrator) return view.filing().filed_by() == caller.principal;
  if (caller.role == kRoleDepartment) {
    return view.department() == caller.department ||
           std::any_of(view.tasks().begin(), view.tasks().end(), [&](const v1::TaskView& task) {
             return task.department() == caller.department;
           });
  }
  return true;
}

ReadScope ScopeOf(absl::string_view role) {
  ReadScope scope;
  scope.contact_details = role == kRoleLocal || role == kRoleIntegrator || role == kRoleAgent ||
                          role == kRoleSuperhero || role == kRoleAuditor;
  // What an integrator reads goes to the customer: the web shop, the app.
  scope.internal_comments = role != kRoleIntegrator;
  return scope;
}

void Redact(const ReadScope& scope, v1::ComplaintView& view) {
  if (!scope.contact_details) view.mutable_filing()->clear_customer_contact();
  if (!scope.internal_comments) {
    auto* comments = view.mutable_comments();
    comments->erase(std::remove_if(comments->begin(), comments->end(),
                                   [](const v1::CommentView& c) {
                                     return c.visibility() != v1::VISIBILITY_PUBLIC;
                                   }),
                    comments->end());
  }
}

absl::Status CheckContactSearch(const Caller& caller) {
  if (ScopeOf(caller.role).contact_details) return absl::OkStatus();
  return Denied(caller, "search by customer_contact: its role does not see contact data");
}

absl::StatusOr<std::string> DepartmentFilter(const Caller& caller, const std::string& requested) {
  if (caller.role != kRoleDepartment) return requested;
  if (!requested.empty() && requested != caller.department) {
    return Denied(caller, absl::StrCat("read department ", requested, ", only ", caller.department));
  }
  return caller.department;
}

}  // namespace closedloop::domain
