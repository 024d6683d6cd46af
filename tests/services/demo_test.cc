// The demo month: played through the real server into a real RocksDB, it fills the boards,
// the catalog, the problems and the metrics; every scripted command is accepted; the same
// seed gives the same log; and it never touches a store that already holds events.
#include <catch2/catch.hpp>

#include <algorithm>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "closedloop/v1/query_service.grpc.pb.h"
#include "grpcpp/create_channel.h"
#include "services/daemon/config.h"
#include "services/demo/demo_fill.h"
#include "services/api/server.h"
#include "storage/event_log.h"
#include "tests/services/daemon_util.h"
#include "tests/temp_dir.h"

namespace closedloop::testing {
namespace {

using services::demo::DemoFillOptions;
using services::demo::DemoFillSummary;
using services::demo::FillDemo;

// Monday 2026-11-30 16:30 UTC.
const absl::Time kEnd = absl::FromUnixSeconds(1796056200);

DemoFillOptions Options(uint64_t seed, int days) {
  DemoFillOptions options;
  options.seed = seed;
  options.days = days;
  options.end = kEnd;
  options.config = services::DefaultConfig();
  return options;
}

int Count(const DemoFillSummary& s, const std::string& type) {
  auto it = s.events_by_type.find(type);
  return it == s.events_by_type.end() ? 0 : it->second;
}

// The head hash of the log in `dir`, after verifying the whole chain.
std::string VerifiedHead(const std::string& dir) {
  storage::EventLogOptions options;
  options.path = dir;
  std::unique_ptr<storage::EventLog> log = *storage::EventLog::Open(options);
  absl::StatusOr<storage::ChainVerification> verified = log->VerifyChain(1, 0);
  REQUIRE(verified.ok());
  REQUIRE(verified->ok);
  return verified->last_hash;
}

// "" when the logs in `a` and `b` hold the same records; else the first pair that differs.
std::string FirstDifference(const std::string& a, const std::string& b) {
  auto read = [](const std::string& dir) {
    storage::EventLogOptions options;
    options.path = dir;
    std::unique_ptr<storage::EventLog> log = *storage::EventLog::Open(options);
    return log->ReadAll(1, 1000000, storage::EventFilter{}, 1000000)->events;
  };
  const std::vector<storage::RecordedEvent> left = read(a), right = read(b);
  for (size_t i = 0; i < std::min(left.size(), right.size()); ++i) {
    if (left[i].SerializeAsString() != right[i].SerializeAsString()) {
      return left[i].DebugString() + "\n  differs from\n" + right[i].DebugString();
    }
  }
  return left.size() == right.size() ? "" : "the logs differ in length";
}

TEST_CASE("A demo month fills an empty store through the server, every scripted command accepted",
          "[demo]") {
  TempDir dir;
  absl::StatusOr<DemoFillSummary> filled = FillDemo(dir.path(), Options(7, 30));
  REQUIRE(filled.ok());
  INFO(filled->first_refusal);
  CHECK(filled->refused.empty());

  // About 80 items a day, about 12 % complaints, a handful of red-button calls.
  CHECK(filled->items >= 30 * 60);
  CHECK(filled->items <= 31 * 90);
  CHECK(filled->complaints + filled->recommendations == filled->items);
  const double complaint_share = static_cast<double>(filled->complaints) / filled->items;
  CHECK(complaint_share > 0.09);
  CHECK(complaint_share < 0.15);
  CHECK(filled->red_button >= 1);
  CHECK(filled->red_button <= 15);
  CHECK(filled->problems == 3);

  // The log holds what the boards need: the filings, the loop's steps and what the timers did.
  CHECK(Count(*filled, "complaint.filed") == filled->items);
  for (const char* type : {"complaint.triaged", "complaint.assigned", "complaint.customer_contacted",
                           "complaint.comment_added", "complaint.task_opened",
                           "complaint.task_responded", "complaint.task_completed",
                           "complaint.escalated", "complaint.resolved", "complaint.closed",
                           "complaint.reopened", "complaint.linked_to_problem",
                           "complaint.survey_recorded", "complaint.deadline_warned",
                           "complaint.deadline_breached"}) {
    INFO(type);
    CHECK(Count(*filled, type) > 0);
  }
  CHECK(filled->timer_events > 0);
  CHECK(filled->timer_events < static_cast<int>(filled->events) / 4);  // breaches are the exception
  VerifiedHead(dir.path());

  // A server on the filled store, at the month's end, shows full boards.
  storage::EventLogOptions log_options;
  log_options.path = dir.path();
  std::unique_ptr<storage::EventLog> log = *storage::EventLog::Open(log_options);
  services::ServerOptions options;
  options.views_path = dir.Sub("views");
  options.config = services::DefaultConfig();
  options.clock = [] { return kEnd; };
  std::unique_ptr<services::ClosedLoopServer> server = *services::ClosedLoopServer::Start(*log, options);
  CHECK(server->views_resumed_after() == filled->events);  // the demo left its views behind
  auto queries = v1::QueryService::NewStub(grpc::CreateChannel(
      "127.0.0.1:" + std::to_string(server->port()), grpc::InsecureChannelCredentials()));

  v1::Metrics metrics;
  {
    grpc::ClientContext context;
    REQUIRE(queries->GetMetrics(&context, v1::GetMetricsRequest(), &metrics).ok());
  }
  CHECK(metrics.complaints() == filled->complaints);
  CHECK(metrics.recommendations() == filled->recommendations);
  CHECK(metrics.resolved_within_target() > 0.6);
  CHECK(metrics.resolved_within_target() < 0.95);
  CHECK(metrics.satisfaction().responses() > 50);
  CHECK(metrics.red_button_cases() == filled->red_button);

  int open = 0, breached = 0, hanging = 0;
  for (const char* owner : {"anna", "bob", "carla", "dave", "erin", "farid", "greta", "hana", "ivan"}) {
    grpc::ClientContext context;
    v1::GetSuperheroBoardRequest request;
    request.set_owner(owner);
    v1::SuperheroBoard board;
    REQUIRE(queries->GetSuperheroBoard(&context, request, &board).ok());
    open += board.open();
    breached += board.breached();
    hanging += board.hanging();
  }
  CHECK(open > 20);  // the last day's cases, at least
  CHECK(breached > 0);
  CHECK(hanging > 0);

  v1::DepartmentCatalog catalog;
  {
    grpc::ClientContext context;
    REQUIRE(queries->GetDepartmentCatalog(&context, v1::GetDepartmentCatalogRequest(), &catalog).ok());
  }
  int escalated = 0, answered = 0;
  for (const v1::DepartmentEntry& d : catalog.departments()) {
    escalated += d.escalated_tasks();
    answered += d.tasks_answered();
  }
  CHECK(escalated > 0);
  CHECK(answered > escalated);

  v1::ProblemBoard problems;
  {
    grpc::ClientContext context;
    REQUIRE(queries->GetProblemBoard(&context, v1::GetProblemBoardRequest(), &problems).ok());
  }
  REQUIRE(problems.problems_size() == 3);
  int linked = 0, verified = 0;
  for (const v1::ProblemView& p : problems.problems()) {
    linked += p.linked_complaints_size();
    if (p.state() == v1::PROBLEM_STATE_VERIFIED) ++verified;
  }
  CHECK(linked > 0);
  CHECK(verified == 1);
  server->Shutdown(absl::Seconds(5));
}

TEST_CASE("The same seed gives the same log, record for record, another seed another", "[demo]") {
  TempDir a, b, c;
  absl::StatusOr<DemoFillSummary> first = FillDemo(a.path(), Options(3, 2));
  absl::StatusOr<DemoFillSummary> again = FillDemo(b.path(), Options(3, 2));
  absl::StatusOr<DemoFillSummary> other = FillDemo(c.path(), Options(4, 2));
  REQUIRE(first.ok());
  REQUIRE(again.ok());
  REQUIRE(other.ok());
  CHECK(first->events == again->events);
  CHECK(first->events_by_type == again->events_by_type);
  CHECK(FirstDifference(a.path(), b.path()) == "");
  CHECK(VerifiedHead(a.path()) == VerifiedHead(b.path()));
  CHECK(VerifiedHead(a.path()) != VerifiedHead(c.path()));
}

TEST_CASE("The demo refuses a store that holds events, and days out of range, writing nothing",
          "[demo]") {
  TempDir dir;
  REQUIRE(FillDemo(dir.path(), Options(1, 1)).ok());
  const std::string head = VerifiedHead(dir.path());
  absl::StatusOr<DemoFillSummary> again = FillDemo(dir.path(), Options(1, 1));
  CHECK(again.status().code() == absl::StatusCode::kFailedPrecondition);
  CHECK_THAT(std::string(again.status().message()), Catch::Contains("already holds"));
  CHECK(VerifiedHead(dir.path()) == head);

  TempDir empty;
  for (int days : {0, -1, 367}) {
    absl::StatusOr<DemoFillSummary> refused = FillDemo(empty.Sub("db"), Options(1, days));
    CHECK(refused.status().code() == absl::StatusCode::kInvalidArgument);
    CHECK_THAT(std::string(refused.status().message()), Catch::Contains("days"));
  }
  CHECK_FALSE(std::filesystem::exists(empty.Sub("db")));
}

TEST_CASE("closedloopd --demo fills a new data directory, then serves it, a second start keeps it",
          "[demo][daemon]") {
  TempDir dir;
  Daemon first = StartDaemon(dir.path(), {"--demo", "--demo_days=2", "--demo_seed=5"});
  REQUIRE(first.ReadUntil("serving on"));
  CHECK_THAT(first.output, Catch::Contains("closedloopd: demo: "));
  CHECK_THAT(first.output, Catch::Contains("complaints"));
  CHECK_THAT(first.output, Catch::Contains("resume after position"));
  CHECK(first.output.find("refused") == std::string::npos);
  Stop(first);
  const std::string head = VerifiedHead(dir.path());

  Daemon second = StartDaemon(dir.path(), {"--demo", "--demo_days=2"});
  REQUIRE(second.ReadUntil("serving on"));
  CHECK_THAT(second.output, Catch::Contains("demo: not filled"));
  Stop(second);
  CHECK(VerifiedHead(dir.path()) == head);
}

}  // namespace
}  // namespace closedloop::testing
