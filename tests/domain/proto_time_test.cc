#include "domain/proto_time.h"

#include <catch2/catch.hpp>

#include "absl/time/civil_time.h"

namespace closedloop::domain {
namespace {

TEST_CASE("timestamps round-trip to the nanosecond, before 1970 and after 2262 too", "[time]") {
  const absl::TimeZone utc = absl::UTCTimeZone();
  for (absl::Time t : {absl::UnixEpoch(), absl::UnixEpoch() - absl::Nanoseconds(1),
                       absl::FromCivil(absl::CivilSecond(2026, 11, 23, 9, 0, 0), utc) + absl::Nanoseconds(7),
                       absl::FromCivil(absl::CivilSecond(3000, 1, 1, 0, 0, 0), utc)}) {
    google::protobuf::Timestamp proto = ToProto(t);
    CHECK(proto.nanos() >= 0);
    CHECK(proto.nanos() < 1000000000);
    CHECK(FromProto(proto) == t);
  }
  CHECK(ToProto(absl::FromCivil(absl::CivilSecond(3000, 1, 1, 0, 0, 0), utc)).seconds() == 32503680000);
  CHECK(ToProto(absl::UnixEpoch() - absl::Nanoseconds(1)).seconds() == -1);
}

}  // namespace
}  // namespace closedloop::domain
