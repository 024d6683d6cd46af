// ServerMetrics: everything the metrics endpoint of a ClosedLoopServer needs, in start-up
// order: the RPC series and their interceptor before the gRPC server is built, then, once the
// projections run, the scrape-time collectors and the HTTP endpoint. The series are listed in
// rpc_metrics.h, log_collector.h, case_collector.h and webhook_collector.h.
//
// One registry per server, passed in rather than global, so that two servers in one process
// (tests) keep separate counts.
//
// Thread safety: the interceptors record from any thread; Serve and Stop from one thread.
#ifndef CLOSEDLOOP_SERVICES_METRICS_SERVER_METRICS_H_
#define CLOSEDLOOP_SERVICES_METRICS_SERVER_METRICS_H_

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "grpcpp/support/server_interceptor.h"
#include "prometheus/registry.h"
#include "services/metrics/metrics_endpoint.h"
#include "services/metrics/rpc_metrics.h"
#include "services/projections/projections.h"
#include "services/webhooks/webhooks.h"
#include "storage/event_log.h"

namespace closedloop::services::metrics {

class ServerMetrics {
 public:
  ServerMetrics();

  // The interceptor factory for the gRPC server's builder. This object must outlive that
  // server.
  std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface> NewInterceptorFactory();

  // Starts the endpoint on `address` with the RPC series and the log, projection and team
  // series, and the webhook endpoints' series when `webhooks` is not null. `log`,
  // `projections` and `webhooks` must stay alive until Stop(). `teams` are reported even
  // when empty; `clock` gives the boards' now. Errors: MetricsEndpoint::Start's.
  absl::Status Serve(const std::string& address, storage::EventLog& log,
                     const Projections& projections, const Webhooks* webhooks,
                     std::vector<std::string> teams, std::function<absl::Time()> clock);

  // The endpoint's bound port; 0 before Serve or after Stop.
  int port() const { return endpoint_ == nullptr ? 0 : endpoint_->port(); }

  // Stops answering scrapes (the interceptors keep counting); idempotent.
  void Stop() { endpoint_.reset(); }

 private:
  const std::shared_ptr<prometheus::Registry> registry_;
  RpcMetrics rpc_;
  std::unique_ptr<MetricsEndpoint> endpoint_;
};

}  // namespace closedloop::services::metrics

#endif  // CLOSEDLOOP_SERVICES_METRICS_SERVER_METRICS_H_
