// closedloop: the command-line client of closedloopd. One binary, one subcommand per task:
//
//   complaints  file, comment, contact, task open|respond|complete, resolve, close, reopen,
//               triage, assign, escalate, redirect, link, survey (complaint_commands.cc)
//   queries     show, list, board, deadlines, catalog, metrics, customer, watch
//                                                              (query_commands.cc)
//   problems    problem open|action|complete-action|fixed|verify, problems
//                                                              (problem_commands.cc)
//   auditors    audit history|verify|export|read-all|read-stream (audit_commands.cc)
//   operators   health, admin config, admin backup             (admin_commands.cc)
//   delivery    follow, admin webhooks [replay]                (delivery_commands.cc)
//
// Tables for people by default; --json prints one JSON object a line (proto field names) for
// scripts. This file finds the subcommand, checks its flags and prints --help; the
// subcommands do the rest. Exit statuses are in command.h.
#include <algorithm>
#include <cstdio>
#include <string>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "tools/cli/args.h"
#include "tools/cli/command.h"
#include "tools/cli/connection.h"

namespace closedloop::cli {
namespace {

std::vector<Command> AllCommands() {
  std::vector<Command> all;
  for (auto area : {ComplaintCommands, QueryCommands, ProblemCommands, AuditCommands, AdminCommands,
                     DeliveryCommands}) {
    for (Command& command : area()) all.push_back(std::move(command));
  }
  return all;
}

std::vector<FlagSpec> CommonFlags() {
  std::vector<FlagSpec> flags = ConnectionFlags();
  flags.push_back({"json", "", "print one JSON object a line (proto field names) instead of tables"});
  flags.push_back({"help", "", "print the usage of the subcommand and exit"});
  return flags;
}

void PrintFlags(std::FILE* out, const std::vector<FlagSpec>& flags) {
  std::vector<std::string> names;
  size_t width = 0;
  for (const FlagSpec& f : flags) {
    names.push_back(absl::StrCat("--", f.name, f.value.empty() ? "" : absl::StrCat("=", f.value)));
    width = std::max(width, names.back().size());
  }
  for (size_t i = 0; i < flags.size(); ++i) {
    if (flags[i].help.empty()) {
      std::fprintf(out, "  %s\n", names[i].c_str());
    } else {
      std::fprintf(out, "  %-*s  %s\n", static_cast<int>(width), names[i].c_str(), flags[i].help.c_str());
    }
  }
}

std::string Synopsis(const Command& c) {
  return absl::StrCat(c.path, c.flags.empty() ? "" : " [OPTIONS]", c.operands.empty() ? "" : " ", c.operands);
}

// The subcommands whose path starts with `group` (all of them for ""), and the common flags.
void PrintOverview(std::FILE* out, const std::vector<Command>& commands, const std::string& group) {
  std::fprintf(out, "Usage: closedloop [OPTIONS] %sSUBCOMMAND [ARGS]\n\nSubcommands:\n",
               group.empty() ? "" : absl::StrCat(group, " ").c_str());
  size_t width = 0;
  for (const Command& c : commands) width = std::max(width, Synopsis(c).size());
  for (const Command& c : commands) {
    if (!group.empty() && !absl::StartsWith(c.path, absl::StrCat(group, " "))) continue;
    std::fprintf(out, "  %-*s  %s\n", static_cast<int>(width), Synopsis(c).c_str(), c.summary.c_str());
  }
  std::fprintf(out, "\nOptions of every subcommand:\n");
  PrintFlags(out, CommonFlags());
  std::fprintf(out,
               "\nRun 'closedloop SUBCOMMAND --help' for a subcommand's own options.\n"
               "Exit status: 0 done, 1 the call failed (its gRPC code is named), 2 usage, "
               "3 the chain did not verify.\n");
}

void PrintUsage(const Command& c) {
  std::string summary = c.summary;
  if (!summary.empty()) summary[0] = absl::ascii_toupper(static_cast<unsigned char>(summary[0]));
  std::printf("Usage: closedloop %s\n%s.\n", Synopsis(c).c_str(), summary.c_str());
  if (!c.details.empty()) std::printf("%s\n", c.details.c_str());
  if (!c.flags.empty()) {
    std::printf("\nOptions:\n");
    PrintFlags(stdout, c.flags);
  }
  std::printf("\nOptions of every subcommand:\n");
  PrintFlags(stdout, CommonFlags());
}

// The command whose path is the longest run of leading `words`; `used` says how many words.
const Command* Find(const std::vector<Command>& commands, const std::vector<std::string>& words,
                    size_t& used) {
  const Command* found = nullptr;
  for (const Command& c : commands) {
    const std::vector<std::string> path = absl::StrSplit(c.path, ' ');
    if (path.size() <= words.size() && std::equal(path.begin(), path.end(), words.begin()) &&
        (found == nullptr || path.size() > used)) {
      found = &c;
      used = path.size();
    }
  }
  return found;
}

bool IsGroup(const std::vector<Command>& commands, const std::string& word) {
  return std::any_of(commands.begin(), commands.end(),
                     [&](const Command& c) { return absl::StartsWith(c.path, absl::StrCat(word, " ")); });
}

int UsageError(const std::string& command, const std::string& message) {
  const std::string name = command.empty() ? "closedloop" : absl::StrCat("closedloop ", command);
  std::fprintf(stderr, "%s: %s\nRun '%s --help' for usage.\n", name.c_str(), message.c_str(), name.c_str());
  return kExitUsage;
}

int Main(int argc, char** argv) {
  const std::vector<Command> commands = AllCommands();
  std::vector<std::string> switches;
  for (const FlagSpec& f : CommonFlags()) {
    if (f.value.empty()) switches.push_back(f.name);
  }
  for (const Command& c : commands) {
    for (const FlagSpec& f : c.flags) {
      if (f.value.empty()) switches.push_back(f.name);
    }
  }
  absl::StatusOr<CommandLine> line = SplitCommandLine(argc, argv, switches);
  if (!line.ok()) return UsageError("", std::string(line.status().message()));
  bool help = line->flags.count("help") > 0;
  // `closedloop help file` reads like `closedloop file --help`.
  if (!line->words.empty() && line->words.front() == "help") {
    line->words.erase(line->words.begin());
    help = true;
  }

  size_t used = 0;
  const Command* command = Find(commands, line->words, used);
  if (command == nullptr) {
    const std::string first = line->words.empty() ? "" : line->words.front();
    if (first.empty() || IsGroup(commands, first)) {
      if (help) {
        PrintOverview(stdout, commands, first);
        return kExitOk;
      }
      PrintOverview(stderr, commands, first);
      return kExitUsage;
    }
    return UsageError("", absl::StrCat("unknown subcommand \"", absl::StrJoin(line->words, " "), "\""));
  }
  if (help) {
    PrintUsage(*command);
    return kExitOk;
  }

  std::vector<FlagSpec> accepted = CommonFlags();
  accepted.insert(accepted.end(), command->flags.begin(), command->flags.end());
  for (const auto& [name, value] : line->flags) {
    if (std::none_of(accepted.begin(), accepted.end(), [&](const FlagSpec& f) { return f.name == name; })) {
      return UsageError(command->path, absl::StrCat("unknown option --", name));
    }
  }
  Args args(command->path, std::vector<std::string>(line->words.begin() + used, line->words.end()),
            line->flags);
  const Connection connection = Connection::Open(args);
  if (!args.ok()) return UsageError(command->path, args.error());
  const int status = command->run(args, connection);
  if (status == kExitUsage) return UsageError(command->path, args.error());
  return status;
}

}  // namespace
}  // namespace closedloop::cli

int main(int argc, char** argv) { return closedloop::cli::Main(argc, argv); }
