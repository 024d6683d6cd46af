// RecordedType names the first event the command records: checked against Decide itself.
#include <catch2/catch.hpp>

#include "domain/complaint.h"
#include "domain/problem.h"
#include "tests/domain/complaint_test_util.h"

namespace closedloop::domain {
namespace {

using testing::History;
using testing::T0;

// Decides `command` on `h`, requires success, appends the events and returns them.
std::vector<v1::ComplaintEvent> Decided(History& h, const ComplaintCommand& command) {
  absl::StatusOr<std::vector<v1::ComplaintEvent>> events = h.When(command);
  INFO(events.status().ToString());
  REQUIRE(events.ok());
  for (const v1::ComplaintEvent& e : *events) h.Append(e);
  return *events;
}

// The command's first event is of `type`.
bool Records(const std::vector<v1::ComplaintEvent>& events, const std::string& type) {
  return !events.empty() && EventType(events.front()) == type;
}

TEST_CASE("each complaint command records the event RecordedType names") {
  History h;
  const std::vector<v1::ComplaintEvent> filed = Decided(h, testing::Filing());
  CHECK(Records(filed, RecordedType(testing::Filing())));
  const ComplaintCommand in_order[] = {
      AssignComplaint{"bob"},
      TriageComplaint{v1::ITEM_KIND_UNSPECIFIED, "furniture", v1::SEVERITY_HIGH, "warehouse", ""},
      AddComment{v1::VISIBILITY_INTERNAL, "anna", "checking"},
      testing::Reached(),
      OpenTask{"warehouse", "", "where is the leg?", T0() + absl::Hours(30)},
      RespondToTask{"T1", "found"},
      CompleteTask{"T1", "sent"},
      Escalate{"cxo", "angry customer"},
      testing::Resolution(),
      ReopenComplaint{"still broken"},
      testing::Resolution(),
      CloseComplaint{true},
      RecordSurvey{9, 5, ""},
  };
  for (const ComplaintCommand& command : in_order) {
    const std::string type = RecordedType(command);
    INFO(type);
    CHECK(Records(Decided(h, command), type));
  }
  CHECK(RecordedType(FireDeadline{"D1", T0()}).empty());
}

TEST_CASE("each problem command records the event RecordedType names") {
  ProblemState state;
  auto run = [&](const ProblemCommand& command) {
    absl::StatusOr<std::vector<v1::ProblemEvent>> events = DecideProblem(command, state, T0());
    REQUIRE(events.ok());
    const bool found = !events->empty() && EventType(events->front()) == RecordedType(command);
    for (const v1::ProblemEvent& e : *events) state = EvolveProblem(std::move(state), e);
    INFO(RecordedType(command));
    CHECK(found);
  };
  run(OpenProblem{"PR-1", "warehouse", "legs break", v1::PROBLEM_SOURCE_COMPLAINTS});
  run(LinkComplaint{"CL-1"});
  run(AddActionItem{"stronger legs", "wes", T0() + absl::Hours(48)});
  run(CompleteActionItem{"A1", "done"});
  run(MarkFixed{"new supplier"});
  run(VerifyFix{"no breakage in a month"});
}

}  // namespace
}  // namespace closedloop::domain
