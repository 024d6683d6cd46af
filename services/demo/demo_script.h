// The demo's script being written: steps in the order they are added, and the helpers the
// month (demo_scenario.cc) and each kind of case (demo_cases.cc) write them with.
#ifndef CLOSEDLOOP_SERVICES_DEMO_DEMO_SCRIPT_H_
#define CLOSEDLOOP_SERVICES_DEMO_DEMO_SCRIPT_H_

#include <string>
#include <vector>

#include "absl/time/time.h"
#include "services/demo/demo_random.h"
#include "services/demo/demo_scenario.h"

namespace closedloop::services::demo {

// A problem that complaints of one category are linked to while it is worked on.
struct LinkableProblem {
  int index;  // the problem's index in the script
  std::string category;
  absl::Time opened;
  absl::Time fixed;  // no links from then on
};

class Script {
 public:
  explicit Script(std::vector<std::string> departments) : departments_(std::move(departments)) {}

  // Adds a step at `at` about item `item` and problem `problem` (-1: none); returns its
  // request to fill in.
  template <typename Request>
  Request& Add(absl::Time at, int item, int problem = -1) {
    DemoStep& step = steps_.emplace_back();
    step.at = at;
    step.item = item;
    step.problem = problem;
    return step.request.emplace<Request>();
  }

  // The configured department `preferred`, or one picked by its name when it is not
  // configured; empty when none is.
  std::string Department(const std::string& preferred) const;
  bool HasDepartments() const { return !departments_.empty(); }

  // A filing with a customer, market and, by channel, a store or an order.
  v1::FileComplaintRequest& File(int item, absl::Time at, v1::Channel channel, v1::ItemKind kind,
                                 const std::string& text, DemoRandom& r);
  void Contact(absl::Time at, int item, v1::ContactMethod method, v1::ContactOutcome outcome,
               const std::string& summary);
  // By the case's owner.
  void Comment(absl::Time at, int item, v1::Visibility visibility, const std::string& text);
  void Survey(absl::Time at, int item, bool happy, DemoRandom& r);

  std::vector<LinkableProblem>& problems() { return problems_; }
  std::vector<DemoStep> TakeSteps() { return std::move(steps_); }

 private:
  std::vector<std::string> departments_;
  std::vector<LinkableProblem> problems_;
  std::vector<DemoStep> steps_;
};

// The kinds of case, each written from its filing on (demo_cases.cc).
void ComplaintCase(Script& script, int item, absl::Time filed_at, DemoRandom& r);
void RedButtonCase(Script& script, int item, absl::Time filed_at, DemoRandom& r);
void RecommendationCase(Script& script, int item, absl::Time filed_at, DemoRandom& r);

}  // namespace closedloop::services::demo

#endif  // CLOSEDLOOP_SERVICES_DEMO_DEMO_SCRIPT_H_
