// The Prometheus endpoint end to end: a real server (in process, and the closedloopd binary)
// with --metrics_listen on port 0, real calls, then a real HTTP GET of /metrics parsed back
// into series. Every scrape follows a query with min_position at the log's head, so the
// figures it checks are settled before it is made; nothing waits on time.
#include <catch2/catch.hpp>

#include <cmath>
#include <cstdlib>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "prometheus/registry.h"
#include "services/metrics/case_collector.h"
#include "services/metrics/rpc_metrics.h"
#include "services/metrics/scrape_families.h"
#include "tests/services/daemon_util.h"
#include "tests/services/metrics_scrape.h"
#include "tests/services/timer_test_util.h"

namespace closedloop {
namespace {

using namespace testing;  // NOLINT: the API test helpers

constexpr char kFileComplaint[] = "closedloop.v1.ComplaintService/FileComplaint";

std::vector<Sample> Scrape(TestServer& s) { return Parse(HttpGet(s.server->metrics_port(), "/metrics")); }

TestServer ServerWithMetrics() {
  return TestServer([](services::ServerOptions& o) { o.metrics_listen_address = "127.0.0.1:0"; });
}

// Waits (by min_position, not time) until the projections reflect the log's head.
void AwaitViews(TestServer& s, const std::string& any_id) { View(s, any_id, s.log->HeadPosition()); }

TEST_CASE("metrics count calls by method and code, appends, lag, open cases and timers", "[metrics]") {
  TestServer s = ServerWithMetrics();
  REQUIRE(s.server->metrics_port() > 0);

  std::vector<std::string> ids;
  for (int i = 0; i < 3; ++i) ids.push_back(FileCase(s, v1::CHANNEL_HOTLINE).complaint_id());
  Contact(s, ids[0]);
  Resolve(s, ids[0]);
  v1::FileComplaintRequest empty;  // no complaint at all: refused before anything is written
  v1::CommandResponse refused;
  REQUIRE(Call(*s.complaints, &v1::ComplaintService::Stub::FileComplaint, empty, &refused)
              .error_code() == grpc::StatusCode::INVALID_ARGUMENT);
  AwaitViews(s, ids[1]);
  const std::string team = View(s, ids[1]).team();
  REQUIRE(!team.empty());

  const std::vector<Sample> m = Scrape(s);

  SECTION("calls by method and code") {
    const Labels failed{{"method", kFileComplaint}, {"code", "INVALID_ARGUMENT"}};
    const Labels filed{{"method", kFileComplaint}, {"code", "OK"}};
    CHECK(Value(m, "closedloop_rpc_handled_total", failed) == 1);
    CHECK(Value(m, "closedloop_rpc_handled_total", filed) == 3);
    CHECK(Value(m, "closedloop_rpc_duration_seconds_count", filed) == 3);
    Labels inf = filed;
    inf["le"] = "+Inf";
    CHECK(Value(m, "closedloop_rpc_duration_seconds_bucket", inf) == 3);
    CHECK(Value(m, "closedloop_rpc_duration_seconds_sum", filed) > 0);
    CHECK(Value(m, "closedloop_rpc_handled_total",
                {{"method", "closedloop.v1.ComplaintService/ResolveComplaint"}, {"code", "OK"}}) == 1);
    CHECK(Value(m, "closedloop_rpc_handled_total",
                {{"method", "closedloop.v1.QueryService/GetComplaint"}, {"code", "OK"}}) >= 2);
  }

  SECTION("group commit: batch sizes and sync latency") {
    const double commits = Value(m, "closedloop_append_batch_appends_count");
    CHECK(commits > 0);
    CHECK(commits == Value(m, "closedloop_append_sync_seconds_count"));
    CHECK(commits == Value(m, "closedloop_append_batch_appends_bucket", {{"le", "+Inf"}}));
    CHECK(Value(m, "closedloop_append_batch_appends_sum") >= 5);  // 3 filings, contact, resolve
    CHECK(Value(m, "closedloop_append_batch_events_sum") >= 3 * 5);
    CHECK(Value(m, "closedloop_appends_total") >= 5);
  }

  SECTION("projection lag in positions") {
    const double head = Value(m, "closedloop_log_head_position");
    const double projected = Value(m, "closedloop_projection_position");
    CHECK(head >= 5);
    CHECK(projected <= head);
    CHECK(Value(m, "closedloop_projection_lag_positions") == head - projected);
  }

  SECTION("open cases per team, every configured team listed") {
    CHECK(Value(m, "closedloop_open_cases", {{"team", team}}) == 2);
    CHECK(Value(m, "closedloop_open_cases", {{"team", "red-button"}}) == 0);
    CHECK(Value(m, "closedloop_breached_cases", {{"team", team}}) == 0);
    CHECK(Value(m, "closedloop_hanging_cases", {{"team", "red-button"}}) == 0);
    CHECK(Find(m, "closedloop_at_risk_cases", {{"team", team}}).has_value());
  }

  SECTION("timers pending: the open cases' unsatisfied deadlines") {
    // Each filing schedules first contact and resolution; the resolved case has left.
    CHECK(Value(m, "closedloop_timers_pending") == 2 * 2);
  }
}

TEST_CASE("team gauges equal the superhero boards as deadlines pass", "[metrics]") {
  TestServer s = ServerWithMetrics();
  std::vector<std::string> ids;
  for (int i = 0; i < 4; ++i) ids.push_back(FileCase(s, v1::CHANNEL_HOTLINE).complaint_id());
  Contact(s, ids[0]);
  AwaitViews(s, ids[0]);
  const std::string team = View(s, ids[0]).team();
  std::vector<std::string> members;
  const v1::Config config = services::DefaultConfig();
  for (const v1::Team& t : config.directory().teams()) {
    if (t.name() == team) members.assign(t.members().begin(), t.members().end());
  }
  REQUIRE(!members.empty());

  // Before the first-contact warning, past it, past the breach, past the resolution target.
  for (absl::Duration step : {absl::ZeroDuration(), absl::Minutes(100), absl::Hours(1),
                              absl::Hours(24)}) {
    AdvanceAndFire(s, step);
    const uint64_t head = s.log->HeadPosition();
    v1::SuperheroBoard sum;
    for (const std::string& owner : members) {
      v1::GetSuperheroBoardRequest request;
      request.set_owner(owner);
      request.set_min_position(head);
      const v1::SuperheroBoard board =
          Ok(*s.queries, &v1::QueryService::Stub::GetSuperheroBoard, request);
      sum.set_open(sum.open() + board.open());
      sum.set_at_risk(sum.at_risk() + board.at_risk());
      sum.set_breached(sum.breached() + board.breached());
      sum.set_hanging(sum.hanging() + board.hanging());
    }
    const std::vector<Sample> m = Scrape(s);
    INFO("after " << absl::FormatDuration(step));
    CHECK(sum.open() == 4);
    CHECK(Value(m, "closedloop_open_cases", {{"team", team}}) == sum.open());
    CHECK(Value(m, "closedloop_at_risk_cases", {{"team", team}}) == sum.at_risk());
    CHECK(Value(m, "closedloop_breached_cases", {{"team", team}}) == sum.breached());
    CHECK(Value(m, "closedloop_hanging_cases", {{"team", team}}) == sum.hanging());
    if (step == absl::Hours(24)) {
      // 26 h 40 min after filing: the three uncontacted cases breached, all four hanging.
      CHECK(sum.breached() >= 3);
      CHECK(sum.hanging() == 4);
    }
  }
}

TEST_CASE("the team count is pure over views and lists configured teams", "[metrics]") {
  v1::ComplaintView open_case;
  open_case.set_state(v1::COMPLAINT_STATE_OPEN);
  open_case.set_team("cx-social");
  open_case.set_hanging(true);
  v1::ComplaintView closed_case;
  closed_case.set_state(v1::COMPLAINT_STATE_CLOSED);
  closed_case.set_team("cx-social");
  v1::ComplaintView no_team;
  no_team.set_state(v1::COMPLAINT_STATE_IN_PROGRESS);
  const auto counts = services::metrics::CountByTeam({&open_case, &closed_case, &no_team},
                                                     {"cx-social", "red-button"}, absl::Now());
  REQUIRE(counts.size() == 3);
  CHECK(counts.at("cx-social").open == 1);
  CHECK(counts.at("cx-social").hanging == 1);
  CHECK(counts.at("red-button").open == 0);
  CHECK(counts.at("none").open == 1);
}

TEST_CASE("the log's bucket counts become a cumulative histogram ending in +Inf", "[metrics]") {
  storage::BucketCounts counts = storage::BucketCounts::Exponential(1, 2, 3);  // 1, 2, 4
  for (double v : {1.0, 2.0, 3.0, 100.0}) counts.Record(v);
  const prometheus::MetricFamily family =
      services::metrics::HistogramFamily("h", "help", counts);
  REQUIRE(family.metric.size() == 1);
  const auto& histogram = family.metric[0].histogram;
  CHECK(histogram.sample_count == 4);
  CHECK(histogram.sample_sum == 106);
  REQUIRE(histogram.bucket.size() == 4);
  CHECK(histogram.bucket[0].cumulative_count == 1);  // le=1: a bound is inclusive
  CHECK(histogram.bucket[1].cumulative_count == 2);  // le=2
  CHECK(histogram.bucket[2].cumulative_count == 3);  // le=4
  CHECK(histogram.bucket[3].cumulative_count == 4);
  CHECK(std::isinf(histogram.bucket[3].upper_bound));
}

TEST_CASE("made-up method names beyond the cap share one series", "[metrics]") {
  prometheus::Registry registry;
  services::metrics::RpcMetrics rpc(registry);
  const size_t cap = services::metrics::RpcMetrics::kMaxMethods;
  for (size_t i = 0; i < cap + 10; ++i) {
    rpc.Record("/x.Svc/M" + std::to_string(i), grpc::StatusCode::UNIMPLEMENTED, 0.001);
  }
  size_t series = 0;
  double other = 0;
  for (const prometheus::MetricFamily& family : registry.Collect()) {
    if (family.name != "closedloop_rpc_handled_total") continue;
    for (const prometheus::ClientMetric& metric : family.metric) {
      ++series;
      for (const auto& label : metric.label) {
        if (label.name == "method" && label.value == "other") other = metric.counter.value;
      }
    }
  }
  CHECK(series == cap + 1);
  CHECK(other == 10);
}

TEST_CASE("a metrics address that cannot be served stops the server from starting", "[metrics]") {
  TestServer first = ServerWithMetrics();
  const std::string taken = "127.0.0.1:" + std::to_string(first.server->metrics_port());
  for (const auto& [address, code] : std::vector<std::pair<std::string, absl::StatusCode>>{
           {"127.0.0.1", absl::StatusCode::kInvalidArgument},
           {"9464", absl::StatusCode::kInvalidArgument},
           {taken, absl::StatusCode::kUnavailable}}) {
    TempDir dir;
    storage::EventLogOptions log_options;
    log_options.path = dir.Sub("db");
    std::unique_ptr<storage::EventLog> log = *storage::EventLog::Open(log_options);
    services::ServerOptions options = Options(dir);
    options.metrics_listen_address = address;
    absl::StatusOr<std::unique_ptr<services::ClosedLoopServer>> server =
        services::ClosedLoopServer::Start(*log, std::move(options));
    INFO(address << ": " << server.status());
    CHECK(server.status().code() == code);
  }
  CHECK_FALSE(Scrape(first).empty());  // the first server still serves
}

TEST_CASE("closedloopd --metrics_listen logs its port and serves /metrics", "[metrics]") {
  TempDir dir;
  Daemon d = StartDaemon(dir.Sub("data"), {"--metrics_listen=127.0.0.1:0"});
  REQUIRE(d.ReadUntil("GET /metrics"));
  const std::string marker = "(metrics port ";
  const size_t at = d.output.find(marker);
  REQUIRE(at != std::string::npos);
  const int metrics_port = std::stoi(d.output.substr(at + marker.size()));
  const int port = PortOf(d.output);

  auto channel = grpc::CreateChannel("127.0.0.1:" + std::to_string(port),
                                     grpc::InsecureChannelCredentials());
  auto complaints = v1::ComplaintService::NewStub(channel);
  v1::FileComplaintRequest request;
  request.mutable_complaint()->set_channel(v1::CHANNEL_WEB);
  request.mutable_complaint()->set_kind(v1::ITEM_KIND_COMPLAINT);
  request.mutable_complaint()->set_text("The checkout page charged me twice.");
  request.mutable_complaint()->set_customer_ref("cust-7");
  request.mutable_complaint()->set_market("DE");
  const v1::CommandResponse filed =
      Ok(*complaints, &v1::ComplaintService::Stub::FileComplaint, request);

  const std::vector<Sample> m = Parse(HttpGet(metrics_port, "/metrics"));
  CHECK(Value(m, "closedloop_rpc_handled_total", {{"method", kFileComplaint}, {"code", "OK"}}) == 1);
  CHECK(Value(m, "closedloop_log_head_position") >= static_cast<double>(filed.position()));
  CHECK(Find(m, "closedloop_open_cases", {{"team", "cx-hotline"}}).has_value());
  CHECK(Find(m, "closedloop_timers_pending").has_value());
  Stop(d);
}

}  // namespace
}  // namespace closedloop
