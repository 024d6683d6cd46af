#include "services/request_checks.h"

#include "absl/algorithm/container.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/strip.h"
#include "absl/strings/str_cat.h"
#include "domain/validation.h"
#include "storage/event_log.h"

namespace closedloop::services {
namespace {
// Seconds of 0001-01-01T00:00:00Z and 9999-12-31T23:59:59Z (the Timestamp's documented range).
constexpr int64_t kMinSeconds = -62135596800;
constexpr int64_t kMaxSeconds = 253402300799;
constexpr size_t kMaxIdDigits = 18;
}  // namespace

absl::Status CheckRequestId(const std::string& request_id) {
  if (request_id.size() > storage::kMaxRequestIdBytes) {
    return absl::InvalidArgumentError(
        absl::StrCat("request_id: longer than ", storage::kMaxRequestIdBytes, " bytes"));
  }
  for (char c : request_id) {
    if (!absl::ascii_isgraph(static_cast<unsigned char>(c))) {
      return absl::InvalidArgumentError("request_id: only printable ASCII without spaces");
    }
  }
  return absl::OkStatus();
}

absl::Status CheckAssignedId(absl::string_view field, const std::string& id,
                             absl::string_view prefix) {
  if (id.empty()) return absl::InvalidArgumentError(absl::StrCat(field, ": required"));
  absl::string_view digits(id);
  uint64_t number = 0;
  if (!absl::ConsumePrefix(&digits, prefix) || digits.empty() || digits.size() > kMaxIdDigits ||
      !absl::c_all_of(digits, [](char c) { return absl::ascii_isdigit(static_cast<unsigned char>(c)); }) ||
      !absl::SimpleAtoi(digits, &number) || number == 0 || digits[0] == '0') {
    return absl::InvalidArgumentError(
        absl::StrCat(field, ": expected ", prefix, "<number>, got '", id.substr(0, 64), "'"));
  }
  return absl::OkStatus();
}

absl::StatusOr<absl::Time> CheckTime(absl::string_view field, const google::protobuf::Timestamp& time) {
  if (time.seconds() < kMinSeconds || time.seconds() > kMaxSeconds || time.nanos() < 0 ||
      time.nanos() > 999999999) {
    return absl::InvalidArgumentError(absl::StrCat(field, ": not a valid timestamp"));
  }
  return absl::FromUnixSeconds(time.seconds()) + absl::Nanoseconds(time.nanos());
}

absl::StatusOr<absl::Duration> CheckDuration(absl::string_view field,
                                             const google::protobuf::Duration& duration) {
  constexpr int64_t kMaxDurationSeconds = 315576000000;  // the Duration message's documented range
  const int64_t s = duration.seconds();
  const int32_t n = duration.nanos();
  if (s < -kMaxDurationSeconds || s > kMaxDurationSeconds || n <= -1000000000 || n >= 1000000000 ||
      (s > 0 && n < 0) || (s < 0 && n > 0)) {
    return absl::InvalidArgumentError(absl::StrCat(field, ": not a valid duration"));
  }
  return absl::Seconds(s) + absl::Nanoseconds(n);
}

absl::Status CheckFilter(absl::string_view field, const std::string& value) {
  return domain::LimitText(field, value, domain::kMaxNameBytes);
}

}  // namespace closedloop::services
