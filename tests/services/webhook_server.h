// A secured test server delivering to webhook endpoints, for the tests of what operators and
// integrators see of delivery (CLI, metrics): endpoints, filings, and the endpoints' state.
#ifndef CLOSEDLOOP_TESTS_SERVICES_WEBHOOK_SERVER_H_
#define CLOSEDLOOP_TESTS_SERVICES_WEBHOOK_SERVER_H_

#include <catch2/catch.hpp>
#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "closedloop/v1/admin_service.grpc.pb.h"
#include "tests/services/secured_server.h"

namespace closedloop::testing {

// An endpoint receiving `role`'s view, retried (nearly) without end unless a test says otherwise.
inline services::WebhookTarget WebhookTo(const std::string& name, const std::string& url,
                                         const std::string& role = "dashboard") {
  services::WebhookTarget target;
  target.endpoint.set_name(name);
  target.endpoint.set_url(url);
  target.endpoint.set_role(role);
  target.endpoint.set_max_attempts(1000000);
  target.endpoint.mutable_max_age()->set_seconds(24 * 3600);
  target.secret = "whsec-ops-test";
  return target;
}

// A secured server delivering to `targets`, retrying within milliseconds; `more` may change
// further options.
inline std::unique_ptr<TestServer> WebhookServer(
    std::vector<services::WebhookTarget> targets,
    std::function<void(services::ServerOptions&)> more = nullptr) {
  return SecuredServer([targets, more](services::ServerOptions& options) {
    options.webhooks = targets;
    options.webhook_timing.first_retry = absl::Milliseconds(5);
    options.webhook_timing.max_retry = absl::Milliseconds(20);
    options.webhook_timing.total_timeout = absl::Seconds(2);
    if (more) more(options);
  });
}

// Files a complaint as `token`'s principal; its id.
inline std::string FileAs(TestServer& s, const std::string& token) {
  return OkAs(token, *s.complaints, &v1::ComplaintService::Stub::FileComplaint,
              Msg<v1::FileComplaintRequest>(
                  "complaint { channel: CHANNEL_WEB kind: ITEM_KIND_COMPLAINT customer_ref: 'c-1' "
                  "customer_contact: 'mia@example.com' market: 'DE' text: 'The sofa leg broke.' }"))
      .complaint_id();
}

// The log positions of the complaints' events, in order.
inline std::vector<uint64_t> ComplaintEventPositions(TestServer& s) {
  const v1::ReadAllResponse page =
      OkAs(TokenOf("auditor"), *s.audit, &v1::AuditService::Stub::ReadAll,
           Msg<v1::ReadAllRequest>("page_size: 1000 filter { stream_prefix: 'complaint-' }"));
  std::vector<uint64_t> positions;
  for (const v1::RecordedEvent& e : page.events()) positions.push_back(e.position());
  return positions;
}

// Endpoint `name`'s state, as the admin API reports it.
inline v1::WebhookEndpointState WebhookState(TestServer& s, const std::string& name) {
  const v1::ListWebhookEndpointsResponse list =
      OkAs(TokenOf("admin"), *s.admin, &v1::AdminService::Stub::ListWebhookEndpoints,
           v1::ListWebhookEndpointsRequest());
  for (const v1::WebhookEndpointState& state : list.endpoints()) {
    if (state.name() == name) return state;
  }
  FAIL("no endpoint " << name);
  return {};
}

// Waits until endpoint `name` has passed `position` (its state then stays as it is until the
// log grows); fails after a minute. Delivery runs on its own thread: there is no call to
// wait on, so this asks again, yielding in between.
inline v1::WebhookEndpointState AwaitPassed(TestServer& s, const std::string& name, uint64_t position) {
  const absl::Time give_up = absl::Now() + absl::Minutes(1);
  v1::WebhookEndpointState state = WebhookState(s, name);
  while (state.delivered_position() < position && absl::Now() < give_up) {
    std::this_thread::yield();
    state = WebhookState(s, name);
  }
  INFO(name << " stays at " << state.delivered_position() << ": " << state.last_error());
  REQUIRE(state.delivered_position() >= position);
  return state;
}

}  // namespace closedloop::testing

#endif  // CLOSEDLOOP_TESTS_SERVICES_WEBHOOK_SERVER_H_
