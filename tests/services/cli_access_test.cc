// The `closedloop` CLI against a closedloopd that requires bearer tokens and mutual TLS: the
// connection options work for every subcommand, and each refusal names its gRPC code.
#include <catch2/catch.hpp>
#include <cstdlib>
#include <fstream>
#include <string>

#include "absl/strings/str_cat.h"
#include "closedloop/v1/complaint_service.pb.h"
#include "closedloop/v1/views.pb.h"
#include "tests/services/cli_test_util.h"

namespace closedloop {
namespace {

using testing::CliDaemon;
using testing::Contains;
using testing::FromJson;

std::string Cert(const std::string& name) { return absl::StrCat(CLOSEDLOOP_TEST_DATA_DIR, "/tls/", name); }

// The file holds only the tokens' SHA-256 (`printf %s TOKEN | sha256sum`).
constexpr char kSuperhero[] = "cli-superhero-token";
constexpr char kAdmin[] = "cli-admin-token";
constexpr char kTokens[] =
    "tokens { sha256: \"ed1feb634c04496020bf4d27f90227495e0a3d6522e7a83d120b6700e15867e6\" "
    "principal: \"user:anna\" role: \"superhero\" }\n"
    "tokens { sha256: \"329cb08751a86786b306fe8cbe792da697aa85451b685310f417f57d7b0a0fee\" "
    "principal: \"user:olga\" role: \"admin\" }\n";

TEST_CASE("closedloop reaches a daemon requiring tokens and mutual TLS with --token or $CLOSEDLOOP_TOKEN",
          "[cli]") {
  testing::TempDir files;
  const std::string tokens = files.Sub("tokens");
  std::ofstream(tokens) << kTokens;
  CliDaemon d({"--tokens=" + tokens, "--tls_cert=" + Cert("server.pem"),
               "--tls_key=" + Cert("server-key.pem"), "--tls_client_ca=" + Cert("ca.pem")});
  const std::string tls = absl::StrCat("--tls_ca=", Cert("ca.pem"), " --tls_cert=", Cert("client.pem"),
                                       " --tls_key=", Cert("client-key.pem"));

  const auto filed = FromJson<v1::CommandResponse>(
      d.Run(absl::StrCat(tls, " --token=", kSuperhero,
                         " --json file --channel=app --customer=c-5 App crashed at checkout"))
          .out);
  const std::string id = filed.complaint_id();
  REQUIRE_FALSE(id.empty());

  // Without --token the environment's token is used; the events name its principal.
  REQUIRE(setenv("CLOSEDLOOP_TOKEN", kSuperhero, 1) == 0);
  testing::CliRun history =
      d.Run(absl::StrCat(tls, " audit history ", id, " --min_position=", filed.position()));
  unsetenv("CLOSEDLOOP_TOKEN");
  CHECK(Contains(history.out, "user:anna (superhero)"));

  testing::CliRun anonymous = d.Run(absl::StrCat(tls, " show ", id), 1);
  CHECK(anonymous.err.rfind("closedloop: UNAUTHENTICATED: ", 0) == 0);
  testing::CliRun not_admin =
      d.Run(absl::StrCat(tls, " --token=", kSuperhero, " admin backup ", d.dir.Sub("copy")), 1);
  CHECK(not_admin.err.rfind("closedloop: PERMISSION_DENIED: ", 0) == 0);
  testing::CliRun backup = d.Run(absl::StrCat(tls, " --token=", kAdmin, " admin backup ", d.dir.Sub("copy")));
  CHECK(Contains(backup.out, "backup in "));
  testing::CliRun config_denied = d.Run(absl::StrCat(tls, " --token=", kSuperhero, " admin config"), 1);
  CHECK(config_denied.err.rfind("closedloop: PERMISSION_DENIED: ", 0) == 0);
  CHECK(config_denied.out.empty());
  CHECK(d.Run(absl::StrCat(tls, " --token=", kAdmin, " admin config"))
            .out.rfind("# the configuration in force: ", 0) == 0);

  // Without a client certificate, or without TLS, the daemon does not serve at all.
  const std::string no_client_cert = absl::StrCat("--tls_ca=", Cert("ca.pem"), " --token=", kSuperhero);
  CHECK(d.Run(absl::StrCat(no_client_cert, " show ", id), 1).err.rfind("closedloop: UNAVAILABLE: ", 0) == 0);
  CHECK(d.Run(absl::StrCat("--token=", kSuperhero, " show ", id), 1)
            .err.rfind("closedloop: UNAVAILABLE: ", 0) == 0);
  d.Stop();
}

}  // namespace
}  // namespace closedloop
