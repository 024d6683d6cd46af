// RequireMetricsAgree: metrics kept by tallies agree with MetricsOf's exact ones: percentiles
// within the histograms' 1/128, everything else equal. For property tests.
#ifndef CLOSEDLOOP_TESTS_DOMAIN_METRICS_AGREE_H_
#define CLOSEDLOOP_TESTS_DOMAIN_METRICS_AGREE_H_

#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>

#include "absl/time/time.h"
#include "closedloop/v1/boards.pb.h"
#include "domain/proto_time.h"
#include "google/protobuf/util/message_differencer.h"

namespace closedloop::testing {

inline void RequireMetricsAgree(v1::Metrics tallied, v1::Metrics exact) {
  const auto close = [](const google::protobuf::Duration& a, const google::protobuf::Duration& b) {
    const double x = absl::ToDoubleSeconds(domain::FromProto(a));
    // The histograms count a negative duration (a clock set back; random cases have them) as 0.
    const double y = std::max(0.0, absl::ToDoubleSeconds(domain::FromProto(b)));
    return std::abs(x - y) <= y / 128 + 1e-9;
  };
  INFO("tallied p50s " << domain::FromProto(tallied.first_contact_p50()) << ", "
                        << domain::FromProto(tallied.resolution_p50()) << "; exact "
                        << domain::FromProto(exact.first_contact_p50()) << ", "
                        << domain::FromProto(exact.resolution_p50()));
  CHECK(close(tallied.first_contact_p50(), exact.first_contact_p50()));
  CHECK(close(tallied.first_contact_p90(), exact.first_contact_p90()));
  CHECK(close(tallied.resolution_p50(), exact.resolution_p50()));
  CHECK(close(tallied.resolution_p90(), exact.resolution_p90()));
  CHECK(tallied.has_resolution_p50() == exact.has_resolution_p50());
  for (v1::Metrics* m : {&tallied, &exact}) {
    m->clear_first_contact_p50();
    m->clear_first_contact_p90();
    m->clear_resolution_p50();
    m->clear_resolution_p90();
  }
  INFO(tallied.DebugString() << "\n---\n" << exact.DebugString());
  REQUIRE(google::protobuf::util::MessageDifferencer::Equals(tallied, exact));
}

}  // namespace closedloop::testing

#endif  // CLOSEDLOOP_TESTS_DOMAIN_METRICS_AGREE_H_
