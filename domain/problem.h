// The problem decider: the second-level loop. A problem is a weak spot in a process behind
// recurring complaints (or an action plan from a manager's shift); it carries corrective action
// items with owners and deadlines until the fix is verified.
//
//   DecideProblem(command, state, now) -> events or an error   (no I/O, no clock: time is `now`)
//   EvolveProblem(state, event) -> state                       (total: unknown events are no-ops)
//
// Events are v1::ProblemEvent (proto/closedloop/v1/problem.proto): THE STORAGE FORMAT of every
// "problem-<id>" stream. A command that would change nothing decides no events, so a repeated
// LinkComplaint, MarkFixed or VerifyFix is a no-op.
//
// Errors: INVALID_ARGUMENT naming the field; NOT_FOUND for a command on a problem that was never
// opened or an unknown action item; ALREADY_EXISTS for opening twice; FAILED_PRECONDITION for a
// transition the problem's state forbids.
#ifndef CLOSEDLOOP_DOMAIN_PROBLEM_H_
#define CLOSEDLOOP_DOMAIN_PROBLEM_H_

#include <map>
#include <set>
#include <string>
#include <variant>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "closedloop/v1/problem.pb.h"

namespace closedloop::domain {

// ---- State -------------------------------------------------------------------------------

struct ActionItemState {
  std::string description;
  std::string owner;
  absl::Time due;
  bool completed = false;
  std::string outcome;
};

struct ProblemState {
  bool exists = false;
  std::string problem_id;
  std::string department;
  std::string description;
  v1::ProblemSource source = v1::PROBLEM_SOURCE_UNSPECIFIED;
  // By item id "A1", "A2", ...: ids are numbered by count, items are never removed.
  std::map<std::string, ActionItemState> action_items;
  bool fixed = false;
  std::string fix_summary;
  bool verified = false;
  std::string verification_evidence;
  std::set<std::string> linked_complaints;
};

// ---- Commands ----------------------------------------------------------------------------

struct OpenProblem {
  std::string problem_id;
  std::string department;  // the department responsible for the weak process
  std::string description;
  v1::ProblemSource source = v1::PROBLEM_SOURCE_UNSPECIFIED;
};

struct AddActionItem {
  std::string description;
  std::string owner;
  absl::Time due;  // strictly after `now`
};

struct CompleteActionItem {
  std::string item_id;
  std::string outcome;
};

struct MarkFixed {
  std::string summary;
};

struct VerifyFix {
  std::string evidence;
};

struct LinkComplaint {
  std::string complaint_id;
};

using ProblemCommand = std::variant<OpenProblem, AddActionItem, CompleteActionItem, MarkFixed,
                                    VerifyFix, LinkComplaint>;

// ---- Decide / Evolve ---------------------------------------------------------------------

// The events `command` produces against `state` at `now`; an empty vector when nothing would
// change. Never mutates anything: the caller appends the events and evolves its state.
absl::StatusOr<std::vector<v1::ProblemEvent>> DecideProblem(const ProblemCommand& command,
                                                            const ProblemState& state,
                                                            absl::Time now);

ProblemState EvolveProblem(ProblemState state, const v1::ProblemEvent& event);
ProblemState FoldProblem(const std::vector<v1::ProblemEvent>& events);

// "problem.opened", "problem.action_item_added", ...: the log's event type of `event`
// ("problem.unknown" when the oneof is unset).
std::string EventType(const v1::ProblemEvent& event);

// The event type `command` records first whenever it changes anything ("problem.opened" for
// OpenProblem); see RecordedType in complaint.h.
std::string RecordedType(const ProblemCommand& command);

}  // namespace closedloop::domain

#endif  // CLOSEDLOOP_DOMAIN_PROBLEM_H_
