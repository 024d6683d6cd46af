#include "services/access/authorization.h"

#include <cstdio>
#include <string>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "domain/validation.h"

namespace closedloop::services {
namespace {

constexpr absl::string_view kBearer = "Bearer ";

absl::string_view Metadata(const grpc::ServerContextBase& context, const char* key) {
  const auto& metadata = context.client_metadata();
  auto found = metadata.find(key);
  if (found == metadata.end()) return {};
  return absl::string_view(found->second.data(), found->second.size());
}

absl::Status Refused(const grpc::ServerContextBase& context, absl::string_view method,
                     const domain::Caller* caller, absl::Status status) {
  // One line per refusal, for the operator and for whoever reviews access later.
  std::fprintf(stderr, "closedloopd: denied %.*s to %s (role %s) from %s: %s\n",
               static_cast<int>(method.size()), method.data(),
               caller ? caller->principal.c_str() : "unauthenticated caller",
               caller ? caller->role.c_str() : "-", context.peer().c_str(),
               std::string(status.message()).c_str());
  return status;
}

}  // namespace

std::shared_ptr<const Authorizer> Authorizer::InsecureLocal() {
  return std::shared_ptr<const Authorizer>(new Authorizer(std::nullopt));
}

std::shared_ptr<const Authorizer> Authorizer::WithTokens(TokenTable tokens) {
  return std::shared_ptr<const Authorizer>(new Authorizer(std::move(tokens)));
}

absl::StatusOr<domain::Caller> Authorizer::Authenticate(
    const grpc::ServerContextBase& context) const {
  if (!tokens_.has_value()) {
    domain::Caller local{"local:operator", std::string(domain::kRoleLocal), "", ""};
    const absl::string_view principal = Metadata(context, "x-closedloop-principal");
    if (!principal.empty()) {
      local.principal = std::string(principal);
      if (absl::Status s = domain::RequireName("x-closedloop-principal", local.principal); !s.ok()) {
        return absl::UnauthenticatedError(s.message());
      }
    }
    return local;
  }
  const absl::string_view header = Metadata(context, "authorization");
  if (header.empty()) {
    return absl::UnauthenticatedError("authorization: no bearer token (\"Bearer <token>\")");
  }
  if (!absl::StartsWith(header, kBearer) || header.size() == kBearer.size()) {
    return absl::UnauthenticatedError("authorization: expected \"Bearer <token>\"");
  }
  const domain::Caller* caller = tokens_->Find(header.substr(kBearer.size()));
  if (caller == nullptr) return absl::UnauthenticatedError("authorization: unknown token");
  return *caller;
}

absl::StatusOr<domain::Caller> Authorizer::Authorize(const grpc::ServerContextBase& context,
                                                     absl::string_view method) const {
  absl::StatusOr<domain::Caller> caller = Authenticate(context);
  if (!caller.ok()) return Refused(context, method, nullptr, caller.status());
  if (!domain::MayCall(caller->role, method)) {
    return Refused(context, method, &*caller,
                   absl::PermissionDeniedError(absl::StrCat(
                       "role ", caller->role, " (", caller->principal, ") may not call ", method)));
  }
  return caller;
}

v1::Actor ActorOf(const domain::Caller& caller) {
  v1::Actor actor;
  actor.set_principal(caller.principal);
  actor.set_role(caller.role);
  return actor;
}

}  // namespace closedloop::services
