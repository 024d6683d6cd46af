// The complaint view fold: one case per event, in the order of Evolve's switch.
#include "domain/complaint_view.h"

#include "domain/proto_time.h"

namespace closedloop::domain {
namespace {

// The view's own task or deadline, to change it (the fold below).
v1::TaskView* FindTask(v1::ComplaintView& view, const std::string& task_id) {
  return const_cast<v1::TaskView*>(TaskOf(view, task_id));
}

v1::DeadlineView* FindDeadline(v1::ComplaintView& view, const std::string& timer_id) {
  return const_cast<v1::DeadlineView*>(DeadlineOf(view, timer_id));
}

// When a timer event fired: its own time, or the record's for an event written without one.
google::protobuf::Timestamp FiredAt(bool has_fired_at, const google::protobuf::Timestamp& fired_at,
                                    const EventMeta& meta) {
  return has_fired_at ? fired_at : ToProto(meta.recorded_at);
}

void ApplyEvent(v1::ComplaintView& view, const EventMeta& meta, const v1::ComplaintEvent& event) {
  using E = v1::ComplaintEvent;
  const google::protobuf::Timestamp at = ToProto(meta.recorded_at);
  switch (event.event_case()) {
    case E::kFiled:
      view.set_complaint_id(event.filed().complaint_id());
      view.set_state(v1::COMPLAINT_STATE_OPEN);
      *view.mutable_filing() = event.filed();
      // Filings recorded before the service stamped filed_by name their filer as the actor.
      if (view.filing().filed_by().empty()) {
        view.mutable_filing()->set_filed_by(meta.actor.principal());
      }
      view.set_kind(event.filed().kind());
      view.set_severity(event.filed().severity());
      break;
    case E::kTriaged: {
      const v1::Triaged& t = event.triaged();
      if (t.kind() != v1::ITEM_KIND_UNSPECIFIED) view.set_kind(t.kind());
      if (t.severity() != v1::SEVERITY_UNSPECIFIED) view.set_severity(t.severity());
      if (!t.category().empty()) view.set_category(t.category());
      if (!t.department().empty()) view.set_department(t.department());
      if (!t.root_cause_code().empty()) view.set_root_cause_code(t.root_cause_code());
      break;
    }
    case E::kRouted:
      view.set_team(event.routed().team());
      view.set_routing_rule(event.routed().rule());
      break;
    case E::kAssigned:
      view.set_owner(event.assigned().owner());
      break;
    case E::kCustomerContacted:
      view.set_contact_attempts(view.contact_attempts() + 1);
      *view.mutable_last_contact_at() = at;
      if (event.customer_contacted().outcome() == v1::CONTACT_OUTCOME_REACHED) {
        view.set_reached_contacts(view.reached_contacts() + 1);
      }
      if (event.customer_contacted().first_contact()) {
        view.set_customer_reached(true);
        if (!view.has_first_contact_at()) *view.mutable_first_contact_at() = at;
        if (view.state() == v1::COMPLAINT_STATE_OPEN) view.set_state(v1::COMPLAINT_STATE_IN_PROGRESS);
      }
      break;
    case E::kCommentAdded: {
      const v1::CommentAdded& c = event.comment_added();
      v1::CommentView& comment = *view.add_comments();
      comment.set_comment_id(c.comment_id());
      comment.set_visibility(c.visibility());
      comment.set_author(c.author());
      comment.set_text(c.text());
      *comment.mutable_added_at() = at;
      break;
    }
    case E::kTaskOpened: {
      const v1::TaskOpened& t = event.task_opened();
      v1::TaskView& task = *view.add_tasks();
      task.set_task_id(t.task_id());
      task.set_department(t.department());
      task.set_responsible(t.responsible());
      task.set_description(t.description());
      if (t.has_due()) *task.mutable_due() = t.due();
      *task.mutable_opened_at() = at;
      break;
    }
    case E::kTaskResponded:
      if (v1::TaskView* task = FindTask(view, event.task_responded().task_id())) {
        *task->mutable_responded_at() = at;
        task->set_response(event.task_responded().response());
      }
      break;
    case E::kTaskCompleted:
      if (v1::TaskView* task = FindTask(view, event.task_completed().task_id())) {
        *task->mutable_completed_at() = at;
        task->set_outcome(event.task_completed().outcome());
      }
      break;
    case E::kEscalated: {
      const v1::Escalated& e = event.escalated();
      view.set_escalation_count(view.escalation_count() + 1);
      if (v1::TaskView* task = e.task_id().empty() ? nullptr : FindTask(view, e.task_id())) {
        task->set_escalation_level(e.level());
        task->set_escalated_to(e.to());
      }
      break;
    }
    case E::kResolved:
      view.set_state(v1::COMPLAINT_STATE_RESOLVED);
      view.set_hanging(false);
      *view.mutable_resolved_at() = at;
      if (!view.has_first_resolved_at()) {
        *view.mutable_first_resolved_at() = at;
        view.set_reached_contacts_before_resolution(view.reached_contacts());
      }
      *view.mutable_resolution() = event.resolved();
      break;
    case E::kClosed:
      view.set_state(v1::COMPLAINT_STATE_CLOSED);
      *view.mutable_closed_at() = at;
      view.set_customer_confirmed(event.closed().customer_confirmed());
      break;
    case E::kReopened:
      view.set_state(view.customer_reached() ? v1::COMPLAINT_STATE_IN_PROGRESS
                                             : v1::COMPLAINT_STATE_OPEN);
      view.set_reopen_count(view.reopen_count() + 1);
      view.set_surveyed(false);
      break;
    case E::kRedirectedToSupport:
      // Back in ordinary support: open, or in progress once the customer was reached.
      view.set_state(view.customer_reached() ? v1::COMPLAINT_STATE_IN_PROGRESS
                                             : v1::COMPLAINT_STATE_OPEN);
      view.set_hanging(false);
      view.set_redirect_reason(event.redirected_to_support().reason());
      break;
    case E::kLinkedToProblem:
      view.set_problem_id(event.linked_to_problem().problem_id());
      break;
    case E::kSurveyRecorded:
      view.set_surveyed(true);
      *view.mutable_survey() = event.survey_recorded();
      break;
    case E::kDeadlineScheduled: {
      const v1::DeadlineScheduled& d = event.deadline_scheduled();
      // A timer id scheduled again (triage reclassified the case) replaces its entry.
      v1::DeadlineView* existing = FindDeadline(view, d.timer_id());
      v1::DeadlineView& deadline = existing != nullptr ? *existing : *view.add_deadlines();
      deadline.Clear();
      deadline.set_timer_id(d.timer_id());
      deadline.set_kind(d.kind());
      if (d.has_due()) *deadline.mutable_due() = d.due();
      if (d.has_warn_at()) *deadline.mutable_warn_at() = d.warn_at();
      deadline.set_task_id(d.task_id());
      deadline.set_state(v1::DEADLINE_STATE_PENDING);
      if (d.kind() == v1::DEADLINE_KIND_CUSTOMER_UPDATE) view.set_hanging(true);
      break;
    }
    case E::kDeadlineSatisfied:
      if (v1::DeadlineView* deadline = FindDeadline(view, event.deadline_satisfied().timer_id())) {
        deadline->set_state(v1::DEADLINE_STATE_SATISFIED);
        *deadline->mutable_satisfied_at() = at;
      }
      break;
    case E::kDeadlineWarned: {
      const v1::DeadlineWarned& w = event.deadline_warned();
      if (v1::DeadlineView* deadline = FindDeadline(view, w.timer_id())) {
        deadline->set_state(v1::DEADLINE_STATE_WARNED);
        *deadline->mutable_warned_at() = FiredAt(w.has_fired_at(), w.fired_at(), meta);
      }
      break;
    }
    case E::kDeadlineBreached: {
      const v1::DeadlineBreached& b = event.deadline_breached();
      if (v1::DeadlineView* deadline = FindDeadline(view, b.timer_id())) {
        deadline->set_state(v1::DEADLINE_STATE_BREACHED);
        *deadline->mutable_breached_at() = FiredAt(b.has_fired_at(), b.fired_at(), meta);
        view.set_breach_count(view.breach_count() + 1);
      }
      break;
    }
    case E::kAlertSent:  // history only: GetComplaint shows it there
      break;
    case E::EVENT_NOT_SET:
      // Unset, or a case added by a newer writer (parsed as an unknown field): revision only.
      break;
  }
}

}  // namespace

void ApplyToView(v1::ComplaintView& view, const EventMeta& meta, const v1::ComplaintEvent& event) {
  ApplyEvent(view, meta, event);
  view.set_revision(meta.revision);
  view.set_last_position(meta.position);
  *view.mutable_updated_at() = ToProto(meta.recorded_at);
}

const v1::DeadlineView* DeadlineOf(const v1::ComplaintView& view, const std::string& timer_id) {
  for (const v1::DeadlineView& deadline : view.deadlines()) {
    if (deadline.timer_id() == timer_id) return &deadline;
  }
  return nullptr;
}

const v1::TaskView* TaskOf(const v1::ComplaintView& view, const std::string& task_id) {
  for (const v1::TaskView& task : view.tasks()) {
    if (task.task_id() == task_id) return &task;
  }
  return nullptr;
}

v1::HistoryEntry HistoryEntryOf(const EventMeta& meta) {
  v1::HistoryEntry entry;
  entry.set_position(meta.position);
  entry.set_revision(meta.revision);
  *entry.mutable_recorded_at() = ToProto(meta.recorded_at);
  entry.set_type(meta.type);
  *entry.mutable_actor() = meta.actor;
  return entry;
}

v1::ComplaintState ViewState(ComplaintStatus status) {
  switch (status) {
    case ComplaintStatus::kNone:
      return v1::COMPLAINT_STATE_UNSPECIFIED;
    case ComplaintStatus::kOpen:
      return v1::COMPLAINT_STATE_OPEN;
    case ComplaintStatus::kInProgress:
      return v1::COMPLAINT_STATE_IN_PROGRESS;
    case ComplaintStatus::kResolved:
      return v1::COMPLAINT_STATE_RESOLVED;
    case ComplaintStatus::kClosed:
      return v1::COMPLAINT_STATE_CLOSED;
    case ComplaintStatus::kRedirected:
      return v1::COMPLAINT_STATE_REDIRECTED;
  }
  return v1::COMPLAINT_STATE_UNSPECIFIED;
}

v1::DeadlineState ViewState(DeadlineStatus status) {
  switch (status) {
    case DeadlineStatus::kPending:
      return v1::DEADLINE_STATE_PENDING;
    case DeadlineStatus::kWarned:
      return v1::DEADLINE_STATE_WARNED;
    case DeadlineStatus::kBreached:
      return v1::DEADLINE_STATE_BREACHED;
    case DeadlineStatus::kSatisfied:
      return v1::DEADLINE_STATE_SATISFIED;
  }
  return v1::DEADLINE_STATE_UNSPECIFIED;
}

}  // namespace closedloop::domain
