// Commands on a complaint: imperative, each carrying what the decision needs besides the
// state, the time and the policy (which arrive in DecisionContext).
#ifndef CLOSEDLOOP_DOMAIN_COMMANDS_H_
#define CLOSEDLOOP_DOMAIN_COMMANDS_H_

#include <string>
#include <variant>

#include "absl/time/time.h"
#include "closedloop/v1/complaint.pb.h"

namespace closedloop::domain {

// Files a complaint or recommendation; routes and assigns it in the same decision.
// `filing.complaint_id` must be set (ids are assigned by the service); filed_at is ignored
// (the decision's `now` is used).
struct FileComplaint {
  v1::Filed filing;
};
struct TriageComplaint {
  v1::ItemKind kind = v1::ITEM_KIND_UNSPECIFIED;
  std::string category;
  v1::Severity severity = v1::SEVERITY_UNSPECIFIED;
  std::string department;
  std::string root_cause_code;
};
struct AssignComplaint {
  std::string owner;
};
struct RecordCustomerContact {
  v1::ContactMethod method = v1::CONTACT_METHOD_UNSPECIFIED;
  v1::ContactOutcome outcome = v1::CONTACT_OUTCOME_UNSPECIFIED;
  std::string summary;
};
struct AddComment {
  v1::Visibility visibility = v1::VISIBILITY_UNSPECIFIED;
  std::string author;
  std::string text;
};
struct OpenTask {
  std::string department;
  std::string responsible;  // empty: the department's responsible from the directory
  std::string description;
  absl::Time due;
};
struct RespondToTask {
  std::string task_id;
  std::string response;
};
struct CompleteTask {
  std::string task_id;
  std::string outcome;
};
struct Escalate {
  std::string to;
  std::string reason;
};
struct ResolveComplaint {
  std::string resolution;
  v1::Remedy remedy;
  std::string root_cause;
};
struct CloseComplaint {
  bool customer_confirmed = false;
};
struct ReopenComplaint {
  std::string reason;
};
struct RedirectToSupport {
  std::string reason;
};
struct LinkToProblem {
  std::string problem_id;
};
struct RecordSurvey {
  int nps = -1;   // 0..10
  int csat = -1;  // 1..5
  std::string comment;
};
// The timer service reports that deadline `timer_id` was reached at `reached_at` (the time it
// came due; `now` in the context is when it is processed).
struct FireDeadline {
  std::string timer_id;
  absl::Time reached_at;
};

// A webhook endpoint delivered an alert the case raised (domain/alerts.h): the system records
// it in the case's history.
struct RecordAlertSent {
  std::string endpoint;
  uint64_t raised_by = 0;  // the log position of the event that raised it
  v1::Alert alert;
};

using ComplaintCommand =
    std::variant<FileComplaint, TriageComplaint, AssignComplaint, RecordCustomerContact,
                 AddComment, OpenTask, RespondToTask, CompleteTask, Escalate, ResolveComplaint,
                 CloseComplaint, ReopenComplaint, RedirectToSupport, LinkToProblem, RecordSurvey,
                 FireDeadline, RecordAlertSent>;

}  // namespace closedloop::domain

#endif  // CLOSEDLOOP_DOMAIN_COMMANDS_H_
