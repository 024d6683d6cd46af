// The problem view fold: one case per event, in the order of EvolveProblem's switch.
#include "domain/problem_view.h"

#include <algorithm>
#include <string>

#include "domain/proto_time.h"

namespace closedloop::domain {

void ApplyToView(v1::ProblemView& view, const EventMeta& meta, const v1::ProblemEvent& event) {
  const google::protobuf::Timestamp at = ToProto(meta.recorded_at);
  switch (event.event_case()) {
    case v1::ProblemEvent::kOpened: {
      const v1::ProblemOpened& opened = event.opened();
      view.set_state(v1::PROBLEM_STATE_OPEN);
      view.set_problem_id(opened.problem_id());
      view.set_department(opened.department());
      view.set_description(opened.description());
      view.set_source(opened.source());
      *view.mutable_opened_at() = at;
      break;
    }
    case v1::ProblemEvent::kActionItemAdded: {
      const v1::ActionItemAdded& added = event.action_item_added();
      v1::ActionItemView& item = *view.add_action_items();
      item.set_item_id(added.item_id());
      item.set_description(added.description());
      item.set_owner(added.owner());
      if (added.has_due()) *item.mutable_due() = added.due();
      break;
    }
    case v1::ProblemEvent::kActionItemCompleted: {
      const v1::ActionItemCompleted& completed = event.action_item_completed();
      for (v1::ActionItemView& item : *view.mutable_action_items()) {
        if (item.item_id() != completed.item_id()) continue;
        item.set_completed(true);
        *item.mutable_completed_at() = at;
        item.set_outcome(completed.outcome());
        break;
      }
      break;
    }
    case v1::ProblemEvent::kMarkedFixed:
      view.set_state(v1::PROBLEM_STATE_FIXED);
      view.set_fix_summary(event.marked_fixed().summary());
      *view.mutable_fixed_at() = at;
      break;
    case v1::ProblemEvent::kFixVerified:
      view.set_state(v1::PROBLEM_STATE_VERIFIED);
      view.set_verification_evidence(event.fix_verified().evidence());
      *view.mutable_verified_at() = at;
      break;
    case v1::ProblemEvent::kComplaintLinked: {
      const std::string& id = event.complaint_linked().complaint_id();
      const auto& linked = view.linked_complaints();
      if (std::find(linked.begin(), linked.end(), id) == linked.end()) view.add_linked_complaints(id);
      break;
    }
    case v1::ProblemEvent::EVENT_NOT_SET:
      // Unset, or a case added by a newer writer (parsed as an unknown field): no change.
      break;
  }
  view.set_revision(meta.revision);
  view.set_last_position(meta.position);
}

v1::ProblemState ViewState(const ProblemState& state) {
  if (state.verified) return v1::PROBLEM_STATE_VERIFIED;
  if (state.fixed) return v1::PROBLEM_STATE_FIXED;
  if (state.exists) return v1::PROBLEM_STATE_OPEN;
  return v1::PROBLEM_STATE_UNSPECIFIED;
}

}  // namespace closedloop::domain
