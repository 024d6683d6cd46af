// Internal to the complaint decider: a Decision collects the events of one command and keeps
// the state they lead to, so later steps of the same decision see earlier ones (a timer id
// scheduled first is not reused by a second).
#ifndef CLOSEDLOOP_DOMAIN_COMPLAINT_DECISION_H_
#define CLOSEDLOOP_DOMAIN_COMPLAINT_DECISION_H_

#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "domain/complaint.h"
#include "domain/sla_policy.h"

namespace closedloop::domain {

class Decision {
 public:
  Decision(const ComplaintState& state, const DecisionContext& context);

  const ComplaintState& state() const { return state_; }
  const DecisionContext& context() const { return context_; }
  const v1::SlaPolicy& policy() const { return *policy_; }
  // The SLA targets for this case under the policy in force now.
  SlaTargets Targets() const;

  void Emit(v1::ComplaintEvent event);
  // Records `route`: the team with the rule and policy version, then the owner (with the
  // previous one, if the case had one).
  void EmitRouting(const RoutingDecision& route);

  // Schedules a deadline `target` after `start` (in the market's working time, if the policy
  // has a calendar for it and the matching rule does not run around the clock), recorded with
  // the rule and policy version that gave it.
  absl::Status Schedule(v1::DeadlineKind kind, absl::Time start, absl::Duration target,
                        const std::string& task_id = "");
  // Schedules a deadline at `due` exactly (a task's own due time), warned at the policy's
  // fraction of the time from `start`.
  void ScheduleAt(v1::DeadlineKind kind, absl::Time start, absl::Time due,
                  const std::string& task_id);
  // Triage changed what the case is: every pending first-contact and resolution deadline is
  // counted again from where it was counted from, under the rule the case matches now.
  absl::Status Reschedule();
  // Marks every pending or warned deadline that `matches` as satisfied.
  template <typename Predicate>
  void Satisfy(Predicate matches) {
    std::vector<std::string> ids;
    for (const auto& [id, deadline] : state_.deadlines) {
      if ((deadline.status == DeadlineStatus::kPending ||
           deadline.status == DeadlineStatus::kWarned) &&
          matches(deadline)) {
        ids.push_back(id);
      }
    }
    for (const std::string& id : ids) {
      v1::ComplaintEvent event;
      event.mutable_deadline_satisfied()->set_timer_id(id);
      Emit(std::move(event));
    }
  }
  void SatisfyKind(v1::DeadlineKind kind) {
    Satisfy([kind](const DeadlineState& d) { return d.kind == kind; });
  }

  std::vector<v1::ComplaintEvent> TakeEvents() { return std::move(events_); }

 private:
  // Computes the deadline `target` after `start` under the targets in force.
  absl::StatusOr<Deadline> Compute(absl::Time start, absl::Duration target) const;
  // Records a DeadlineScheduled for `timer_id` (a new id, or one being replaced).
  void EmitScheduled(const std::string& timer_id, v1::DeadlineKind kind, absl::Time start,
                     const Deadline& deadline, const std::string& task_id, const std::string& rule,
                     const std::string& reason);

  ComplaintState state_;
  const DecisionContext& context_;
  v1::SlaPolicy default_policy_;
  const v1::SlaPolicy* policy_;
  std::vector<v1::ComplaintEvent> events_;
};

// The item as ordinary rules (routing and SLA) see it: a red-button case redirected to
// support has left the emergency channel, and is matched as a case of no particular channel.
v1::Filed SupportItem(const ComplaintState& state);

// FileComplaint: validates, routes and assigns, and schedules the SLA deadlines (filing.cc).
absl::Status DecideFile(const FileComplaint& command, Decision& d);

// Tasks, resolution, closure and the rest of the lifecycle (complaint_lifecycle.cc).
absl::Status DecideLifecycle(const ComplaintCommand& command, Decision& d);

// FireDeadline: warn, breach, escalate, remind (complaint_deadlines.cc).
absl::Status DecideFireDeadline(const FireDeadline& command, Decision& decision);

// RecordAlertSent: the alert's record in the case's history (alerts.cc).
absl::Status DecideRecordAlert(const RecordAlertSent& command, Decision& decision);

// The lifecycle precondition: FAILED_PRECONDITION naming the state unless it is one of `allowed`.
absl::Status RequireStatus(const ComplaintState& state, std::initializer_list<ComplaintStatus> allowed,
                           const char* action);

}  // namespace closedloop::domain

#endif  // CLOSEDLOOP_DOMAIN_COMPLAINT_DECISION_H_
