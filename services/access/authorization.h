// The authorization hook every RPC passes through before it looks at its request: who is
// calling (a bearer token in the `authorization` metadata, "Bearer <token>"), and may their
// role call this method (domain/access.h). What a role may see of a case is the services'
// next step, with the caller this returns.
//
// In insecure local mode (closedloopd --insecure_local, loopback only) no token is asked for:
// every caller is the local operator, role "local", optionally named by the
// `x-closedloop-principal` metadata for attribution in development and tests.
//
// Thread safety: immutable after construction; Authorize may be called from any thread.
#ifndef CLOSEDLOOP_SERVICES_ACCESS_AUTHORIZATION_H_
#define CLOSEDLOOP_SERVICES_ACCESS_AUTHORIZATION_H_

#include <memory>
#include <optional>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "closedloop/v1/event.pb.h"
#include "domain/access.h"
#include "grpcpp/server_context.h"
#include "services/access/token_table.h"

namespace closedloop::services {

class Authorizer {
 public:
  static std::shared_ptr<const Authorizer> InsecureLocal();
  static std::shared_ptr<const Authorizer> WithTokens(TokenTable tokens);

  bool insecure_local() const { return !tokens_.has_value(); }

  // The caller, or UNAUTHENTICATED (no or unknown token) or PERMISSION_DENIED (the role may
  // not call `method`). Every refusal is logged with the method, the caller and the peer.
  absl::StatusOr<domain::Caller> Authorize(const grpc::ServerContextBase& context,
                                           absl::string_view method) const;

 private:
  explicit Authorizer(std::optional<TokenTable> tokens) : tokens_(std::move(tokens)) {}
  absl::StatusOr<domain::Caller> Authenticate(const grpc::ServerContextBase& context) const;

  std::optional<TokenTable> tokens_;  // nullopt: insecure local mode
};

// The actor recorded on the events a caller causes.
v1::Actor ActorOf(const domain::Caller& caller);

}  // namespace closedloop::services

#endif  // CLOSEDLOOP_SERVICES_ACCESS_AUTHORIZATION_H_
