// Decide, continued: department tasks, resolution, closure, reopening, redirects, problems,
// surveys.
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "domain/complaint_decision.h"
#include "domain/proto_time.h"
#include "domain/validation.h"

namespace closedloop::domain {
namespace {

using S = ComplaintStatus;
constexpr std::initializer_list<ComplaintStatus> kActive = {S::kOpen, S::kInProgress};
constexpr absl::string_view kTaskIdPrefix = "T";  // tasks are numbered T1, T2, ...

// As in complaint_decide.cc, each decider checks the fields before the case's state.

absl::Status RequireTaskId(const std::string& id) {
  return RequireAssignedId("task_id", id, kTaskIdPrefix);
}

absl::StatusOr<const TaskState*> FindTask(const ComplaintState& state, const std::string& id) {
  auto it = state.tasks.find(id);
  if (it == state.tasks.end()) {
    return absl::NotFoundError(absl::StrCat("task_id: no task '", id, "' on complaint ",
                                            state.filed.complaint_id()));
  }
  if (it->second.completed) {
    return absl::FailedPreconditionError(absl::StrCat("task ", id, " is already completed"));
  }
  return &it->second;
}

// Completion meets every deadline of the task; a reply only its response deadlines.
void SatisfyTask(const std::string& task_id, Decision& d, bool completed) {
  d.Satisfy([&](const DeadlineState& deadline) {
    return deadline.task_id == task_id &&
           (completed || deadline.kind == v1::DEADLINE_KIND_TASK_RESPONSE);
  });
}

absl::Status DecideOpenTask(const OpenTask& c, Decision& d) {
  if (absl::Status s = FirstError({RequireName("department", c.department),
                         LimitText("responsible", c.responsible, kMaxNameBytes),
                         RequireText("description", c.description),
                         RequireAfter("due", c.due, d.context().now)}); !s.ok()) {
    return s;
  }
  const v1::Department* department =
      d.context().directory ? FindDepartment(*d.context().directory, c.department) : nullptr;
  if (department == nullptr) {
    return absl::InvalidArgumentError(absl::StrCat("department: unknown department '", c.department, "'"));
  }
  if (absl::Status s = RequireStatus(d.state(), kActive, "open a task on"); !s.ok()) return s;
  v1::ComplaintEvent event;
  v1::TaskOpened* task = event.mutable_task_opened();
  const std::string task_id = absl::StrCat("T", d.state().tasks.size() + 1);
  task->set_task_id(task_id);
  task->set_department(c.department);
  task->set_responsible(c.responsible.empty() ? department->responsible() : c.responsible);
  task->set_description(c.description);
  *task->mutable_due() = ToProto(c.due);
  d.Emit(std::move(event));
  // Two clocks: the department's feedback deadline (the policy's task-response target, if it
  // sets one), met by a reply; and the task's own due time, met only by completing it.
  const absl::Time now = d.context().now;
  if (std::optional<absl::Duration> target = d.Targets().task_response) {
    if (absl::Status s = d.Schedule(v1::DEADLINE_KIND_TASK_RESPONSE, now, *target, task_id);
        !s.ok()) {
      return s;
    }
  }
  d.ScheduleAt(v1::DEADLINE_KIND_TASK_DUE, now, c.due, task_id);
  return absl::OkStatus();
}

absl::Status DecideRespond(const RespondToTask& c, Decision& d) {
  if (absl::Status s = FirstError({RequireTaskId(c.task_id), RequireText("response", c.response)});
      !s.ok()) {
    return s;
  }
  if (absl::Status s = RequireStatus(d.state(), kActive, "respond to a task of"); !s.ok()) return s;
  absl::StatusOr<const TaskState*> task = FindTask(d.state(), c.task_id);
  if (!task.ok()) return task.status();
  v1::ComplaintEvent event;
  event.mutable_task_responded()->set_task_id(c.task_id);
  event.mutable_task_responded()->set_response(c.response);
  d.Emit(std::move(event));
  SatisfyTask(c.task_id, d, /*completed=*/false);
  return absl::OkStatus();
}

absl::Status DecideComplete(const CompleteTask& c, Decision& d) {
  if (absl::Status s = FirstError({RequireTaskId(c.task_id), RequireText("outcome", c.outcome)});
      !s.ok()) {
    return s;
  }
  if (absl::Status s = RequireStatus(d.state(), kActive, "complete a task of"); !s.ok()) return s;
  absl::StatusOr<const TaskState*> task = FindTask(d.state(), c.task_id);
  if (!task.ok()) return task.status();
  v1::ComplaintEvent event;
  event.mutable_task_completed()->set_task_id(c.task_id);
  event.mutable_task_completed()->set_outcome(c.outcome);
  d.Emit(std::move(event));
  SatisfyTask(c.task_id, d, /*completed=*/true);
  return absl::OkStatus();
}

absl::Status CheckRemedy(const v1::Remedy& remedy, bool required) {
  if (!required && remedy.type() == v1::REMEDY_TYPE_UNSPECIFIED) {
    // An amount without a type would be recorded with nothing to say what it pays for.
    if (remedy.has_amount()) return absl::InvalidArgumentError("remedy.type: required with an amount");
    return absl::OkStatus();
  }
  if (absl::Status s = RequireEnum("remedy.type", remedy.type(), v1::RemedyType_IsValid); !s.ok()) {
    return s;
  }
  const bool paid = remedy.type() == v1::REMEDY_TYPE_REFUND ||
                    remedy.type() == v1::REMEDY_TYPE_COMPENSATION;
  if (!paid) {
    if (remedy.has_amount()) {
      return absl::InvalidArgumentError("remedy.amount: only for a refund or compensation");
    }
    return absl::OkStatus();
  }
  if (remedy.amount().amount_minor() <= 0) {
    return absl::InvalidArgumentError("remedy.amount.amount_minor: must be positive");
  }
  // No complaint is settled with more than this; a larger figure is a typo or an attack, and
  // sums of amounts in the metrics must not overflow.
  constexpr int64_t kMaxAmountMinor = 100'000'000'000;  // 1 billion in major units
  if (remedy.amount().amount_minor() > kMaxAmountMinor) {
    return absl::InvalidArgumentError(absl::StrCat(
        "remedy.amount.amount_minor: at most ", kMaxAmountMinor, ", got ", remedy.amount().amount_minor()));
  }
  const std::string& currency = remedy.amount().currency();
  if (currency.size() != 3 || !absl::ascii_isupper(currency[0]) ||
      !absl::ascii_isupper(currency[1]) || !absl::ascii_isupper(currency[2])) {
    return absl::InvalidArgumentError(
        absl::StrCat("remedy.amount.currency: must be an ISO 4217 code like EUR, got '", Quote(currency), "'"));
  }
  return absl::OkStatus();
}

absl::Status DecideResolve(const ResolveComplaint& c, Decision& d) {
  const ComplaintState& s = d.state();
  // A remedy is required of a complaint; an unfiled case counts as one, so that its remedy is
  // checked before NOT_FOUND too.
  const bool complaint = s.kind != v1::ITEM_KIND_RECOMMENDATION;
  if (absl::Status st = FirstError({RequireText("resolution", c.resolution), CheckRemedy(c.remedy, complaint),
                          LimitText("root_cause", c.root_cause)}); !st.ok()) {
    return st;
  }
  if (absl::Status st = RequireStatus(s, kActive, "resolve"); !st.ok()) return st;
  if (complaint && !s.customer_reached) {
    return absl::FailedPreconditionError(absl::StrCat(
        "cannot resolve complaint ", s.filed.complaint_id(),
        ": the customer has not been reached yet (record the customer contact first)"));
  }
  v1::ComplaintEvent event;
  v1::Resolved* resolved = event.mutable_resolved();
  resolved->set_resolution(c.resolution);
  *resolved->mutable_remedy() = c.remedy;
  resolved->set_root_cause(c.root_cause);
  d.Emit(std::move(event));
  // Resolution ends every clock of the case, the departments' included.
  d.Satisfy([](const DeadlineState&) { return true; });
  return absl::OkStatus();
}

absl::Status DecideClose(const CloseComplaint& c, Decision& d) {
  if (d.state().status == S::kClosed) return absl::OkStatus();
  if (absl::Status s = RequireStatus(d.state(), {S::kResolved}, "close"); !s.ok()) return s;
  v1::ComplaintEvent event;
  event.mutable_closed()->set_customer_confirmed(c.customer_confirmed);
  d.Emit(std::move(event));
  return absl::OkStatus();
}

absl::Status DecideReopen(const ReopenComplaint& c, Decision& d) {
  if (absl::Status s = RequireText("reason", c.reason); !s.ok()) return s;
  if (absl::Status s = RequireStatus(d.state(), {S::kResolved, S::kClosed}, "reopen"); !s.ok()) {
    return s;
  }
  v1::ComplaintEvent event;
  event.mutable_reopened()->set_reason(c.reason);
  d.Emit(std::move(event));
  // A reopened complaint gets a fresh resolution clock under the policy in force now.
  std::optional<absl::Duration> target = d.Targets().resolution;
  if (d.state().kind != v1::ITEM_KIND_COMPLAINT || !target) return absl::OkStatus();
  return d.Schedule(v1::DEADLINE_KIND_RESOLUTION, d.context().now, *target);
}

absl::Status DecideRedirect(const RedirectToSupport& c, Decision& d) {
  const ComplaintState& s = d.state();
  if (absl::Status st = RequireText("reason", c.reason); !st.ok()) return st;
  if (s.redirected) return absl::OkStatus();
  if (absl::Status st = RequireStatus(s, kActive, "redirect"); !st.ok()) return st;
  if (s.filed.channel() != v1::CHANNEL_RED_BUTTON) {
    return absl::FailedPreconditionError(absl::StrCat(
        "cannot redirect complaint ", s.filed.complaint_id(), ": only red-button cases can be redirected to support"));
  }
  // Routed first, so that a directory that cannot take the case refuses the redirect whole.
  const v1::Directory empty;
  const v1::Directory& directory = d.context().directory ? *d.context().directory : empty;
  ComplaintState supported = s;
  supported.redirected = true;
  absl::StatusOr<RoutingDecision> route =
      Route(SupportItem(supported), s.category, directory, d.context().load);
  if (!route.ok()) return route.status();
  v1::ComplaintEvent event;
  event.mutable_redirected_to_support()->set_reason(c.reason);
  d.Emit(std::move(event));
  // The emergency clocks stop; ordinary support's start now, and an owner there works the case.
  d.Satisfy([](const DeadlineState&) { return true; });
  d.EmitRouting(*route);
  const SlaTargets targets = d.Targets();
  const absl::Time now = d.context().now;
  if (!d.state().customer_reached && targets.first_contact) {
    if (absl::Status st = d.Schedule(v1::DEADLINE_KIND_FIRST_CONTACT, now, *targets.first_contact);
        !st.ok()) {
      return st;
    }
  }
  if (d.state().kind == v1::ITEM_KIND_COMPLAINT && targets.resolution) {
    return d.Schedule(v1::DEADLINE_KIND_RESOLUTION, now, *targets.resolution);
  }
  return absl::OkStatus();
}

absl::Status DecideLink(const LinkToProblem& c, Decision& d) {
  const ComplaintState& s = d.state();
  if (absl::Status st = RequireName("problem_id", c.problem_id); !st.ok()) return st;
  if (s.status == S::kNone) return absl::NotFoundError("complaint: not filed");
  if (s.problem_id == c.problem_id) return absl::OkStatus();
  if (!s.problem_id.empty()) {
    return absl::FailedPreconditionError(absl::StrCat("complaint ", s.filed.complaint_id(),
                                                      " is already linked to problem ", s.problem_id));
  }
  v1::ComplaintEvent event;
  event.mutable_linked_to_problem()->set_problem_id(c.problem_id);
  d.Emit(std::move(event));
  return absl::OkStatus();
}

absl::Status DecideSurvey(const RecordSurvey& c, Decision& d) {
  const ComplaintState& s = d.state();
  if (absl::Status st = FirstError({RequireRange("nps", c.nps, 0, 10), RequireRange("csat", c.csat, 1, 5),
                          LimitText("comment", c.comment)}); !st.ok()) {
    return st;
  }
  if (absl::Status st = RequireStatus(s, {S::kResolved, S::kClosed}, "record a survey for");
      !st.ok()) {
    return st;
  }
  if (s.surveyed) {
    return absl::FailedPreconditionError(
        absl::StrCat("a survey was already recorded for complaint ", s.filed.complaint_id()));
  }
  v1::ComplaintEvent event;
  v1::SurveyRecorded* survey = event.mutable_survey_recorded();
  survey->set_nps(c.nps);
  survey->set_csat(c.csat);
  survey->set_comment(c.comment);
  d.Emit(std::move(event));
  return absl::OkStatus();
}

}  // namespace

absl::Status DecideLifecycle(const ComplaintCommand& command, Decision& d) {
  return std::visit(
      [&](const auto& c) -> absl::Status {
        using C = std::decay_t<decltype(c)>;
        if constexpr (std::is_same_v<C, OpenTask>) return DecideOpenTask(c, d);
        if constexpr (std::is_same_v<C, RespondToTask>) return DecideRespond(c, d);
        if constexpr (std::is_same_v<C, CompleteTask>) return DecideComplete(c, d);
        if constexpr (std::is_same_v<C, ResolveComplaint>) return DecideResolve(c, d);
        if constexpr (std::is_same_v<C, CloseComplaint>) return DecideClose(c, d);
        if constexpr (std::is_same_v<C, ReopenComplaint>) return DecideReopen(c, d);
        if constexpr (std::is_same_v<C, RedirectToSupport>) return DecideRedirect(c, d);
        if constexpr (std::is_same_v<C, LinkToProblem>) return DecideLink(c, d);
        if constexpr (std::is_same_v<C, RecordSurvey>) return DecideSurvey(c, d);
        return absl::InternalError("command not handled by the lifecycle decider");
      },
      command);
}

}  // namespace closedloop::domain
