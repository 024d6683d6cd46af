// A real Closed Loop server for tests: a RocksDB log and view store in a temp dir, the gRPC
// server on 127.0.0.1 (port 0), a fake clock, and a stub for every service.
#ifndef CLOSEDLOOP_TESTS_SERVICES_TEST_SERVER_H_
#define CLOSEDLOOP_TESTS_SERVICES_TEST_SERVER_H_

#include <functional>
#include <memory>
#include <string>

#include "absl/time/time.h"
#include "closedloop/v1/admin_service.grpc.pb.h"
#include "closedloop/v1/audit_service.grpc.pb.h"
#include "closedloop/v1/complaint_service.grpc.pb.h"
#include "closedloop/v1/problem_service.grpc.pb.h"
#include "closedloop/v1/query_service.grpc.pb.h"
#include "closedloop/v1/subscription_service.grpc.pb.h"
#include "grpcpp/create_channel.h"
#include "grpcpp/security/credentials.h"
#include "services/daemon/config.h"
#include "services/api/server.h"
#include "storage/event_log.h"
#include "tests/fake_clock.h"
#include "tests/temp_dir.h"

namespace closedloop::testing {

// Server options for a test: views under `dir`, the default configuration.
inline services::ServerOptions Options(const TempDir& dir) {
  services::ServerOptions options;
  options.views_path = dir.Sub("views");
  options.cursors_path = dir.Sub("cursors");
  options.config = services::DefaultConfig();
  return options;
}

struct TestServer {
  TempDir dir;
  // 2026-11-02 09:00 UTC, a Monday.
  FakeClock clock{absl::FromUnixSeconds(1793610000)};
  std::unique_ptr<storage::EventLog> log;
  std::unique_ptr<services::ClosedLoopServer> server;
  std::shared_ptr<grpc::Channel> channel;
  std::unique_ptr<v1::ComplaintService::Stub> complaints;
  std::unique_ptr<v1::ProblemService::Stub> problems;
  std::unique_ptr<v1::QueryService::Stub> queries;
  std::unique_ptr<v1::AuditService::Stub> audit;
  std::unique_ptr<v1::AdminService::Stub> admin;
  std::unique_ptr<v1::SubscriptionService::Stub> subscriptions;

  // Options beyond Options(dir) (tokens, limits), applied at every Start.
  std::function<void(services::ServerOptions&)> customize;

  TestServer() { Start(); }
  explicit TestServer(std::function<void(services::ServerOptions&)> options)
      : customize(std::move(options)) {
    Start();
  }

  void Start() {
    storage::EventLogOptions log_options;
    log_options.path = dir.Sub("db");
    // One clock for decisions and for the records' times, as in the daemon.
    log_options.clock = [this] { return clock.Now(); };
    log = *storage::EventLog::Open(log_options);
    services::ServerOptions options = Options(dir);
    options.clock = [this] { return clock.Now(); };
    if (customize) customize(options);
    server = *services::ClosedLoopServer::Start(*log, std::move(options));
    channel = grpc::CreateChannel("127.0.0.1:" + std::to_string(server->port()),
                                  grpc::InsecureChannelCredentials());
    complaints = v1::ComplaintService::NewStub(channel);
    problems = v1::ProblemService::NewStub(channel);
    queries = v1::QueryService::NewStub(channel);
    audit = v1::AuditService::NewStub(channel);
    admin = v1::AdminService::NewStub(channel);
    subscriptions = v1::SubscriptionService::NewStub(channel);
  }
  // Stops the server and closes the log, keeping the data; Start() again to reopen.
  void Stop() {
    server.reset();
    log.reset();
  }
};

}  // namespace closedloop::testing

#endif  // CLOSEDLOOP_TESTS_SERVICES_TEST_SERVER_H_
