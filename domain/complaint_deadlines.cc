// Deadlines of a complaint: scheduling them, and deciding what a fired one means.
#include <map>
#include <optional>
#include <string>

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
    case v1::DEADLINE_KIND_TASK_DUE:
      return "task-due";
    default:
      return "deadline";
  }
}

// Deadlines are never removed, so their count numbers the next one uniquely.
std::string NextTimerId(const ComplaintState& state, v1::DeadlineKind kind) {
  return absl::StrCat(Slug(kind), "-", state.deadlines.size() + 1);
}

// Used when a task deadline has to be rescheduled and the policy sets no task target.
constexpr absl::Duration kFallbackTaskResponse = absl::Hours(4);

// A task left unanswered past its response deadline, or left open past its own due time, goes
// one level up its department's chain, and gets a new deadline of the same kind at the
// policy's task-response interval. A reply stops only the response deadlines: the due time is
// met by completing the task.
absl::Status EscalateTask(const std::string& timer_id, const DeadlineState& deadline,
                          Decision& decision) {
  auto task = decision.state().tasks.find(deadline.task_id);
  if (task == decision.state().tasks.end() || task->second.completed) return absl::OkStatus();
  const bool due_time = deadline.kind == v1::DEADLINE_KIND_TASK_DUE;
  if (!due_time && task->second.responded) return absl::OkStatus();
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
  escalated->set_reason(absl::StrCat("task ", deadline.task_id,
                                     due_time ? " not completed by its due time ("
                                              : " unanswered past its deadline (",
                                     timer_id, ")"));
  escalated->set_mode(v1::ESCALATION_MODE_AUTOMATIC);
  escalated->set_task_id(deadline.task_id);
  decision.Emit(std::move(event));
  const SlaTargets targets = decision.Targets();
  return decision.Schedule(deadline.kind, deadline.due,
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
  return TargetsFor(*policy_, SupportItem(state_).channel(), state_.kind, state_.severity);
}

void Decision::Emit(v1::ComplaintEvent event) {
  state_ = Evolve(std::move(state_), event);
  events_.push_back(std::move(event));
}

absl::StatusOr<Deadline> Decision::Compute(absl::Time start, absl::Duration target) const {
  const SlaTargets targets = Targets();
  // A rule that runs around the clock counts calendar hours, as in a market without calendar.
  const v1::SlaPolicy no_calendars;
  return ComputeDeadline(start, target, targets.warn_at_fraction,
                         targets.around_the_clock ? no_calendars : *policy_, state_.filed.market());
}

void Decision::EmitScheduled(const std::string& timer_id, v1::DeadlineKind kind, absl::Time start,
                             const Deadline& deadline, const std::string& task_id,
                             const std::string& rule, const std::string& reason) {
  v1::ComplaintEvent event;
  v1::DeadlineScheduled* scheduled = event.mutable_deadline_scheduled();
  scheduled->set_timer_id(timer_id);
  scheduled->set_kind(kind);
  *scheduled->mutable_due() = ToProto(deadline.due);
  if (deadline.warn_at) *scheduled->mutable_warn_at() = ToProto(*deadline.warn_at);
  scheduled->set_task_id(task_id);
  scheduled->set_sla_rule(rule);
  scheduled->set_policy_version(policy_->version());
  scheduled->set_reason(reason);
  *scheduled->mutable_counted_from() = ToProto(start);
  Emit(std::move(event));
}

absl::Status Decision::Schedule(v1::DeadlineKind kind, absl::Time start, absl::Duration target,
                                const std::string& task_id) {
  absl::StatusOr<Deadline> deadline = Compute(start, target);
  if (!deadline.ok()) return deadline.status();
  EmitScheduled(NextTimerId(state_, kind), kind, start, *deadline, task_id, Targets().rule, "");
  return absl::OkStatus();
}

void Decision::ScheduleAt(v1::DeadlineKind kind, absl::Time start, absl::Time due,
                          const std::string& task_id) {
  Deadline deadline{due, std::nullopt};
  const double fraction = Targets().warn_at_fraction;
  if (fraction > 0 && fraction < 1 && due > start) deadline.warn_at = start + (due - start) * fraction;
  // No rule gave this time: whoever opened the task did.
  EmitScheduled(NextTimerId(state_, kind), kind, start, deadline, task_id, "", "");
}

absl::Status Decision::Reschedule() {
  const SlaTargets targets = Targets();
  // Copied: emitting changes state_.deadlines.
  const std::map<std::string, DeadlineState> deadlines = state_.deadlines;
  for (const auto& [timer_id, old] : deadlines) {
    if (old.status != DeadlineStatus::kPending && old.status != DeadlineStatus::kWarned) continue;
    std::optional<absl::Duration> target;
    if (old.kind == v1::DEADLINE_KIND_FIRST_CONTACT) target = targets.first_contact;
    if (old.kind == v1::DEADLINE_KIND_RESOLUTION) target = targets.resolution;
    if (!target) continue;  // the new rule sets no such target: the old clock stands
    const absl::Time start = old.counted_from.value_or(FromProto(state_.filed.filed_at()));
    absl::StatusOr<Deadline> deadline = Compute(start, *target);
    if (!deadline.ok()) return deadline.status();
    if (deadline->due == old.due && deadline->warn_at == old.warn_at) continue;
    EmitScheduled(timer_id, old.kind, start, *deadline, old.task_id, targets.rule,
                  kReclassifiedReason);
  }
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
  // `reached_at` says which point was reached; the time recorded is that point's own, from the
  // state, since the timer index keeps whole microseconds and reports up to 999 ns late.
  v1::ComplaintEvent event;
  if (command.reached_at < deadline.due) {
    if (deadline.status == DeadlineStatus::kWarned) return absl::OkStatus();
    v1::DeadlineWarned* warned = event.mutable_deadline_warned();
    warned->set_timer_id(timer_id);
    *warned->mutable_fired_at() = ToProto(decision.context().now);
    *warned->mutable_reached_at() = ToProto(first_due);
    decision.Emit(std::move(event));
    return absl::OkStatus();
  }
  v1::DeadlineBreached* breached = event.mutable_deadline_breached();
  breached->set_timer_id(timer_id);
  *breached->mutable_fired_at() = ToProto(decision.context().now);
  *breached->mutable_reached_at() = ToProto(deadline.due);
  decision.Emit(std::move(event));

  const SlaTargets targets = decision.Targets();
  const bool open = state.status == ComplaintStatus::kOpen ||
                    state.status == ComplaintStatus::kInProgress;
  switch (deadline.kind) {
    case v1::DEADLINE_KIND_TASK_RESPONSE:
    case v1::DEADLINE_KIND_TASK_DUE:
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
