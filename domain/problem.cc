#include "domain/problem.h"

#include "domain/proto_time.h"

#include <google/protobuf/descriptor.h>
#include <google/protobuf/timestamp.pb.h>
#include <google/protobuf/util/time_util.h>

#include <algorithm>
#include <cstdint>
#include <initializer_list>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/string_view.h"
#include "domain/validation.h"

namespace closedloop::domain {
namespace {

using Events = std::vector<v1::ProblemEvent>;
using google::protobuf::util::TimeUtil;

constexpr absl::string_view kItemIdPrefix = "A";

// A Timestamp ends with the year 9999: a later time could be decided but never stored.
absl::Status RequireStorable(absl::string_view field, absl::Time time) {
  if (time >= absl::FromUnixSeconds(TimeUtil::kTimestampMaxSeconds + 1)) {
    return absl::InvalidArgumentError(absl::StrCat(field, ": later than the year 9999"));
  }
  return absl::OkStatus();
}

// Every command but OpenProblem needs the stream to have been opened.
absl::Status RequireExists(const ProblemState& state) {
  if (!state.exists) return absl::NotFoundError("problem not found: open it first");
  return absl::OkStatus();
}

// Items are never removed, so numbering by count never reuses an id.
std::string NextItemId(const ProblemState& state) {
  return absl::StrCat(kItemIdPrefix, state.action_items.size() + 1);
}

// Open item ids in numeric order ("A2" before "A10"), for an error a person can act on.
std::vector<std::string> OpenItemIds(const ProblemState& state) {
  std::vector<std::string> open;
  for (const auto& [id, item] : state.action_items) {
    if (!item.completed) open.push_back(id);
  }
  std::sort(open.begin(), open.end(), [](const std::string& a, const std::string& b) {
    return std::make_pair(a.size(), a) < std::make_pair(b.size(), b);
  });
  return open;
}

Events One(v1::ProblemEvent event) {
  Events events;
  events.push_back(std::move(event));
  return events;
}

// One overload per command; each validates its fields first (INVALID_ARGUMENT does not depend
// on the state), then checks the state.
struct Decider {
  const ProblemState& state;
  absl::Time now;

  absl::StatusOr<Events> operator()(const OpenProblem& command) const {
    if (absl::Status status = FirstError({
            RequireName("problem_id", command.problem_id),
            RequireName("department", command.department),
            RequireText("description", command.description),
            RequireEnum("source", command.source, v1::ProblemSource_IsValid),
        });
        !status.ok()) {
      return status;
    }
    if (state.exists) {
      return absl::AlreadyExistsError(
          absl::StrCat("problem ", state.problem_id, " already exists"));
    }
    v1::ProblemEvent event;
    v1::ProblemOpened& opened = *event.mutable_opened();
    opened.set_problem_id(command.problem_id);
    opened.set_department(command.department);
    opened.set_description(command.description);
    opened.set_source(command.source);
    return One(std::move(event));
  }

  absl::StatusOr<Events> operator()(const AddActionItem& command) const {
    if (absl::Status status = FirstError({
            RequireText("description", command.description),
            RequireName("owner", command.owner),
            RequireAfter("due", command.due, now),
            RequireStorable("due", command.due),
            RequireExists(state),
        });
        !status.ok()) {
      return status;
    }
    // A verified fix is the end of the loop; a fixed one awaits verification, and new work would
    // silently invalidate the claim that it is fixed.
    if (state.verified || state.fixed) {
      return absl::FailedPreconditionError(absl::StrCat("problem ", state.problem_id, " is ",
                                                        state.verified ? "verified" : "fixed",
                                                        ": no more action items"));
    }
    v1::ProblemEvent event;
    v1::ActionItemAdded& added = *event.mutable_action_item_added();
    added.set_item_id(NextItemId(state));
    added.set_description(command.description);
    added.set_owner(command.owner);
    *added.mutable_due() = ToProto(command.due);
    return One(std::move(event));
  }

  absl::StatusOr<Events> operator()(const CompleteActionItem& command) const {
    if (absl::Status status = FirstError({
            RequireAssignedId("item_id", command.item_id, kItemIdPrefix),
            RequireText("outcome", command.outcome),
            RequireExists(state),
        });
        !status.ok()) {
      return status;
    }
    const auto item = state.action_items.find(command.item_id);
    if (item == state.action_items.end()) {
      return absl::NotFoundError(absl::StrCat("item_id: action item ", command.item_id,
                                              " not found in problem ", state.problem_id));
    }
    // Not a silent no-op: a second outcome would be lost, and the caller should know that.
    if (item->second.completed) {
      return absl::FailedPreconditionError(
          absl::StrCat("action item ", command.item_id, " is already completed"));
    }
    v1::ProblemEvent event;
    v1::ActionItemCompleted& completed = *event.mutable_action_item_completed();
    completed.set_item_id(command.item_id);
    completed.set_outcome(command.outcome);
    return One(std::move(event));
  }

  absl::StatusOr<Events> operator()(const MarkFixed& command) const {
    if (absl::Status status = FirstError({
            RequireText("summary", command.summary),
            RequireExists(state),
        });
        !status.ok()) {
      return status;
    }
    if (state.fixed) return Events{};
    if (state.action_items.empty()) {
      return absl::FailedPreconditionError(
          absl::StrCat("problem ", state.problem_id, " has no action items: nothing was fixed"));
    }
    if (std::vector<std::string> open = OpenItemIds(state); !open.empty()) {
      return absl::FailedPreconditionError(absl::StrCat(
          "problem ", state.problem_id, " has open action items: ", absl::StrJoin(open, ", ")));
    }
    v1::ProblemEvent event;
    event.mutable_marked_fixed()->set_summary(command.summary);
    return One(std::move(event));
  }

  absl::StatusOr<Events> operator()(const VerifyFix& command) const {
    if (absl::Status status = FirstError({
            RequireText("evidence", command.evidence),
            RequireExists(state),
        });
        !status.ok()) {
      return status;
    }
    if (state.verified) return Events{};
    if (!state.fixed) {
      return absl::FailedPreconditionError(
          absl::StrCat("problem ", state.problem_id, " is not fixed: mark it fixed first"));
    }
    v1::ProblemEvent event;
    event.mutable_fix_verified()->set_evidence(command.evidence);
    return One(std::move(event));
  }

  // Allowed while the problem is open or fixed (a complaint after the fix is evidence against
  // it), refused once the fix is verified: the second-level loop is closed, and a new complaint
  // belongs to a new problem. A complaint already linked stays linked, so a retry is a no-op.
  absl::StatusOr<Events> operator()(const LinkComplaint& command) const {
    if (absl::Status status = FirstError({
            RequireName("complaint_id", command.complaint_id),
            RequireExists(state),
        });
        !status.ok()) {
      return status;
    }
    if (state.linked_complaints.contains(command.complaint_id)) return Events{};
    if (state.verified) {
      return absl::FailedPreconditionError(absl::StrCat(
          "problem ", state.problem_id, " is verified: its fix is confirmed, link complaints to an open problem"));
    }
    v1::ProblemEvent event;
    event.mutable_complaint_linked()->set_complaint_id(command.complaint_id);
    return One(std::move(event));
  }
};

}  // namespace

absl::StatusOr<std::vector<v1::ProblemEvent>> DecideProblem(const ProblemCommand& command,
                                                            const ProblemState& state,
                                                            absl::Time now) {
  return std::visit(Decider{state, now}, command);
}

ProblemState EvolveProblem(ProblemState state, const v1::ProblemEvent& event) {
  switch (event.event_case()) {
    case v1::ProblemEvent::kOpened:
      state.exists = true;
      state.problem_id = event.opened().problem_id();
      state.department = event.opened().department();
      state.description = event.opened().description();
      state.source = event.opened().source();
      break;
    case v1::ProblemEvent::kActionItemAdded: {
      const v1::ActionItemAdded& added = event.action_item_added();
      ActionItemState item;
      item.description = added.description();
      item.owner = added.owner();
      item.due = FromProto(added.due());
      state.action_items.try_emplace(added.item_id(), std::move(item));
      break;
    }
    case v1::ProblemEvent::kActionItemCompleted: {
      // The decider never completes an unknown item; a log that does is ignored rather than
      // conjuring an item with no description, owner or due time.
      const auto item = state.action_items.find(event.action_item_completed().item_id());
      if (item != state.action_items.end()) {
        item->second.completed = true;
        item->second.outcome = event.action_item_completed().outcome();
      }
      break;
    }
    case v1::ProblemEvent::kMarkedFixed:
      state.fixed = true;
      state.fix_summary = event.marked_fixed().summary();
      break;
    case v1::ProblemEvent::kFixVerified:
      state.verified = true;
      state.verification_evidence = event.fix_verified().evidence();
      break;
    case v1::ProblemEvent::kComplaintLinked:
      state.linked_complaints.insert(event.complaint_linked().complaint_id());
      break;
    case v1::ProblemEvent::EVENT_NOT_SET:
      // Unset, or a case added by a newer writer (parsed as an unknown field): no change.
      break;
  }
  return state;
}

ProblemState FoldProblem(const std::vector<v1::ProblemEvent>& events) {
  ProblemState state;
  for (const v1::ProblemEvent& event : events) state = EvolveProblem(std::move(state), event);
  return state;
}

std::string RecordedType(const ProblemCommand& command) {
  return std::visit(
      [](const auto& c) -> std::string {
        using C = std::decay_t<decltype(c)>;
        if constexpr (std::is_same_v<C, OpenProblem>) return "problem.opened";
        if constexpr (std::is_same_v<C, AddActionItem>) return "problem.action_item_added";
        if constexpr (std::is_same_v<C, CompleteActionItem>) return "problem.action_item_completed";
        if constexpr (std::is_same_v<C, MarkFixed>) return "problem.marked_fixed";
        if constexpr (std::is_same_v<C, VerifyFix>) return "problem.fix_verified";
        return "problem.complaint_linked";
      },
      command);
}

std::string EventType(const v1::ProblemEvent& event) {
  // Read from the descriptor so the type can never drift from the oneof's field names.
  const google::protobuf::FieldDescriptor* field = event.GetReflection()->GetOneofFieldDescriptor(
      event, v1::ProblemEvent::descriptor()->FindOneofByName("event"));
  return absl::StrCat("problem.", field == nullptr ? "unknown" : field->name());
}

}  // namespace closedloop::domain
