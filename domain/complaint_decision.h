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

  // Schedules a deadline `target` after `start` (in the market's working time, if the policy
  // has a calendar for it).
  absl::Status Schedule(v1::DeadlineKind kind, absl::Time start, absl::Duration target,
                        const std::string& task_id = "");
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
  ComplaintState state_;
  const DecisionContext& context_;
  v1::SlaPolicy default_policy_;
  const v1::SlaPolicy* policy_;
  std::vector<v1::ComplaintEvent> events_;
};

// Tasks, resolution, closure and the rest of the lifecycle (complaint_lifecycle.cc).
absl::Status DecideLifecycle(const ComplaintCommand& command, Decision& d);

// FireDeadline: warn, breach, escalate, remind (complaint_deadlines.cc).
absl::Status DecideFireDeadline(const FireDeadline& command, Decision& decision);

// The lifecycle precondition: FAILED_PRECONDITION naming the state unless it is one of `allowed`.
absl::Status RequireStatus(const ComplaintState& state, std::initializer_list<ComplaintStatus> allowed,
                           const char* action);

}  // namespace closedloop::domain

#endif  // CLOSEDLOOP_DOMAIN_COMPLAINT_DECISION_H_
