// RpcMetrics: the RPC series of the metrics endpoint, one sample per finished call:
//
//   closedloop_rpc_handled_total{method, code}            counter
//   closedloop_rpc_duration_seconds{method, code}         histogram (first metadata to status)
//
// `method` is the full gRPC method without the leading slash
// ("closedloop.v1.ComplaintService/FileComplaint"); `code` is the status code's name
// ("OK", "INVALID_ARGUMENT"). Long-lived streams (WatchBoard, Subscribe) land in the
// highest buckets when they end: their duration is how long the client watched.
//
// Thread safety: Record() may be called from any thread.
#ifndef CLOSEDLOOP_SERVICES_METRICS_RPC_METRICS_H_
#define CLOSEDLOOP_SERVICES_METRICS_RPC_METRICS_H_

#include <string>
#include <utility>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "grpcpp/support/status.h"
#include "prometheus/counter.h"
#include "prometheus/family.h"
#include "prometheus/histogram.h"
#include "prometheus/registry.h"

namespace closedloop::services::metrics {

class RpcMetrics {
 public:
  // Distinct method labels kept before further names are reported as "other". The server's
  // own methods are far fewer; the cap only matters if a client calls made-up method names,
  // which would otherwise grow the series without bound.
  static constexpr size_t kMaxMethods = 256;

  // Registers the families on `registry`, which must outlive this object.
  explicit RpcMetrics(prometheus::Registry& registry);

  // One finished call of `method` ("/pkg.Service/Method") with `code`, `seconds` long.
  void Record(absl::string_view method, grpc::StatusCode code, double seconds);

 private:
  // The two series of one (method, code); prometheus-cpp keeps them at fixed addresses.
  struct Series {
    prometheus::Counter* handled = nullptr;
    prometheus::Histogram* duration = nullptr;
  };
  // Found once per (method, code) and remembered: Family::Add builds a whole histogram before
  // it looks for an existing one, too much to do on every call.
  Series SeriesOf(absl::string_view method, grpc::StatusCode code);

  const prometheus::Histogram::BucketBoundaries buckets_;
  prometheus::Family<prometheus::Counter>& handled_;
  prometheus::Family<prometheus::Histogram>& duration_;
  absl::Mutex mu_;
  absl::flat_hash_set<std::string> methods_ ABSL_GUARDED_BY(mu_);
  absl::flat_hash_map<std::pair<std::string, int>, Series> series_ ABSL_GUARDED_BY(mu_);
};

}  // namespace closedloop::services::metrics

#endif  // CLOSEDLOOP_SERVICES_METRICS_RPC_METRICS_H_
