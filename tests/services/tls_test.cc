// TLS and mutual TLS on the daemon's port, with the checked-in test certificates
// (tests/data/tls/make-certs.sh): who can connect, and the errors for bad files.
#include <catch2/catch.hpp>

#include <fstream>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "grpcpp/create_channel.h"
#include "services/access/tls_credentials.h"
#include "tests/services/api_test_util.h"

namespace closedloop {
namespace {

using namespace testing;  // NOLINT: the API test helpers

std::string Cert(const std::string& name) {
  return absl::StrCat(CLOSEDLOOP_TEST_DATA_DIR, "/tls/", name);
}

std::string Read(const std::string& path) {
  std::ifstream file(path);
  REQUIRE(file);
  return std::string(std::istreambuf_iterator<char>(file), {});
}

std::unique_ptr<TestServer> TlsServer(bool mutual) {
  services::TlsFiles files{Cert("server.pem"), Cert("server-key.pem"),
                           mutual ? Cert("ca.pem") : ""};
  absl::StatusOr<std::shared_ptr<grpc::ServerCredentials>> credentials =
      services::ServerCredentialsFrom(files);
  INFO(credentials.status().ToString());
  REQUIRE(credentials.ok());
  return std::make_unique<TestServer>(
      [c = *credentials](services::ServerOptions& options) { options.credentials = c; });
}

// Files a complaint over a fresh channel with `credentials`; the call's status.
grpc::Status FileOver(TestServer& s, std::shared_ptr<grpc::ChannelCredentials> credentials) {
  grpc::ChannelArguments args;
  args.SetSslTargetNameOverride("localhost");
  auto channel = grpc::CreateCustomChannel(absl::StrCat("127.0.0.1:", s.server->port()),
                                           credentials, args);
  auto stub = v1::ComplaintService::NewStub(channel);
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
  v1::CommandResponse response;
  return stub->FileComplaint(
      &context,
      Msg<v1::FileComplaintRequest>("complaint { channel: CHANNEL_WEB kind: ITEM_KIND_COMPLAINT "
                                    "customer_ref: 'c1' market: 'DE' language: 'de' text: 'x' }"),
      &response);
}

std::shared_ptr<grpc::ChannelCredentials> Trusting(const std::string& ca, const std::string& client = "") {
  grpc::SslCredentialsOptions options;
  options.pem_root_certs = Read(Cert(ca));
  if (!client.empty()) {
    options.pem_cert_chain = Read(Cert(client + ".pem"));
    options.pem_private_key = Read(Cert(client + "-key.pem"));
  }
  return grpc::SslCredentials(options);
}

TEST_CASE("with TLS, a client trusting the CA is served, plaintext and other CAs are not", "[tls]") {
  std::unique_ptr<TestServer> s = TlsServer(/*mutual=*/false);
  const uint64_t head = s->log->HeadPosition();
  CHECK(FileOver(*s, Trusting("ca.pem")).ok());
  CHECK(FileOver(*s, grpc::InsecureChannelCredentials()).error_code() == grpc::StatusCode::UNAVAILABLE);
  CHECK(FileOver(*s, Trusting("other-ca.pem")).error_code() == grpc::StatusCode::UNAVAILABLE);
  CHECK(s->log->HeadPosition() > head);
}

TEST_CASE("with mutual TLS, only clients with a certificate from the client CA are served", "[tls]") {
  std::unique_ptr<TestServer> s = TlsServer(/*mutual=*/true);
  const uint64_t head = s->log->HeadPosition();
  CHECK(FileOver(*s, Trusting("ca.pem")).error_code() == grpc::StatusCode::UNAVAILABLE);
  CHECK(FileOver(*s, Trusting("ca.pem", "other-client")).error_code() == grpc::StatusCode::UNAVAILABLE);
  CHECK(s->log->HeadPosition() == head);
  CHECK(FileOver(*s, Trusting("ca.pem", "client")).ok());
  CHECK(s->log->HeadPosition() > head);
}

TEST_CASE("bad TLS files are refused with the flag named", "[tls]") {
  TempDir dir;
  std::ofstream(dir.Sub("not-pem")) << "hello";
  struct Case {
    services::TlsFiles files;
    absl::StatusCode code;
    std::string message;
  };
  for (const Case& c : std::vector<Case>{
           {{Cert("server.pem"), "", ""}, absl::StatusCode::kFailedPrecondition, "tls_cert and tls_key: give both or neither"},
           {{"", Cert("server-key.pem"), ""}, absl::StatusCode::kFailedPrecondition, "tls_cert and tls_key"},
           {{"", "", Cert("ca.pem")}, absl::StatusCode::kFailedPrecondition, "tls_client_ca: needs tls_cert and tls_key"},
           {{dir.Sub("missing"), Cert("server-key.pem"), ""}, absl::StatusCode::kInvalidArgument, "tls_cert: cannot read "},
           {{Cert("server.pem"), dir.Sub("not-pem"), ""}, absl::StatusCode::kInvalidArgument, "tls_key: "},
           {{Cert("server.pem"), Cert("client-key.pem"), ""}, absl::StatusCode::kInvalidArgument, "tls_key: does not match tls_cert"},
           {{Cert("server.pem"), Cert("server-key.pem"), dir.Sub("not-pem")}, absl::StatusCode::kInvalidArgument, "tls_client_ca: "},
       }) {
    INFO(c.files.cert_chain << " / " << c.files.private_key << " / " << c.files.client_ca);
    const absl::Status status = services::ServerCredentialsFrom(c.files).status();
    CHECK(status.code() == c.code);
    CHECK(absl::StartsWith(status.message(), c.message));
  }
  CHECK(services::ServerCredentialsFrom({}).ok());  // neither: plaintext
}

}  // namespace
}  // namespace closedloop
