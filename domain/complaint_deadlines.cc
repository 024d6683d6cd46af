// Deadlines of a complaint: scheduling them, and deciding what a fired one means.
#include "absl/strings/str_cat.h"
#include "domain/complaint_decision.h"
#include "domain/proto_time.h"
#include "domain/routing.h"

namespace closedloop::domain {
namespace {

const char* Slug(v1::DeadlineKind kind) {
  switch (kind) {
    case v1::DEADLINE_KIND_FIRST_CONTACT:
      return "first-contact";
    case v1::DEADLINE_KIND_RESOLUTION:
      return "resolution";
    case v1::DEADLINE_KIND_TASK_RESPONSE:
      return "task-response";
    case v1::DEADLINE_KIND_CUSTOMER_UPDATE:
      return "customer-update";
    default:
      return "deadline";
  }
}

// Used when a task deadline has to be rescheduled and the policy sets no task target.
constexpr absl::Duration kFallbackTaskResponse = absl::Hours(4);

// A task left unanswered past its response deadline goes one level up its department's chain,
// and gets a new response deadline at the same interval.
absl::Status EscalateTask(const std::string& timer_id, const DeadlineState& deadline,
                          Decision& decision) {
  auto task = decision.state().tasks.find(deadline.task_id);
  if (task == decision.state().tasks.end() || task->second.responded || task->second.completed) {
    return absl::OkStatus();
  }
  const v1::Department* department =
      decision.context().directory == nullptr
          ? nullptr
          : FindDepartment(*decision.context().directory, task->second.department);
  const int level = task->second.escalation_level + 1;
  if (department == nullptr || level > department->escalation_chain_size()) {
    return absl::OkStatus();  // nobody further up: the breach stands on its own
  }
  v1::ComplaintEvent event;
  v1::Escalated* escalated = event.mutable_escalated();
  escalated->set_level(level);
  escalated->set_to(department->escalation_chain(level - 1));
  escalated->set_reason(absl::StrCat("task ", deadline.task_id, " unanswered past its deadline (",
                                     timer_id, ")"));
  escalated->set_mode(v1::ESCALATION_MODE_AUTOMATIC);
  escalated->set_task_id(deadline.task_id);
  decision.Emit(std::move(event));
  const SlaTargets targets = decision.Targets();
  return decision.Schedule(v1::DEADLINE_KIND_TASK_RESPONSE, deadline.due,
                           targets.task_response.value_or(kFallbackTaskResponse),
                           deadline.task_id);
}

}  // namespace

Decision::Decision(const ComplaintState& state, const DecisionContext& context)
    : state_(state), context_(context) {
  if (context.policy == nullptr) default_policy_ = DefaultSlaPolicy();
  policy_ = context.policy == nullptr ? &default_policy_ : context.policy;
}

SlaTargets Decision::Targets() const {
  return TargetsFor(*policy_, state_.filed.channel(), state_.kind, state_.severity);
}

void Decision::Emit(v1::ComplaintEvent event) {
  state_ = Evolve(std::move(state_), event);
  events_.push_back(std::move(event));
}

absl::Status Decision::Schedule(v1::DeadlineKind kind, absl::Time start, absl::Duration target,
                                const std::string& task_id) {
  absl::StatusOr<Deadline> deadline = ComputeDeadline(
      start, target, Targets().warn_at_fraction, *policy_, state_.filed.market());
  if (!deadline.ok()) return deadline.status();
  v1::ComplaintEvent event;
  v1::DeadlineScheduled* scheduled = event.mutable_deadline_scheduled();
  // Deadlines are never removed, so their count numbers the next one uniquely.
  scheduled->set_timer_id(absl::StrCat(Slug(kind), "-", state_.deadlines.size() + 1));
  scheduled->set_kind(kind);
  *scheduled->mutable_due() = ToProto(deadline->due);
  if (deadline->warn_at) *scheduled->mutable_warn_at() = ToProto(*deadline->warn_at);
  scheduled->set_task_id(task_id);
  Emit(std::move(event));
  return absl::OkStatus();
}

absl::Status DecideFireDeadline(const FireDeadline& command, Decision& decision) {
  const ComplaintState& state = decision.state();
  auto it = state.deadlines.find(command.timer_id);
  if (it == state.deadlines.end()) {
    return absl::NotFoundError(absl::StrCat("timer_id: no deadline '", command.timer_id, "'"));
  }
  const std::string timer_id = it->first;
  const DeadlineState deadline = it->second;
  if (deadline.status == DeadlineStatus::kSatisfied ||
      deadline.status == DeadlineStatus::kBreached) {
    return absl::OkStatus();  // already decided: firing again changes nothing
  }
  const absl::Time first_due = deadline.warn_at.value_or(deadline.due);
  if (command.reached_at < first_due) {
    return absl::FailedPreconditionError(absl::StrCat(
        "deadline ", timer_id, " is not due until ", absl::FormatTime(first_due)));
  }
  v1::ComplaintEvent event;
  if (command.reached_at < deadline.due) {
    if (deadline.status == DeadlineStatus::kWarned) return absl::OkStatus();
    v1::DeadlineWarned* warned = event.mutable_deadline_warned();
    warned->set_timer_id(timer_id);
    *warned->mutable_fired_at() = ToProto(decision.context().now);
    *warned->mutable_reached_at() = ToProto(command.reached_at);
    decision.Emit(std::move(event));
    return absl::OkStatus();
  }
  v1::DeadlineBreached* breached = event.mutable_deadline_breached();
  breached->set_timer_id(timer_id);
  *breached->mutable_fired_at() = ToProto(decision.context().now);
  *breached->mutable_reached_at() = ToProto(command.reached_at);
  decision.Emit(std::move(event));

  const SlaTargets targets = decision.Targets();
  const bool open = state.status == ComplaintStatus::kOpen ||
                    state.status == ComplaintStatus::kInProgress;
  switch (deadline.kind) {
    case v1::DEADLINE_KIND_TASK_RESPONSE:
      return EscalateTask(timer_id, deadline, decision);
    case v1::DEADLINE_KIND_RESOLUTION:
    case v1::DEADLINE_KIND_CUSTOMER_UPDATE:
      // Not resolved in time: the case is hanging, and the customer is owed an update at
      // every interval until it is resolved. The next one counts from this one's due time,
      // so reminders keep their rhythm even when fired late.
      if (open && targets.customer_update) {
        return decision.Schedule(v1::DEADLINE_KIND_CUSTOMER_UPDATE, deadline.due,
                                 *targets.customer_update);
      }
      return absl::OkStatus();
    default:
      return absl::OkStatus();
  }
}

}  // namespace closedloop::domain
