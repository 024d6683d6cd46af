// The shape every calling subcommand shares: check the command line, make one call, report a
// refusal, print the response (one JSON line with --json, else for people). And the request
// id that makes a command's retry safe.
#ifndef CLOSEDLOOP_TOOLS_CLI_CALL_H_
#define CLOSEDLOOP_TOOLS_CLI_CALL_H_

#include <string>

#include "absl/strings/str_cat.h"
#include "grpcpp/client_context.h"
#include "grpcpp/support/status.h"
#include "tools/cli/args.h"
#include "tools/cli/command.h"
#include "tools/cli/connection.h"
#include "tools/cli/output.h"

namespace closedloop::cli {

// --request_id, for the subcommands that send a command.
FlagSpec RequestIdFlag();
// --request_id, or 128 random bits in hex: unique enough that two invocations never collide.
std::string RequestId(const Args& args);

// After these codes whether a command was recorded is unknown; its request id makes a retry
// safe, so the message says how to retry.
grpc::Status WithRetryHint(const grpc::Status& status, const std::string& request_id);

// Returns kExitUsage when the command line is malformed (nothing is called); otherwise makes
// the call on a new `Stub` and returns kExitOk with `*response` set, or kExitFailed after
// naming the refusal on stderr. A request with a request id gets one when it has none.
template <typename Stub, typename Request, typename Response>
int Call(Args& args, const Connection& connection,
         grpc::Status (Stub::*method)(grpc::ClientContext*, const Request&, Response*), Request request,
         Response* response) {
  if (!args.ok()) return kExitUsage;
  if constexpr (requires { request.set_request_id(std::string()); }) {
    if (request.request_id().empty()) request.set_request_id(RequestId(args));
  }
  Stub stub(connection.channel());
  grpc::Status status = connection.Call(stub, method, request, response);
  if (status.ok()) return kExitOk;
  if constexpr (requires { request.request_id(); }) status = WithRetryHint(status, request.request_id());
  return RpcFailed(status);
}

// Call, then the response: one JSON line with --json, else `print(response)` for people.
template <typename Stub, typename Request, typename Response, typename Print>
int CallAndPrint(Args& args, const Connection& connection,
                 grpc::Status (Stub::*method)(grpc::ClientContext*, const Request&, Response*),
                 const Request& request, Print print) {
  const bool json = args.Switch("json");
  Response response;
  if (int status = Call(args, connection, method, request, &response); status != kExitOk) return status;
  if (json) {
    PrintJson(response);
  } else {
    print(response);
  }
  return kExitOk;
}

}  // namespace closedloop::cli

#endif  // CLOSEDLOOP_TOOLS_CLI_CALL_H_
