#include "tools/bench/store_generator.h"

#include <algorithm>
#include <cstdio>
#include <functional>
#include <mutex>
#include <random>
#include <thread>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "domain/commands.h"
#include "domain/complaint.h"
#include "domain/routing.h"
#include "services/commands/complaint_commands.h"
#include "tools/bench/bench_server.h"
#include "tools/bench/case_script.h"

namespace closedloop::bench {
namespace {

// The domain command for `step` of case `c` (the same content load_client.cc sends).
domain::ComplaintCommand CommandFor(Step step, const CaseWalk& c, std::mt19937_64& rng,
                                    absl::Time now) {
  switch (step) {
    case Step::kTriage:
      return domain::TriageComplaint{.category = kCategories[rng() % 6],
                                     .severity = rng() % 4 == 0 ? v1::SEVERITY_HIGH
                                                                : v1::SEVERITY_NORMAL,
                                     .department = kDepartments[rng() % 6],
                                     .root_cause_code = ""};
    case Step::kContactNoAnswer:
    case Step::kContactReached:
      return domain::RecordCustomerContact{
          .method = v1::CONTACT_METHOD_PHONE,
          .outcome = step == Step::kContactReached ? v1::CONTACT_OUTCOME_REACHED
                                                   : v1::CONTACT_OUTCOME_NO_ANSWER,
          .summary = "Called the customer about the delivery."};
    case Step::kComment:
      return domain::AddComment{
          .visibility = rng() % 3 == 0 ? v1::VISIBILITY_PUBLIC : v1::VISIBILITY_INTERNAL,
          .author = kOwners[rng() % 9],
          .text = "Checked the order history; the carrier scanned the parcel as damaged."};
    case Step::kAssign:
      return domain::AssignComplaint{.owner = kOwners[rng() % 9]};
    case Step::kOpenTask:
      return domain::OpenTask{
          .department = kDepartments[rng() % 6],
          .responsible = "",
          .description = "Please check the parcel's scan history and tell us what happened.",
          .due = now + absl::Hours(48)};
    case Step::kRespondTask:
      return domain::RespondToTask{
          .task_id = c.task_id(),
          .response = "The parcel was dropped at the hub; we will pay for a replacement."};
    case Step::kCompleteTask:
      return domain::CompleteTask{.task_id = c.task_id(), .outcome = "Replacement approved."};
    case Step::kResolve: {
      domain::ResolveComplaint resolve{.resolution = "Sent a replacement and apologised.",
                                       .remedy = {},
                                       .root_cause = "carrier handling"};
      resolve.remedy.set_type(v1::REMEDY_TYPE_REPLACEMENT);
      return resolve;
    }
    case Step::kClose:
      return domain::CloseComplaint{.customer_confirmed = rng() % 2 == 0};
    case Step::kSurvey:
      return domain::RecordSurvey{.nps = static_cast<int>(rng() % 11),
                                  .csat = 1 + static_cast<int>(rng() % 5),
                                  .comment = ""};
  }
  return domain::AddComment{};
}

// Where an open case of a timeline stops: after the customer was reached and outside a task
// cycle, before the resolution, so that its one pending deadline is the resolution's, 24 h
// after its filing (a first contact or a task response left pending would be long overdue).
size_t QuietStop(const std::vector<Step>& script, std::mt19937_64& rng) {
  std::vector<size_t> stops;
  bool reached = false;
  int open_tasks = 0;
  for (size_t i = 0; i < script.size() && script[i] < Step::kResolve; ++i) {
    if (script[i] == Step::kContactReached) reached = true;
    if (script[i] == Step::kOpenTask) ++open_tasks;
    if (script[i] == Step::kCompleteTask) --open_tasks;
    if (reached && open_tasks == 0) stops.push_back(i + 1);
  }
  return stops[rng() % stops.size()];  // every script reaches the customer before resolving
}

}  // namespace

v1::Filed TimelineFiling(uint64_t k, uint64_t customers) {
  v1::Filed filing = Filing(k);
  const uint64_t customer = k % customers;
  filing.set_customer_ref(absl::StrCat("customer-", customer));
  const std::string number = absl::StrCat(1000000 + customer % 9000000);
  filing.set_customer_contact(customer % 2 == 0 ? absl::StrCat("+49 30 ", number)
                                                : absl::StrCat("030 ", number));
  filing.set_order_ref(absl::StrCat("order-", k));
  filing.set_external_ref(absl::StrCat("ext-", k));
  return filing;
}

StoreTimeline::StoreTimeline(absl::Time now, uint64_t cases, uint64_t open_cases)
    : now_(now),
      cases_(cases),
      open_cases_(std::min(open_cases, cases)),
      step_(absl::Hours(24) /
            static_cast<double>(std::max<uint64_t>(open_cases_ ? open_cases_ : cases, 1))) {}

uint64_t StoreTimeline::Claim() { return std::min(claimed_.fetch_add(1), cases_); }

absl::Time StoreTimeline::Now() const {
  const uint64_t claimed = std::min(claimed_.load(), cases_);
  return now_ - step_ * static_cast<double>(cases_ - claimed);
}

GeneratorResult GenerateStore(storage::EventLog& log, const v1::Config& config,
                              const GeneratorOptions& options, std::atomic<uint64_t>& events,
                              StoreTimeline* timeline) {
  std::function<absl::Time()> clock = [] { return absl::Now(); };
  if (timeline != nullptr) clock = [timeline] { return timeline->Now(); };
  // No projections run to take the owners' pending filings off the picker's hands, so the
  // picker would count every filing of the run as pending on each pick (quadratic). The load
  // comes from here instead, as the projections would give it: cases ever assigned per owner,
  // each counted once its filing is appended; until then it stays pending, as in a server.
  std::mutex assigned_mu;
  domain::OpenCaseLoad assigned;
  absl::flat_hash_set<std::string> counted;  // in `assigned`, and not yet asked about
  services::ComplaintCommands commands(
      log, clock, config.sla_policy(), config.directory(),
      [&](const std::vector<std::string>& ids) {
        std::lock_guard<std::mutex> lock(assigned_mu);
        services::LoadAt at{assigned, {}};
        for (const std::string& id : ids) at.applied.push_back(counted.erase(id) > 0);
        return at;
      });
  const uint64_t customers = timeline ? std::max<uint64_t>(timeline->cases() / 5, 1) : 0;
  v1::Actor actor;
  actor.set_principal("user:bench");
  actor.set_role("superhero");
  std::atomic<uint64_t> cases{0}, open_count{0}, run{0}, failures{0};
  std::mutex first_failure;
  auto report = [&](const absl::Status& status) {
    if (failures.fetch_add(1) == 0) {
      std::lock_guard<std::mutex> lock(first_failure);
      std::fprintf(stderr, "generator: first refused command: %s\n", status.ToString().c_str());
    }
  };
  std::vector<std::thread> workers;
  for (int t = 0; t < options.threads; ++t) {
    workers.emplace_back([&, t] {
      std::mt19937_64 rng(7000 + t);
      for (uint64_t i = 0;; ++i) {
        v1::Filed filing;
        bool open = false;
        if (timeline != nullptr) {
          const uint64_t k = timeline->Claim();
          if (k >= timeline->cases()) break;
          filing = TimelineFiling(k, customers);
          open = timeline->Open(k);
        } else {
          if (log.HeadPosition() >= options.events) break;
          filing = Filing(t * 100000000ULL + i);
        }
        absl::StatusOr<services::CommandResult> filed = commands.File(filing, actor, "");
        ++run;
        if (!filed.ok()) {
          report(filed.status());
          continue;
        }
        events += filed->events.size();
        ++cases;
        {
          std::lock_guard<std::mutex> lock(assigned_mu);
          ++assigned[domain::Fold(filed->events).owner];
          counted.insert(filed->complaint_id);
        }
        CaseWalk c{filed->complaint_id, CaseScript(rng, options.extra_rounds)};
        size_t stop = c.script.size();
        if (open) {
          stop = QuietStop(c.script, rng);
          ++open_count;
        } else if (timeline == nullptr && static_cast<int>(rng() % 100) < options.open_percent) {
          stop = rng() % c.script.size();  // before the resolution at the latest
          while (stop > 0 && c.script[stop - 1] >= Step::kResolve) --stop;
          ++open_count;
        }
        for (; c.next < stop; ++c.next) {
          const Step step = c.script[c.next];
          absl::StatusOr<services::CommandResult> result =
              commands.Run(c.complaint_id, CommandFor(step, c, rng, clock()), actor, "");
          ++run;
          if (!result.ok()) {
            report(result.status());
            break;
          }
          if (step == Step::kOpenTask) ++c.tasks;
          events += result->events.size();
        }
      }
    });
  }
  for (std::thread& w : workers) w.join();
  return {cases.load(), open_count.load(), run.load(), failures.load()};
}

}  // namespace closedloop::bench
