// Conversions between absl time types and their protobuf counterparts.
#ifndef CLOSEDLOOP_DOMAIN_PROTO_TIME_H_
#define CLOSEDLOOP_DOMAIN_PROTO_TIME_H_

#include "absl/time/time.h"
#include "google/protobuf/duration.pb.h"
#include "google/protobuf/timestamp.pb.h"

namespace closedloop::domain {

inline google::protobuf::Timestamp ToProto(absl::Time time) {
  google::protobuf::Timestamp out;
  const int64_t nanos = absl::ToUnixNanos(time);
  out.set_seconds(nanos / 1000000000 - (nanos % 1000000000 < 0 ? 1 : 0));
  out.set_nanos(static_cast<int32_t>(nanos - out.seconds() * 1000000000));
  return out;
}

inline absl::Time FromProto(const google::protobuf::Timestamp& time) {
  return absl::FromUnixSeconds(time.seconds()) + absl::Nanoseconds(time.nanos());
}

inline absl::Duration FromProto(const google::protobuf::Duration& duration) {
  return absl::Seconds(duration.seconds()) + absl::Nanoseconds(duration.nanos());
}

}  // namespace closedloop::domain

#endif  // CLOSEDLOOP_DOMAIN_PROTO_TIME_H_
