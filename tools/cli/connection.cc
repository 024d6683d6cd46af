#include "tools/cli/connection.h"

#include <cstdlib>
#include <fstream>
#include <iterator>

#include "absl/strings/str_cat.h"
#include "grpcpp/create_channel.h"
#include "grpcpp/security/credentials.h"

namespace closedloop::cli {
namespace {

constexpr char kDefaultServer[] = "127.0.0.1:50051";

// The file a TLS flag names; a usage error when it cannot be read.
std::string ReadFlagFile(Args& args, const std::string& flag) {
  const std::string path = args.String(flag);
  std::ifstream file(path);
  if (!file) {
    args.Fail(absl::StrCat("--", flag, ": cannot read ", path));
    return "";
  }
  return std::string(std::istreambuf_iterator<char>(file), {});
}

std::shared_ptr<grpc::ChannelCredentials> Credentials(Args& args) {
  if (args.String("tls_ca").empty()) {
    if (args.Has("tls_cert") || args.Has("tls_key")) {
      args.Fail("--tls_cert and --tls_key need --tls_ca (the CA that signed the server)");
    }
    return grpc::InsecureChannelCredentials();
  }
  grpc::SslCredentialsOptions options;
  options.pem_root_certs = ReadFlagFile(args, "tls_ca");
  if (args.Has("tls_cert") != args.Has("tls_key")) {
    args.Fail("--tls_cert and --tls_key go together");
  } else if (args.Has("tls_cert")) {
    options.pem_cert_chain = ReadFlagFile(args, "tls_cert");
    options.pem_private_key = ReadFlagFile(args, "tls_key");
  }
  return grpc::SslCredentials(options);
}

}  // namespace

std::vector<FlagSpec> ConnectionFlags() {
  return {
      {"server", "HOST:PORT", absl::StrCat("address of closedloopd (default ", kDefaultServer, ")")},
      {"token", "TOKEN",
       "bearer token to call with (default: $CLOSEDLOOP_TOKEN; a daemon in its "
       "insecure local mode needs none)"},
      {"tls_ca", "FILE",
       "PEM CA certificates to trust: connect with TLS (the server's name is "
       "checked against --server's host)"},
      {"tls_cert", "FILE", "PEM client certificate, for a server requiring mutual TLS"},
      {"tls_key", "FILE", "PEM private key of --tls_cert"},
      {"timeout", "DURATION", "deadline of each call (default 10s)"},
  };
}

Connection Connection::Open(Args& args) {
  std::string token = args.String("token");
  if (const char* env = std::getenv("CLOSEDLOOP_TOKEN"); token.empty() && env != nullptr) {
    token = env;
  }
  const absl::Duration timeout = args.Duration("timeout", absl::Seconds(10));
  if (timeout <= absl::ZeroDuration()) args.Fail("--timeout must be positive");
  auto channel = grpc::CreateChannel(args.String("server", kDefaultServer), Credentials(args));
  return Connection(std::move(channel), std::move(token), timeout);
}

std::unique_ptr<grpc::ClientContext> Connection::NewContext() const {
  auto context = std::make_unique<grpc::ClientContext>();
  if (!token_.empty()) context->AddMetadata("authorization", absl::StrCat("Bearer ", token_));
  context->set_deadline(absl::ToChronoTime(absl::Now() + timeout_));
  return context;
}

std::unique_ptr<grpc::ClientContext> Connection::NewStreamContext() const {
  auto context = std::make_unique<grpc::ClientContext>();
  if (!token_.empty()) context->AddMetadata("authorization", absl::StrCat("Bearer ", token_));
  return context;
}

}  // namespace closedloop::cli
