// What a consumer outside the team receives of a case's events: scope, redaction and filters.
#include <catch2/catch.hpp>

#include "domain/complaint_view.h"
#include "domain/event_delivery.h"
#include "tests/domain/complaint_test_util.h"

namespace closedloop::domain {
namespace {

using namespace testing;  // NOLINT: test helpers

Caller As(absl::string_view role, std::string principal, std::string department = "") {
  return Caller{std::move(principal), std::string(role), "", std::move(department)};
}

// Given a hotline case filed by system:webshop with a warehouse task, a public and an internal
// comment: its events and its view.
struct WarehouseCase {
  History history;
  v1::ComplaintView view;

  WarehouseCase() {
    FileComplaint filing = Filing();
    filing.filing.set_filed_by("system:webshop");
    history.Run(filing).Run(Reached());
    history.Run(OpenTask{"warehouse", "", "check the legs", T0() + absl::Hours(8)});
    history.Run(AddComment{v1::VISIBILITY_PUBLIC, "anna", "we are on it"});
    history.Run(AddComment{v1::VISIBILITY_INTERNAL, "anna", "supplier batch 7 again"});
    uint64_t revision = 0;
    for (const v1::ComplaintEvent& event : history.events()) {
      EventMeta meta;
      meta.revision = ++revision;
      meta.type = EventType(event);
      ApplyToView(view, meta, event);
    }
  }

  const v1::ComplaintEvent& First(absl::string_view type) const {
    for (const v1::ComplaintEvent& event : history.events()) {
      if (EventType(event) == type) return event;
    }
    FAIL("no event of type " << type);
    return history.events().front();
  }
  const v1::ComplaintEvent& Comment(v1::Visibility visibility) const {
    for (const v1::ComplaintEvent& event : history.events()) {
      if (event.has_comment_added() && event.comment_added().visibility() == visibility) {
        return event;
      }
    }
    FAIL("no comment");
    return history.events().front();
  }
  // When `caller` is delivered the first event of `type` through `filter`: what it receives.
  std::optional<v1::ComplaintEvent> Deliver(const Caller& caller, absl::string_view type,
                                            const v1::DeliveryFilter& filter = {}) const {
    return DeliveredComplaintEvent(caller, filter, type, &view, First(type));
  }
};

TEST_CASE("Given a case, then each role receives its events exactly when it may read the case",
          "[delivery]") {
  WarehouseCase c;
  CHECK(c.Deliver(As("integrator", "system:webshop"), "complaint.filed").has_value());
  CHECK_FALSE(c.Deliver(As("integrator", "system:app"), "complaint.filed").has_value());
  CHECK(c.Deliver(As("department", "user:wes", "warehouse"), "complaint.filed").has_value());
  CHECK_FALSE(c.Deliver(As("department", "user:dina", "delivery"), "complaint.filed").has_value());
  for (absl::string_view role : {"agent", "superhero", "internal", "dashboard", "auditor", "local"}) {
    INFO(role);
    CHECK(c.Deliver(As(role, "someone"), "complaint.task_opened").has_value());
  }
  // An unknown case: nothing, whatever the role.
  CHECK_FALSE(DeliveredComplaintEvent(As("superhero", "user:anna"), {}, "complaint.filed", nullptr,
                                      c.First("complaint.filed")));
}

TEST_CASE("Given a filing, then only roles that see contact data receive the customer's contact",
          "[delivery]") {
  WarehouseCase c;
  REQUIRE_FALSE(c.First("complaint.filed").filed().customer_contact().empty());
  for (absl::string_view role : {"integrator", "agent", "superhero", "auditor", "local"}) {
    INFO(role);
    auto event = c.Deliver(As(role, "system:webshop"), "complaint.filed");
    REQUIRE(event.has_value());
    CHECK(event->filed().customer_contact() == "+49 30 1234567");
  }
  for (absl::string_view role : {"department", "internal", "dashboard"}) {
    INFO(role);
    auto event = c.Deliver(As(role, "user:x", "warehouse"), "complaint.filed");
    REQUIRE(event.has_value());
    CHECK(event->filed().customer_contact().empty());
    CHECK(event->filed().text() == c.First("complaint.filed").filed().text());
  }
}

TEST_CASE("Given comments, then an integrator receives the public one and never the internal one",
          "[delivery]") {
  WarehouseCase c;
  const Caller webshop = As("integrator", "system:webshop");
  const Caller agent = As("agent", "user:ada");
  auto deliver = [&](const Caller& caller, v1::Visibility visibility) {
    return DeliveredComplaintEvent(caller, {}, "complaint.comment_added", &c.view,
                                   c.Comment(visibility));
  };
  CHECK(deliver(webshop, v1::VISIBILITY_PUBLIC).has_value());
  CHECK_FALSE(deliver(webshop, v1::VISIBILITY_INTERNAL).has_value());
  CHECK(deliver(agent, v1::VISIBILITY_INTERNAL).has_value());
}

TEST_CASE("Given filters, then each narrows by the event type or the case as it stands",
          "[delivery]") {
  WarehouseCase c;
  const Caller anna = As("superhero", "user:anna");
  REQUIRE_FALSE(c.view.team().empty());
  v1::DeliveryFilter filter;
  filter.add_event_types("complaint.task_opened");
  CHECK(c.Deliver(anna, "complaint.task_opened", filter).has_value());
  CHECK_FALSE(c.Deliver(anna, "complaint.filed", filter).has_value());

  v1::DeliveryFilter teams;
  teams.add_teams("some-other-team");
  CHECK_FALSE(c.Deliver(anna, "complaint.filed", teams).has_value());
  teams.add_teams(c.view.team());
  CHECK(c.Deliver(anna, "complaint.filed", teams).has_value());

  v1::DeliveryFilter channels;
  channels.add_channels(v1::CHANNEL_WEB);
  CHECK_FALSE(c.Deliver(anna, "complaint.filed", channels).has_value());
  channels.add_channels(v1::CHANNEL_HOTLINE);
  CHECK(c.Deliver(anna, "complaint.filed", channels).has_value());

  v1::DeliveryFilter departments;
  departments.add_departments("billing");
  CHECK_FALSE(c.Deliver(anna, "complaint.filed", departments).has_value());
}

TEST_CASE("Given a problem's event, then only roles reading every case receive it, unfiltered by case",
          "[delivery]") {
  CHECK(DeliversProblemEvent(As("superhero", "user:anna"), {}, "problem.opened"));
  CHECK(DeliversProblemEvent(As("dashboard", "system:wallboard"), {}, "problem.opened"));
  CHECK_FALSE(DeliversProblemEvent(As("integrator", "system:webshop"), {}, "problem.opened"));
  CHECK_FALSE(DeliversProblemEvent(As("department", "user:wes", "warehouse"), {}, "problem.opened"));
  v1::DeliveryFilter teams;
  teams.add_teams("cx");
  CHECK_FALSE(DeliversProblemEvent(As("superhero", "user:anna"), teams, "problem.opened"));
  v1::DeliveryFilter types;
  types.add_event_types("complaint.filed");
  CHECK_FALSE(DeliversProblemEvent(As("superhero", "user:anna"), types, "problem.opened"));
}

TEST_CASE("Given a bad filter, then the error names the field", "[delivery]") {
  v1::DeliveryFilter filter;
  CHECK(CheckDeliveryFilter("filter", filter).ok());
  filter.add_teams("");
  absl::Status empty = CheckDeliveryFilter("filter", filter);
  CHECK(empty.code() == absl::StatusCode::kInvalidArgument);
  CHECK(empty.message() == "filter.teams[0]: must be 1 to 256 bytes");
  v1::DeliveryFilter channels;
  channels.add_channels(static_cast<v1::Channel>(99));
  CHECK(CheckDeliveryFilter("filter", channels).message() == "filter.channels[0]: unknown channel 99");
  v1::DeliveryFilter many;
  for (int i = 0; i < 101; ++i) many.add_event_types("complaint.filed");
  CHECK(CheckDeliveryFilter("filter", many).message() == "filter.event_types: more than 100 entries");
}

TEST_CASE("Given a case, then its summary says where it stands", "[delivery]") {
  WarehouseCase c;
  const v1::CaseSummary summary = SummaryOf(c.view);
  CHECK(summary.complaint_id() == "CL-1");
  CHECK(summary.state() == c.view.state());
  CHECK(summary.team() == c.view.team());
  CHECK(summary.owner() == c.view.owner());
  CHECK(summary.channel() == v1::CHANNEL_HOTLINE);
  CHECK(summary.customer_ref() == "customer-7");
}

}  // namespace
}  // namespace closedloop::domain
