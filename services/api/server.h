// The Closed Loop gRPC server: every service, health checking and reflection, on one port,
// with the projections that answer the queries.
//
// Thread safety: Shutdown() may be called from any thread, once.
#ifndef CLOSEDLOOP_SERVICES_API_SERVER_H_
#define CLOSEDLOOP_SERVICES_API_SERVER_H_

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "closedloop/v1/config.pb.h"
#include "grpcpp/security/server_credentials.h"
#include "grpcpp/server.h"
#include "services/api/admin_service.h"
#include "services/api/audit_service.h"
#include "services/access/authorization.h"
#include "services/api/stream_limiter.h"
#include "services/api/subscription_service.h"
#include "services/webhooks/webhooks.h"
#include "services/api/complaint_service.h"
#include "services/api/problem_service.h"
#include "services/projections/projections.h"
#include "services/api/query_service.h"
#include "services/timers/timer_rebuild.h"
#include "services/timers/timer_service.h"
#include "storage/event_log.h"
#include "storage/view_store.h"

namespace closedloop::services {

namespace metrics {
class ServerMetrics;  // services/metrics/server_metrics.h
}  // namespace metrics

struct ServerOptions {
  // "127.0.0.1:0" picks a free port.
  std::string listen_address = "127.0.0.1:0";
  // Where to serve Prometheus metrics over HTTP (GET /metrics), host:port; port 0 picks a
  // free port. Empty: no metrics endpoint, and no per-call measuring.
  std::string metrics_listen_address;
  // Transport security of the listening port: plaintext unless TLS is configured
  // (services/access/tls_credentials.h).
  std::shared_ptr<grpc::ServerCredentials> credentials = grpc::InsecureServerCredentials();
  // Who may call: bearer tokens, or the insecure local mode, which Start refuses on any
  // address but loopback.
  std::shared_ptr<const Authorizer> authorizer = Authorizer::InsecureLocal();
  // The largest request accepted (RESOURCE_EXHAUSTED beyond): a full FileComplaints batch
  // of 500 filings with long texts fits.
  int max_message_bytes = 16 * 1024 * 1024;
  // Long-lived streams (WatchBoard, Subscribe) one principal may hold open at once.
  int max_streams_per_principal = StreamLimiter::kDefaultPerPrincipal;
  // Directory of the projections' view store; created if missing.
  std::string views_path;
  // Directory of the cursor store (consumer groups' positions); created if missing. Empty: no
  // consumer groups (SubscriptionService answers FAILED_PRECONDITION), for tools that only read.
  std::string cursors_path;
  // SLA policy and directory (validated by the caller).
  v1::Config config;
  // The configured webhook endpoints with their secrets (services/daemon/webhook_config.h);
  // they need a cursor store. How their delivery waits.
  std::vector<WebhookTarget> webhooks;
  WebhookTiming webhook_timing;
  // Every decision's `now` and every query's notion of the present.
  std::function<absl::Time()> clock = [] { return absl::Now(); };
};

// Whether `address` ("127.0.0.1:50051", "[::1]:0", "localhost:6000") is on this machine only.
bool IsLoopback(absl::string_view address);

class ClosedLoopServer {
 public:
  // Starts the projections and serves `log`, which must outlive the server. Errors:
  // UNAVAILABLE if the address cannot be bound or the view store cannot be opened, DATA_LOSS
  // for an unreadable view store.
  static absl::StatusOr<std::unique_ptr<ClosedLoopServer>> Start(storage::EventLog& log,
                                                                 ServerOptions options);

  // Stops accepting calls, reports NOT_SERVING, lets in-flight calls finish for up to `grace`,
  // then cancels the rest. Returns when every handler has returned.
  void Shutdown(absl::Duration grace);

  ~ClosedLoopServer();

  // The bound port (useful with port 0).
  int port() const { return port_; }
  // The metrics endpoint's bound port; 0 without one.
  int metrics_port() const;
  // The projections (tests wait on their position).
  Projections& projections() { return *projections_; }
  // The timer service (tests run passes after moving a fake clock).
  TimerService& timers() { return timers_; }
  // The log position the stored views reflected at start: the projections replayed only what
  // came after it.
  uint64_t views_resumed_after() const { return views_resumed_after_; }
  // What start-up did to the due-time index (rebuilt only for a store from before it).
  const TimerIndexRebuild& timer_index_rebuild() const { return timer_index_rebuild_; }

 private:
  ClosedLoopServer(storage::EventLog& log, ServerOptions options);

  ServerOptions options_;
  StreamLimiter streams_;
  std::unique_ptr<storage::ViewStore> store_;
  std::unique_ptr<Projections> projections_;
  ComplaintCommands complaint_commands_;
  ProblemCommands problem_commands_;
  TimerService timers_;
  AuditServiceImpl audit_;
  std::unique_ptr<AdminServiceImpl> admin_;
  ComplaintServiceImpl complaints_;
  ProblemServiceImpl problems_;
  std::unique_ptr<QueryServiceImpl> queries_;
  std::unique_ptr<storage::CursorStore> cursors_;
  std::unique_ptr<SubscriptionServiceImpl> subscriptions_;
  std::unique_ptr<Webhooks> webhooks_;
  // Before server_: the server's interceptors record into it until its last call ends.
  std::unique_ptr<metrics::ServerMetrics> metrics_;
  std::unique_ptr<grpc::Server> server_;
  int port_ = 0;
  uint64_t views_resumed_after_ = 0;
  TimerIndexRebuild timer_index_rebuild_;
  bool shut_down_ = false;
};

}  // namespace closedloop::services

#endif  // CLOSEDLOOP_SERVICES_API_SERVER_H_
