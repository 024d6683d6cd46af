// Helpers for the timer tests: filing and driving complaints through TestServer, moving its
// fake clock and running a timer pass, and reading back what the timers recorded.
#ifndef CLOSEDLOOP_TESTS_SERVICES_TIMER_TEST_UTIL_H_
#define CLOSEDLOOP_TESTS_SERVICES_TIMER_TEST_UTIL_H_

#include <string>
#include <vector>

#include "absl/time/time.h"
#include "closedloop/v1/complaint.pb.h"
#include "tests/services/api_test_util.h"

namespace closedloop::testing {

inline v1::CommandResponse FileCase(TestServer& s, v1::Channel channel,
                                    const std::string& customer = "cust-1") {
  v1::FileComplaintRequest request;
  v1::Filed& f = *request.mutable_complaint();
  f.set_channel(channel);
  f.set_kind(v1::ITEM_KIND_COMPLAINT);
  f.set_customer_ref(customer);
  f.set_text("The washing machine was delivered without its hoses.");
  f.set_market("DE");
  return Ok(*s.complaints, &v1::ComplaintService::Stub::FileComplaint, request);
}

inline v1::CommandResponse Contact(TestServer& s, const std::string& id) {
  return Ok(*s.complaints, &v1::ComplaintService::Stub::RecordCustomerContact,
            Cmd<v1::RecordCustomerContactRequest>(
                "method: CONTACT_METHOD_PHONE outcome: CONTACT_OUTCOME_REACHED "
                "summary: 'Apologised, promised hoses tomorrow.'", id));
}

inline v1::CommandResponse Resolve(TestServer& s, const std::string& id) {
  return Ok(*s.complaints, &v1::ComplaintService::Stub::ResolveComplaint,
            Cmd<v1::ResolveComplaintRequest>(
                "resolution: 'Hoses delivered and fitted.' remedy { type: REMEDY_TYPE_REPLACEMENT }",
                id));
}

// Moves the clock by `by` and runs a timer pass. Once it returns, everything due by the new
// time has fired: passes never overlap, so one the server's own loop began meanwhile has
// finished too (and may have fired some of it, which is why there is no count to return).
inline void AdvanceAndFire(TestServer& s, absl::Duration by) {
  s.clock.Advance(by);
  absl::StatusOr<services::TimerService::Pass> pass = s.server->timers().FireDue();
  INFO(pass.status().ToString());
  REQUIRE(pass.ok());
}

// One event of a complaint's stream, decoded.
struct StreamEvent {
  uint64_t position = 0;
  std::string type;
  std::string request_id;
  std::string principal;
  v1::ComplaintEvent event;
};

inline std::vector<StreamEvent> StreamOf(TestServer& s, const std::string& id) {
  std::vector<StreamEvent> out;
  v1::ReadStreamRequest request;
  request.set_stream("complaint-" + id);
  request.set_page_size(1000);
  for (uint64_t from = 1; from != 0;) {
    request.set_from_revision(from);
    const v1::ReadStreamResponse page =
        Ok(*s.audit, &v1::AuditService::Stub::ReadStream, request);
    for (const v1::RecordedEvent& record : page.events()) {
      StreamEvent& e = out.emplace_back();
      e.position = record.position();
      e.type = record.type();
      e.request_id = record.request_id();
      e.principal = record.actor().principal();
      REQUIRE(e.event.ParseFromString(record.payload()));
    }
    from = page.next_revision();
  }
  return out;
}

// The types of the events of `id` after position `after`, in order.
inline std::vector<std::string> TypesAfter(TestServer& s, const std::string& id, uint64_t after) {
  std::vector<std::string> types;
  for (const StreamEvent& e : StreamOf(s, id)) {
    if (e.position > after) types.push_back(e.type);
  }
  return types;
}

// The deadline of `kind` in the view (the first one scheduled).
inline v1::DeadlineView DeadlineOf(const v1::ComplaintView& view, v1::DeadlineKind kind) {
  for (const v1::DeadlineView& d : view.deadlines()) {
    if (d.kind() == kind) return d;
  }
  FAIL("no deadline of kind " << v1::DeadlineKind_Name(kind));
  return {};
}

}  // namespace closedloop::testing

#endif  // CLOSEDLOOP_TESTS_SERVICES_TIMER_TEST_UTIL_H_
