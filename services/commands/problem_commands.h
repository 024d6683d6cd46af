// ProblemCommands: runs commands against problem streams ("problem-<id>") with the pipeline of
// StreamCommands, and opens new problems under the next "PR-<n>" id.
//
// Thread safety: every method may be called concurrently.
#ifndef CLOSEDLOOP_SERVICES_COMMANDS_PROBLEM_COMMANDS_H_
#define CLOSEDLOOP_SERVICES_COMMANDS_PROBLEM_COMMANDS_H_

#include <functional>
#include <string>

#include "absl/status/statusor.h"
#include "closedloop/v1/policy.pb.h"
#include "domain/problem.h"
#include "services/commands/id_sequence.h"
#include "services/commands/in_flight_requests.h"
#include "services/commands/request_key.h"
#include "services/commands/stream_commands.h"
#include "storage/event_log.h"

namespace closedloop::services {

using ProblemResult = StreamCommandResult<v1::ProblemEvent>;

// The stream of problem `id`: "problem-<id>".
std::string ProblemStream(const std::string& problem_id);

class ProblemCommands {
 public:
  // `directory` (the configured departments) must outlive this object.
  ProblemCommands(storage::EventLog& log, std::function<absl::Time()> clock,
                  const v1::Directory& directory);

  // Errors as ComplaintCommands::Run.
  absl::StatusOr<ProblemResult> Run(const std::string& problem_id,
                                    const domain::ProblemCommand& command, const v1::Actor& actor,
                                    const RequestKey& request);
  // Opens a problem under the next id (`command.problem_id` is ignored); its department must
  // be configured. A retry with a request id already used to open the same problem returns
  // that result, also while the first is still in flight; with another request, ALREADY_EXISTS.
  absl::StatusOr<ProblemResult> Open(domain::OpenProblem command, const v1::Actor& actor,
                                     const RequestKey& request);
  // What `command` would decide now, without appending: lets a caller check a problem-side
  // change before it records the complaint side of a link.
  absl::Status Check(const std::string& problem_id, const domain::ProblemCommand& command);

 private:
  // Open without the in-flight check.
  absl::StatusOr<ProblemResult> OpenNew(domain::OpenProblem command, const v1::Actor& actor,
                                        const RequestKey& request);

  StreamCommands<domain::ProblemState, v1::ProblemEvent> commands_;
  InFlightRequests<ProblemResult> in_flight_;
  IdSequence ids_;
  const v1::Directory& directory_;
};

}  // namespace closedloop::services

#endif  // CLOSEDLOOP_SERVICES_COMMANDS_PROBLEM_COMMANDS_H_
