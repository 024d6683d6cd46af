// The Closed Loop gRPC server: every service, health checking and reflection, on one port.
//
// Thread safety: Shutdown() may be called from any thread, once.
#ifndef CLOSEDLOOP_SERVICES_SERVER_H_
#define CLOSEDLOOP_SERVICES_SERVER_H_

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "grpcpp/server.h"
#include "services/audit_service.h"
#include "storage/event_log.h"

namespace closedloop::services {

class ClosedLoopServer {
 public:
  // Starts serving `log` on `listen_address` ("127.0.0.1:0" picks a free port). The log must
  // outlive the server. Errors: UNAVAILABLE if the address cannot be bound.
  static absl::StatusOr<std::unique_ptr<ClosedLoopServer>> Start(storage::EventLog& log,
                                                                 const std::string& listen_address);

  // Stops accepting calls, reports NOT_SERVING, lets in-flight calls finish for up to `grace`,
  // then cancels the rest. Returns when every handler has returned.
  void Shutdown(absl::Duration grace);

  ~ClosedLoopServer();

  // The bound port (useful with port 0).
  int port() const { return port_; }

 private:
  ClosedLoopServer(storage::EventLog& log) : audit_(log) {}

  AuditServiceImpl audit_;
  std::unique_ptr<grpc::Server> server_;
  int port_ = 0;
  bool shut_down_ = false;
};

}  // namespace closedloop::services

#endif  // CLOSEDLOOP_SERVICES_SERVER_H_
