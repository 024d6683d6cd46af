// The problem read model: given problem records (event + meta), then the view holds these values.
#include "domain/problem_view.h"

#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "complaint_test_util.h"
#include "domain/proto_time.h"

namespace closedloop::domain {
namespace {

using testing::T0;
using absl::Hours;

absl::Time At(const google::protobuf::Timestamp& t) { return FromProto(t); }

TEST_CASE("the problem view follows the second-level loop", "[view]") {
  v1::ProblemView view;
  std::vector<v1::ProblemEvent> events;
  uint64_t revision = 0;
  auto on = [&](absl::Duration offset, auto fill) {
    v1::ProblemEvent event;
    fill(event);
    EventMeta meta{40 + revision * 2, revision + 1, T0() + offset, EventType(event), {}};
    ++revision;
    ApplyToView(view, meta, event);
    events.push_back(event);
  };
  on(Hours(0), [](auto& e) {
    e.mutable_opened()->set_problem_id("P1"); e.mutable_opened()->set_department("delivery");
    e.mutable_opened()->set_description("couriers drop sofas"); e.mutable_opened()->set_source(v1::PROBLEM_SOURCE_COMPLAINTS);
  });
  CHECK(view.state() == v1::PROBLEM_STATE_OPEN);
  on(Hours(1), [](auto& e) { e.mutable_complaint_linked()->set_complaint_id("CL-1"); });
  on(Hours(1), [](auto& e) { e.mutable_complaint_linked()->set_complaint_id("CL-2"); });
  on(Hours(2), [](auto& e) { e.mutable_complaint_linked()->set_complaint_id("CL-1"); });
  on(Hours(2), [](auto& e) { e.mutable_action_item_added()->set_item_id("A1"); e.mutable_action_item_added()->set_owner("dora"); });
  on(Hours(2), [](auto& e) {
    e.mutable_action_item_added()->set_item_id("A2");
    *e.mutable_action_item_added()->mutable_due() = ToProto(T0() + Hours(48));
  });
  on(Hours(5), [](auto& e) { e.mutable_action_item_completed()->set_item_id("A2"); e.mutable_action_item_completed()->set_outcome("training held"); });
  on(Hours(5), [](auto& e) { e.mutable_action_item_completed()->set_item_id("A9"); });
  on(Hours(6), [](auto& e) { e.mutable_marked_fixed()->set_summary("two-person delivery"); });
  CHECK(view.state() == v1::PROBLEM_STATE_FIXED);
  on(Hours(9), [](auto& e) { e.mutable_fix_verified()->set_evidence("no repeats in a month"); });
  on(Hours(9), [](auto&) {});  // an unset event: position only

  CHECK(view.problem_id() == "P1");
  CHECK(view.state() == v1::PROBLEM_STATE_VERIFIED);
  CHECK(view.state() == ViewState(FoldProblem(events)));
  CHECK(view.department() == "delivery");
  CHECK(view.source() == v1::PROBLEM_SOURCE_COMPLAINTS);
  CHECK(At(view.opened_at()) == T0());
  CHECK(std::vector<std::string>(view.linked_complaints().begin(), view.linked_complaints().end()) ==
        std::vector<std::string>{"CL-1", "CL-2"});
  REQUIRE(view.action_items_size() == 2);
  CHECK(view.action_items(0).owner() == "dora");
  CHECK_FALSE(view.action_items(0).completed());
  CHECK(view.action_items(1).completed());
  CHECK(At(view.action_items(1).due()) == T0() + Hours(48));
  CHECK(At(view.action_items(1).completed_at()) == T0() + Hours(5));
  CHECK(view.action_items(1).outcome() == "training held");
  CHECK(view.fix_summary() == "two-person delivery");
  CHECK(At(view.fixed_at()) == T0() + Hours(6));
  CHECK(view.verification_evidence() == "no repeats in a month");
  CHECK(At(view.verified_at()) == T0() + Hours(9));
  CHECK(view.revision() == 11);
  CHECK(view.last_position() == 60);
}

}  // namespace
}  // namespace closedloop::domain
