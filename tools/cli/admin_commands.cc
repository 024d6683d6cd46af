// The operator's subcommands: health (the standard gRPC health check) and admin backup
// (AdminService.Backup).
#include <cstdio>
#include <string>

#include "closedloop/v1/admin_service.grpc.pb.h"
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

int Backup(Args& args, const Connection& connection) {
  v1::BackupRequest request;
  request.set_directory(args.Operand(0, "DIR"));
  args.AtMost(1);
  return CallAndPrint(args, connection, &v1::AdminService::Stub::Backup, request,
                      [](const v1::BackupResponse& response) {
                        std::printf("backup in %s: every event up to position %llu (views at %llu)\n",
                                    response.directory().c_str(),
                                    static_cast<unsigned long long>(response.position()),
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
