#include "services/api/request_checks.h"

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "domain/validation.h"
#include "storage/event_log.h"

namespace closedloop::services {
namespace {
// Seconds of 0001-01-01T00:00:00Z and 9999-12-31T23:59:59Z (the Timestamp's documented range).
constexpr int64_t kMinSeconds = -62135596800;
constexpr int64_t kMaxSeconds = 253402300799;
}  // namespace

absl::Status CheckRequestId(const std::string& request_id) {
  if (request_id.size() > kMaxRequestIdBytes) {
    return absl::InvalidArgumentError(
        absl::StrCat("request_id: longer than ", kMaxRequestIdBytes, " bytes"));
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
  return domain::RequireAssignedId(field, id, prefix);
}

absl::StatusOr<absl::Time> CheckTime(absl::string_view field, const google::protobuf::Timestamp& time) {
  if (time.seconds() < kMinSeconds || time.seconds() > kMaxSeconds) {
    return absl::InvalidArgumentError(absl::StrCat(
        field, ": not a valid timestamp: seconds ", time.seconds(),
        " outside 0001-01-01T00:00:00Z..9999-12-31T23:59:59Z"));
  }
  if (time.nanos() < 0 || time.nanos() > 999999999) {
    return absl::InvalidArgumentError(absl::StrCat(
        field, ": not a valid timestamp: nanos ", time.nanos(), " outside 0..999999999"));
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

absl::Status CheckCount(absl::string_view field, int count, int max) {
  if (count > max) {
    return absl::InvalidArgumentError(absl::StrCat(field, ": at most ", max, " entries, got ", count));
  }
  return absl::OkStatus();
}

absl::Status CheckFilter(absl::string_view field, const std::string& value) {
  return domain::LimitText(field, value, domain::kMaxNameBytes);
}

}  // namespace closedloop::services
