#include "tools/bench/store_generator.h"

#include <cstdio>
#include <mutex>
#include <random>
#include <thread>
#include <vector>

#include "absl/time/clock.h"
#include "domain/commands.h"
#include "services/commands/complaint_commands.h"
#include "tools/bench/bench_server.h"
#include "tools/bench/case_script.h"

namespace closedloop::bench {
namespace {

// The domain command for `step` of case `c` (the same content load_client.cc sends).
domain::ComplaintCommand CommandFor(Step step, const CaseWalk& c, std::mt19937_64& rng) {
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
          .due = absl::Now() + absl::Hours(48)};
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

}  // namespace

GeneratorResult GenerateStore(storage::EventLog& log, const v1::Config& config,
                              const GeneratorOptions& options, std::atomic<uint64_t>& events) {
  services::ComplaintCommands commands(log, [] { return absl::Now(); }, config.sla_policy(),
                                       config.directory());
  v1::Actor actor;
  actor.set_principal("user:bench");
  actor.set_role("superhero");
  std::atomic<uint64_t> cases{0}, open{0}, run{0}, failures{0};
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
      for (uint64_t i = 0; log.HeadPosition() < options.events; ++i) {
        absl::StatusOr<services::CommandResult> filed =
            commands.File(Filing(t * 100000000ULL + i), actor, "");
        ++run;
        if (!filed.ok()) {
          report(filed.status());
          continue;
        }
        events += filed->events.size();
        ++cases;
        CaseWalk c{filed->complaint_id, CaseScript(rng, options.extra_rounds)};
        size_t stop = c.script.size();
        if (static_cast<int>(rng() % 100) < options.open_percent) {
          stop = rng() % c.script.size();  // before the resolution at the latest
          while (stop > 0 && c.script[stop - 1] >= Step::kResolve) --stop;
          ++open;
        }
        for (; c.next < stop; ++c.next) {
          const Step step = c.script[c.next];
          absl::StatusOr<services::CommandResult> result =
              commands.Run(c.complaint_id, CommandFor(step, c, rng), actor, "");
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
  return {cases.load(), open.load(), run.load(), failures.load()};
}

}  // namespace closedloop::bench
