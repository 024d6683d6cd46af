#include "services/commands/problem_commands.h"

#include "absl/strings/str_cat.h"
#include "absl/synchronization/notification.h"
#include "domain/routing.h"

namespace closedloop::services {
namespace {
std::string ProblemEventType(const v1::ProblemEvent& event) { return domain::EventType(event); }
}  // namespace

std::string ProblemStream(const std::string& problem_id) {
  return absl::StrCat("problem-", problem_id);
}

ProblemCommands::ProblemCommands(storage::EventLog& log, std::function<absl::Time()> clock,
                                 const v1::Directory& directory)
    : commands_(log, std::move(clock), "problem.", &domain::EvolveProblem, &ProblemEventType),
      ids_(log, "problem", "PR-"),
      directory_(directory) {}

absl::StatusOr<ProblemResult> ProblemCommands::Run(const std::string& problem_id,
                                                   const domain::ProblemCommand& command,
                                                   const v1::Actor& actor,
                                                   const RequestKey& request) {
  return commands_.Run(ProblemStream(problem_id), request, actor, domain::RecordedType(command),
                       [&](const domain::ProblemState& state, absl::Time now) {
                         return domain::DecideProblem(command, state, now);
                       });
}

absl::StatusOr<ProblemResult> ProblemCommands::Open(domain::OpenProblem command,
                                                    const v1::Actor& actor,
                                                    const RequestKey& request) {
  absl::StatusOr<ProblemResult> joined;
  absl::Notification finished;
  std::optional<InFlightRequests<ProblemResult>::Done> lead =
      in_flight_.Lead(request, [&](absl::StatusOr<ProblemResult> outcome) {
        joined = std::move(outcome);
        finished.Notify();
      });
  if (!lead) {
    finished.WaitForNotification();
    return joined;
  }
  absl::StatusOr<ProblemResult> result = OpenNew(std::move(command), actor, request);
  if (!request.id.empty()) in_flight_.Finish(request.id, result);
  return result;
}

absl::StatusOr<ProblemResult> ProblemCommands::OpenNew(domain::OpenProblem command,
                                                       const v1::Actor& actor,
                                                       const RequestKey& request) {
  absl::StatusOr<std::optional<ProblemResult>> earlier =
      commands_.FindCreation(request, "problem-");
  if (!earlier.ok()) return earlier.status();
  if (earlier->has_value()) return **std::move(earlier);
  // Check the fields before an id is spent on them.
  command.problem_id = "PR-0";
  if (absl::StatusOr<std::vector<v1::ProblemEvent>> dry =
          domain::DecideProblem(command, domain::ProblemState{}, commands_.Now());
      !dry.ok()) {
    return dry.status();
  }
  if (domain::FindDepartment(directory_, command.department) == nullptr) {
    return absl::InvalidArgumentError(
        absl::StrCat("department: unknown department '", command.department, "'"));
  }
  absl::StatusOr<std::string> id = ids_.Next();
  if (!id.ok()) return id.status();
  command.problem_id = *id;
  return Run(*id, command, actor, request);
}

absl::Status ProblemCommands::Check(const std::string& problem_id,
                                    const domain::ProblemCommand& command) {
  absl::StatusOr<StreamCommands<domain::ProblemState, v1::ProblemEvent>::Loaded> loaded =
      commands_.Load(ProblemStream(problem_id));
  if (!loaded.ok()) return loaded.status();
  return domain::DecideProblem(command, loaded->state, commands_.Now()).status();
}

}  // namespace closedloop::services
