// Asks a server's standard grpc.health.v1.Health service for its status.
#ifndef CLOSEDLOOP_TOOLS_HEALTH_CLIENT_H_
#define CLOSEDLOOP_TOOLS_HEALTH_CLIENT_H_

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "grpcpp/channel.h"

namespace closedloop::tools {

// "SERVING", "NOT_SERVING", "UNKNOWN" or "SERVICE_UNKNOWN" for the server as a whole.
// Errors: the call's gRPC status (e.g. UNAVAILABLE when nothing listens).
absl::StatusOr<std::string> CheckHealth(const std::shared_ptr<grpc::Channel>& channel,
                                        absl::Duration timeout);

}  // namespace closedloop::tools

#endif  // CLOSEDLOOP_TOOLS_HEALTH_CLIENT_H_
