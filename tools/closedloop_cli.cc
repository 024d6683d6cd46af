// closedloop: the command-line client.
//
//   closedloop health                          the server's health status (SERVING, ...)
//   closedloop audit read-all [--from=N]       the log, one event a line
//   closedloop audit read-stream STREAM        one stream, one event a line
//   closedloop audit verify [--from --to]      recompute the hash chain; prints the head hash
//   closedloop admin backup DIR                an online copy of the data, on the daemon's machine
//
// Every subcommand takes --server and --json. Exit status: 0 OK, 1 error, 2 usage, 3 the
// chain did not verify.
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "closedloop/v1/admin_service.grpc.pb.h"
#include "closedloop/v1/audit_service.grpc.pb.h"
#include "google/protobuf/util/json_util.h"
#include "google/protobuf/util/time_util.h"
#include "grpcpp/create_channel.h"
#include "grpcpp/security/credentials.h"
#include "tools/health_client.h"

ABSL_FLAG(std::string, server, "127.0.0.1:50051", "Address of closedloopd, host:port.");
ABSL_FLAG(bool, json, false, "Print JSON (one object a line) instead of a table.");
ABSL_FLAG(uint64_t, from, 0, "First position (read-all, verify) or revision (read-stream).");
ABSL_FLAG(uint64_t, to, 0, "Last position to verify; 0 = the head.");
ABSL_FLAG(int32_t, limit, 100, "Most events to print.");
ABSL_FLAG(absl::Duration, timeout, absl::Seconds(10), "Deadline of each call.");
ABSL_FLAG(std::string, tls_ca, "",
          "PEM CA certificates to trust: connect with TLS (the server's name is checked against "
          "--server's host). Empty: plaintext.");
ABSL_FLAG(std::string, tls_cert, "", "PEM client certificate, for a server requiring mutual TLS.");
ABSL_FLAG(std::string, tls_key, "", "PEM private key of --tls_cert.");
ABSL_FLAG(std::string, token, "",
          "Bearer token to call with; empty: $CLOSEDLOOP_TOKEN, or none (a daemon in its "
          "insecure local mode needs none).");

namespace {

using namespace closedloop;  // NOLINT: a small tool

void PrintMessage(const google::protobuf::Message& message) {
  std::string json;
  google::protobuf::util::JsonPrintOptions options;
  options.preserve_proto_field_names = true;
  (void)google::protobuf::util::MessageToJsonString(message, &json, options);
  std::printf("%s\n", json.c_str());
}

void PrintEvent(const v1::RecordedEvent& e) {
  if (absl::GetFlag(FLAGS_json)) return PrintMessage(e);
  std::printf("%10llu  %-32s %6llu  %-28s %-24s %s\n", static_cast<unsigned long long>(e.position()),
              e.stream().c_str(), static_cast<unsigned long long>(e.revision()), e.type().c_str(),
              e.actor().principal().c_str(),
              google::protobuf::util::TimeUtil::ToString(e.recorded_at()).c_str());
}

int Fail(const grpc::Status& status) {
  std::fprintf(stderr, "closedloop: %s\n", status.error_message().c_str());
  return 1;
}

// The file at `path`, or exit with a message naming `flag`.
std::string ReadOrDie(const std::string& path, const char* flag) {
  std::ifstream file(path);
  if (!file) {
    std::fprintf(stderr, "closedloop: --%s: cannot read %s\n", flag, path.c_str());
    std::exit(2);
  }
  return std::string(std::istreambuf_iterator<char>(file), {});
}

std::shared_ptr<grpc::ChannelCredentials> ChannelCredentials() {
  if (absl::GetFlag(FLAGS_tls_ca).empty()) return grpc::InsecureChannelCredentials();
  grpc::SslCredentialsOptions options;
  options.pem_root_certs = ReadOrDie(absl::GetFlag(FLAGS_tls_ca), "tls_ca");
  if (!absl::GetFlag(FLAGS_tls_cert).empty()) {
    options.pem_cert_chain = ReadOrDie(absl::GetFlag(FLAGS_tls_cert), "tls_cert");
    options.pem_private_key = ReadOrDie(absl::GetFlag(FLAGS_tls_key), "tls_key");
  }
  return grpc::SslCredentials(options);
}

std::unique_ptr<grpc::ClientContext> Context() {
  auto context = std::make_unique<grpc::ClientContext>();
  std::string token = absl::GetFlag(FLAGS_token);
  if (const char* env = std::getenv("CLOSEDLOOP_TOKEN"); token.empty() && env != nullptr) token = env;
  if (!token.empty()) context->AddMetadata("authorization", "Bearer " + token);
  context->set_deadline(absl::ToChronoTime(absl::Now() + absl::GetFlag(FLAGS_timeout)));
  return context;
}

int ReadAll(v1::AuditService::Stub& stub) {
  v1::ReadAllRequest request;
  request.set_from_position(absl::GetFlag(FLAGS_from));
  request.set_page_size(absl::GetFlag(FLAGS_limit));
  v1::ReadAllResponse response;
  grpc::Status status = stub.ReadAll(Context().get(), request, &response);
  if (!status.ok()) return Fail(status);
  for (const v1::RecordedEvent& e : response.events()) PrintEvent(e);
  if (!absl::GetFlag(FLAGS_json)) {
    std::printf("(%d events; head at %llu)\n", response.events_size(),
                static_cast<unsigned long long>(response.head_position()));
  }
  return 0;
}

int ReadStream(v1::AuditService::Stub& stub, const std::string& stream) {
  v1::ReadStreamRequest request;
  request.set_stream(stream);
  request.set_from_revision(absl::GetFlag(FLAGS_from));
  request.set_page_size(absl::GetFlag(FLAGS_limit));
  v1::ReadStreamResponse response;
  grpc::Status status = stub.ReadStream(Context().get(), request, &response);
  if (!status.ok()) return Fail(status);
  for (const v1::RecordedEvent& e : response.events()) PrintEvent(e);
  return 0;
}

// admin backup DIR: an online copy of the daemon's data directory, written on its machine.
int Backup(v1::AdminService::Stub& stub, const std::string& directory) {
  v1::BackupRequest request;
  request.set_directory(directory);
  v1::BackupResponse response;
  grpc::Status status = stub.Backup(Context().get(), request, &response);
  if (!status.ok()) return Fail(status);
  if (absl::GetFlag(FLAGS_json)) {
    std::printf("{\"directory\":\"%s\",\"position\":%llu,\"views_position\":%llu}\n",
                absl::CEscape(response.directory()).c_str(),
                static_cast<unsigned long long>(response.position()),
                static_cast<unsigned long long>(response.views_position()));
  } else {
    std::printf("backup in %s: every event up to position %llu (views at %llu)\n",
                response.directory().c_str(), static_cast<unsigned long long>(response.position()),
                static_cast<unsigned long long>(response.views_position()));
  }
  return 0;
}

int Verify(v1::AuditService::Stub& stub) {
  v1::VerifyChainRequest request;
  request.set_from_position(absl::GetFlag(FLAGS_from));
  request.set_to_position(absl::GetFlag(FLAGS_to));
  v1::VerifyChainResponse response;
  grpc::Status status = stub.VerifyChain(Context().get(), request, &response);
  if (!status.ok()) return Fail(status);
  if (absl::GetFlag(FLAGS_json)) {
    PrintMessage(response);
  } else if (response.ok()) {
    std::printf("chain verified from %llu to %llu\nhead hash: %s\n",
                static_cast<unsigned long long>(response.verified_from()),
                static_cast<unsigned long long>(response.verified_to()),
                absl::BytesToHexString(response.head_hash()).c_str());
  } else {
    std::printf("CHAIN BROKEN at position %llu: %s\n",
                static_cast<unsigned long long>(response.first_bad_position()),
                response.problem().c_str());
  }
  return response.ok() ? 0 : 3;
}

}  // namespace

int main(int argc, char** argv) {
  absl::SetProgramUsageMessage(
      "The Closed Loop command-line client.\n"
      "Usage: closedloop [--server=HOST:PORT] [--json] SUBCOMMAND\n"
      "  health                      the server's health status\n"
      "  audit read-all [--from=N] [--limit=N]\n"
      "  audit read-stream STREAM [--from=REVISION] [--limit=N]\n"
      "  audit verify [--from=N] [--to=N]\n"
      "  admin backup DIR            an online copy of the data, to DIR on the daemon's machine");
  std::vector<char*> args = absl::ParseCommandLine(argc, argv);
  std::vector<std::string> words(args.begin() + 1, args.end());
  auto channel = grpc::CreateChannel(absl::GetFlag(FLAGS_server), ChannelCredentials());
  auto stub = v1::AuditService::NewStub(channel);

  if (words.size() == 1 && words[0] == "health") {
    absl::StatusOr<std::string> health = tools::CheckHealth(channel, absl::GetFlag(FLAGS_timeout));
    if (!health.ok()) {
      std::fprintf(stderr, "closedloop: %s\n", health.status().ToString().c_str());
      return 1;
    }
    std::printf("%s\n", health->c_str());
    return *health == "SERVING" ? 0 : 1;
  }
  if (words.size() == 2 && words[0] == "audit" && words[1] == "read-all") return ReadAll(*stub);
  if (words.size() == 3 && words[0] == "audit" && words[1] == "read-stream") {
    return ReadStream(*stub, words[2]);
  }
  if (words.size() == 2 && words[0] == "audit" && words[1] == "verify") return Verify(*stub);
  if (words.size() == 3 && words[0] == "admin" && words[1] == "backup") {
    auto admin = v1::AdminService::NewStub(channel);
    return Backup(*admin, words[2]);
  }
  std::fprintf(stderr, "%s\n", absl::ProgramUsageMessage().data());
  return 2;
}
