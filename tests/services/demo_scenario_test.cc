// The demo month's script on its own (no server): in time order, nothing after the present,
// every case's steps after its filing, about 80 items a day, and the same for the same seed.
#include <catch2/catch.hpp>

#include <map>
#include <string>
#include <variant>
#include <vector>

#include "services/demo/demo_scenario.h"

namespace closedloop::services::demo {
namespace {

// Monday 2026-11-30 16:30 UTC.
const absl::Time kEnd = absl::FromUnixSeconds(1796056200);

DemoScenarioOptions Month(uint64_t seed) {
  DemoScenarioOptions options;
  options.seed = seed;
  options.end = kEnd;
  options.days = 30;
  options.departments = {"warehouse", "delivery", "payments", "stores", "marketing", "carrier"};
  return options;
}

bool IsFiling(const DemoStep& step) {
  return std::holds_alternative<v1::FileComplaintRequest>(step.request);
}

TEST_CASE("Given a seed, the month's script is in time order, ends at the present, and every step "
          "follows its case's filing", "[demo]") {
  const std::vector<DemoStep> steps = RetailMonth(Month(11));
  REQUIRE(!steps.empty());
  std::map<int, absl::Time> filed;
  std::map<int, int> filings_by_day;
  for (size_t i = 0; i < steps.size(); ++i) {
    const DemoStep& step = steps[i];
    if (i > 0) CHECK(steps[i - 1].at <= step.at);
    CHECK(step.at <= kEnd);
    CHECK(step.at > kEnd - absl::Hours(24 * 31));
    if (IsFiling(step)) {
      CHECK(filed.count(step.item) == 0);
      filed[step.item] = step.at;
      ++filings_by_day[static_cast<int>((kEnd - step.at) / absl::Hours(24))];
    } else if (step.item >= 0) {
      INFO("step " << i);
      REQUIRE(filed.count(step.item) == 1);
      CHECK(filed[step.item] < step.at);
    }
  }
  // Full days (not today, which is under way): about 80 items, fewer on Sundays.
  for (int day = 1; day < 30; ++day) {
    INFO("day " << day << " before the end");
    CHECK(filings_by_day[day] >= 42);
    CHECK(filings_by_day[day] <= 90);
  }
}

TEST_CASE("Given the same options, the script is the same, given another seed, it differs", "[demo]") {
  const std::vector<DemoStep> a = RetailMonth(Month(11));
  const std::vector<DemoStep> b = RetailMonth(Month(11));
  const std::vector<DemoStep> c = RetailMonth(Month(12));
  auto same = [](const std::vector<DemoStep>& x, const std::vector<DemoStep>& y) {
    if (x.size() != y.size()) return false;
    for (size_t i = 0; i < x.size(); ++i) {
      if (x[i].at != y[i].at || x[i].item != y[i].item || x[i].request.index() != y[i].request.index()) {
        return false;
      }
    }
    return true;
  };
  CHECK(same(a, b));
  CHECK_FALSE(same(a, c));
}

TEST_CASE("Given no configured departments, the script opens no tasks and no problems", "[demo]") {
  DemoScenarioOptions options = Month(11);
  options.departments.clear();
  for (const DemoStep& step : RetailMonth(options)) {
    CHECK_FALSE(std::holds_alternative<v1::OpenTaskRequest>(step.request));
    CHECK_FALSE(std::holds_alternative<v1::OpenProblemRequest>(step.request));
    if (const auto* triage = std::get_if<v1::TriageComplaintRequest>(&step.request)) {
      CHECK(triage->department().empty());
    }
  }
}

}  // namespace
}  // namespace closedloop::services::demo
