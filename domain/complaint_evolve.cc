// Evolve: how each complaint event changes the state. Total: an unknown event is a no-op, so
// an older binary can fold a stream written by a newer one.
#include "absl/strings/str_cat.h"
#include "domain/complaint.h"
#include "domain/proto_time.h"

namespace closedloop::domain {

const char* StatusName(ComplaintStatus status) {
  switch (status) {
    case ComplaintStatus::kNone:
      return "not filed";
    case ComplaintStatus::kOpen:
      return "open";
    case ComplaintStatus::kInProgress:
      return "in progress";
    case ComplaintStatus::kResolved:
      return "resolved";
    case ComplaintStatus::kClosed:
      return "closed";
    case ComplaintStatus::kRedirected:
      return "redirected to support";
  }
  return "unknown";
}

std::string EventType(const v1::ComplaintEvent& event) {
  const google::protobuf::FieldDescriptor* field =
      v1::ComplaintEvent::descriptor()->FindFieldByNumber(event.event_case());
  return field == nullptr ? "complaint.unknown" : absl::StrCat("complaint.", field->name());
}

std::string RecordedType(const ComplaintCommand& command) {
  return std::visit(
      [](const auto& c) -> std::string {
        using C = std::decay_t<decltype(c)>;
        if constexpr (std::is_same_v<C, FileComplaint>) return "complaint.filed";
        if constexpr (std::is_same_v<C, TriageComplaint>) return "complaint.triaged";
        if constexpr (std::is_same_v<C, AssignComplaint>) return "complaint.assigned";
        if constexpr (std::is_same_v<C, RecordCustomerContact>) return "complaint.customer_contacted";
        if constexpr (std::is_same_v<C, AddComment>) return "complaint.comment_added";
        if constexpr (std::is_same_v<C, OpenTask>) return "complaint.task_opened";
        if constexpr (std::is_same_v<C, RespondToTask>) return "complaint.task_responded";
        if constexpr (std::is_same_v<C, CompleteTask>) return "complaint.task_completed";
        if constexpr (std::is_same_v<C, Escalate>) return "complaint.escalated";
        if constexpr (std::is_same_v<C, ResolveComplaint>) return "complaint.resolved";
        if constexpr (std::is_same_v<C, CloseComplaint>) return "complaint.closed";
        if constexpr (std::is_same_v<C, ReopenComplaint>) return "complaint.reopened";
        if constexpr (std::is_same_v<C, RedirectToSupport>) return "complaint.redirected_to_support";
        if constexpr (std::is_same_v<C, LinkToProblem>) return "complaint.linked_to_problem";
        if constexpr (std::is_same_v<C, RecordSurvey>) return "complaint.survey_recorded";
        if constexpr (std::is_same_v<C, RecordAlertSent>) return "complaint.alert_sent";
        return "";
      },
      command);
}

ComplaintState Evolve(ComplaintState s, const v1::ComplaintEvent& event) {
  using E = v1::ComplaintEvent;
  switch (event.event_case()) {
    case E::kFiled:
      s.status = ComplaintStatus::kOpen;
      s.filed = event.filed();
      s.kind = event.filed().kind();
      s.severity = event.filed().severity();
      break;
    case E::kTriaged: {
      const v1::Triaged& t = event.triaged();
      if (t.kind() != v1::ITEM_KIND_UNSPECIFIED) s.kind = t.kind();
      if (t.severity() != v1::SEVERITY_UNSPECIFIED) s.severity = t.severity();
      if (!t.category().empty()) s.category = t.category();
      if (!t.department().empty()) s.department = t.department();
      if (!t.root_cause_code().empty()) s.root_cause_code = t.root_cause_code();
      break;
    }
    case E::kRouted:
      s.team = event.routed().team();
      break;
    case E::kAssigned:
      s.owner = event.assigned().owner();
      break;
    case E::kCustomerContacted:
      ++s.contacts;
      if (event.customer_contacted().first_contact()) {
        s.customer_reached = true;
        if (s.status == ComplaintStatus::kOpen) s.status = ComplaintStatus::kInProgress;
      }
      break;
    case E::kCommentAdded:
      ++s.comments;
      break;
    case E::kTaskOpened: {
      const v1::TaskOpened& t = event.task_opened();
      TaskState& task = s.tasks[t.task_id()];
      task.department = t.department();
      task.responsible = t.responsible();
      task.due = FromProto(t.due());
      break;
    }
    case E::kTaskResponded:
      s.tasks[event.task_responded().task_id()].responded = true;
      break;
    case E::kTaskCompleted:
      s.tasks[event.task_completed().task_id()].completed = true;
      break;
    case E::kEscalated:
      if (!event.escalated().task_id().empty()) {
        s.tasks[event.escalated().task_id()].escalation_level = event.escalated().level();
      }
      break;
    case E::kResolved:
      s.status = ComplaintStatus::kResolved;
      s.hanging = false;
      break;
    case E::kClosed:
      s.status = ComplaintStatus::kClosed;
      break;
    case E::kReopened:
      s.status = s.customer_reached ? ComplaintStatus::kInProgress : ComplaintStatus::kOpen;
      ++s.reopen_count;
      s.surveyed = false;
      break;
    case E::kRedirectedToSupport:
      // It lands in ordinary support, to be worked there (the routed and assigned events that
      // follow say by whom).
      s.status = s.customer_reached ? ComplaintStatus::kInProgress : ComplaintStatus::kOpen;
      s.redirected = true;
      s.hanging = false;
      break;
    case E::kLinkedToProblem:
      s.problem_id = event.linked_to_problem().problem_id();
      break;
    case E::kSurveyRecorded:
      s.surveyed = true;
      break;
    case E::kDeadlineScheduled: {
      const v1::DeadlineScheduled& d = event.deadline_scheduled();
      // A timer id scheduled again (triage reclassified the case) starts over from this event.
      DeadlineState& deadline = s.deadlines[d.timer_id()];
      deadline = DeadlineState{};
      deadline.kind = d.kind();
      if (d.has_counted_from()) deadline.counted_from = FromProto(d.counted_from());
      deadline.due = FromProto(d.due());
      if (d.has_warn_at()) deadline.warn_at = FromProto(d.warn_at());
      deadline.task_id = d.task_id();
      if (d.kind() == v1::DEADLINE_KIND_CUSTOMER_UPDATE) s.hanging = true;
      break;
    }
    case E::kDeadlineSatisfied:
      s.deadlines[event.deadline_satisfied().timer_id()].status = DeadlineStatus::kSatisfied;
      break;
    case E::kDeadlineWarned:
      s.deadlines[event.deadline_warned().timer_id()].status = DeadlineStatus::kWarned;
      break;
    case E::kDeadlineBreached:
      s.deadlines[event.deadline_breached().timer_id()].status = DeadlineStatus::kBreached;
      break;
    case E::kAlertSent:  // history only
      break;
    case E::EVENT_NOT_SET:
      break;
  }
  return s;
}

ComplaintState Fold(const std::vector<v1::ComplaintEvent>& events) {
  ComplaintState state;
  for (const v1::ComplaintEvent& event : events) state = Evolve(std::move(state), event);
  return state;
}

}  // namespace closedloop::domain
