// The one place where absl::Status becomes grpc::Status. absl's codes match gRPC's one to one,
// so the mapping keeps the code and the message; nothing else in the code knows grpc::Status.
#ifndef CLOSEDLOOP_SERVICES_STATUS_UTIL_H_
#define CLOSEDLOOP_SERVICES_STATUS_UTIL_H_

#include <string>

#include "absl/status/status.h"
#include "grpcpp/support/status.h"

namespace closedloop::services {

inline grpc::Status ToGrpcStatus(const absl::Status& status) {
  if (status.ok()) return grpc::Status::OK;
  return grpc::Status(static_cast<grpc::StatusCode>(status.code()),
                      std::string(status.message()));
}

}  // namespace closedloop::services

#endif  // CLOSEDLOOP_SERVICES_STATUS_UTIL_H_
