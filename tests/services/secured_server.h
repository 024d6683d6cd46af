// A test server that authenticates callers with bearer tokens: one token per role, plus a
// second integrator ("system:app") and a second department ("delivery"), and calls made
// with a given token.
#ifndef CLOSEDLOOP_TESTS_SERVICES_SECURED_SERVER_H_
#define CLOSEDLOOP_TESTS_SERVICES_SECURED_SERVER_H_

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/escaping.h"
#include "closedloop/v1/access.pb.h"
#include "services/access/authorization.h"
#include "services/access/token_table.h"
#include "storage/record_hash.h"
#include "tests/services/api_test_util.h"

namespace closedloop::testing {

// The roles a token may carry.
inline const std::vector<std::string>& Roles() {
  static const std::vector<std::string> kRoles = {"integrator", "agent",     "superhero",
                                                  "department", "internal",  "dashboard",
                                                  "auditor",    "admin"};
  return kRoles;
}

// The bearer token of the test principal acting in `role`.
inline std::string TokenOf(const std::string& role) { return "token-for-" + role; }

inline std::string Sha256Hex(const std::string& token) {
  return absl::BytesToHexString(storage::Sha256(token));
}

inline v1::TokenFile TestTokens() {
  v1::TokenFile file;
  auto add = [&](const std::string& token, const std::string& principal, const std::string& role,
                 const std::string& department = "") {
    v1::Token* t = file.add_tokens();
    t->set_sha256(Sha256Hex(token));
    t->set_principal(principal);
    t->set_role(role);
    t->set_department(department);
  };
  add(TokenOf("integrator"), "system:webshop", "integrator");
  add(TokenOf("agent"), "user:ada", "agent");
  add(TokenOf("superhero"), "user:anna", "superhero");
  add(TokenOf("department"), "user:wes", "department", "warehouse");
  add(TokenOf("internal"), "user:ivan", "internal");
  add(TokenOf("dashboard"), "system:wallboard", "dashboard");
  add(TokenOf("auditor"), "user:audra", "auditor");
  add(TokenOf("admin"), "user:root", "admin");
  add("token-for-app", "system:app", "integrator");
  add("token-for-delivery", "user:dina", "department", "delivery");
  return file;
}

// A TestServer whose callers need the tokens above; `options` may change more.
inline std::unique_ptr<TestServer> SecuredServer(
    std::function<void(services::ServerOptions&)> more = nullptr) {
  absl::StatusOr<services::TokenTable> tokens = services::TokenTable::From(TestTokens());
  REQUIRE(tokens.ok());
  return std::make_unique<TestServer>([table = *tokens, more](services::ServerOptions& options) {
    options.authorizer = services::Authorizer::WithTokens(table);
    if (more) more(options);
  });
}

// A client context carrying `token` (none when empty) with a 30 s deadline.
inline void Authenticate(grpc::ClientContext& context, const std::string& token) {
  context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(30));
  if (!token.empty()) context.AddMetadata("authorization", "Bearer " + token);
}

// One unary call made with `token`.
template <typename Stub, typename Request, typename Response>
grpc::Status CallAs(const std::string& token, Stub& stub,
                    grpc::Status (Stub::*method)(grpc::ClientContext*, const Request&, Response*),
                    const Request& request, Response* response) {
  grpc::ClientContext context;
  Authenticate(context, token);
  return (stub.*method)(&context, request, response);
}

// One unary call made with `token` that must succeed; its response.
template <typename Stub, typename Request, typename Response>
Response OkAs(const std::string& token, Stub& stub,
              grpc::Status (Stub::*method)(grpc::ClientContext*, const Request&, Response*),
              const Request& request) {
  Response response;
  const grpc::Status status = CallAs(token, stub, method, request, &response);
  INFO(status.error_message());
  REQUIRE(status.error_code() == grpc::StatusCode::OK);
  return response;
}

}  // namespace closedloop::testing

#endif  // CLOSEDLOOP_TESTS_SERVICES_SECURED_SERVER_H_
