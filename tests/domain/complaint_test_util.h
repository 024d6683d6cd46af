// Helpers for the complaint decider tests: a retail directory, a fixed clock, and a History
// that runs commands (given) and hands out the events of the next one (when/then).
#ifndef CLOSEDLOOP_TESTS_DOMAIN_COMPLAINT_TEST_UTIL_H_
#define CLOSEDLOOP_TESTS_DOMAIN_COMPLAINT_TEST_UTIL_H_

#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "domain/complaint.h"
#include "domain/proto_time.h"

namespace closedloop::domain::testing {

// Monday 2026-11-23 09:00 UTC.
inline absl::Time T0() { return absl::FromCivil(absl::CivilSecond(2026, 11, 23, 9, 0, 0), absl::UTCTimeZone()); }

inline v1::Directory RetailDirectory() {
  v1::Directory d;
  v1::Team* cx = d.add_teams();
  cx->set_name("cx");
  cx->add_members("anna");
  cx->add_members("bob");
  v1::Team* red = d.add_teams();
  red->set_name("red-button");
  red->add_members("rita");
  red->set_red_button(true);
  v1::Department* warehouse = d.add_departments();
  warehouse->set_name("warehouse");
  warehouse->set_responsible("wes");
  warehouse->add_escalation_chain("warehouse-director");
  warehouse->add_escalation_chain("cxo");
  v1::RoutingRule* all = d.add_routing_rules();
  all->set_name("everything-else");
  all->set_team("cx");
  return d;
}

inline FileComplaint Filing(v1::Channel channel = v1::CHANNEL_HOTLINE,
                            v1::ItemKind kind = v1::ITEM_KIND_COMPLAINT) {
  FileComplaint c;
  c.filing.set_complaint_id("CL-1");
  c.filing.set_channel(channel);
  c.filing.set_kind(kind);
  c.filing.set_customer_ref("customer-7");
  c.filing.set_customer_contact("+49 30 1234567");
  c.filing.set_text("The sofa arrived with a broken leg.");
  return c;
}

inline RecordCustomerContact Reached() {
  return RecordCustomerContact{v1::CONTACT_METHOD_PHONE, v1::CONTACT_OUTCOME_REACHED, "called"};
}

inline ResolveComplaint Resolution() {
  ResolveComplaint c;
  c.resolution = "replacement leg sent";
  c.remedy.set_type(v1::REMEDY_TYPE_REPLACEMENT);
  return c;
}

// The events of one stream so far, and the state they fold to.
class History {
 public:
  History() : directory_(RetailDirectory()) {}

  DecisionContext Context(absl::Time now) const {
    DecisionContext context;
    context.now = now;
    context.directory = &directory_;
    return context;
  }

  // Given: decides `command` at `now`, requires success, appends the events.
  History& Run(const ComplaintCommand& command, absl::Time now = T0()) {
    absl::StatusOr<std::vector<v1::ComplaintEvent>> events = When(command, now);
    INFO(events.status().ToString());
    REQUIRE(events.ok());
    for (const v1::ComplaintEvent& e : *events) Append(e);
    return *this;
  }
  // When: the decision on `command` at `now`, without appending it.
  absl::StatusOr<std::vector<v1::ComplaintEvent>> When(const ComplaintCommand& command,
                                                       absl::Time now = T0()) const {
    return Decide(command, state_, Context(now));
  }
  void Append(const v1::ComplaintEvent& event) {
    events_.push_back(event);
    state_ = Evolve(std::move(state_), event);
  }

  const ComplaintState& state() const { return state_; }
  const std::vector<v1::ComplaintEvent>& events() const { return events_; }
  v1::Directory& directory() { return directory_; }

  // The timer id of the last scheduled deadline of `kind`.
  std::string TimerOf(v1::DeadlineKind kind) const {
    std::string id;
    for (const v1::ComplaintEvent& e : events_) {
      if (e.has_deadline_scheduled() && e.deadline_scheduled().kind() == kind) {
        id = e.deadline_scheduled().timer_id();
      }
    }
    return id;
  }

 private:
  v1::Directory directory_;
  ComplaintState state_;
  std::vector<v1::ComplaintEvent> events_;
};

// The event types of `events`, e.g. {"complaint.filed", "complaint.routed"}.
inline std::vector<std::string> Types(const std::vector<v1::ComplaintEvent>& events) {
  std::vector<std::string> types;
  for (const v1::ComplaintEvent& e : events) types.push_back(EventType(e));
  return types;
}

// Then: the decision failed with `code` and a message containing `text`.
inline void RequireError(const absl::StatusOr<std::vector<v1::ComplaintEvent>>& result,
                         absl::StatusCode code, const std::string& text) {
  INFO(result.status().ToString());
  REQUIRE_FALSE(result.ok());
  CHECK(result.status().code() == code);
  CHECK(std::string(result.status().message()).find(text) != std::string::npos);
}

}  // namespace closedloop::domain::testing

#endif  // CLOSEDLOOP_TESTS_DOMAIN_COMPLAINT_TEST_UTIL_H_
