// A dead webhook endpoint and a consumer that never reads cost filings nothing: filings succeed
// within a deadline far shorter than the hung POST, consumer groups go on receiving, and the
// endpoint's state shows how far behind it is.
//
// Each test can fail: were a delivery made with the append (a POST before the filing answers),
// the first filing would wait for the receiver's 30 s timeout and miss its 5 s deadline; were
// appends to wait for every open stream to take its events, the filings after the unread
// stream's flow-control window filled would miss theirs.
#include <catch2/catch.hpp>

#include <chrono>

#include "absl/strings/str_cat.h"
#include "tests/services/http_receiver.h"
#include "tests/services/secured_server.h"

namespace closedloop {
namespace {

using namespace testing;  // NOLINT: the API test helpers
using CS = v1::ComplaintService::Stub;

constexpr char kSecret[] = "whsec-test-9d01";

// Files `count` complaints in one batch as the integrator, which must all succeed within
// `deadline`.
void FileCases(TestServer& s, const std::string& prefix, int count,
               std::chrono::seconds deadline = std::chrono::seconds(5)) {
  v1::FileComplaintsRequest request;
  for (int i = 0; i < count; ++i) {
    v1::FileComplaintRequest& one = *request.add_filings();
    one.set_request_id(absl::StrCat(prefix, "-", i));
    one.mutable_complaint()->set_channel(v1::CHANNEL_WEB);
    one.mutable_complaint()->set_kind(v1::ITEM_KIND_COMPLAINT);
    one.mutable_complaint()->set_customer_ref(absl::StrCat("customer-", prefix, "-", i));
    one.mutable_complaint()->set_market("DE");
    one.mutable_complaint()->set_text("The parcel never came.");
  }
  grpc::ClientContext context;
  context.AddMetadata("authorization", "Bearer " + TokenOf("integrator"));
  context.set_deadline(std::chrono::system_clock::now() + deadline);
  v1::FileComplaintsResponse response;
  const grpc::Status status = s.complaints->FileComplaints(&context, request, &response);
  INFO(status.error_message());
  REQUIRE(status.ok());
  for (const auto& result : response.results()) REQUIRE(result.code() == 0);
}

// The positions of the log's complaint events, in order.
std::vector<uint64_t> ComplaintEventIds(TestServer& s) {
  std::vector<uint64_t> ids;
  v1::ReadAllRequest request = Msg<v1::ReadAllRequest>("page_size: 1000 filter { stream_prefix: 'complaint-' }");
  for (;;) {
    const v1::ReadAllResponse page =
        OkAs(TokenOf("auditor"), *s.audit, &v1::AuditService::Stub::ReadAll, request);
    for (const v1::RecordedEvent& e : page.events()) ids.push_back(e.position());
    if (page.next_position() > page.head_position()) return ids;
    request.set_from_position(page.next_position());
  }
}

// Reads `reader` until `count` events came (a caught_up marker is passed over); their ids.
std::vector<uint64_t> ReadEvents(grpc::ClientReaderInterface<v1::SubscribeGroupResponse>& reader,
                                 size_t count) {
  std::vector<uint64_t> ids;
  v1::SubscribeGroupResponse message;
  while (ids.size() < count && reader.Read(&message)) {
    if (message.has_event()) ids.push_back(message.event().id());
  }
  return ids;
}

TEST_CASE("an endpoint that never answers slows no filing, and a consumer group still receives every event",
          "[webhooks]") {
  HttpReceiver receiver;
  receiver.SetSilent(true);
  auto s = SecuredServer([url = receiver.Url("/events")](services::ServerOptions& options) {
    services::WebhookTarget target;
    target.endpoint.set_name("wallboard");
    target.endpoint.set_url(url);
    target.endpoint.set_role("dashboard");
    target.endpoint.set_max_attempts(12);
    target.endpoint.mutable_max_age()->set_seconds(24 * 3600);
    target.secret = kSecret;
    options.webhooks = {target};
    // The delivery hangs in its first POST for the whole test.
    options.webhook_timing.total_timeout = absl::Seconds(30);
  });
  FileCases(*s, "first", 1);
  REQUIRE(receiver.WaitForRequests(1));

  // The delivery is stuck in a POST: 200 filings go through regardless, each within 5 s.
  for (int i = 0; i < 200; ++i) FileCases(*s, absl::StrCat("case-", i), 1);
  const std::vector<uint64_t> expected = ComplaintEventIds(*s);
  REQUIRE(expected.size() >= 201);

  // Well within the hung POST's 30 s: the group's stream waits on nothing the delivery holds.
  grpc::ClientContext context;
  Authenticate(context, TokenOf("superhero"));
  context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
  auto reader = s->subscriptions->SubscribeGroup(&context, Msg<v1::SubscribeGroupRequest>("group: 'crm'"));
  CHECK(ReadEvents(*reader, expected.size()) == expected);
  context.TryCancel();
  reader->Finish().ok();

  const v1::ListWebhookEndpointsResponse list = OkAs(
      TokenOf("admin"), *s->admin, &v1::AdminService::Stub::ListWebhookEndpoints, v1::ListWebhookEndpointsRequest());
  REQUIRE(list.endpoints_size() == 1);
  const v1::WebhookEndpointState& state = list.endpoints(0);
  // Stuck before the first complaint event.
  CHECK(state.delivered_position() == expected.front() - 1);
  CHECK(state.lag() >= expected.size());
  // Still the first POST: nothing was delivered or retried meanwhile.
  CHECK(receiver.Requests().size() == 1);
  // Lets the hung POST fail now, so that the server's stop does not wait out its timeout.
  receiver.Stop();
}

TEST_CASE("a consumer group stream that is never read slows no filing, and delivers everything when read",
          "[subscriptions]") {
  auto s = SecuredServer();
  grpc::ClientContext context;
  Authenticate(context, TokenOf("superhero"));
  context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(120));
  auto reader = s->subscriptions->SubscribeGroup(&context, Msg<v1::SubscribeGroupRequest>("group: 'crm'"));
  // Far more than gRPC's flow-control window holds: the stream's handler waits in Write, and
  // only it.
  for (int batch = 0; batch < 4; ++batch) {
    FileCases(*s, absl::StrCat("batch-", batch), 500, std::chrono::seconds(20));
  }
  const std::vector<uint64_t> expected = ComplaintEventIds(*s);
  REQUIRE(expected.size() >= 2000);
  CHECK(ReadEvents(*reader, expected.size()) == expected);
  context.TryCancel();
  reader->Finish().ok();
}

}  // namespace
}  // namespace closedloop
