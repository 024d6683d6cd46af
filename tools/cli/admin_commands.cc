// The operator's subcommands: health (the standard gRPC health check), admin config
// (AdminService.GetConfig) and admin backup (AdminService.Backup).
#include <cstdio>
#include <string>

#include "absl/strings/escaping.h"
#include "closedloop/v1/admin_service.grpc.pb.h"
#include "google/protobuf/text_format.h"
#include "tools/cli/call.h"
#include "tools/cli/command.h"
#include "tools/cli/output.h"
#include "tools/health_client.h"

namespace closedloop::cli {
namespace {

int Health(Args& args, const Connection& connection) {
  args.AtMost(0);
  const bool json = args.Switch("json");
  if (!args.ok()) return kExitUsage;
  absl::StatusOr<std::string> health = tools::CheckHealth(connection.channel(), connection.timeout());
  if (!health.ok()) {
    return RpcFailed(grpc::Status(static_cast<grpc::StatusCode>(health.status().code()),
                                  std::string(health.status().message())));
  }
  if (json) {
    std::printf("{\"status\":\"%s\"}\n", health->c_str());
  } else {
    std::printf("%s\n", health->c_str());
  }
  // A monitor runs this: anything but SERVING must fail its check.
  return *health == "SERVING" ? kExitOk : kExitFailed;
}

// The configuration as a --config file: text format, its version and hash as comments.
void PrintConfig(const v1::ConfigApplied& applied) {
  std::string text;
  if (!google::protobuf::TextFormat::PrintToString(applied.config(), &text)) text.clear();
  std::printf("# the configuration in force: version %s, sha256 %s\n%s", OrDash(applied.version()).c_str(),
              absl::BytesToHexString(applied.sha256()).c_str(), text.c_str());
}

int Config(Args& args, const Connection& connection) {
  args.AtMost(0);
  return CallAndPrint(args, connection, &v1::AdminService::Stub::GetConfig, v1::GetConfigRequest(),
                      PrintConfig);
}

int Backup(Args& args, const Connection& connection) {
  v1::BackupRequest request;
  request.set_directory(args.Operand(0, "DIR"));
  args.AtMost(1);
  return CallAndPrint(
      args, connection, &v1::AdminService::Stub::Backup, request, [](const v1::BackupResponse& response) {
        std::printf("backup in %s: every event up to position %llu (views at %llu)\n",
                    response.directory().c_str(), static_cast<unsigned long long>(response.position()),
                    static_cast<unsigned long long>(response.views_position()));
      });
}

}  // namespace

std::vector<Command> AdminCommands() {
  return {
      {"health",
       "",
       "the server's health: SERVING, NOT_SERVING, ...",
       "Exit status 0 only when SERVING.",
       {},
       Health},
      {"admin config",
       "",
       "the configuration in force: SLA policy, teams, departments, routing",
       "Printed in protobuf text format, usable as a --config file; --json prints the\n"
       "config.applied record (version, sha256, config).",
       {},
       Config},
      {"admin backup",
       "DIR",
       "an online, consistent copy of the data, to DIR on the daemon's machine",
       "DIR must be an absolute path that does not exist yet. Start closedloopd "
       "--data_dir=DIR to serve the copy.",
       {},
       Backup},
  };
}

}  // namespace closedloop::cli
