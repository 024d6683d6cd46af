// The complaint decider: one complaint (or recommendation) from filing to closure.
//
//   Decide(command, state, context) -> events or an error   (no I/O, no clock: `context` has
//                                                            now, the policy and the directory)
//   Evolve(state, event) -> state                           (total: unknown events are no-ops)
//
// Events are v1::ComplaintEvent (proto/closedloop/v1/complaint.proto): THE STORAGE FORMAT.
// A command that would change nothing decides no events, so a repeated command is a no-op.
#ifndef CLOSEDLOOP_DOMAIN_COMPLAINT_H_
#define CLOSEDLOOP_DOMAIN_COMPLAINT_H_

#include <map>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "closedloop/v1/complaint.pb.h"
#include "closedloop/v1/policy.pb.h"
#include "domain/commands.h"
#include "domain/routing.h"

namespace closedloop::domain {

enum class ComplaintStatus {
  kNone,        // no events yet
  kOpen,        // filed, routed and assigned; the customer not yet contacted
  kInProgress,  // the customer was contacted
  kResolved,
  kClosed,
  kRedirected,  // no longer reached: a redirected case is open again, in ordinary support
};
const char* StatusName(ComplaintStatus status);

enum class DeadlineStatus { kPending, kWarned, kBreached, kSatisfied };

struct DeadlineState {
  v1::DeadlineKind kind = v1::DEADLINE_KIND_UNSPECIFIED;
  absl::Time due;
  std::optional<absl::Time> warn_at;
  std::string task_id;
  DeadlineStatus status = DeadlineStatus::kPending;
  std::optional<absl::Time> counted_from;  // unset on deadlines recorded without it
};

// The reason a DeadlineScheduled records when triage moved a pending deadline.
inline constexpr char kReclassifiedReason[] = "reclassified";

struct TaskState {
  std::string department;
  std::string responsible;
  absl::Time due;
  bool responded = false;
  bool completed = false;
  int escalation_level = 0;
};

struct ComplaintState {
  ComplaintStatus status = ComplaintStatus::kNone;
  v1::Filed filed;
  v1::ItemKind kind = v1::ITEM_KIND_UNSPECIFIED;
  v1::Severity severity = v1::SEVERITY_UNSPECIFIED;
  std::string category;
  std::string department;
  std::string root_cause_code;
  std::string team;
  std::string owner;
  int contacts = 0;
  bool customer_reached = false;  // the first-level loop is closed
  int comments = 0;
  bool hanging = false;  // missed its resolution target; the customer is updated regularly
  int reopen_count = 0;
  std::string problem_id;
  bool surveyed = false;
  bool redirected = false;  // a red-button case sent to ordinary support
  std::map<std::string, TaskState> tasks;          // by task id, "T1", "T2", ...
  std::map<std::string, DeadlineState> deadlines;  // by timer id; never shrinks
};

// What Decide needs besides the command and the state.
struct Caller;  // domain/access.h

struct DecisionContext {
  absl::Time now;
  const v1::SlaPolicy* policy = nullptr;    // the policy in force; nullptr = the default
  const v1::Directory* directory = nullptr; // teams, departments, routing rules
  OpenCaseLoad load;                        // open cases per owner, for routing
  // Who asks, for the checks a role's scope needs (domain/access.h); nullptr = the system.
  const Caller* caller = nullptr;
};

absl::StatusOr<std::vector<v1::ComplaintEvent>> Decide(const ComplaintCommand& command,
                                                       const ComplaintState& state,
                                                       const DecisionContext& context);

ComplaintState Evolve(ComplaintState state, const v1::ComplaintEvent& event);
ComplaintState Fold(const std::vector<v1::ComplaintEvent>& events);

// "complaint.filed", "complaint.deadline_breached", ...: the log's event type of `event`.
std::string EventType(const v1::ComplaintEvent& event);

// The event type `command` records first whenever it changes anything
// ("complaint.comment_added" for AddComment), or "" for FireDeadline, whose events vary. Lets a service tell a retry of a
// command from another command that reuses its request id.
std::string RecordedType(const ComplaintCommand& command);

}  // namespace closedloop::domain

#endif  // CLOSEDLOOP_DOMAIN_COMPLAINT_H_
