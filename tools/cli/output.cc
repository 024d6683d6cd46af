#include "tools/cli/output.h"

#include <algorithm>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_replace.h"
#include "absl/time/time.h"
#include "domain/proto_time.h"
#include "google/protobuf/util/json_util.h"

namespace closedloop::cli {

std::string ToJson(const google::protobuf::Message& message, JsonDefaults defaults) {
  google::protobuf::util::JsonPrintOptions options;
  options.preserve_proto_field_names = true;
  options.always_print_primitive_fields = defaults == JsonDefaults::kPrint;
  std::string json;
  // Printing a well-formed message cannot fail; an empty object is still a valid line.
  if (!google::protobuf::util::MessageToJsonString(message, &json, options).ok()) json = "{}";
  return json;
}

void PrintJson(const google::protobuf::Message& message) { std::printf("%s\n", ToJson(message).c_str()); }

Table::Table(std::vector<std::string> headers) : headers_(std::move(headers)) {}

void Table::Add(std::vector<std::string> row) {
  row.resize(headers_.size());
  rows_.push_back(std::move(row));
}

void Table::Print(std::FILE* out) const {
  std::vector<size_t> widths(headers_.size());
  for (size_t i = 0; i < headers_.size(); ++i) widths[i] = headers_[i].size();
  for (const auto& row : rows_) {
    for (size_t i = 0; i < row.size(); ++i) widths[i] = std::max(widths[i], row[i].size());
  }
  auto print_row = [&](const std::vector<std::string>& row) {
    std::string line;
    for (size_t i = 0; i < row.size(); ++i) {
      if (i + 1 == row.size()) {
        absl::StrAppend(&line, row[i]);
      } else {
        absl::StrAppend(&line, row[i], std::string(widths[i] - row[i].size() + 2, ' '));
      }
    }
    while (!line.empty() && line.back() == ' ') line.pop_back();
    std::fprintf(out, "%s\n", line.c_str());
  };
  print_row(headers_);
  for (const auto& row : rows_) print_row(row);
}

std::string FormatTime(const google::protobuf::Timestamp& time) {
  if (time.seconds() == 0 && time.nanos() == 0) return "-";
  return absl::FormatTime("%Y-%m-%d %H:%M:%SZ", domain::FromProto(time), absl::UTCTimeZone());
}

std::string FormatDuration(const google::protobuf::Duration& duration) {
  const absl::Duration d = absl::Trunc(domain::FromProto(duration), absl::Seconds(1));
  return d == absl::ZeroDuration() ? "-" : absl::FormatDuration(d);
}

std::string Percent(double share) { return absl::StrFormat("%.1f%%", share * 100); }

std::string Shorten(const std::string& text, size_t width) {
  std::string flat = absl::StrReplaceAll(text, {{"\r\n", " "}, {"\n", " "}, {"\t", " "}});
  if (flat.size() <= width) return flat;
  size_t cut = width > 3 ? width - 3 : 0;
  // Never split a UTF-8 sequence: back up to the start of the character.
  while (cut > 0 && (static_cast<unsigned char>(flat[cut]) & 0xC0) == 0x80) --cut;
  return absl::StrCat(flat.substr(0, cut), "...");
}

std::string OrDash(const std::string& text) { return text.empty() ? "-" : text; }

int RpcFailed(const grpc::Status& status) {
  std::fprintf(stderr, "closedloop: %s: %s\n",
               absl::StatusCodeToString(static_cast<absl::StatusCode>(status.error_code())).c_str(),
               status.error_message().c_str());
  return 1;
}

}  // namespace closedloop::cli
