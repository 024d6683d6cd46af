// Checks on request fields that the API owns (the domain checks the rest): request ids,
// resource ids, times. Each returns OK or INVALID_ARGUMENT naming the field.
#ifndef CLOSEDLOOP_SERVICES_API_REQUEST_CHECKS_H_
#define CLOSEDLOOP_SERVICES_API_REQUEST_CHECKS_H_

#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "google/protobuf/duration.pb.h"
#include "google/protobuf/timestamp.pb.h"

namespace closedloop::services {

// A caller's request id: optional; at most 128 bytes of printable ASCII. (The log keeps it
// scoped to the caller, services/commands/request_key.h, which takes the rest of the log's limit.)
inline constexpr size_t kMaxRequestIdBytes = 128;
absl::Status CheckRequestId(const std::string& request_id);
// An id the service assigned: `prefix` followed by a positive decimal number ("CL-42").
absl::Status CheckAssignedId(absl::string_view field, const std::string& id, absl::string_view prefix);
// A query's name filter (owner, team, department, customer_ref): optional, one line of at most
// 200 bytes of UTF-8 without control characters.
absl::Status CheckFilter(absl::string_view field, const std::string& value);
// A repeated field of at most `max` entries.
absl::Status CheckCount(absl::string_view field, int count, int max);
// A timestamp within 0001-01-01..9999-12-31 with valid nanos.
absl::StatusOr<absl::Time> CheckTime(absl::string_view field, const google::protobuf::Timestamp& time);
// A duration with nanos in range and of the same sign as its seconds, within +-10,000 years.
absl::StatusOr<absl::Duration> CheckDuration(absl::string_view field,
                                             const google::protobuf::Duration& duration);

}  // namespace closedloop::services

#endif  // CLOSEDLOOP_SERVICES_API_REQUEST_CHECKS_H_
