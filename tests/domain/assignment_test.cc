// AssignComplaint's new owner: a configured person, and for a red-button case a member of the
// red-button team. Given events, when assigned, then events or an error.
#include <catch2/catch.hpp>

#include "tests/domain/complaint_test_util.h"

namespace closedloop::domain {
namespace {

using namespace testing;  // NOLINT: test helpers

void AddRedButtonMember(History& h, const std::string& member) {
  for (v1::Team& team : *h.directory().mutable_teams()) {
    if (team.red_button()) team.add_members(member);
  }
}

TEST_CASE("assigning a case to someone no team lists is refused naming the owner", "[complaint][assign]") {
  History h;
  h.Run(Filing());
  RequireError(h.When(AssignComplaint{"nobody-such"}), absl::StatusCode::kInvalidArgument, "owner");
  RequireError(h.When(AssignComplaint{"nobody-such"}), absl::StatusCode::kInvalidArgument, "nobody-such");
  // A department's responsible is a person, but owns tasks, not cases.
  RequireError(h.When(AssignComplaint{"wes"}), absl::StatusCode::kInvalidArgument, "owner");
}

TEST_CASE("an unknown owner is refused before the case's state, as a bad field is", "[complaint][assign]") {
  History never_filed;
  RequireError(never_filed.When(AssignComplaint{"nobody-such"}), absl::StatusCode::kInvalidArgument, "owner");
  History closed;
  closed.Run(Filing()).Run(Reached()).Run(Resolution()).Run(CloseComplaint{});
  RequireError(closed.When(AssignComplaint{"nobody-such"}), absl::StatusCode::kInvalidArgument, "owner");
}

TEST_CASE("an ordinary case may go to any configured person, a red-button member included", "[complaint][assign]") {
  History h;
  h.Run(Filing());
  auto to_teammate = h.When(AssignComplaint{"bob"});
  REQUIRE(to_teammate.ok());
  REQUIRE(to_teammate->size() == 1);
  CHECK((*to_teammate)[0].assigned().owner() == "bob");
  auto to_red_button = h.When(AssignComplaint{"rita"});
  REQUIRE(to_red_button.ok());
  CHECK(to_red_button->size() == 1);
}

TEST_CASE("a red-button case stays with the red-button team, refused to anyone else naming the rule", "[complaint][assign]") {
  History h;
  AddRedButtonMember(h, "ruth");
  h.Run(Filing(v1::CHANNEL_RED_BUTTON));
  REQUIRE(h.state().owner == "rita");
  auto to_colleague = h.When(AssignComplaint{"ruth"});
  REQUIRE(to_colleague.ok());
  REQUIRE(to_colleague->size() == 1);
  CHECK((*to_colleague)[0].assigned().owner() == "ruth");
  CHECK((*to_colleague)[0].assigned().previous_owner() == "rita");

  auto to_support = h.When(AssignComplaint{"anna"});
  RequireError(to_support, absl::StatusCode::kFailedPrecondition, "red-button case stays with");
  RequireError(to_support, absl::StatusCode::kFailedPrecondition, "owner");
}

TEST_CASE("a red-button case whose team left the configuration still goes only to red-button members", "[complaint][assign]") {
  History h;
  h.Run(Filing(v1::CHANNEL_RED_BUTTON));
  // The red-button team is renamed: the case's recorded team no longer exists.
  for (v1::Team& team : *h.directory().mutable_teams()) {
    if (team.red_button()) {
      team.set_name("emergencies");
      team.add_members("ruth");
    }
  }
  REQUIRE(h.When(AssignComplaint{"ruth"}).ok());
  RequireError(h.When(AssignComplaint{"bob"}), absl::StatusCode::kFailedPrecondition, "red-button");
}

}  // namespace
}  // namespace closedloop::domain
