// The webhook endpoints' series on the metrics endpoint: a real server delivering to real
// receivers on 127.0.0.1 (one accepting, one failing, one refusing for good), then a real
// scrape of /metrics. Each figure is checked once the endpoint's state is settled: passed the
// head, or retrying an event that never succeeds.
#include <catch2/catch.hpp>

#include "tests/services/http_receiver.h"
#include "tests/services/metrics_scrape.h"
#include "tests/services/webhook_server.h"

namespace closedloop {
namespace {

using namespace testing;  // NOLINT: the API test helpers

TEST_CASE("a scrape shows each webhook endpoint's position, lag, deliveries, dead letters and retrying",
          "[webhooks][metrics]") {
  HttpReceiver accepting, failing, refusing;
  failing.SetStatus(503, "maintenance");
  refusing.SetStatus(422, "unprocessable");
  services::WebhookTarget erp = WebhookTo("erp", refusing.Url());
  erp.endpoint.set_max_attempts(1);
  erp.endpoint.add_event_types("complaint.filed");
  auto s = WebhookServer({WebhookTo("wallboard", accepting.Url()), WebhookTo("crm", failing.Url()), erp},
                         [](services::ServerOptions& o) { o.metrics_listen_address = "127.0.0.1:0"; });
  REQUIRE(s->server->metrics_port() > 0);
  // A new endpoint starts at the head.
  const uint64_t start = s->log->HeadPosition();

  FileAs(*s, TokenOf("integrator"));
  const uint64_t head = s->log->HeadPosition();
  const size_t complaint_events = ComplaintEventPositions(*s).size();
  REQUIRE(complaint_events > 1);
  // The second attempt at crm's first event: the first failure is recorded.
  REQUIRE(failing.WaitForRequests(2));
  AwaitPassed(*s, "wallboard", head);
  AwaitPassed(*s, "erp", head);

  const std::vector<Sample> m = Parse(HttpGet(s->server->metrics_port(), "/metrics"));
  REQUIRE(s->log->HeadPosition() == head);
  const Labels wallboard{{"endpoint", "wallboard"}};
  const Labels crm{{"endpoint", "crm"}};
  const Labels refused{{"endpoint", "erp"}};

  CHECK(Value(m, "closedloop_webhook_delivered_position", wallboard) == head);
  CHECK(Value(m, "closedloop_webhook_lag_events", wallboard) == 0);
  CHECK(Value(m, "closedloop_webhook_delivered_total", wallboard) == complaint_events);
  CHECK(Value(m, "closedloop_webhook_dead_letters_total", wallboard) == 0);
  CHECK(Value(m, "closedloop_webhook_retrying", wallboard) == 0);

  // Stuck before its first event, while it retries it (events before it that are not its
  // own may have been passed).
  const v1::WebhookEndpointState stuck = WebhookState(*s, "crm");
  REQUIRE(stuck.status() == v1::WEBHOOK_STATUS_RETRYING);
  CHECK(stuck.delivered_position() >= start);
  CHECK(stuck.delivered_position() < stuck.retrying_event_id());
  CHECK(Value(m, "closedloop_webhook_delivered_position", crm) == stuck.delivered_position());
  CHECK(Value(m, "closedloop_webhook_lag_events", crm) == head - stuck.delivered_position());
  CHECK(Value(m, "closedloop_webhook_delivered_total", crm) == 0);
  CHECK(Value(m, "closedloop_webhook_dead_letters_total", crm) == 0);
  CHECK(Value(m, "closedloop_webhook_retrying", crm) == 1);

  // Refused once, given up on (max_attempts 1), and passed.
  CHECK(Value(m, "closedloop_webhook_delivered_position", refused) == head);
  CHECK(Value(m, "closedloop_webhook_lag_events", refused) == 0);
  CHECK(Value(m, "closedloop_webhook_delivered_total", refused) == 0);
  CHECK(Value(m, "closedloop_webhook_dead_letters_total", refused) == 1);
  CHECK(Value(m, "closedloop_webhook_retrying", refused) == 0);
  CHECK(refusing.Requests().size() == 1);

  CHECK_FALSE(Find(m, "closedloop_webhook_retrying", {{"endpoint", "unconfigured"}}).has_value());
}

}  // namespace
}  // namespace closedloop
