#include "services/metrics/rpc_interceptor.h"

#include <chrono>
#include <string>

namespace closedloop::services::metrics {
namespace {

using grpc::experimental::InterceptionHookPoints;

class RpcMetricsInterceptor final : public grpc::experimental::Interceptor {
 public:
  RpcMetricsInterceptor(RpcMetrics& metrics, const char* method)
      : metrics_(metrics), method_(method != nullptr ? method : "") {}

  ~RpcMetricsInterceptor() override {
    // Started but never answered: the call was cancelled.
    if (started_ && !recorded_) Record(grpc::StatusCode::CANCELLED);
  }

  void Intercept(grpc::experimental::InterceptorBatchMethods* methods) override {
    if (methods->QueryInterceptionHookPoint(InterceptionHookPoints::POST_RECV_INITIAL_METADATA)) {
      started_ = true;
      start_ = std::chrono::steady_clock::now();
    }
    if (methods->QueryInterceptionHookPoint(InterceptionHookPoints::PRE_SEND_STATUS) &&
        !recorded_) {
      Record(methods->GetSendStatus().error_code());
    }
    methods->Proceed();
  }

 private:
  void Record(grpc::StatusCode code) {
    recorded_ = true;
    const double seconds =
        started_ ? std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count()
                 : 0;
    metrics_.Record(method_, code, seconds);
  }

  RpcMetrics& metrics_;
  const std::string method_;
  // Written by the metadata hook (before the handler runs) and the status hook (after it
  // answered), read last by the destructor: ordered by gRPC, so no lock.
  bool started_ = false;
  bool recorded_ = false;
  std::chrono::steady_clock::time_point start_;
};

class RpcMetricsInterceptorFactory final
    : public grpc::experimental::ServerInterceptorFactoryInterface {
 public:
  explicit RpcMetricsInterceptorFactory(RpcMetrics& metrics) : metrics_(metrics) {}

  grpc::experimental::Interceptor* CreateServerInterceptor(
      grpc::experimental::ServerRpcInfo* info) override {
    return new RpcMetricsInterceptor(metrics_, info->method());  // gRPC owns it
  }

 private:
  RpcMetrics& metrics_;
};

}  // namespace

std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface>
NewRpcMetricsInterceptorFactory(RpcMetrics& metrics) {
  return std::make_unique<RpcMetricsInterceptorFactory>(metrics);
}

}  // namespace closedloop::services::metrics
