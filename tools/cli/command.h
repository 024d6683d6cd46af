// A `closedloop` subcommand: its name, usage, flags and what it runs; and the lists each area
// of the CLI contributes. main.cc dispatches over them and prints their --help.
//
// Exit statuses every subcommand keeps: 0 done, 1 the server refused the call or could not be
// reached (the gRPC code is named on stderr), 2 a usage error, 3 `audit verify` found the
// chain broken.
#ifndef CLOSEDLOOP_TOOLS_CLI_COMMAND_H_
#define CLOSEDLOOP_TOOLS_CLI_COMMAND_H_

#include <string>
#include <vector>

#include "tools/cli/args.h"
#include "tools/cli/connection.h"

namespace closedloop::cli {

inline constexpr int kExitOk = 0;
inline constexpr int kExitFailed = 1;
inline constexpr int kExitUsage = 2;
inline constexpr int kExitChainBroken = 3;

struct Command {
  std::string path;             // the words that name it: "file", "task open", "audit export"
  std::string operands;         // its operands in the usage line: "COMPLAINT-ID TEXT..."
  std::string summary;          // one line, for the overview
  std::string details;          // more lines for its --help; may be empty
  std::vector<FlagSpec> flags;  // beyond the connection flags and --json
  // Runs it. Reads what it needs from `args` and returns kExitUsage with args.error() set
  // when that is malformed, before calling anything.
  int (*run)(Args& args, const Connection& connection);
};

// file, comment, contact, task open|respond|complete, resolve, close, reopen, triage, assign,
// escalate, redirect, link, survey.
std::vector<Command> ComplaintCommands();
// show, list, board, deadlines, catalog, metrics, customer, watch.
std::vector<Command> QueryCommands();
// problem open|action|complete-action|fixed|verify, problems.
std::vector<Command> ProblemCommands();
// audit history|verify|export|read-all|read-stream.
std::vector<Command> AuditCommands();
// health, admin config, admin backup.
std::vector<Command> AdminCommands();
// follow, admin webhooks, admin webhooks replay.
std::vector<Command> DeliveryCommands();

// The flag commands share for reading their own writes.
inline FlagSpec MinPositionFlag() {
  return {"min_position", "N",
          "wait until the server's views include this log position (a "
          "command's position)"};
}

}  // namespace closedloop::cli

#endif  // CLOSEDLOOP_TOOLS_CLI_COMMAND_H_
