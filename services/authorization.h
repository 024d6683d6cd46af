// The authorization hook every RPC passes through before it does anything: who is calling,
// and may they call this method. Until token authentication exists every caller is the local
// operator, identified by the optional `x-closedloop-principal` metadata (for attribution in
// development and tests), acting in the role "local".
#ifndef CLOSEDLOOP_SERVICES_AUTHORIZATION_H_
#define CLOSEDLOOP_SERVICES_AUTHORIZATION_H_

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "closedloop/v1/event.pb.h"
#include "grpcpp/server_context.h"

namespace closedloop::services {

// The actor recorded on the events the call causes, or UNAUTHENTICATED / PERMISSION_DENIED.
absl::StatusOr<v1::Actor> Authorize(const grpc::ServerContextBase& context, absl::string_view method);

}  // namespace closedloop::services

#endif  // CLOSEDLOOP_SERVICES_AUTHORIZATION_H_
