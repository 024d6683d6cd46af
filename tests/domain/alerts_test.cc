// Alerts up the chain and the messages a customer is owed: given a case's events, when a
// warning, breach, escalation or resolution happens, then who is told what.
#include <catch2/catch.hpp>

#include "domain/alerts.h"
#include "domain/complaint_view.h"
#include "domain/customer_messages.h"
#include "tests/domain/complaint_test_util.h"

namespace closedloop::domain {
namespace {

using namespace testing;  // NOLINT: test helpers

// The case as it stands after `h`'s events, as the projections make it.
v1::ComplaintView ViewOf(const History& h) {
  v1::ComplaintView view;
  uint64_t revision = 0;
  for (const v1::ComplaintEvent& event : h.events()) {
    EventMeta meta;
    meta.revision = ++revision;
    meta.type = EventType(event);
    ApplyToView(view, meta, event);
  }
  return view;
}

// Given `h`, when `command` runs at `now`: the events, appended to `h`.
std::vector<v1::ComplaintEvent> When(History& h, const ComplaintCommand& command, absl::Time now) {
  auto events = h.When(command, now);
  INFO(events.status().ToString());
  REQUIRE(events.ok());
  for (const v1::ComplaintEvent& e : *events) h.Append(e);
  return *events;
}

const v1::ComplaintEvent& OfType(const std::vector<v1::ComplaintEvent>& events, absl::string_view type) {
  for (const v1::ComplaintEvent& e : events) {
    if (EventType(e) == type) return e;
  }
  FAIL("no " << type);
  return events.front();
}

std::vector<std::pair<v1::RecipientRole, std::string>> Recipients(const v1::Alert& alert) {
  std::vector<std::pair<v1::RecipientRole, std::string>> result;
  for (const v1::Recipient& r : alert.recipients()) {
    result.emplace_back(r.role(), r.name().empty() ? "team:" + r.team() : r.name());
  }
  return result;
}

TEST_CASE("Given a case, when its first contact is warned and breached, then the owner and the team are alerted",
          "[alerts]") {
  History h;
  h.Run(Filing());
  const std::string timer = h.TimerOf(v1::DEADLINE_KIND_FIRST_CONTACT);
  const absl::Time warn_at = *h.state().deadlines.at(timer).warn_at;
  const auto warned = When(h, FireDeadline{timer, warn_at}, warn_at);
  std::optional<v1::Alert> alert = AlertOf(OfType(warned, "complaint.deadline_warned"), ViewOf(h));
  REQUIRE(alert.has_value());
  CHECK(alert->kind() == v1::ALERT_KIND_WARNING);
  CHECK(alert->complaint_id() == "CL-1");
  CHECK(alert->deadline_kind() == v1::DEADLINE_KIND_FIRST_CONTACT);
  const std::string owner = h.state().owner;
  REQUIRE_FALSE(owner.empty());
  CHECK(Recipients(*alert) == std::vector<std::pair<v1::RecipientRole, std::string>>{
                                  {v1::RECIPIENT_ROLE_OWNER, owner}, {v1::RECIPIENT_ROLE_TEAM, "team:cx"}});

  const absl::Time due = h.state().deadlines.at(timer).due;
  const auto breached = When(h, FireDeadline{timer, due}, due);
  alert = AlertOf(OfType(breached, "complaint.deadline_breached"), ViewOf(h));
  REQUIRE(alert.has_value());
  CHECK(alert->kind() == v1::ALERT_KIND_BREACH);
  CHECK(alert->recipients_size() == 2);
}

TEST_CASE("Given a silent task, when it breaches and escalates, then its responsible and the next level are alerted",
          "[alerts]") {
  History h;
  h.Run(Filing()).Run(Reached()).Run(OpenTask{"warehouse", "", "check the stock", T0() + absl::Hours(48)});
  const std::string timer = h.TimerOf(v1::DEADLINE_KIND_TASK_RESPONSE);
  const absl::Time due = T0() + absl::Hours(4);
  const auto events = When(h, FireDeadline{timer, due}, due);
  const v1::ComplaintView view = ViewOf(h);
  const std::string owner = h.state().owner;

  std::optional<v1::Alert> breach = AlertOf(OfType(events, "complaint.deadline_breached"), view);
  REQUIRE(breach.has_value());
  CHECK(breach->deadline_kind() == v1::DEADLINE_KIND_TASK_RESPONSE);
  CHECK_FALSE(breach->task_id().empty());
  CHECK(Recipients(*breach) == std::vector<std::pair<v1::RecipientRole, std::string>>{
                                   {v1::RECIPIENT_ROLE_RESPONSIBLE, "wes"}, {v1::RECIPIENT_ROLE_OWNER, owner}});
  CHECK(breach->recipients(0).department() == "warehouse");

  std::optional<v1::Alert> up = AlertOf(OfType(events, "complaint.escalated"), view);
  REQUIRE(up.has_value());
  CHECK(up->kind() == v1::ALERT_KIND_ESCALATION);
  CHECK(up->escalation_level() == 1);
  CHECK(Recipients(*up) == std::vector<std::pair<v1::RecipientRole, std::string>>{
                               {v1::RECIPIENT_ROLE_ESCALATION, "warehouse-director"},
                               {v1::RECIPIENT_ROLE_RESPONSIBLE, "wes"},
                               {v1::RECIPIENT_ROLE_OWNER, owner},
                               {v1::RECIPIENT_ROLE_TEAM, "team:cx"}});
  CHECK(up->recipients(0).escalation_level() == 1);
  CHECK(up->recipients(0).department() == "warehouse");

  // An endpoint per department or team reaches the alerts that concern it.
  v1::DeliveryFilter warehouse;
  warehouse.add_departments("warehouse");
  v1::DeliveryFilter billing;
  billing.add_departments("billing");
  v1::DeliveryFilter cx;
  cx.add_teams("cx");
  CHECK(AlertPasses(warehouse, "complaint.escalated", *up, view));
  CHECK_FALSE(AlertPasses(billing, "complaint.escalated", *up, view));
  CHECK(AlertPasses(cx, "complaint.escalated", *up, view));
  v1::DeliveryFilter escalations;
  escalations.add_event_types("complaint.escalated");
  CHECK_FALSE(AlertPasses(escalations, "complaint.deadline_breached", *breach, view));
}

TEST_CASE("Given other events, then they raise no alert", "[alerts]") {
  History h;
  h.Run(Filing());
  for (const v1::ComplaintEvent& e : h.events()) CHECK_FALSE(AlertOf(e, ViewOf(h)).has_value());
}

TEST_CASE("Given a case, when its first contact is warned, then the customer is owed a first-contact message",
          "[customer-messages]") {
  History h;
  h.Run(Filing());
  const std::string timer = h.TimerOf(v1::DEADLINE_KIND_FIRST_CONTACT);
  const absl::Time warn_at = *h.state().deadlines.at(timer).warn_at;
  const auto warned = When(h, FireDeadline{timer, warn_at}, warn_at);
  std::optional<v1::CustomerMessage> message =
      CustomerMessageOf(OfType(warned, "complaint.deadline_warned"), ViewOf(h));
  REQUIRE(message.has_value());
  CHECK(message->purpose() == v1::CUSTOMER_MESSAGE_PURPOSE_FIRST_CONTACT_DUE);
  CHECK(message->customer_contact() == "+49 30 1234567");
  CHECK(message->customer_ref() == "customer-7");
  CHECK(FromProto(message->due()) == h.state().deadlines.at(timer).due);
  // Delivered late, after the agent reached the customer: nothing is owed, nobody alerted.
  History late = h;
  late.Run(Reached(), warn_at + absl::Minutes(1));
  CHECK_FALSE(CustomerMessageOf(OfType(warned, "complaint.deadline_warned"), ViewOf(late)).has_value());
  CHECK_FALSE(AlertOf(OfType(warned, "complaint.deadline_warned"), ViewOf(late)).has_value());
  // Its breach is the owner's to handle, not a second message.
  const absl::Time due = h.state().deadlines.at(timer).due;
  const auto breached = When(h, FireDeadline{timer, due}, due);
  CHECK_FALSE(CustomerMessageOf(OfType(breached, "complaint.deadline_breached"), ViewOf(h)).has_value());
}

TEST_CASE("Given a hanging case, when an update comes due, then the customer is owed an update, and a resolution tells them how",
          "[customer-messages]") {
  History h;
  h.Run(Filing()).Run(Reached());
  const std::string resolution = h.TimerOf(v1::DEADLINE_KIND_RESOLUTION);
  const absl::Time due = h.state().deadlines.at(resolution).due;
  // Breaching the resolution target makes the case hanging and schedules the first update.
  When(h, FireDeadline{resolution, due}, due);
  REQUIRE(h.state().hanging);
  const std::string update = h.TimerOf(v1::DEADLINE_KIND_CUSTOMER_UPDATE);
  REQUIRE_FALSE(update.empty());
  const auto& owed = h.state().deadlines.at(update);
  const absl::Time fire_at = owed.warn_at.value_or(owed.due);
  const auto fired = When(h, FireDeadline{update, fire_at}, fire_at);
  const v1::ComplaintEvent& first = fired.front();
  std::optional<v1::CustomerMessage> message = CustomerMessageOf(first, ViewOf(h));
  REQUIRE(message.has_value());
  CHECK(message->purpose() == v1::CUSTOMER_MESSAGE_PURPOSE_UPDATE_DUE);
  CHECK(FromProto(message->due()) == owed.due);

  const auto resolved = When(h, Resolution(), fire_at + absl::Minutes(5));
  message = CustomerMessageOf(OfType(resolved, "complaint.resolved"), ViewOf(h));
  REQUIRE(message.has_value());
  CHECK(message->purpose() == v1::CUSTOMER_MESSAGE_PURPOSE_RESOLVED);
  CHECK(message->resolution() == "replacement leg sent");
}

TEST_CASE("Given a case, when an alert was sent, then it is recorded in its history and nothing else changes",
          "[alerts]") {
  History h;
  h.Run(Filing());
  RecordAlertSent sent;
  sent.endpoint = "cx-pager";
  sent.raised_by = 42;
  sent.alert.set_kind(v1::ALERT_KIND_BREACH);
  const ComplaintState before = h.state();
  const auto events = When(h, sent, T0() + absl::Hours(1));
  REQUIRE(Types(events) == std::vector<std::string>{"complaint.alert_sent"});
  CHECK(events[0].alert_sent().endpoint() == "cx-pager");
  CHECK(events[0].alert_sent().raised_by() == 42);
  CHECK(h.state().status == before.status);
  CHECK(h.state().owner == before.owner);

  History unfiled;
  RequireError(unfiled.When(sent), absl::StatusCode::kNotFound, "not filed");
  RecordAlertSent no_kind = sent;
  no_kind.alert.clear_kind();
  RequireError(h.When(no_kind), absl::StatusCode::kInvalidArgument, "alert.kind");
}

}  // namespace
}  // namespace closedloop::domain
