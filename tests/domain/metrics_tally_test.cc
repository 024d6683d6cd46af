// MetricsTally and LatencyHistogram: given random cases, when they are tallied one by one (and
// changed, removed and merged in any order), then the metrics equal MetricsOf over the same
// cases, counts exactly and percentiles within the histogram's stated error.
#include "domain/metrics_tally.h"

#include <catch2/catch.hpp>

#include <cmath>
#include <random>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "domain/boards.h"
#include "domain/latency_histogram.h"
#include "domain/metrics.h"
#include "domain/proto_time.h"
#include "tests/domain/metrics_agree.h"
#include "tests/domain/random_case.h"

namespace closedloop::domain {
namespace {

std::vector<const v1::ComplaintView*> Ptrs(const std::vector<v1::ComplaintView>& views) {
  std::vector<const v1::ComplaintView*> out;
  for (const v1::ComplaintView& v : views) out.push_back(&v);
  return out;
}

}  // namespace

TEST_CASE("Given random durations, then a histogram's percentiles are within 1/128 of the exact "
          "nearest-rank ones, and exact below 64 ns",
          "[metrics_tally]") {
  std::mt19937 rng(7);
  for (int round = 0; round < 20; ++round) {
    LatencyHistogram histogram;
    std::vector<absl::Duration> samples;
    const int n = 1 + static_cast<int>(rng() % 500);
    for (int i = 0; i < n; ++i) {
      // From nanoseconds to days, log-spread.
      const absl::Duration d = absl::Nanoseconds(static_cast<int64_t>(std::exp2((rng() % 4700) / 100.0)));
      samples.push_back(d);
      histogram.Add(d);
    }
    for (int p : {1, 50, 90, 99, 100}) {
      const double exact = absl::ToDoubleNanoseconds(Percentile(samples, p));
      const double estimate = absl::ToDoubleNanoseconds(histogram.Percentile(p));
      REQUIRE(std::abs(estimate - exact) <= exact / 128);
    }
  }
  LatencyHistogram small;
  for (int ns : {5, 63, 17}) small.Add(absl::Nanoseconds(ns));
  REQUIRE(small.Percentile(50) == absl::Nanoseconds(17));
  REQUIRE(small.Percentile(100) == absl::Nanoseconds(63));
  REQUIRE(LatencyHistogram().Percentile(50) == absl::ZeroDuration());
  // Durations past what nanoseconds hold (timestamps centuries apart) saturate, never overflow.
  LatencyHistogram huge;
  huge.Add(absl::Hours(24 * 365) * 1000);
  huge.Add(absl::InfiniteDuration());
  const double top = absl::ToDoubleNanoseconds(huge.Percentile(100));
  REQUIRE(std::abs(top - static_cast<double>(INT64_MAX)) <= static_cast<double>(INT64_MAX) / 128);
  REQUIRE(huge.Percentile(50) > absl::Hours(24 * 365) * 290);
}

TEST_CASE("Given random cases tallied one by one, then the metrics equal MetricsOf over them",
          "[metrics_tally]") {
  for (unsigned seed = 1; seed <= 30; ++seed) {
    std::mt19937 rng(seed);
    std::vector<v1::ComplaintView> views;
    MetricsTally tally;
    for (int i = 0; i < 1 + static_cast<int>(seed * 7); ++i) {
      views.push_back(testing::RandomCase(rng, i));
      tally.Add(views.back());
    }
    testing::RequireMetricsAgree(tally.ToMetrics(), MetricsOf(Ptrs(views)));
  }
}

TEST_CASE("Given cases that change after they were tallied, when each change takes the old case "
          "back before the new one is counted, then the tally equals one of the final cases",
          "[metrics_tally]") {
  std::mt19937 rng(11);
  std::vector<v1::ComplaintView> views;
  MetricsTally tally;
  for (int i = 0; i < 200; ++i) {
    views.push_back(testing::RandomCase(rng, i));
    tally.Add(views.back());
  }
  for (int change = 0; change < 600; ++change) {
    v1::ComplaintView& v = views[rng() % views.size()];
    tally.Add(v, -1);
    v = testing::RandomChangeOf(rng, v);
    tally.Add(v);
  }
  testing::RequireMetricsAgree(tally.ToMetrics(), MetricsOf(Ptrs(views)));

  for (const v1::ComplaintView& v : views) tally.Add(v, -1);
  REQUIRE(tally.cases() == 0);
  testing::RequireMetricsAgree(tally.ToMetrics(), MetricsOf({}));
}

TEST_CASE("Given cases split into tallies by filing day, then the merged tallies, and the metrics of "
          "the parts, equal one tally of them all",
          "[metrics_tally]") {
  std::mt19937 rng(5);
  std::vector<v1::ComplaintView> views;
  std::map<absl::CivilDay, MetricsTally> by_day;
  for (int i = 0; i < 500; ++i) {
    views.push_back(testing::RandomCase(rng, i));
    by_day[absl::ToCivilDay(FromProto(views.back().filing().filed_at()), absl::UTCTimeZone())].Add(views.back());
  }
  MetricsTally merged;
  std::vector<const MetricsTally*> parts;
  for (const auto& [day, tally] : by_day) {
    merged.Merge(tally);
    parts.push_back(&tally);
  }
  testing::RequireMetricsAgree(merged.ToMetrics(), MetricsOf(Ptrs(views)));
  testing::RequireMetricsAgree(MetricsTally::MetricsOfParts(parts), MetricsOf(Ptrs(views)));
  REQUIRE(merged.ToMetrics().repeat_complainers() > 0);
}

}  // namespace closedloop::domain
