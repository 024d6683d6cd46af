// ComplaintCommands: runs commands against complaint streams ("complaint-<id>") the way every
// ComplaintService RPC does (the pipeline is StreamCommands), and files new complaints: assigns
// the id, routes and assigns, and appends the filing as one new stream.
//
// Thread safety: every method may be called concurrently.
#ifndef CLOSEDLOOP_SERVICES_COMMANDS_COMPLAINT_COMMANDS_H_
#define CLOSEDLOOP_SERVICES_COMMANDS_COMPLAINT_COMMANDS_H_

#include <functional>
#include <string>
#include <vector>

#include "absl/functional/any_invocable.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "closedloop/v1/complaint.pb.h"
#include "closedloop/v1/event.pb.h"
#include "closedloop/v1/policy.pb.h"
#include "domain/access.h"
#include "domain/complaint.h"
#include "services/commands/id_sequence.h"
#include "services/commands/in_flight_requests.h"
#include "services/commands/owner_picker.h"
#include "services/commands/request_key.h"
#include "services/commands/stream_commands.h"
#include "storage/event_log.h"

namespace closedloop::services {

struct CommandResult {
  std::string complaint_id;
  uint64_t stream_revision = 0;  // the complaint stream's revision after the command
  uint64_t position = 0;         // the log position of the command's last event (or the head
                                 // the decision was made on, when it changed nothing)
  bool deduplicated = false;     // a retry of a command already in the log
  std::vector<v1::ComplaintEvent> events;  // what the command appended (on a retry: the original's)
  std::vector<storage::IndexChange> index_changes;  // its changes to the due-time index
};

// The stream of complaint `id`: "complaint-<id>".
std::string ComplaintStream(const std::string& complaint_id);

class ComplaintCommands {
 public:
  // `log`, `policy` and `directory` must outlive this object. `load` may be empty (every owner
  // counts as free).
  ComplaintCommands(storage::EventLog& log, std::function<absl::Time()> clock,
                    const v1::SlaPolicy& policy, const v1::Directory& directory,
                    LoadSource load = nullptr);

  // Errors: the decider's (INVALID_ARGUMENT, FAILED_PRECONDITION, NOT_FOUND, ALREADY_EXISTS),
  // ALREADY_EXISTS for a request id used on another complaint, ABORTED when concurrent changes
  // outlasted every retry, the log's UNAVAILABLE, DATA_LOSS for an unreadable stream.
  // Nothing is appended on any error. `caller`, when given, is checked against the case
  // (domain::CheckCommandScope: PERMISSION_DENIED); nullptr is the system, unrestricted.
  absl::StatusOr<CommandResult> Run(const std::string& complaint_id,
                                    const domain::ComplaintCommand& command,
                                    const v1::Actor& actor, const RequestKey& request,
                                    const domain::Caller* caller = nullptr);

  // Files a new item under the next "CL-<n>" id. A retry with a request id already used for
  // the same filing returns that filing's result, also while the first is still in flight;
  // with one used for anything else, ALREADY_EXISTS.
  absl::StatusOr<CommandResult> File(v1::Filed filing, const v1::Actor& actor,
                                     const RequestKey& request);
  // A command decided but not appended (StreamCommands::Prepare): the timer service decides
  // many firings, then puts their appends in flight together.
  using Prepared = StreamCommands<domain::ComplaintState, v1::ComplaintEvent>::Prepared;
  absl::StatusOr<std::optional<Prepared>> Prepare(const std::string& complaint_id,
                                                  const domain::ComplaintCommand& command,
                                                  const v1::Actor& actor,
                                                  const RequestKey& request);
  // Completes a prepared command with the outcome of its append (`log.AppendAsync(append)`).
  absl::StatusOr<CommandResult> Appended(const std::string& complaint_id, Prepared prepared,
                                         const absl::StatusOr<storage::AppendResult>& appended);

  // File without waiting for the synced append: `done` runs once the filing is durable (on the
  // log's completion thread) or has failed; the calling thread returns at once.
  using FileDone = absl::AnyInvocable<void(absl::StatusOr<CommandResult>) &&>;
  void FileAsync(v1::Filed filing, const v1::Actor& actor, const RequestKey& request,
                 FileDone done);

  struct Filing {
    v1::Filed filing;
    RequestKey request;
  };
  // Files many items at once: each is decided on its own, their owners are picked in one turn,
  // and all appends are in flight together, so they share synced writes. One result per
  // filing, in order; one failing does not affect the others.
  std::vector<absl::StatusOr<CommandResult>> FileMany(std::vector<Filing> filings,
                                                      const v1::Actor& actor);

  // Called with the earliest time a command (re)scheduled a timer, once its append is durable:
  // lets the timer service wake before it would have. Set before the first command runs.
  void OnTimerScheduled(std::function<void(absl::Time)> listener) {
    timer_listener_ = std::move(listener);
  }

  using Loaded = StreamCommands<domain::ComplaintState, v1::ComplaintEvent>::Loaded;
  // The complaint's state and revision as the log has them now.
  absl::StatusOr<Loaded> Load(const std::string& complaint_id);

 private:
  domain::DecisionContext Context(absl::Time now) const;
  // The earlier filing under `request`, if any (see File).
  absl::StatusOr<std::optional<CommandResult>> FindFiling(const RequestKey& request);
  // FileAsync's request-id checks: `done` (wrapped to finish the request in flight) when the
  // filing is to be decided anew; nullopt when `done` has its answer or waits for another's.
  std::optional<FileDone> Admit(const RequestKey& request, FileDone done);
  struct NewFiling {
    v1::Filed filing;
    RequestKey request;
    FileDone done;
  };
  // Files after the request-id checks: decides the filings but for their owners side by side,
  // picks the owners in one turn, numbers them and puts their appends in flight.
  void FileNew(std::vector<NewFiling> filings, const v1::Actor& actor);
  // Appends one decided filing, and settles its owner's pending assignment once that is done.
  void Append(CommandResult decided, PendingAssignments::Ticket ticket, const v1::Actor& actor,
              const RequestKey& request, FileDone done);
  // Tells the timer listener about any timer `result` scheduled.
  void Scheduled(const CommandResult& result) const;

  storage::EventLog& log_;
  StreamCommands<domain::ComplaintState, v1::ComplaintEvent> commands_;
  IdSequence ids_;
  const v1::SlaPolicy& policy_;
  const v1::Directory& directory_;
  const LoadSource load_;
  // New filings' owners: picks take turns, so that each counts the filings picked before it.
  OwnerPicker owners_;
  InFlightRequests<CommandResult> in_flight_;
  std::function<void(absl::Time)> timer_listener_;
};

}  // namespace closedloop::services

#endif  // CLOSEDLOOP_SERVICES_COMMANDS_COMPLAINT_COMMANDS_H_
