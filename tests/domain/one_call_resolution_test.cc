// One-call resolution: given the events of each case (decided by the complaint decider, folded
// by the view), when the metrics are computed, then a resolved complaint counts as resolved in
// one call when at most one contact reached the customer before its first resolution.
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "domain/complaint_view.h"
#include "domain/metrics.h"
#include "tests/domain/complaint_test_util.h"

namespace closedloop::domain {
namespace {

using namespace testing;  // NOLINT: test helpers
using absl::Minutes;

RecordCustomerContact Contact(v1::ContactOutcome outcome) {
  return RecordCustomerContact{v1::CONTACT_METHOD_PHONE, outcome, "called"};
}

// A case as the decider records it: filed, then `commands` a few minutes apart.
struct Case {
  Case(const std::string& id, v1::Channel channel, v1::ItemKind kind = v1::ITEM_KIND_COMPLAINT) {
    FileComplaint filing = Filing(channel, kind);
    filing.filing.set_complaint_id(id);
    history.Run(filing, now);
  }
  Case& Then(const ComplaintCommand& command) {
    now += Minutes(10);
    history.Run(command, now);
    return *this;
  }
  // The view the projections fold from the recorded events.
  v1::ComplaintView View() const {
    v1::ComplaintView view;
    uint64_t revision = 0;
    for (const v1::ComplaintEvent& event : history.events()) {
      ++revision;
      EventMeta meta{revision, revision, T0(), EventType(event), {}};
      ApplyToView(view, meta, event);
    }
    return view;
  }

  History history;
  absl::Time now = T0();
};

void CheckOneCall(const v1::Metrics::OneCallResolution& figure, int resolved, int one_call) {
  CHECK(figure.resolved() == resolved);
  CHECK(figure.one_call() == one_call);
  CHECK(figure.rate() == Approx(resolved == 0 ? 0.0 : static_cast<double>(one_call) / resolved));
}

v1::Metrics MetricsOfCases(const std::vector<Case>& cases) {
  std::vector<v1::ComplaintView> views;
  for (const Case& c : cases) views.push_back(c.View());
  std::vector<const v1::ComplaintView*> pointers;
  for (const v1::ComplaintView& view : views) pointers.push_back(&view);
  return MetricsOf(pointers);
}

TEST_CASE("Given resolved complaints, then one-call resolution counts those resolved after a single reaching contact, "
          "overall, by channel and by team", "[metrics][one-call]") {
  std::vector<Case> cases;
  // Reached once, resolved: one call.
  cases.emplace_back("CL-1", v1::CHANNEL_HOTLINE);
  cases.back().Then(Reached()).Then(Resolution());
  // An unanswered call and a message left reach no one: the call that reached them settled it.
  cases.emplace_back("CL-2", v1::CHANNEL_HOTLINE);
  cases.back()
      .Then(Contact(v1::CONTACT_OUTCOME_NO_ANSWER))
      .Then(Contact(v1::CONTACT_OUTCOME_LEFT_MESSAGE))
      .Then(Reached())
      .Then(Resolution());
  // Reached, then called back before the resolution: two calls.
  cases.emplace_back("CL-3", v1::CHANNEL_WEB);
  cases.back().Then(Reached()).Then(Reached()).Then(Resolution());
  // A red-button case settled in its first call.
  cases.emplace_back("CL-4", v1::CHANNEL_RED_BUTTON);
  cases.back().Then(Reached()).Then(Resolution());
  // Not resolved, or not a complaint: outside the measure.
  cases.emplace_back("CL-5", v1::CHANNEL_WEB);
  cases.back().Then(Reached());
  cases.emplace_back("CL-6", v1::CHANNEL_WEB, v1::ITEM_KIND_RECOMMENDATION);
  ResolveComplaint answer;
  answer.resolution = "Passed to the assortment team.";
  cases.back().Then(answer);

  const v1::Metrics m = MetricsOfCases(cases);
  CHECK(m.resolved() == 4);
  CheckOneCall(m.one_call_resolution(), 4, 3);
  REQUIRE(m.one_call_resolution_by_channel().size() == 3);
  CheckOneCall(m.one_call_resolution_by_channel().at("CHANNEL_HOTLINE"), 2, 2);
  CheckOneCall(m.one_call_resolution_by_channel().at("CHANNEL_WEB"), 1, 0);
  CheckOneCall(m.one_call_resolution_by_channel().at("CHANNEL_RED_BUTTON"), 1, 1);
  REQUIRE(m.one_call_resolution_by_team().size() == 2);
  CheckOneCall(m.one_call_resolution_by_team().at("cx"), 3, 2);
  CheckOneCall(m.one_call_resolution_by_team().at("red-button"), 1, 1);
}

TEST_CASE("Given a complaint resolved in one call and reopened, then it stays one-call, judged by its first resolution",
          "[metrics][one-call]") {
  std::vector<Case> cases;
  cases.emplace_back("CL-1", v1::CHANNEL_HOTLINE);
  cases.back()
      .Then(Reached())
      .Then(Resolution())
      .Then(ReopenComplaint{"the leg broke again"})
      .Then(Reached())
      .Then(Resolution());
  const v1::ComplaintView view = cases.back().View();
  CHECK(view.reached_contacts() == 2);
  CHECK(view.reached_contacts_before_resolution() == 1);
  const v1::Metrics m = MetricsOfCases(cases);
  CheckOneCall(m.one_call_resolution(), 1, 1);
  CHECK(m.reopen_rate() == Approx(1.0));
}

TEST_CASE("Given no resolved complaint, then one-call resolution is zero of zero", "[metrics][one-call]") {
  std::vector<Case> cases;
  cases.emplace_back("CL-1", v1::CHANNEL_HOTLINE);
  cases.back().Then(Reached());
  const v1::Metrics m = MetricsOfCases(cases);
  CheckOneCall(m.one_call_resolution(), 0, 0);
  CHECK(m.one_call_resolution_by_channel().empty());
  CHECK(m.one_call_resolution_by_team().empty());
}

}  // namespace
}  // namespace closedloop::domain
