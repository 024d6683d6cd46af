// The server interceptor that feeds RpcMetrics: gRPC creates one per call, for synchronous,
// callback and streaming handlers alike, so no service has to remember to measure itself.
//
// It starts the clock when the call's initial metadata has arrived and records the call when
// the status is about to be sent. A call that ends without sending a status (the client went
// away, or the server shut down mid-call) is recorded as CANCELLED when gRPC discards the
// interceptor.
#ifndef CLOSEDLOOP_SERVICES_METRICS_RPC_INTERCEPTOR_H_
#define CLOSEDLOOP_SERVICES_METRICS_RPC_INTERCEPTOR_H_

#include <memory>

#include "grpcpp/support/server_interceptor.h"
#include "services/metrics/rpc_metrics.h"

namespace closedloop::services::metrics {

// For grpc::ServerBuilder::experimental().SetInterceptorCreators. `metrics` must outlive the
// gRPC server the factory is given to (the server's last call may finish as it shuts down).
std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface>
NewRpcMetricsInterceptorFactory(RpcMetrics& metrics);

}  // namespace closedloop::services::metrics

#endif  // CLOSEDLOOP_SERVICES_METRICS_RPC_INTERCEPTOR_H_
