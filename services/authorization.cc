#include "services/authorization.h"

#include <string>

#include "domain/validation.h"

namespace closedloop::services {

absl::StatusOr<v1::Actor> Authorize(const grpc::ServerContextBase& context, absl::string_view) {
  v1::Actor actor;
  actor.set_principal("local:operator");
  actor.set_role("local");
  const auto& metadata = context.client_metadata();
  if (auto found = metadata.find("x-closedloop-principal"); found != metadata.end()) {
    std::string principal(found->second.data(), found->second.size());
    if (absl::Status s = domain::RequireName("x-closedloop-principal", principal); !s.ok()) {
      return absl::UnauthenticatedError(s.message());
    }
    actor.set_principal(std::move(principal));
  }
  return actor;
}

}  // namespace closedloop::services
