// What the CLI prints: aligned tables and short values for people, one JSON object a line
// (proto field names) for scripts, and one-line errors on stderr.
#ifndef CLOSEDLOOP_TOOLS_CLI_OUTPUT_H_
#define CLOSEDLOOP_TOOLS_CLI_OUTPUT_H_

#include <cstdio>
#include <string>
#include <vector>

#include "google/protobuf/duration.pb.h"
#include "google/protobuf/message.h"
#include "google/protobuf/timestamp.pb.h"
#include "grpcpp/support/status.h"

namespace closedloop::cli {

enum class JsonDefaults {
  kPrint,  // every field present: a script never has to guess what a missing key means
  kOmit,   // only the fields that are set: short enough to read in a table cell
};

// The message as one line of JSON: proto field names, enums by name, times in RFC 3339.
std::string ToJson(const google::protobuf::Message& message, JsonDefaults defaults = JsonDefaults::kPrint);
// ToJson and a newline, on stdout.
void PrintJson(const google::protobuf::Message& message);

// Columns padded to their widest cell; the last column is never padded, so long text
// (descriptions, event details) runs on without pushing the others apart.
class Table {
 public:
  explicit Table(std::vector<std::string> headers);
  void Add(std::vector<std::string> row);
  bool empty() const { return rows_.empty(); }
  void Print(std::FILE* out = stdout) const;

 private:
  std::vector<std::string> headers_;
  std::vector<std::vector<std::string>> rows_;
};

// "2026-11-24 10:00:00Z" in UTC; "-" when unset.
std::string FormatTime(const google::protobuf::Timestamp& time);
// "1h30m"; "-" when zero.
std::string FormatDuration(const google::protobuf::Duration& duration);
// A share 0..1 as "83.3%".
std::string Percent(double share);
// `text` cut to `width` characters, with "..." when it was longer; newlines become spaces.
std::string Shorten(const std::string& text, size_t width);
// `text`, or "-" when it is empty, so a table cell is never blank.
std::string OrDash(const std::string& text);

// Prints "closedloop: CODE: message" on stderr and returns 1, the exit status of a call the
// server refused or that never reached it.
int RpcFailed(const grpc::Status& status);

}  // namespace closedloop::cli

#endif  // CLOSEDLOOP_TOOLS_CLI_OUTPUT_H_
