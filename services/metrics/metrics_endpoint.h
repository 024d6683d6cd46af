// MetricsEndpoint: serves the Prometheus text format on GET /metrics over plain HTTP, from
// the collectables it is given (prometheus-cpp's Exposer, on its own small thread pool).
//
// The endpoint has no authentication: it shows counts, team and webhook endpoint names, never
// case content or customer data. Bind it where only the monitoring system can reach it.
//
// Thread safety: port() may be called from any thread; destroy it from one.
#ifndef CLOSEDLOOP_SERVICES_METRICS_METRICS_ENDPOINT_H_
#define CLOSEDLOOP_SERVICES_METRICS_METRICS_ENDPOINT_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "prometheus/collectable.h"
#include "prometheus/exposer.h"

namespace closedloop::services::metrics {

class MetricsEndpoint {
 public:
  // Starts serving on `address` ("127.0.0.1:9464"; port 0 picks a free port), keeping the
  // collectables alive for as long as it serves. Errors: UNAVAILABLE when the address cannot
  // be bound, INVALID_ARGUMENT when it is not host:port.
  static absl::StatusOr<std::unique_ptr<MetricsEndpoint>> Start(
      const std::string& address,
      std::vector<std::shared_ptr<prometheus::Collectable>> collectables);

  // Stops serving; an in-flight scrape finishes first.
  ~MetricsEndpoint() = default;

  // The bound port.
  int port() const { return port_; }

 private:
  MetricsEndpoint(std::unique_ptr<prometheus::Exposer> exposer,
                  std::vector<std::shared_ptr<prometheus::Collectable>> collectables, int port)
      : collectables_(std::move(collectables)), exposer_(std::move(exposer)), port_(port) {}

  // Declared before the exposer so that they outlive its serving threads.
  std::vector<std::shared_ptr<prometheus::Collectable>> collectables_;
  std::unique_ptr<prometheus::Exposer> exposer_;
  int port_;
};

}  // namespace closedloop::services::metrics

#endif  // CLOSEDLOOP_SERVICES_METRICS_METRICS_ENDPOINT_H_
