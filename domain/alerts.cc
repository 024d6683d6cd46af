#include "domain/alerts.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "domain/complaint_decision.h"
#include "domain/complaint_view.h"

namespace closedloop::domain {
namespace {

void AddOwner(const v1::ComplaintView& view, v1::Alert& alert) {
  if (view.owner().empty()) return;
  v1::Recipient* owner = alert.add_recipients();
  owner->set_role(v1::RECIPIENT_ROLE_OWNER);
  owner->set_name(view.owner());
  owner->set_team(view.team());
}

void AddTeam(const v1::ComplaintView& view, v1::Alert& alert) {
  if (view.team().empty()) return;
  v1::Recipient* team = alert.add_recipients();
  team->set_role(v1::RECIPIENT_ROLE_TEAM);
  team->set_team(view.team());
}

void AddResponsible(const v1::TaskView* task, v1::Alert& alert) {
  if (task == nullptr || task->responsible().empty()) return;
  v1::Recipient* responsible = alert.add_recipients();
  responsible->set_role(v1::RECIPIENT_ROLE_RESPONSIBLE);
  responsible->set_name(task->responsible());
  responsible->set_department(task->department());
}

std::optional<v1::Alert> DeadlineAlert(v1::AlertKind kind, const std::string& timer_id,
                                       const v1::ComplaintView& view) {
  const v1::DeadlineView* deadline = DeadlineOf(view, timer_id);
  // Met meanwhile (an endpoint that lagged, or a replay): nobody needs telling any more.
  if (deadline == nullptr || deadline->state() == v1::DEADLINE_STATE_SATISFIED) return std::nullopt;
  v1::Alert alert;
  alert.set_kind(kind);
  alert.set_complaint_id(view.complaint_id());
  alert.set_deadline_kind(deadline->kind());
  alert.set_task_id(deadline->task_id());
  *alert.mutable_due() = deadline->due();
  const v1::TaskView* task = deadline->task_id().empty() ? nullptr : TaskOf(view, deadline->task_id());
  if (task != nullptr) {
    AddResponsible(task, alert);
    AddOwner(view, alert);
  } else {
    AddOwner(view, alert);
    AddTeam(view, alert);
  }
  return alert;
}

template <typename List, typename Value>
bool Allows(const List& list, const Value& value) {
  return list.empty() || std::find(list.begin(), list.end(), value) != list.end();
}

}  // namespace

std::optional<v1::Alert> AlertOf(const v1::ComplaintEvent& event, const v1::ComplaintView& view) {
  if (event.has_deadline_warned()) {
    return DeadlineAlert(v1::ALERT_KIND_WARNING, event.deadline_warned().timer_id(), view);
  }
  if (event.has_deadline_breached()) {
    return DeadlineAlert(v1::ALERT_KIND_BREACH, event.deadline_breached().timer_id(), view);
  }
  if (!event.has_escalated()) return std::nullopt;
  const v1::Escalated& escalated = event.escalated();
  const v1::TaskView* task = escalated.task_id().empty() ? nullptr : TaskOf(view, escalated.task_id());
  v1::Alert alert;
  alert.set_kind(v1::ALERT_KIND_ESCALATION);
  alert.set_complaint_id(view.complaint_id());
  alert.set_task_id(escalated.task_id());
  alert.set_escalation_level(escalated.level());
  alert.set_reason(escalated.reason());
  if (!escalated.to().empty()) {
    v1::Recipient* next = alert.add_recipients();
    next->set_role(v1::RECIPIENT_ROLE_ESCALATION);
    next->set_name(escalated.to());
    next->set_escalation_level(escalated.level());
    if (task != nullptr) next->set_department(task->department());
  }
  AddResponsible(task, alert);
  AddOwner(view, alert);
  AddTeam(view, alert);
  return alert;
}

bool AlertPasses(const v1::DeliveryFilter& filter, absl::string_view type, const v1::Alert& alert,
                 const v1::ComplaintView& view) {
  if (!Allows(filter.event_types(), type) || !Allows(filter.channels(), view.filing().channel())) {
    return false;
  }
  auto reaches = [&](const google::protobuf::RepeatedPtrField<std::string>& names,
                     const std::string& (v1::Recipient::*field)() const) {
    return names.empty() ||
           std::any_of(alert.recipients().begin(), alert.recipients().end(),
                       [&](const v1::Recipient& r) {
                         const std::string& value = (r.*field)();
                         return !value.empty() && Allows(names, value);
                       });
  };
  return reaches(filter.teams(), &v1::Recipient::team) &&
         reaches(filter.departments(), &v1::Recipient::department);
}

absl::Status DecideRecordAlert(const RecordAlertSent& command, Decision& decision) {
  if (decision.state().status == ComplaintStatus::kNone) {
    return absl::NotFoundError("complaint: not filed");
  }
  if (command.endpoint.empty()) return absl::InvalidArgumentError("endpoint: required");
  if (command.alert.kind() == v1::ALERT_KIND_UNSPECIFIED) {
    return absl::InvalidArgumentError("alert.kind: required");
  }
  v1::ComplaintEvent event;
  v1::AlertSent* sent = event.mutable_alert_sent();
  sent->set_endpoint(command.endpoint);
  sent->set_raised_by(command.raised_by);
  *sent->mutable_alert() = command.alert;
  decision.Emit(std::move(event));
  return absl::OkStatus();
}

}  // namespace closedloop::domain
