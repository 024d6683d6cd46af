// ComplaintCommands: runs a command against one complaint stream, the way every command RPC
// will: load the stream, fold it, decide with `now` from the injected clock, append with the
// revision the decision was made on, and on a concurrent change reload and decide again (a
// bounded number of times). A retry with a request id already in the log returns the original
// result without deciding anything.
//
// Thread safety: Run() may be called concurrently, also for the same complaint. Commands on
// the same complaint within this process take turns (striped locks), so they never conflict
// with each other; the expected-revision check still guards against any other writer.
#ifndef CLOSEDLOOP_SERVICES_COMPLAINT_COMMANDS_H_
#define CLOSEDLOOP_SERVICES_COMPLAINT_COMMANDS_H_

#include <functional>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "closedloop/v1/complaint.pb.h"
#include "closedloop/v1/event.pb.h"
#include "closedloop/v1/policy.pb.h"
#include "domain/complaint.h"
#include "storage/event_log.h"

namespace closedloop::services {

struct CommandResult {
  std::string complaint_id;
  uint64_t stream_revision = 0;  // the complaint stream's revision after the command
  uint64_t position = 0;         // the log position of the command's last event (or the head
                                 // the decision was made on, when it changed nothing)
  bool deduplicated = false;     // a retry of a command already in the log
  std::vector<v1::ComplaintEvent> events;  // what the command appended (empty on a retry)
};

// The stream of complaint `id`: "complaint-<id>".
std::string ComplaintStream(const std::string& complaint_id);

class ComplaintCommands {
 public:
  // `log`, `policy` and `directory` must outlive this object.
  ComplaintCommands(storage::EventLog& log, std::function<absl::Time()> clock,
                    const v1::SlaPolicy& policy, const v1::Directory& directory);

  // Errors: the decider's (INVALID_ARGUMENT, FAILED_PRECONDITION, NOT_FOUND, ALREADY_EXISTS),
  // ALREADY_EXISTS for a request id used on another complaint, ABORTED when concurrent changes
  // outlasted every retry, the log's UNAVAILABLE, DATA_LOSS for an unreadable stream.
  // Nothing is appended on any error.
  absl::StatusOr<CommandResult> Run(const std::string& complaint_id,
                                    const domain::ComplaintCommand& command,
                                    const v1::Actor& actor, const std::string& request_id);

  // The complaint's state and revision as the log has them now.
  struct Loaded {
    domain::ComplaintState state;
    uint64_t revision = 0;
  };
  absl::StatusOr<Loaded> Load(const std::string& complaint_id);

 private:
  static constexpr size_t kStripes = 64;
  absl::Mutex& StripeOf(const std::string& complaint_id);

  storage::EventLog& log_;
  const std::function<absl::Time()> clock_;
  absl::Mutex stripes_[kStripes];
  const v1::SlaPolicy& policy_;
  const v1::Directory& directory_;
};

}  // namespace closedloop::services

#endif  // CLOSEDLOOP_SERVICES_COMPLAINT_COMMANDS_H_
