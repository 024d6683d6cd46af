// How the CLI reaches closedloopd: the address, TLS and token options every subcommand takes,
// and one deadline-bound, authenticated context per call.
#ifndef CLOSEDLOOP_TOOLS_CLI_CONNECTION_H_
#define CLOSEDLOOP_TOOLS_CLI_CONNECTION_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "grpcpp/channel.h"
#include "grpcpp/client_context.h"
#include "tools/cli/args.h"

namespace closedloop::cli {

// --server, --token, --tls_ca, --tls_cert, --tls_key, --timeout.
std::vector<FlagSpec> ConnectionFlags();

class Connection {
 public:
  // The channel the connection flags describe. A TLS file that cannot be read is a usage
  // error recorded in `args`. No connection is made until the first call.
  static Connection Open(Args& args);

  const std::shared_ptr<grpc::Channel>& channel() const { return channel_; }
  absl::Duration timeout() const { return timeout_; }

  // A context carrying the bearer token and the deadline --timeout from now.
  std::unique_ptr<grpc::ClientContext> NewContext() const;
  // A context carrying the bearer token and no deadline, for a stream that runs until it ends
  // or the client stops it.
  std::unique_ptr<grpc::ClientContext> NewStreamContext() const;

  // One unary call on `stub` with a fresh context.
  template <typename Stub, typename Request, typename Response>
  grpc::Status Call(Stub& stub, grpc::Status (Stub::*method)(grpc::ClientContext*, const Request&, Response*),
                    const Request& request, Response* response) const {
    std::unique_ptr<grpc::ClientContext> context = NewContext();
    return (stub.*method)(context.get(), request, response);
  }

 private:
  Connection(std::shared_ptr<grpc::Channel> channel, std::string token, absl::Duration timeout)
      : channel_(std::move(channel)), token_(std::move(token)), timeout_(timeout) {}

  std::shared_ptr<grpc::Channel> channel_;
  std::string token_;
  absl::Duration timeout_;
};

}  // namespace closedloop::cli

#endif  // CLOSEDLOOP_TOOLS_CLI_CONNECTION_H_
