#include "services/metrics/rpc_metrics.h"

#include "absl/status/status.h"
#include "absl/strings/strip.h"

namespace closedloop::services::metrics {

RpcMetrics::RpcMetrics(prometheus::Registry& registry)
    // From half a millisecond (a read served from memory) to a minute (a long stream): the
    // synced append of a command sits around the middle.
    : buckets_{0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10,
               30, 60},
      handled_(prometheus::BuildCounter()
                   .Name("closedloop_rpc_handled_total")
                   .Help("gRPC calls finished, by method and status code.")
                   .Register(registry)),
      duration_(prometheus::BuildHistogram()
                    .Name("closedloop_rpc_duration_seconds")
                    .Help("gRPC call duration from the request's metadata to the status sent, "
                          "by method and status code.")
                    .Register(registry)) {}

RpcMetrics::Series RpcMetrics::SeriesOf(absl::string_view method, grpc::StatusCode code) {
  absl::ConsumePrefix(&method, "/");
  std::string name(method);
  absl::MutexLock lock(&mu_);
  if (!methods_.contains(name)) {
    if (methods_.size() >= kMaxMethods) {
      name = "other";
    } else {
      methods_.insert(name);
    }
  }
  auto [it, inserted] = series_.try_emplace(std::make_pair(name, static_cast<int>(code)));
  if (inserted) {
    // gRPC's codes and absl's are the same numbers (absl/status/status.h), so absl names them.
    const prometheus::Labels labels{
        {"method", name}, {"code", absl::StatusCodeToString(static_cast<absl::StatusCode>(code))}};
    it->second = Series{&handled_.Add(labels), &duration_.Add(labels, buckets_)};
  }
  return it->second;
}

void RpcMetrics::Record(absl::string_view method, grpc::StatusCode code, double seconds) {
  const Series series = SeriesOf(method, code);
  series.handled->Increment();  // both are thread-safe: no lock of ours needed here
  series.duration->Observe(seconds);
}

}  // namespace closedloop::services::metrics
