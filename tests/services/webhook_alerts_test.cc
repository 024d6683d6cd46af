// Alerts up the chain and the customer's messages through a real server, its timers on a fake
// clock, and real HTTP receivers: an alert endpoint hears of a warning with the owner to tell,
// and the case's history records it once; the messaging gateway gets what the customer is owed
// with the contact, and its report back (RecordCustomerContact) settles the owed update.
#include <catch2/catch.hpp>

#include "absl/strings/str_cat.h"
#include "google/protobuf/util/json_util.h"
#include "storage/event_log.h"
#include "tests/services/api_test_util.h"
#include "tests/services/http_receiver.h"
#include "tests/services/timer_test_util.h"

namespace closedloop {
namespace {

using namespace testing;  // NOLINT: the API test helpers

services::WebhookTarget Endpoint(const std::string& name, const std::string& url,
                                 const std::string& role) {
  services::WebhookTarget target;
  target.endpoint.set_name(name);
  target.endpoint.set_url(url);
  target.endpoint.set_role(role);
  target.endpoint.set_max_attempts(12);
  target.endpoint.mutable_max_age()->set_seconds(3600);
  target.secret = "s3cret";
  return target;
}

std::unique_ptr<TestServer> ServerWith(std::vector<services::WebhookTarget> targets) {
  return std::make_unique<TestServer>([targets](services::ServerOptions& options) {
    options.webhooks = targets;
    options.webhook_timing.first_retry = absl::Milliseconds(5);
    options.webhook_timing.max_retry = absl::Milliseconds(20);
  });
}

v1::DeliveredEvent Parsed(const ReceivedRequest& request) {
  v1::DeliveredEvent event;
  INFO(request.body);
  REQUIRE(google::protobuf::util::JsonStringToMessage(request.body, &event).ok());
  return event;
}

std::string FileWithContact(TestServer& s) {
  return Ok(*s.complaints, &v1::ComplaintService::Stub::FileComplaint,
            Msg<v1::FileComplaintRequest>(
                "complaint { channel: CHANNEL_HOTLINE kind: ITEM_KIND_COMPLAINT customer_ref: 'c-9' "
                "customer_contact: '+49 30 1234567' market: 'DE' language: 'de' "
                "text: 'The washing machine came without hoses.' }"))
      .complaint_id();
}

// Waits for the next alert_sent the log records after `after`; its record.
v1::RecordedEvent NextAlertSent(TestServer& s, uint64_t after) {
  storage::EventFilter filter;
  filter.event_types = {"complaint.alert_sent"};
  auto subscription = s.log->Subscribe(after + 1, filter);
  absl::StatusOr<std::vector<v1::RecordedEvent>> next =
      subscription->Next(1, absl::Now() + absl::Seconds(30));
  REQUIRE(next.ok());
  REQUIRE(next->size() == 1);
  return next->front();
}

int AlertsSentFor(TestServer& s, uint64_t raised_by) {
  v1::ReadAllResponse page = Ok(*s.audit, &v1::AuditService::Stub::ReadAll,
                                Msg<v1::ReadAllRequest>("page_size: 1000 filter { event_types: 'complaint.alert_sent' }"));
  int n = 0;
  for (const v1::RecordedEvent& e : page.events()) {
    v1::ComplaintEvent event;
    REQUIRE(event.ParseFromString(e.payload()));
    n += event.alert_sent().raised_by() == raised_by;
  }
  return n;
}

TEST_CASE("an alert endpoint hears of a warning with the owner to tell, and the case's history records it once",
          "[webhooks][alerts]") {
  HttpReceiver pager;
  services::WebhookTarget alerts = Endpoint("cx-pager", pager.Url(), "dashboard");
  alerts.endpoint.set_alerts(true);
  auto s = ServerWith({alerts});
  const std::string id = FileWithContact(*s);
  const v1::ComplaintView filed = View(*s, id, s->log->HeadPosition());
  const v1::DeadlineView first = DeadlineOf(filed, v1::DEADLINE_KIND_FIRST_CONTACT);
  REQUIRE(first.has_warn_at());
  const uint64_t before = s->log->HeadPosition();
  AdvanceAndFire(*s, T(first.warn_at()) - s->clock.Now());

  REQUIRE(pager.WaitForRequests(1));
  const v1::DeliveredEvent warning = Parsed(pager.Requests()[0]);
  CHECK(warning.type() == "complaint.deadline_warned");
  CHECK(warning.alert().kind() == v1::ALERT_KIND_WARNING);
  CHECK(warning.alert().complaint_id() == id);
  CHECK(warning.alert().deadline_kind() == v1::DEADLINE_KIND_FIRST_CONTACT);
  REQUIRE(warning.alert().recipients_size() >= 1);
  CHECK(warning.alert().recipients(0).role() == v1::RECIPIENT_ROLE_OWNER);
  CHECK(warning.alert().recipients(0).name() == filed.owner());
  // A dashboard's alert endpoint: no contact data anywhere in it.
  CHECK(pager.Requests()[0].body.find("1234567") == std::string::npos);

  const v1::RecordedEvent recorded = NextAlertSent(*s, before);
  CHECK(recorded.stream() == "complaint-" + id);
  v1::ComplaintEvent sent;
  REQUIRE(sent.ParseFromString(recorded.payload()));
  CHECK(sent.alert_sent().endpoint() == "cx-pager");
  CHECK(sent.alert_sent().raised_by() == warning.id());
  CHECK(sent.alert_sent().alert().kind() == v1::ALERT_KIND_WARNING);
  CHECK(recorded.actor().principal() == "webhook:cx-pager");
  // GetComplaint's history shows it.
  const v1::ComplaintView after = View(*s, id, recorded.position());
  bool in_history = false;
  for (const v1::HistoryEntry& entry : after.history()) in_history |= entry.type() == "complaint.alert_sent";
  CHECK(in_history);

  // Delivered again (a replay, as after a crash): the receiver hears it twice, the history
  // records it once. The breach that follows proves the replayed recording has run.
  v1::ReplayWebhookEndpointRequest replay;
  replay.set_name("cx-pager");
  replay.set_from_position(warning.id());
  Ok(*s->admin, &v1::AdminService::Stub::ReplayWebhookEndpoint, replay);
  REQUIRE(pager.WaitForRequests(2));
  CHECK(Parsed(pager.Requests()[1]).id() == warning.id());
  AdvanceAndFire(*s, T(first.due()) - s->clock.Now());
  const v1::RecordedEvent breach_sent = NextAlertSent(*s, recorded.position());
  v1::ComplaintEvent breach;
  REQUIRE(breach.ParseFromString(breach_sent.payload()));
  CHECK(breach.alert_sent().alert().kind() == v1::ALERT_KIND_BREACH);
  CHECK(AlertsSentFor(*s, warning.id()) == 1);
}

TEST_CASE("the messaging gateway gets what the customer is owed with the contact, and its report back settles the update",
          "[webhooks][customer-messages]") {
  HttpReceiver gateway, wallboard;
  services::WebhookTarget messaging = Endpoint("sms-gateway", gateway.Url(), "agent");
  messaging.endpoint.set_messaging(true);
  auto s = ServerWith({messaging, Endpoint("wallboard", wallboard.Url(), "agent")});
  const std::string id = FileWithContact(*s);
  const v1::ComplaintView filed = View(*s, id, s->log->HeadPosition());
  const v1::DeadlineView first = DeadlineOf(filed, v1::DEADLINE_KIND_FIRST_CONTACT);
  AdvanceAndFire(*s, T(first.warn_at()) - s->clock.Now());
  REQUIRE(gateway.WaitForRequests(1));
  const v1::CustomerMessage hello = Parsed(gateway.Requests()[0]).customer_message();
  CHECK(hello.purpose() == v1::CUSTOMER_MESSAGE_PURPOSE_FIRST_CONTACT_DUE);
  CHECK(hello.customer_contact() == "+49 30 1234567");
  CHECK(hello.language() == "de");
  CHECK(hello.complaint_id() == id);

  // The agent reaches the customer; the resolution target passes: the case hangs, and the
  // customer is owed an update, which the gateway is sent.
  Contact(*s, id);
  const v1::DeadlineView resolution = DeadlineOf(filed, v1::DEADLINE_KIND_RESOLUTION);
  AdvanceAndFire(*s, T(resolution.due()) - s->clock.Now());
  v1::DeadlineView update = DeadlineOf(View(*s, id, s->log->HeadPosition()), v1::DEADLINE_KIND_CUSTOMER_UPDATE);
  AdvanceAndFire(*s, T(update.has_warn_at() ? update.warn_at() : update.due()) - s->clock.Now());
  REQUIRE(gateway.WaitForRequests(2));
  const v1::CustomerMessage owed = Parsed(gateway.Requests()[1]).customer_message();
  CHECK(owed.purpose() == v1::CUSTOMER_MESSAGE_PURPOSE_UPDATE_DUE);
  CHECK(T(owed.due()) == T(update.due()));

  // The gateway reports back: an SMS that reached the customer satisfies the owed update.
  const v1::CommandResponse reported = Ok(*s->complaints, &v1::ComplaintService::Stub::RecordCustomerContact,
      Cmd<v1::RecordCustomerContactRequest>(
          "method: CONTACT_METHOD_SMS outcome: CONTACT_OUTCOME_REACHED summary: 'update sent by SMS'", id));
  const v1::ComplaintView settled = View(*s, id, reported.position());
  bool satisfied = false;
  for (const v1::DeadlineView& d : settled.deadlines()) {
    if (d.timer_id() == update.timer_id()) satisfied = d.state() == v1::DEADLINE_STATE_SATISFIED;
  }
  CHECK(satisfied);

  Resolve(*s, id);
  REQUIRE(gateway.WaitForRequests(3));
  const v1::CustomerMessage resolved = Parsed(gateway.Requests()[2]).customer_message();
  CHECK(resolved.purpose() == v1::CUSTOMER_MESSAGE_PURPOSE_RESOLVED);
  CHECK(resolved.resolution() == "Hoses delivered and fitted.");
  // Only the gateway: an ordinary endpoint reading as the same role gets no contact data.
  REQUIRE(wallboard.WaitForRequests(1));
  for (const ReceivedRequest& request : wallboard.Requests()) {
    CHECK(request.body.find("1234567") == std::string::npos);
  }
}

}  // namespace
}  // namespace closedloop
