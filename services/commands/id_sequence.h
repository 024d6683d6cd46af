// IdSequence: short, readable, never-repeated ids ("CL-1", "CL-2", ...) for things customers
// read out on the phone. Numbers are reserved in blocks by appending a SequenceReserved event
// to the stream "sequence-<name>" with the expected revision, so two processes (or a restart)
// never hand out the same number; what is left of a block at shutdown is skipped.
//
// Thread safety: Next() may be called concurrently.
#ifndef CLOSEDLOOP_SERVICES_COMMANDS_ID_SEQUENCE_H_
#define CLOSEDLOOP_SERVICES_COMMANDS_ID_SEQUENCE_H_

#include <cstdint>
#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "closedloop/v1/event.pb.h"
#include "storage/event_log.h"

namespace closedloop::services {

class IdSequence {
 public:
  // `name` names the stream ("sequence-<name>"); ids are `prefix` + number. `block` numbers
  // are reserved per append: larger blocks mean fewer appends and larger gaps after restarts.
  IdSequence(storage::EventLog& log, std::string name, std::string prefix, uint64_t block = 100);

  // The next id. Errors: the log's (UNAVAILABLE, ...), DATA_LOSS for an unreadable sequence.
  absl::StatusOr<std::string> Next();

 private:
  absl::Status ReserveBlock() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  storage::EventLog& log_;
  const std::string stream_;
  const std::string prefix_;
  const uint64_t block_;
  v1::Actor actor_;
  absl::Mutex mu_;
  uint64_t next_ ABSL_GUARDED_BY(mu_) = 0;  // the next number to hand out
  uint64_t last_ ABSL_GUARDED_BY(mu_) = 0;  // the last number reserved (next_ > last_: none left)
};

}  // namespace closedloop::services

#endif  // CLOSEDLOOP_SERVICES_COMMANDS_ID_SEQUENCE_H_
