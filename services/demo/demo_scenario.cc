#include "services/demo/demo_scenario.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "domain/proto_time.h"
#include "services/demo/demo_random.h"
#include "services/demo/demo_script.h"

namespace closedloop::services::demo {
namespace {

using absl::Hours;
using absl::Minutes;

// Parts of the month, each drawing random numbers of its own (DemoRandom::For).
constexpr uint64_t kDayPart = 1;
constexpr uint64_t kItemPart = 2;

// A problem the month's recurring complaints lead to, and what is done about it.
struct ProblemPlan {
  double opens_at;  // the fraction of the month gone by
  std::string department;
  std::string description;
  v1::ProblemSource source;
  std::string linked_category;  // complaints of this category are linked to it
  struct ActionItem {
    std::string description;
    std::string owner;
    int due_days;
    int completed_after_days;  // 0: still open
  };
  std::vector<ActionItem> items;
  int fixed_after_days;     // 0: not fixed yet
  int verified_after_days;  // 0: not verified yet
};

const std::vector<ProblemPlan>& ProblemPlans() {
  static const auto* plans = new std::vector<ProblemPlan>{
      {0.2, "carrier", "Parcels handled by the night-line carrier arrive damaged",
       v1::PROBLEM_SOURCE_COMPLAINTS, "damaged-parcel",
       {{"Ship fragile goods in padded boxes", "wes", 10, 5},
        {"Handling review with the carrier's account manager", "carrier-account-manager", 14, 9}},
       12, 18},
      {0.4, "payments", "Refunds take more than ten days to reach customers' cards",
       v1::PROBLEM_SOURCE_COMPLAINTS, "refund-missing",
       {{"Check failed refund batches every morning", "pete", 7, 4},
        {"Alert on refunds stuck for more than two days", "payments-it", 21, 0}},
       0, 0},
      {0.65, "stores", "Manager's shift: long queues at the tills on Saturday afternoons",
       v1::PROBLEM_SOURCE_MANAGER_SHIFT, "",
       {{"Open two extra tills from 14:00 on Saturdays", "stella", 7, 0}},
       0, 0},
  };
  return *plans;
}

void Problems(Script& script, absl::Time start, int days) {
  if (!script.HasDepartments()) return;
  const absl::Duration day = Hours(24);
  int index = 0;
  for (const ProblemPlan& plan : ProblemPlans()) {
    const absl::Time opened = start + day * static_cast<int>(plan.opens_at * days) + Hours(8);
    v1::OpenProblemRequest& open = script.Add<v1::OpenProblemRequest>(opened, -1, index);
    open.set_department(script.Department(plan.department));
    open.set_description(plan.description);
    open.set_source(plan.source);
    int n = 0;
    for (const ProblemPlan::ActionItem& item : plan.items) {
      ++n;
      v1::AddActionItemRequest& add =
          script.Add<v1::AddActionItemRequest>(opened + Minutes(30 + n), -1, index);
      add.set_description(item.description);
      add.set_owner(item.owner);
      *add.mutable_due() = domain::ToProto(opened + day * item.due_days);
      if (item.completed_after_days > 0) {
        v1::CompleteActionItemRequest& done = script.Add<v1::CompleteActionItemRequest>(
            opened + day * item.completed_after_days + Hours(2), -1, index);
        done.set_item_id(absl::StrCat("A", n));
        done.set_outcome(absl::StrCat("Done: ", item.description, "."));
      }
    }
    absl::Time fixed = absl::InfiniteFuture();
    if (plan.fixed_after_days > 0) {
      fixed = opened + day * plan.fixed_after_days + Hours(3);
      script.Add<v1::MarkFixedRequest>(fixed, -1, index)
          .set_summary("Every action item is done; watching the complaints for a week.");
    }
    if (plan.verified_after_days > 0) {
      script.Add<v1::VerifyFixRequest>(opened + day * plan.verified_after_days + Hours(3), -1, index)
          .set_evidence("No complaint of this kind for a week since the fix.");
    }
    if (!plan.linked_category.empty()) {
      script.problems().push_back({index, plan.linked_category, opened, fixed});
    }
    ++index;
  }
}

// One day's intake, from 07:00 to 21:00: about 80 items, fewer on Sundays.
void Day(Script& script, const DemoScenarioOptions& options, absl::Time midnight, int day,
         int& next_item) {
  DemoRandom r = DemoRandom::For(options.seed, kDayPart, day);
  const absl::CivilDay civil = absl::ToCivilDay(midnight, absl::UTCTimeZone());
  int count = r.Between(70, 90);
  if (absl::GetWeekday(civil) == absl::Weekday::sunday) count = count * 6 / 10;
  std::vector<absl::Time> times;
  for (int i = 0; i < count; ++i) times.push_back(midnight + Hours(7) + r.Minutes(0, 14 * 60));
  std::sort(times.begin(), times.end());
  // A handful of red-button calls a month.
  const int red_button = r.Chance(0.2) ? r.Between(0, count - 1) : -1;
  for (int i = 0; i < count; ++i) {
    const int item = next_item++;
    DemoRandom ir = DemoRandom::For(options.seed, kItemPart, item);
    if (i == red_button) {
      RedButtonCase(script, item, times[i], ir);
    } else if (ir.Chance(0.12)) {
      ComplaintCase(script, item, times[i], ir);
    } else {
      RecommendationCase(script, item, times[i], ir);
    }
  }
}

}  // namespace

std::vector<DemoStep> RetailMonth(const DemoScenarioOptions& options) {
  const absl::TimeZone utc = absl::UTCTimeZone();
  const absl::Time start =
      absl::FromCivil(absl::ToCivilDay(options.end, utc), utc) - Hours(24) * options.days;
  Script script(options.departments);
  Problems(script, start, options.days);
  int next_item = 0;
  for (int day = 0; day <= options.days; ++day) {
    Day(script, options, start + Hours(24) * day, day, next_item);
  }
  std::vector<DemoStep> steps;
  for (DemoStep& step : script.TakeSteps()) {
    if (step.at <= options.end) steps.push_back(std::move(step));
  }
  std::stable_sort(steps.begin(), steps.end(),
                   [](const DemoStep& a, const DemoStep& b) { return a.at < b.at; });
  return steps;
}

}  // namespace closedloop::services::demo
