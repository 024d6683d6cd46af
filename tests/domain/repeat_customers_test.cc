// RepeatCustomers: given a few customers filing many cases on a few days (equal times, times on
// day boundaries), counted and taken back at random, when repeat customers are asked for any
// range, then they equal a naive count over the cases.
#include "domain/repeat_customers.h"

#include <catch2/catch.hpp>

#include <map>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"

namespace closedloop::domain {
namespace {

struct Case {
  std::string customer;
  absl::Time filed;
};

int64_t Naive(const std::vector<Case>& cases, absl::Time after, absl::Time before) {
  std::map<std::string, int> in_range;
  for (const Case& c : cases) {
    if (c.filed >= after && c.filed < before) ++in_range[c.customer];
  }
  int64_t n = 0;
  for (const auto& [customer, count] : in_range) n += count >= 2 ? 1 : 0;
  return n;
}

const absl::Time kStart = absl::FromCivil(absl::CivilDay(2026, 10, 1), absl::UTCTimeZone());

// Days 0, 1, 2 and 9 after kStart, and two days before the epoch (negative nanoseconds).
absl::Time RandomDay(std::mt19937& rng) {
  const int days[] = {0, 1, 2, 9};
  if (rng() % 10 == 0) return absl::FromCivil(absl::CivilDay(1969, 12, 30), absl::UTCTimeZone()) + absl::Hours(24 * (rng() % 2));
  return kStart + absl::Hours(24 * days[rng() % 4]);
}

// A filing time: at midnight, the day's last nanosecond, one of a few shared times, or anywhere.
absl::Time RandomFiling(std::mt19937& rng) {
  const absl::Time day = RandomDay(rng);
  switch (rng() % 5) {
    case 0: return day;
    case 1: return day + absl::Hours(24) - absl::Nanoseconds(1);
    case 2: return day + absl::Hours(6 * (rng() % 4));
    default: return day + absl::Nanoseconds(static_cast<int64_t>(rng() % 86400) * 1000000000 + rng() % 3);
  }
}

// A bound: a case's filing time, a nanosecond (or less) either side of it, a day's start or a
// time within one, or infinite.
absl::Time RandomBound(std::mt19937& rng, const std::vector<Case>& cases) {
  switch (rng() % 7) {
    case 0:
    case 1: {
      if (cases.empty()) return kStart;
      const absl::Time t = cases[rng() % cases.size()].filed;
      const absl::Duration shifts[] = {absl::ZeroDuration(), absl::Nanoseconds(1), -absl::Nanoseconds(1),
                                       absl::Nanoseconds(0.25), -absl::Nanoseconds(0.25)};
      return t + shifts[rng() % 5];
    }
    case 2: return RandomDay(rng) + absl::Hours(24 * (rng() % 2));
    case 3: return RandomFiling(rng);
    case 4: return absl::InfinitePast();
    case 5: return absl::InfiniteFuture();
    default: return kStart + absl::Hours(24 * (static_cast<int>(rng() % 14) - 2));
  }
}

}  // namespace

TEST_CASE("Given a few customers' cases counted and taken back at random, then the repeat customers "
          "of any range equal a naive count, for ranges cutting days, empty, of all time and with "
          "equal bounds",
          "[repeat_customers]") {
  for (uint32_t seed = 1; seed <= 30; ++seed) {
    std::mt19937 rng(seed);
    RepeatCustomers repeat;
    std::vector<Case> cases;
    const int customers = 2 + static_cast<int>(rng() % 6);
    for (int step = 0; step < 400; ++step) {
      const uint32_t what = rng() % 10;
      if (what < 5 || cases.empty()) {
        cases.push_back({absl::StrCat("cust-", rng() % static_cast<uint32_t>(customers)), RandomFiling(rng)});
        repeat.Add(cases.back().customer, cases.back().filed, 1);
      } else if (what < 7) {
        const size_t i = rng() % cases.size();
        repeat.Add(cases[i].customer, cases[i].filed, -1);
        cases[i] = cases.back();
        cases.pop_back();
      } else {
        // A case changing: taken back and counted again as it stands, its filing unchanged.
        const Case& c = cases[rng() % cases.size()];
        repeat.Add(c.customer, c.filed, -1);
        repeat.Add(c.customer, c.filed, 1);
      }
      if (step % 10 != 0) continue;
      INFO("seed " << seed << " step " << step);
      REQUIRE(repeat.Count(absl::InfinitePast(), absl::InfiniteFuture()) ==
              Naive(cases, absl::InfinitePast(), absl::InfiniteFuture()));
      for (int round = 0; round < 20; ++round) {
        absl::Time after = RandomBound(rng, cases);
        absl::Time before = round % 5 == 0 ? after : RandomBound(rng, cases);
        if (round % 3 != 0 && before < after) std::swap(after, before);  // and some empty, reversed
        INFO("after " << after << " before " << before);
        REQUIRE(repeat.Count(after, before) == Naive(cases, after, before));
      }
    }
    for (const Case& c : cases) repeat.Add(c.customer, c.filed, -1);
    REQUIRE(repeat.customers() == 0);
    REQUIRE(repeat.Count(absl::InfinitePast(), absl::InfiniteFuture()) == 0);
    REQUIRE(repeat.Count(kStart, kStart + absl::Hours(24 * 30)) == 0);
  }
}

TEST_CASE("Given one customer's cases at the same time, on a day's first and last nanosecond, then "
          "a range holding two of them counts the customer once, and one holding one counts none",
          "[repeat_customers]") {
  RepeatCustomers repeat;
  const absl::Time midnight = kStart + absl::Hours(24);
  for (int i = 0; i < 3; ++i) repeat.Add("c", midnight, 1);
  repeat.Add("c", midnight - absl::Nanoseconds(1), 1);
  REQUIRE(repeat.Count(midnight, midnight + absl::Nanoseconds(1)) == 1);
  REQUIRE(repeat.Count(midnight - absl::Nanoseconds(1), midnight) == 0);
  REQUIRE(repeat.Count(kStart, midnight) == 0);
  REQUIRE(repeat.Count(kStart, midnight + absl::Hours(1)) == 1);
  REQUIRE(repeat.Count(midnight, midnight) == 0);
  repeat.Add("c", midnight, -1);
  repeat.Add("c", midnight, -1);
  REQUIRE(repeat.Count(midnight, midnight + absl::Hours(1)) == 0);
  REQUIRE(repeat.Count(absl::InfinitePast(), absl::InfiniteFuture()) == 1);
}

}  // namespace closedloop::domain
