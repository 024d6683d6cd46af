#include "tools/cli/args.h"

#include <algorithm>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/strip.h"
#include "tools/cli/enum_labels.h"

namespace closedloop::cli {

absl::StatusOr<CommandLine> SplitCommandLine(int argc, char** argv,
                                             const std::vector<std::string>& switches) {
  CommandLine line;
  bool only_words = false;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (only_words || !absl::StartsWith(arg, "-") || arg == "-") {
      line.words.push_back(arg);
      continue;
    }
    if (arg == "--") {
      only_words = true;
      continue;
    }
    // `-h` is the one short form: people type it when they are lost.
    const std::string body = arg == "-h" ? "help" : std::string(absl::StripPrefix(arg, "--"));
    if (body == arg) return absl::InvalidArgumentError(absl::StrCat("unknown option ", arg));
    const size_t equals = body.find('=');
    const std::string name = absl::StrReplaceAll(body.substr(0, equals), {{"-", "_"}});
    if (name.empty()) return absl::InvalidArgumentError(absl::StrCat("unknown option ", arg));
    const bool is_switch = std::find(switches.begin(), switches.end(), name) != switches.end();
    if (equals != std::string::npos) {
      line.flags[name] = body.substr(equals + 1);
    } else if (is_switch) {
      line.flags[name] = "true";
    } else if (i + 1 < argc) {
      line.flags[name] = argv[++i];
    } else {
      return absl::InvalidArgumentError(absl::StrCat("--", name, " needs a value"));
    }
  }
  return line;
}

Args::Args(std::string command, std::vector<std::string> operands, std::map<std::string, std::string> flags)
    : command_(std::move(command)), operands_(std::move(operands)), flags_(std::move(flags)) {}

void Args::Fail(std::string message) {
  if (error_.empty()) error_ = std::move(message);
}

std::string Args::Operand(size_t index, const std::string& what) {
  if (index < operands_.size()) return operands_[index];
  Fail(absl::StrCat("missing ", what));
  return "";
}

std::string Args::Text(size_t index, const std::string& what) {
  if (index >= operands_.size()) {
    Fail(absl::StrCat("missing ", what));
    return "";
  }
  return absl::StrJoin(operands_.begin() + index, operands_.end(), " ");
}

void Args::AtMost(size_t count) {
  if (operands_.size() > count) Fail(absl::StrCat("unexpected argument \"", operands_[count], "\""));
}

std::string Args::String(const std::string& name, const std::string& fallback) const {
  auto it = flags_.find(name);
  return it == flags_.end() ? fallback : it->second;
}

std::string Args::Required(const std::string& name) {
  std::string value = String(name);
  if (value.empty()) Fail(absl::StrCat("--", name, " is required"));
  return value;
}

bool Args::Switch(const std::string& name) {
  if (!Has(name)) return false;
  const std::string value = absl::AsciiStrToLower(String(name));
  if (value == "true" || value == "1" || value == "yes") return true;
  if (value != "false" && value != "0" && value != "no") {
    Fail(absl::StrCat("--", name, ": expected true or false, got \"", String(name), "\""));
  }
  return false;
}

uint64_t Args::Uint(const std::string& name, uint64_t fallback) {
  if (!Has(name)) return fallback;
  uint64_t value = 0;
  if (!absl::SimpleAtoi(String(name), &value)) {
    Fail(absl::StrCat("--", name, ": expected a non-negative number, got \"", String(name), "\""));
  }
  return value;
}

int64_t Args::Int(const std::string& name, int64_t fallback) {
  if (!Has(name)) return fallback;
  int64_t value = 0;
  if (!absl::SimpleAtoi(String(name), &value)) {
    Fail(absl::StrCat("--", name, ": expected a number, got \"", String(name), "\""));
  }
  return value;
}

absl::Duration Args::Duration(const std::string& name, absl::Duration fallback) {
  if (!Has(name)) return fallback;
  absl::Duration value;
  if (!absl::ParseDuration(String(name), &value)) {
    Fail(absl::StrCat("--", name, ": expected a duration such as 90s, 4h or 1h30m, got \"", String(name),
                      "\""));
    return fallback;
  }
  return value;
}

std::optional<absl::Time> Args::Time(const std::string& name) {
  if (!Has(name)) return std::nullopt;
  absl::StatusOr<absl::Time> when = ParseWhen(String(name), absl::Now());
  if (!when.ok()) {
    Fail(absl::StrCat("--", name, ": ", when.status().message()));
    return std::nullopt;
  }
  return *when;
}

std::vector<std::string> Args::FlagNames() const {
  std::vector<std::string> names;
  for (const auto& [name, value] : flags_) names.push_back(name);
  return names;
}

int Args::EnumNumber(const std::string& flag, const std::string& text,
                     const google::protobuf::EnumDescriptor* type) {
  absl::StatusOr<int> number = ParseEnumLabel(type, text);
  if (!number.ok()) {
    Fail(absl::StrCat("--", flag, ": ", number.status().message()));
    return 0;
  }
  return *number;
}

absl::StatusOr<absl::Time> ParseWhen(const std::string& text, absl::Time now) {
  absl::Duration offset;
  // "0" parses as a duration too; a bare number is never meant as one here.
  if (text != "0" && absl::ParseDuration(text, &offset)) return now + offset;
  absl::Time time;
  std::string error;
  if (absl::ParseTime(absl::RFC3339_full, text, &time, &error)) return time;
  return absl::InvalidArgumentError(
      absl::StrCat("expected a time such as 2026-11-24T10:00:00Z or a duration from now such as 4h or "
                   "-24h, got \"",
                   text, "\""));
}

}  // namespace closedloop::cli
