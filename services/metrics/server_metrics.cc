#include "services/metrics/server_metrics.h"

#include "services/metrics/case_collector.h"
#include "services/metrics/log_collector.h"
#include "services/metrics/rpc_interceptor.h"
#include "services/metrics/webhook_collector.h"

namespace closedloop::services::metrics {

ServerMetrics::ServerMetrics()
    : registry_(std::make_shared<prometheus::Registry>()), rpc_(*registry_) {}

std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface>
ServerMetrics::NewInterceptorFactory() {
  return NewRpcMetricsInterceptorFactory(rpc_);
}

absl::Status ServerMetrics::Serve(const std::string& address, storage::EventLog& log,
                                  const Projections& projections, const Webhooks* webhooks,
                                  std::vector<std::string> teams,
                                  std::function<absl::Time()> clock) {
  std::vector<std::shared_ptr<prometheus::Collectable>> collectables = {
      registry_, std::make_shared<LogCollector>(log, projections),
      std::make_shared<CaseCollector>(projections, std::move(teams), std::move(clock))};
  if (webhooks != nullptr) collectables.push_back(std::make_shared<WebhookCollector>(*webhooks));
  absl::StatusOr<std::unique_ptr<MetricsEndpoint>> endpoint =
      MetricsEndpoint::Start(address, std::move(collectables));
  if (!endpoint.ok()) return endpoint.status();
  endpoint_ = *std::move(endpoint);
  return absl::OkStatus();
}

}  // namespace closedloop::services::metrics
