// Decide: the rules of the complaint lifecycle (DESIGN.md section 2).
//
//   filed -> routed/assigned -> contacted -> (tasks) -> resolved -> closed
//                                         reopen: resolved | closed -> in progress
#include <algorithm>

#include "absl/strings/str_cat.h"
#include "domain/access.h"
#include "domain/assignment.h"
#include "domain/complaint_decision.h"
#include "domain/proto_time.h"
#include "domain/validation.h"

namespace closedloop::domain {
namespace {

using S = ComplaintStatus;

// Every decider checks the command's fields before the case's state: a malformed value is
// INVALID_ARGUMENT naming the field whatever state the case is in (and whether it exists).

// Every status a case can still be worked in.
constexpr std::initializer_list<ComplaintStatus> kActive = {S::kOpen, S::kInProgress};

template <typename T>
v1::ComplaintEvent Event(T* (v1::ComplaintEvent::*mutable_field)(), const T& value) {
  v1::ComplaintEvent event;
  *(event.*mutable_field)() = value;
  return event;
}

// Filings carry no category, so a routing rule that names one can only match once triage sets
// it: the case then moves to that rule's team, with an owner there. A category no category rule
// matches, or one whose rule sends it to the team it is already with, changes nothing.
absl::Status RerouteByCategory(Decision& d) {
  const ComplaintState& s = d.state();
  const v1::Filed item = SupportItem(s);
  if (item.channel() == v1::CHANNEL_RED_BUTTON || d.context().directory == nullptr) {
    return absl::OkStatus();  // red-button cases stay with the red-button team
  }
  const v1::Directory& directory = *d.context().directory;
  absl::StatusOr<RoutingDecision> route = Route(item, s.category, directory, d.context().load);
  if (!route.ok()) return absl::OkStatus();  // no rule for it: the case stays where it is
  bool by_category = false;
  for (const v1::RoutingRule& rule : directory.routing_rules()) {
    if (rule.name() == route->rule) by_category = !rule.category().empty();
  }
  if (!by_category || route->team == s.team) return absl::OkStatus();
  d.EmitRouting(*route);
  return absl::OkStatus();
}

absl::Status DecideTriage(const TriageComplaint& c, Decision& d) {
  if (absl::Status s = FirstError({LimitText("category", c.category, kMaxNameBytes),
                         LimitText("department", c.department, kMaxNameBytes),
                         LimitText("root_cause_code", c.root_cause_code, kMaxNameBytes)}); !s.ok()) {
    return s;
  }
  if (c.kind != v1::ITEM_KIND_UNSPECIFIED && !v1::ItemKind_IsValid(c.kind)) {
    return absl::InvalidArgumentError(absl::StrCat("kind: unknown value ", c.kind));
  }
  if (c.severity != v1::SEVERITY_UNSPECIFIED && !v1::Severity_IsValid(c.severity)) {
    return absl::InvalidArgumentError(absl::StrCat("severity: unknown value ", c.severity));
  }
  if (!c.department.empty() && d.context().directory != nullptr &&
      FindDepartment(*d.context().directory, c.department) == nullptr) {
    return absl::InvalidArgumentError(absl::StrCat("department: unknown department '", c.department, "'"));
  }
  if (absl::Status s = RequireStatus(d.state(), kActive, "triage"); !s.ok()) return s;
  const ComplaintState& s = d.state();
  const bool changes = (c.kind && c.kind != s.kind) || (c.severity && c.severity != s.severity) ||
                       (!c.category.empty() && c.category != s.category) ||
                       (!c.department.empty() && c.department != s.department) ||
                       (!c.root_cause_code.empty() && c.root_cause_code != s.root_cause_code);
  if (!changes) return absl::OkStatus();
  const bool becomes_complaint = c.kind == v1::ITEM_KIND_COMPLAINT && s.kind != c.kind;
  const bool becomes_recommendation = c.kind == v1::ITEM_KIND_RECOMMENDATION && s.kind != c.kind;
  // Taken before the triaged event changes `s`.
  const bool reclassified = (c.kind && c.kind != s.kind) || (c.severity && c.severity != s.severity);
  const bool new_category = !c.category.empty() && c.category != s.category;
  v1::Triaged triaged;
  triaged.set_kind(c.kind);
  triaged.set_category(c.category);
  triaged.set_severity(c.severity);
  triaged.set_department(c.department);
  triaged.set_root_cause_code(c.root_cause_code);
  d.Emit(Event(&v1::ComplaintEvent::mutable_triaged, triaged));
  if (becomes_recommendation) {
    // A recommendation runs no resolution clock.
    d.SatisfyKind(v1::DEADLINE_KIND_RESOLUTION);
    d.SatisfyKind(v1::DEADLINE_KIND_CUSTOMER_UPDATE);
  }
  // A case raised to CRITICAL (or otherwise reclassified) runs on the clock its new class
  // gets, as if it had been filed so: the pending deadlines move.
  if (reclassified) {
    if (absl::Status st = d.Reschedule(); !st.ok()) return st;
  }
  if (new_category) {
    if (absl::Status st = RerouteByCategory(d); !st.ok()) return st;
  }
  if (becomes_complaint) {
    if (std::optional<absl::Duration> target = d.Targets().resolution) {
      return d.Schedule(v1::DEADLINE_KIND_RESOLUTION, d.context().now, *target);
    }
  }
  return absl::OkStatus();
}

absl::Status DecideAssign(const AssignComplaint& c, Decision& d) {
  const v1::Directory empty;
  const v1::Directory& directory = d.context().directory ? *d.context().directory : empty;
  if (absl::Status s = RequireName("owner", c.owner); !s.ok()) return s;
  if (absl::Status s = RequireConfiguredPerson(directory, c.owner); !s.ok()) return s;
  if (absl::Status s = RequireStatus(d.state(), kActive, "assign"); !s.ok()) return s;
  if (c.owner == d.state().owner) return absl::OkStatus();
  if (absl::Status s = RequireRedButtonOwner(directory, d.state(), c.owner); !s.ok()) return s;
  v1::Assigned assigned;
  assigned.set_owner(c.owner);
  assigned.set_previous_owner(d.state().owner);
  d.Emit(Event(&v1::ComplaintEvent::mutable_assigned, assigned));
  return absl::OkStatus();
}

absl::Status DecideContact(const RecordCustomerContact& c, Decision& d) {
  if (absl::Status s = FirstError({RequireEnum("method", c.method, v1::ContactMethod_IsValid),
                         RequireEnum("outcome", c.outcome, v1::ContactOutcome_IsValid),
                         LimitText("summary", c.summary)}); !s.ok()) {
    return s;
  }
  if (absl::Status s = RequireStatus(d.state(), kActive, "contact the customer of"); !s.ok()) {
    return s;
  }
  const bool reached = c.outcome == v1::CONTACT_OUTCOME_REACHED;
  v1::CustomerContacted contacted;
  contacted.set_method(c.method);
  contacted.set_outcome(c.outcome);
  contacted.set_summary(c.summary);
  contacted.set_first_contact(reached && !d.state().customer_reached);
  d.Emit(Event(&v1::ComplaintEvent::mutable_customer_contacted, contacted));
  if (!reached) return absl::OkStatus();
  d.SatisfyKind(v1::DEADLINE_KIND_FIRST_CONTACT);
  if (d.state().hanging) {
    // The customer got the update they were owed; the next one is due an interval from now.
    d.SatisfyKind(v1::DEADLINE_KIND_CUSTOMER_UPDATE);
    if (std::optional<absl::Duration> interval = d.Targets().customer_update) {
      return d.Schedule(v1::DEADLINE_KIND_CUSTOMER_UPDATE, d.context().now, *interval);
    }
  }
  return absl::OkStatus();
}

absl::Status DecideComment(const AddComment& c, Decision& d) {
  if (absl::Status s = FirstError({RequireEnum("visibility", c.visibility, v1::Visibility_IsValid),
                         RequireName("author", c.author), RequireText("text", c.text)}); !s.ok()) {
    return s;
  }
  if (d.state().status == S::kNone) return absl::NotFoundError("complaint: not filed");
  v1::CommentAdded comment;
  comment.set_comment_id(absl::StrCat("C", d.state().comments + 1));
  comment.set_visibility(c.visibility);
  comment.set_author(c.author);
  comment.set_text(c.text);
  d.Emit(Event(&v1::ComplaintEvent::mutable_comment_added, comment));
  return absl::OkStatus();
}

absl::Status DecideEscalate(const Escalate& c, Decision& d) {
  if (absl::Status s = FirstError({RequireName("to", c.to), RequireText("reason", c.reason)}); !s.ok()) {
    return s;
  }
  if (absl::Status s = RequireStatus(d.state(), kActive, "escalate"); !s.ok()) return s;
  v1::Escalated escalated;
  escalated.set_level(1);
  escalated.set_to(c.to);
  escalated.set_reason(c.reason);
  escalated.set_mode(v1::ESCALATION_MODE_MANUAL);
  d.Emit(Event(&v1::ComplaintEvent::mutable_escalated, escalated));
  return absl::OkStatus();
}

}  // namespace

void Decision::EmitRouting(const RoutingDecision& route) {
  v1::ComplaintEvent routed;
  routed.mutable_routed()->set_team(route.team);
  routed.mutable_routed()->set_rule(route.rule);
  routed.mutable_routed()->set_policy_version(policy_->version());
  const std::string previous_owner = state_.owner;
  Emit(std::move(routed));
  v1::ComplaintEvent assigned;
  assigned.mutable_assigned()->set_owner(route.owner);
  assigned.mutable_assigned()->set_previous_owner(previous_owner);
  Emit(std::move(assigned));
}

v1::Filed SupportItem(const ComplaintState& state) {
  v1::Filed item = state.filed;
  if (state.redirected) item.set_channel(v1::CHANNEL_UNSPECIFIED);
  return item;
}

absl::Status RequireStatus(const ComplaintState& state,
                           std::initializer_list<ComplaintStatus> allowed, const char* action) {
  if (std::find(allowed.begin(), allowed.end(), state.status) != allowed.end()) {
    return absl::OkStatus();
  }
  if (state.status == S::kNone) return absl::NotFoundError("complaint: not filed");
  return absl::FailedPreconditionError(absl::StrCat("cannot ", action, " complaint ",
                                                    state.filed.complaint_id(), ": it is ",
                                                    StatusName(state.status)));
}

absl::StatusOr<std::vector<v1::ComplaintEvent>> Decide(const ComplaintCommand& command,
                                                       const ComplaintState& state,
                                                       const DecisionContext& context) {
  if (context.caller != nullptr) {
    if (absl::Status scope = CheckCommandScope(*context.caller, command, state); !scope.ok()) {
      return scope;
    }
  }
  Decision decision(state, context);
  absl::Status status = std::visit(
      [&](const auto& c) -> absl::Status {
        using C = std::decay_t<decltype(c)>;
        if constexpr (std::is_same_v<C, FileComplaint>) return DecideFile(c, decision);
        if constexpr (std::is_same_v<C, TriageComplaint>) return DecideTriage(c, decision);
        if constexpr (std::is_same_v<C, AssignComplaint>) return DecideAssign(c, decision);
        if constexpr (std::is_same_v<C, RecordCustomerContact>) return DecideContact(c, decision);
        if constexpr (std::is_same_v<C, AddComment>) return DecideComment(c, decision);
        if constexpr (std::is_same_v<C, Escalate>) return DecideEscalate(c, decision);
        if constexpr (std::is_same_v<C, FireDeadline>) return DecideFireDeadline(c, decision);
        if constexpr (std::is_same_v<C, RecordAlertSent>) return DecideRecordAlert(c, decision);
        return DecideLifecycle(command, decision);
      },
      command);
  if (!status.ok()) return status;
  return decision.TakeEvents();
}

}  // namespace closedloop::domain
