// The command line of one `closedloop` invocation: the subcommand's operands and its flags,
// with typed getters.
//
// Getters never fail the call: a missing or malformed value records a usage error (the first
// one wins) and returns a default, so a subcommand reads everything it needs and then checks
// ok() once. Not thread-safe; one Args lives for one invocation.
#ifndef CLOSEDLOOP_TOOLS_CLI_ARGS_H_
#define CLOSEDLOOP_TOOLS_CLI_ARGS_H_

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/generated_enum_reflection.h"

namespace closedloop::cli {

// A flag a subcommand (or every subcommand) accepts.
struct FlagSpec {
  std::string name;   // without the dashes, with underscores: "min_position"
  std::string value;  // what the value is called in the usage ("N"); empty for a switch
  std::string help;
};

// The words and flags of a command line, before the subcommand is known.
struct CommandLine {
  std::vector<std::string> words;            // everything that is not a flag, in order
  std::map<std::string, std::string> flags;  // name -> value ("true" for a bare switch)
};

// Splits argv into words and flags. `switches` names the flags that take no value; any other
// flag takes one, as `--name=value` or `--name value`. Dashes inside a name count as
// underscores (`--as-of` is `--as_of`). After a bare `--`, everything is a word.
absl::StatusOr<CommandLine> SplitCommandLine(int argc, char** argv, const std::vector<std::string>& switches);

class Args {
 public:
  // `command` is the subcommand's path ("task open"); `operands` the words after it.
  Args(std::string command, std::vector<std::string> operands, std::map<std::string, std::string> flags);

  const std::string& command() const { return command_; }
  bool ok() const { return error_.empty(); }
  const std::string& error() const { return error_; }
  // Records a usage error unless one is recorded already.
  void Fail(std::string message);

  // Operand `index`, or a usage error naming it `what` when it is missing.
  std::string Operand(size_t index, const std::string& what);
  // The operands from `index` on, joined by spaces (free text may be given unquoted); a usage
  // error naming `what` when there are none.
  std::string Text(size_t index, const std::string& what);
  // A usage error when more than `count` operands were given.
  void AtMost(size_t count);
  size_t operand_count() const { return operands_.size(); }

  bool Has(const std::string& name) const { return flags_.count(name) > 0; }
  std::string String(const std::string& name, const std::string& fallback = "") const;
  // The flag's value; a usage error when it is missing or empty.
  std::string Required(const std::string& name);
  bool Switch(const std::string& name);
  uint64_t Uint(const std::string& name, uint64_t fallback = 0);
  int64_t Int(const std::string& name, int64_t fallback = 0);
  absl::Duration Duration(const std::string& name, absl::Duration fallback);
  // RFC 3339 ("2026-11-24T10:00:00Z"), or a signed duration from now ("4h", "-24h").
  std::optional<absl::Time> Time(const std::string& name);
  // A value of the proto enum `E`, by its short name ("hotline" for CHANNEL_HOTLINE); the
  // fallback when the flag is absent.
  template <typename E>
  E Enum(const std::string& name, E fallback) {
    if (!Has(name)) return fallback;
    return static_cast<E>(EnumNumber(name, String(name), google::protobuf::GetEnumDescriptor<E>()));
  }
  // Enum, with a usage error when the flag is absent.
  template <typename E>
  E RequiredEnum(const std::string& name) {
    if (!Has(name)) Fail(absl::StrCat("--", name, " is required"));
    return Enum<E>(name, static_cast<E>(0));
  }
  // Each comma-separated value of the flag, as enum `E`.
  template <typename E>
  std::vector<E> Enums(const std::string& name);

  // The names of the flags that were given, to check them against what the subcommand takes.
  std::vector<std::string> FlagNames() const;

 private:
  int EnumNumber(const std::string& flag, const std::string& text,
                 const google::protobuf::EnumDescriptor* type);

  std::string command_;
  std::vector<std::string> operands_;
  std::map<std::string, std::string> flags_;
  std::string error_;
};

// What a word means as a point in time: RFC 3339, or a signed duration from `now`.
absl::StatusOr<absl::Time> ParseWhen(const std::string& text, absl::Time now);

template <typename E>
std::vector<E> Args::Enums(const std::string& name) {
  std::vector<E> values;
  if (!Has(name)) return values;
  std::string rest = String(name);
  size_t start = 0;
  while (start <= rest.size()) {
    size_t comma = rest.find(',', start);
    if (comma == std::string::npos) comma = rest.size();
    values.push_back(static_cast<E>(
        EnumNumber(name, rest.substr(start, comma - start), google::protobuf::GetEnumDescriptor<E>())));
    start = comma + 1;
  }
  return values;
}

}  // namespace closedloop::cli

#endif  // CLOSEDLOOP_TOOLS_CLI_ARGS_H_
