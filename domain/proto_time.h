// Conversions between absl time types and their protobuf counterparts.
#ifndef CLOSEDLOOP_DOMAIN_PROTO_TIME_H_
#define CLOSEDLOOP_DOMAIN_PROTO_TIME_H_

#include "absl/time/time.h"
#include "google/protobuf/duration.pb.h"
#include "google/protobuf/timestamp.pb.h"

namespace closedloop::domain {

// Whole seconds first, then the remainder: going through nanoseconds would overflow after 2262.
inline google::protobuf::Timestamp ToProto(absl::Time time) {
  google::protobuf::Timestamp out;
  const int64_t seconds = absl::ToUnixSeconds(time);  // rounds down, also before 1970
  out.set_seconds(seconds);
  out.set_nanos(static_cast<int32_t>(absl::ToInt64Nanoseconds(time - absl::FromUnixSeconds(seconds))));
  return out;
}

inline absl::Time FromProto(const google::protobuf::Timestamp& time) {
  return absl::FromUnixSeconds(time.seconds()) + absl::Nanoseconds(time.nanos());
}

inline absl::Duration FromProto(const google::protobuf::Duration& duration) {
  return absl::Seconds(duration.seconds()) + absl::Nanoseconds(duration.nanos());
}

inline google::protobuf::Duration ToProto(absl::Duration duration) {
  absl::Duration rest;
  google::protobuf::Duration out;
  out.set_seconds(absl::IDivDuration(duration, absl::Seconds(1), &rest));
  out.set_nanos(static_cast<int32_t>(absl::ToInt64Nanoseconds(rest)));
  return out;
}

}  // namespace closedloop::domain

#endif  // CLOSEDLOOP_DOMAIN_PROTO_TIME_H_
