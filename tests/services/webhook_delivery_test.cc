// Webhook delivery through a real server to a real HTTP receiver on 127.0.0.1: every event the
// endpoint's role may read arrives in order, signed, with its log position as its id; a
// receiver that fails gets the backlog in order afterwards; an event refused too often becomes
// a dead letter that a replay delivers again; a restart resumes after the delivered position.
#include <catch2/catch.hpp>

#include <map>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "google/protobuf/util/json_util.h"
#include "services/webhooks/webhook_signature.h"
#include "tests/services/http_receiver.h"
#include "tests/services/secured_server.h"

namespace closedloop {
namespace {

using namespace testing;  // NOLINT: the API test helpers
using CS = v1::ComplaintService::Stub;
using AdminS = v1::AdminService::Stub;

constexpr char kSecret[] = "whsec-test-7f3a";

services::WebhookTarget Target(const std::string& name, const std::string& url,
                               const std::string& role = "dashboard") {
  services::WebhookTarget target;
  target.endpoint.set_name(name);
  target.endpoint.set_url(url);
  target.endpoint.set_role(role);
  target.endpoint.set_max_attempts(12);
  target.endpoint.mutable_max_age()->set_seconds(24 * 3600);
  target.secret = kSecret;
  return target;
}

// A secured server delivering to `targets`, retrying within milliseconds.
std::unique_ptr<TestServer> ServerWith(std::vector<services::WebhookTarget> targets) {
  return SecuredServer([targets](services::ServerOptions& options) {
    options.webhooks = targets;
    options.webhook_timing.first_retry = absl::Milliseconds(5);
    options.webhook_timing.max_retry = absl::Milliseconds(20);
    options.webhook_timing.total_timeout = absl::Seconds(2);
  });
}

std::string File(TestServer& s, const std::string& token = TokenOf("integrator")) {
  return OkAs(token, *s.complaints, &CS::FileComplaint,
              Msg<v1::FileComplaintRequest>(
                  "complaint { channel: CHANNEL_WEB kind: ITEM_KIND_COMPLAINT customer_ref: 'c-1' "
                  "customer_contact: 'mia@example.com' market: 'DE' text: 'The sofa leg broke.' }"))
      .complaint_id();
}

// The positions of the complaint events in the log, in order.
std::vector<uint64_t> ComplaintEventIds(TestServer& s) {
  v1::ReadAllResponse page = OkAs(TokenOf("auditor"), *s.audit, &v1::AuditService::Stub::ReadAll,
                                  Msg<v1::ReadAllRequest>("page_size: 1000 filter { stream_prefix: 'complaint-' }"));
  std::vector<uint64_t> ids;
  for (const v1::RecordedEvent& e : page.events()) ids.push_back(e.position());
  return ids;
}

v1::DeliveredEvent Parsed(const ReceivedRequest& request) {
  v1::DeliveredEvent event;
  const auto parsed = google::protobuf::util::JsonStringToMessage(request.body, &event);
  INFO(request.body);
  REQUIRE(parsed.ok());
  return event;
}

// The ids of the requests received, each run of retries of one event counted once.
std::vector<uint64_t> DistinctIds(const HttpReceiver& receiver) {
  std::vector<uint64_t> ids;
  for (const ReceivedRequest& request : receiver.Requests()) {
    const uint64_t id = Parsed(request).id();
    if (ids.empty() || ids.back() != id) ids.push_back(id);
  }
  return ids;
}

v1::WebhookEndpointState StateOf(TestServer& s, const std::string& name) {
  const v1::ListWebhookEndpointsResponse list =
      OkAs(TokenOf("admin"), *s.admin, &AdminS::ListWebhookEndpoints, v1::ListWebhookEndpointsRequest());
  for (const auto& state : list.endpoints()) {
    if (state.name() == name) return state;
  }
  FAIL("no endpoint " << name);
  return {};
}

TEST_CASE("an endpoint receives every event its role may read, in order, signed, with its position as id",
          "[webhooks]") {
  HttpReceiver receiver;
  auto s = ServerWith({Target("wallboard", receiver.Url("/events"))});
  File(*s);
  File(*s, "token-for-app");
  const std::vector<uint64_t> expected = ComplaintEventIds(*s);
  REQUIRE(receiver.WaitForRequests(expected.size()));
  const std::vector<ReceivedRequest> requests = receiver.Requests();
  REQUIRE(requests.size() == expected.size());
  for (size_t i = 0; i < requests.size(); ++i) {
    const ReceivedRequest& request = requests[i];
    const v1::DeliveredEvent event = Parsed(request);
    CHECK(request.method == "POST");
    CHECK(request.path == "/events");
    CHECK(event.id() == expected[i]);
    CHECK(request.Header("Closedloop-Event-Id") == absl::StrCat(expected[i]));
    CHECK(request.Header("Closedloop-Event-Type") == event.type());
    CHECK(request.Header("Content-Type") == "application/json");
    CHECK(services::VerifySignature(kSecret, request.Header("Closedloop-Signature"), request.body,
                                    absl::Now(), absl::Minutes(5))
              .ok());
    CHECK_FALSE(services::VerifySignature("another-secret", request.Header("Closedloop-Signature"),
                                          request.body, absl::Now(), absl::Minutes(5))
                    .ok());
    CHECK(absl::StartsWith(event.stream(), "complaint-"));
    CHECK(event.summary().complaint_id() == event.stream().substr(10));
    // A dashboard's view: no contact data.
    CHECK(event.complaint().filed().customer_contact().empty());
  }
  const v1::WebhookEndpointState state = StateOf(*s, "wallboard");
  CHECK(state.status() == v1::WEBHOOK_STATUS_DELIVERING);
  // The count moves once the receiver's answer is back, a moment after it recorded the request.
  CHECK(state.delivered_since_start() + 1 >= expected.size());
  CHECK(state.delivered_since_start() <= expected.size());
  CHECK(state.url() == receiver.Url("/events"));
}

TEST_CASE("each endpoint receives exactly its role's and filters' events", "[webhooks]") {
  HttpReceiver gateway, webshop;
  // An agent's view, but not the messaging gateway: no contact data.
  services::WebhookTarget filings = Target("filings", gateway.Url(), "agent");
  filings.endpoint.add_event_types("complaint.filed");
  services::WebhookTarget integrator = Target("webshop", webshop.Url(), "integrator");
  integrator.endpoint.set_principal("system:webshop");
  auto s = ServerWith({filings, integrator});
  const std::string mine = File(*s);
  File(*s, "token-for-app");
  // A filing of the app's, whose events the webshop must not receive, then one more of the
  // webshop's: once that has arrived, everything before it has been passed.
  const std::string last = File(*s);
  REQUIRE(gateway.WaitForRequests(3));
  for (const ReceivedRequest& request : gateway.Requests()) {
    const v1::DeliveredEvent event = Parsed(request);
    CHECK(event.type() == "complaint.filed");
    CHECK(event.complaint().filed().customer_contact().empty());
    CHECK(request.body.find("mia@example.com") == std::string::npos);
  }
  std::vector<uint64_t> expected;
  v1::ReadAllResponse page = OkAs(TokenOf("auditor"), *s->audit, &v1::AuditService::Stub::ReadAll,
                                  Msg<v1::ReadAllRequest>("page_size: 1000"));
  for (const v1::RecordedEvent& e : page.events()) {
    if (e.stream() == "complaint-" + mine || e.stream() == "complaint-" + last) expected.push_back(e.position());
  }
  REQUIRE(webshop.WaitForRequests(expected.size()));
  CHECK(DistinctIds(webshop) == expected);
}

TEST_CASE("a receiver that fails for a while gets the backlog in order afterwards", "[webhooks]") {
  HttpReceiver receiver;
  receiver.SetStatus(503, "maintenance");
  // Retried for as long as the test takes, however slow the machine: never a dead letter.
  services::WebhookTarget crm = Target("crm", receiver.Url());
  crm.endpoint.set_max_attempts(1000000);
  auto s = ServerWith({crm});
  File(*s);
  // The third attempt at the first event means two failures were recorded.
  REQUIRE(receiver.WaitForRequests(3));
  const v1::WebhookEndpointState retrying = StateOf(*s, "crm");
  CHECK(retrying.status() == v1::WEBHOOK_STATUS_RETRYING);
  CHECK(retrying.attempts() >= 2);
  CHECK(absl::StrContains(retrying.last_error(), "HTTP 503"));
  CHECK(retrying.lag() > 0);
  // Down altogether: connections refused.
  receiver.Stop();
  File(*s);
  File(*s);
  receiver.SetStatus(200);
  receiver.Start();
  const std::vector<uint64_t> expected = ComplaintEventIds(*s);
  for (size_t n = receiver.Requests().size(); DistinctIds(receiver).size() < expected.size();) {
    REQUIRE(receiver.WaitForRequests(++n));
  }
  CHECK(DistinctIds(receiver) == expected);
  CHECK(StateOf(*s, "crm").dead_letter_count() == 0);
}

TEST_CASE("an event refused at every attempt becomes a dead letter, delivery goes on, and a replay sends it again",
          "[webhooks]") {
  HttpReceiver receiver;
  services::WebhookTarget target = Target("erp", receiver.Url());
  target.endpoint.set_max_attempts(2);
  target.endpoint.add_event_types("complaint.filed");
  auto s = ServerWith({target});
  receiver.SetStatus(422, "unprocessable");
  File(*s);
  REQUIRE(receiver.WaitForRequests(2));
  receiver.SetStatus(200);
  File(*s);
  REQUIRE(receiver.WaitForRequests(3));
  const std::vector<ReceivedRequest> requests = receiver.Requests();
  const uint64_t dead = Parsed(requests[0]).id();
  CHECK(Parsed(requests[1]).id() == dead);
  CHECK(Parsed(requests[2]).id() > dead);
  const v1::WebhookEndpointState state = StateOf(*s, "erp");
  CHECK(state.dead_letter_count() == 1);
  REQUIRE(state.dead_letters_size() == 1);
  CHECK(state.dead_letters(0).event_id() == dead);
  CHECK(state.dead_letters(0).attempts() == 2);
  CHECK(absl::StrContains(state.dead_letters(0).last_error(), "HTTP 422"));

  v1::ReplayWebhookEndpointRequest replay;
  replay.set_name("erp");
  replay.set_from_position(dead);
  const v1::WebhookEndpointState replayed =
      OkAs(TokenOf("admin"), *s->admin, &AdminS::ReplayWebhookEndpoint, replay);
  // (Its position may already be past the replayed events: the receiver answers at once.)
  CHECK(replayed.name() == "erp");
  REQUIRE(receiver.WaitForRequests(5));
  const std::vector<ReceivedRequest> again = receiver.Requests();
  CHECK(Parsed(again[3]).id() == dead);
  CHECK(Parsed(again[4]).id() == Parsed(requests[2]).id());

  replay.set_name("nope");
  v1::WebhookEndpointState unused;
  CHECK(CallAs(TokenOf("admin"), *s->admin, &AdminS::ReplayWebhookEndpoint, replay, &unused).error_code() ==
        grpc::StatusCode::NOT_FOUND);
  replay.set_name("erp");
  replay.set_from_position(s->log->HeadPosition() + 2);
  CHECK(CallAs(TokenOf("admin"), *s->admin, &AdminS::ReplayWebhookEndpoint, replay, &unused).error_code() ==
        grpc::StatusCode::OUT_OF_RANGE);
  CHECK(CallAs(TokenOf("superhero"), *s->admin, &AdminS::ReplayWebhookEndpoint, replay, &unused).error_code() ==
        grpc::StatusCode::PERMISSION_DENIED);
}

TEST_CASE("a new endpoint starts at the head, and a restart resumes after the delivered position",
          "[webhooks]") {
  HttpReceiver receiver;
  auto s = ServerWith({});
  File(*s);  // before the endpoint was configured: never sent to it
  const uint64_t before = s->log->HeadPosition();
  s->Stop();
  auto previous = s->customize;
  s->customize = [previous, url = receiver.Url()](services::ServerOptions& options) {
    previous(options);
    options.webhooks = {Target("crm", url)};
  };
  s->Start();
  CHECK(StateOf(*s, "crm").delivered_position() == before);
  File(*s);
  std::vector<uint64_t> expected;
  for (uint64_t id : ComplaintEventIds(*s)) {
    if (id > before) expected.push_back(id);
  }
  REQUIRE(receiver.WaitForRequests(expected.size()));
  s->Stop();
  s->Start();
  File(*s);
  for (uint64_t id : ComplaintEventIds(*s)) {
    if (id > expected.back()) expected.push_back(id);
  }
  REQUIRE(receiver.WaitForRequests(expected.size()));
  CHECK(DistinctIds(receiver) == expected);
  CHECK(receiver.Requests().size() == expected.size());  // nothing twice
  // The receiver counts a request before it answers, so the endpoint may not have recorded the
  // last one yet; a stop waits for the answer and records it.
  s->Stop();
  s->Start();
  CHECK(StateOf(*s, "crm").delivered_position() >= expected.back());
}

}  // namespace
}  // namespace closedloop
