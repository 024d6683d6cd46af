// A channel whose every call carries "authorization: Bearer <token>", for benchmarks that call
// a server with tokens as a given role (a department's scoped lists) without each call's
// context having to know the token.
#ifndef CLOSEDLOOP_TOOLS_BENCH_BEARER_CHANNEL_H_
#define CLOSEDLOOP_TOOLS_BENCH_BEARER_CHANNEL_H_

#include <memory>
#include <string>

#include "closedloop/v1/access.pb.h"
#include "grpcpp/channel.h"
#include "grpcpp/support/channel_arguments.h"

namespace closedloop::bench {

std::shared_ptr<grpc::Channel> BearerChannel(const std::string& target, const std::string& token,
                                             const grpc::ChannelArguments& args);

// The token file entry of `token` (its SHA-256, as closedloopd's --tokens file holds it).
v1::Token TokenEntry(const std::string& token, const std::string& role,
                     const std::string& department = "");

}  // namespace closedloop::bench

#endif  // CLOSEDLOOP_TOOLS_BENCH_BEARER_CHANNEL_H_
