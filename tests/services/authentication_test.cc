// The token file and how the daemon is told who may call: errors that name the entry and
// field, tokens held only as hashes, insecure local mode refused off loopback, and the real
// closedloopd started with a token file.
#include <catch2/catch.hpp>

#include <fstream>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "grpcpp/create_channel.h"
#include "services/api/server.h"
#include "tests/services/daemon_util.h"
#include "tests/services/secured_server.h"

namespace closedloop {
namespace {

using namespace testing;  // NOLINT: the API test helpers

absl::Status ErrorOf(const std::string& text) {
  return services::TokenTable::From(Msg<v1::TokenFile>(text)).status();
}

TEST_CASE("a token file's mistakes are named by entry and field", "[access][tokens]") {
  const std::string hash = Sha256Hex("secret");
  struct Case {
    std::string text;
    std::string message;
  };
  for (const Case& c : std::vector<Case>{
           {"tokens { sha256: 'abc' principal: 'user:a' role: 'agent' }",
            "tokens[0].sha256: must be 64 hex digits"},
           {"tokens { sha256: '" + std::string(64, 'g') + "' principal: 'user:a' role: 'agent' }",
            "tokens[0].sha256: must be 64 hex digits"},
           {"tokens { sha256: '" + hash + "' role: 'agent' }", "tokens[0].principal: "},
           {"tokens { sha256: '" + hash + "' principal: 'user:a' role: 'root' }",
            "tokens[0].role: 'root' is not one of integrator, agent, superhero, department, "
            "internal, dashboard, auditor, admin"},
           {"tokens { sha256: '" + hash + "' principal: 'user:a' role: 'local' }",
            "tokens[0].role: 'local' is not one of"},
           {"tokens { sha256: '" + hash + "' principal: 'user:a' role: 'department' }",
            "tokens[0].department: required for role department"},
           {"tokens { sha256: '" + hash + "' principal: 'user:a' role: 'agent' department: 'x' }",
            "tokens[0].department: only for role department"},
           {"tokens { sha256: '" + hash + "' principal: 'user:a' role: 'agent' } "
            "tokens { sha256: '" + absl::AsciiStrToUpper(hash) + "' principal: 'user:b' role: 'agent' }",
            "tokens[1].sha256: the same token is listed twice"},
       }) {
    INFO(c.text);
    const absl::Status status = ErrorOf(c.text);
    CHECK(status.code() == absl::StatusCode::kInvalidArgument);
    CHECK(absl::StartsWith(status.message(), c.message));
  }
}

TEST_CASE("a token file is read from disk, and only a token whose hash it lists gets in", "[access][tokens]") {
  TempDir dir;
  const std::string path = dir.Sub("tokens.textproto");
  std::ofstream(path) << "# who may call\ntokens { sha256: '" << Sha256Hex("s3cret")
                      << "' principal: 'user:anna' role: 'superhero' team: 'cx-hotline' }\n";
  absl::StatusOr<services::TokenTable> table = services::TokenTable::Load(path);
  REQUIRE(table.ok());
  CHECK(table->size() == 1);
  const domain::Caller* anna = table->Find("s3cret");
  REQUIRE(anna != nullptr);
  CHECK(anna->principal == "user:anna");
  CHECK(anna->role == "superhero");
  CHECK(anna->team == "cx-hotline");
  CHECK(table->Find(Sha256Hex("s3cret")) == nullptr);  // the hash itself is no token
  CHECK(table->Find("s3cret ") == nullptr);

  std::ofstream(path) << "tokens { sha256: 'x' principal: }";
  const absl::Status broken = services::TokenTable::Load(path).status();
  CHECK(broken.code() == absl::StatusCode::kInvalidArgument);
  CHECK(absl::StartsWith(broken.message(), "tokens: line 1, column "));
  CHECK(services::TokenTable::Load(dir.Sub("missing")).status().code() == absl::StatusCode::kNotFound);
}

TEST_CASE("insecure local mode serves loopback only", "[access]") {
  CHECK(services::IsLoopback("127.0.0.1:50051"));
  CHECK(services::IsLoopback("127.0.0.2:0"));
  CHECK(services::IsLoopback("localhost:6000"));
  CHECK(services::IsLoopback("[::1]:6000"));
  CHECK_FALSE(services::IsLoopback("0.0.0.0:6000"));
  CHECK_FALSE(services::IsLoopback("[::]:6000"));
  CHECK_FALSE(services::IsLoopback("10.0.0.7:6000"));
  CHECK_FALSE(services::IsLoopback("127.example.com:6000"));

  TempDir dir;
  storage::EventLogOptions log_options;
  log_options.path = dir.Sub("db");
  std::unique_ptr<storage::EventLog> log = *storage::EventLog::Open(log_options);
  services::ServerOptions options = Options(dir);
  options.listen_address = "0.0.0.0:0";
  const absl::Status refused = services::ClosedLoopServer::Start(*log, options).status();
  CHECK(refused.code() == absl::StatusCode::kFailedPrecondition);
  CHECK(absl::StrContains(refused.message(), "insecure local mode serves loopback only"));
}

// Runs closedloopd with `flags` and returns its exit status and output; it must exit by itself.
std::pair<int, std::string> RunToExit(const std::string& data_dir, std::vector<std::string> flags) {
  Daemon d = StartDaemon(data_dir, std::move(flags));
  d.ReadUntil("\x04");  // reads until the pipe closes: the daemon exited
  int status = 0;
  REQUIRE(waitpid(d.pid, &status, 0) == d.pid);
  close(d.stderr_fd);
  REQUIRE(WIFEXITED(status));
  return {WEXITSTATUS(status), d.output};
}

TEST_CASE("closedloopd authenticates with --tokens, and refuses to start unsure of who may call", "[access][daemon]") {
  TempDir dir;
  const std::string tokens = dir.Sub("tokens.textproto");
  std::ofstream(tokens) << "tokens { sha256: '" << Sha256Hex("wall") << "' principal: 'system:wallboard' role: 'dashboard' }\n";

  Daemon d = StartDaemon(dir.Sub("data"), {"--tokens=" + tokens});
  REQUIRE(d.ReadUntil("views resume after position"));
  CHECK(absl::StrContains(d.output, "closedloopd: 1 tokens from " + tokens));
  auto channel = grpc::CreateChannel(absl::StrCat("127.0.0.1:", PortOf(d.output)),
                                     grpc::InsecureChannelCredentials());
  auto queries = v1::QueryService::NewStub(channel);
  v1::Metrics metrics;
  CHECK(CallAs("wall", *queries, &v1::QueryService::Stub::GetMetrics, v1::GetMetricsRequest(), &metrics).ok());
  CHECK(CallAs("", *queries, &v1::QueryService::Stub::GetMetrics, v1::GetMetricsRequest(), &metrics)
            .error_code() == grpc::StatusCode::UNAUTHENTICATED);
  auto complaints = v1::ComplaintService::NewStub(channel);
  v1::CommandResponse response;
  CHECK(CallAs("wall", *complaints, &v1::ComplaintService::Stub::FileComplaint,
               v1::FileComplaintRequest(), &response).error_code() == grpc::StatusCode::PERMISSION_DENIED);
  REQUIRE(d.ReadUntil("closedloopd: denied FileComplaint to system:wallboard (role dashboard) from "));
  Stop(d);

  auto [no_flags, why] = RunToExit(dir.Sub("data"), {"--tokens="});
  CHECK(no_flags == 1);
  CHECK(absl::StrContains(why, "no --tokens file"));
  auto [both, why_both] = RunToExit(dir.Sub("data"), {"--tokens=" + tokens, "--insecure_local"});
  CHECK(both == 1);
  CHECK(absl::StrContains(why_both, "not both"));
  auto [open, why_open] = RunToExit(dir.Sub("data"), {"--insecure_local", "--listen=0.0.0.0:0"});
  CHECK(open == 1);
  CHECK(absl::StrContains(why_open, "insecure local mode serves loopback only"));
  auto [bad, why_bad] = RunToExit(dir.Sub("data"), {"--tokens=" + dir.Sub("none")});
  CHECK(bad == 1);
  CHECK(absl::StrContains(why_bad, "invalid --tokens"));
}

}  // namespace
}  // namespace closedloop
