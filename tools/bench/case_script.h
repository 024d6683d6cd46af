// A case's lifecycle as the load benchmarks play it: the steps after filing, in an order the
// domain accepts (DESIGN.md: triage, reach the customer, work with departments, resolve,
// close, survey). Both the gRPC load (load_client.cc) and the store generator
// (store_generator.cc) walk these scripts, so every command is one a real agent could issue.
//
//   step               when                                  events it appends
//   -----------------  ------------------------------------  -------------------------------
//   triage             always, first                         1
//   contact, no answer 30 % of cases                         1
//   contact, reached   always                                2 (contact, first contact met)
//   comment            1 to 3 per case                       1
//   assign             20 % of cases (hand-over)             1
//   task cycle         50 % of cases: open task, comment,    2 + 1 + 2 + 1
//                      respond, complete
//   resolve            always                                1 + the deadlines it satisfies
//   close              80 % of cases                         1
//   survey             60 % of cases                         1
//
// On average 8.9 steps after the filing, so a case is about 9.9 commands. `extra_rounds`
// (the generator's knob for long-lived cases) adds rounds of [task cycle, contact, 2 comments]
// before the resolution: 8 commands and about 12 events each.
#ifndef CLOSEDLOOP_TOOLS_BENCH_CASE_SCRIPT_H_
#define CLOSEDLOOP_TOOLS_BENCH_CASE_SCRIPT_H_

#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"

namespace closedloop::bench {

enum class Step {
  kTriage,
  kContactNoAnswer,
  kContactReached,
  kComment,
  kAssign,
  kOpenTask,
  kRespondTask,
  kCompleteTask,
  kResolve,
  kClose,
  kSurvey,
};

inline std::vector<Step> CaseScript(std::mt19937_64& rng, int extra_rounds = 0) {
  auto chance = [&](int percent) { return static_cast<int>(rng() % 100) < percent; };
  std::vector<Step> s = {Step::kTriage};
  if (chance(30)) s.push_back(Step::kContactNoAnswer);
  s.push_back(Step::kContactReached);
  for (int i = 1 + static_cast<int>(rng() % 3); i > 0; --i) s.push_back(Step::kComment);
  if (chance(20)) s.push_back(Step::kAssign);
  auto task_cycle = [&] {
    s.insert(s.end(), {Step::kOpenTask, Step::kComment, Step::kRespondTask, Step::kCompleteTask});
  };
  if (chance(50)) task_cycle();
  for (int i = 0; i < extra_rounds; ++i) {
    task_cycle();
    s.insert(s.end(), {Step::kContactReached, Step::kComment, Step::kComment});
  }
  s.push_back(Step::kResolve);
  if (chance(80)) s.push_back(Step::kClose);
  if (chance(60)) s.push_back(Step::kSurvey);
  return s;
}

// One case being walked: its id, its script, how far it got, and its tasks so far.
struct CaseWalk {
  std::string complaint_id;
  std::vector<Step> script;
  size_t next = 0;
  int tasks = 0;  // tasks opened: the current one is "T<tasks>"
  uint64_t position = 0;  // the log position of its last command (to read one's own writes)
  bool done() const { return next >= script.size(); }
  std::string task_id() const { return absl::StrCat("T", tasks); }
};

inline const char* const kOwners[] = {"anna", "bob",  "carla", "dave", "erin",
                                      "farid", "greta", "hana", "ivan"};
inline const char* const kDepartments[] = {"warehouse", "delivery", "payments",
                                           "stores", "marketing", "carrier"};
inline const char* const kCategories[] = {"damaged-goods", "late-delivery", "refund",
                                          "staff-behaviour", "billing", "product-quality"};

}  // namespace closedloop::bench

#endif  // CLOSEDLOOP_TOOLS_BENCH_CASE_SCRIPT_H_
