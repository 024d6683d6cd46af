// EventLog: the append-only, hash-chained log that is Closed Loop's only source of truth.
//
// Thread safety: every method may be called concurrently from any number of threads.
//
// Model. The log is a sequence of RecordedEvents at global positions 1, 2, 3, ... without gaps.
// Each event belongs to one stream ("complaint-CL-000042"); within a stream, events have
// revisions 1, 2, 3, ... A stream's revision is its number of events (0 = the stream does not
// exist). An append writes one or more events to one stream atomically: after a crash, either
// all of them are in the log or none is. An append is acknowledged only once it is durable.
//
// The interface is deliberately narrow (append to one stream, read, verify, subscribe) so that
// the log can later live on a replicated engine behind it.
#ifndef CLOSEDLOOP_STORAGE_EVENT_LOG_H_
#define CLOSEDLOOP_STORAGE_EVENT_LOG_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/functional/any_invocable.h"
#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "closedloop/v1/event.pb.h"
#include "storage/bucket_counts.h"
#include "storage/subscription.h"

namespace rocksdb {
class Env;
}  // namespace rocksdb

namespace closedloop::storage {

using v1::ProposedEvent;
using v1::RecordedEvent;

// What the writer believes the stream's revision to be (optimistic concurrency).
class ExpectedRevision {
 public:
  enum class Kind { kAny, kNoStream, kStreamExists, kExact };

  static ExpectedRevision Any() { return ExpectedRevision(Kind::kAny, 0); }
  static ExpectedRevision NoStream() { return ExpectedRevision(Kind::kNoStream, 0); }
  static ExpectedRevision StreamExists() { return ExpectedRevision(Kind::kStreamExists, 0); }
  // Exact(0) is NoStream(): the stream has no events.
  static ExpectedRevision Exact(uint64_t revision) {
    return revision == 0 ? NoStream() : ExpectedRevision(Kind::kExact, revision);
  }

  Kind kind() const { return kind_; }
  uint64_t revision() const { return revision_; }
  // True when a stream at `actual` revision satisfies this expectation.
  bool IsSatisfiedBy(uint64_t actual) const;
  std::string ToString() const;

 private:
  ExpectedRevision(Kind kind, uint64_t revision) : kind_(kind), revision_(revision) {}
  Kind kind_;
  uint64_t revision_;
};

// One change to the side index: put `key` -> `value`, or remove `key`.
struct IndexChange {
  std::string key;  // 1 to kMaxIndexKeyBytes bytes
  std::string value;
  bool remove = false;
};

struct AppendRequest {
  // 1 to 200 bytes of printable ASCII, no spaces; must not start with '$'.
  std::string stream;
  ExpectedRevision expected = ExpectedRevision::Any();
  // 1 to kMaxEventsPerAppend events.
  std::vector<ProposedEvent> events;
  // Optional (empty = none), at most kMaxRequestIdBytes. An append with an id the log has seen
  // before is not written again: it returns the original result (same request) or is refused.
  std::string request_id;
  // Optional: what identifies the request as its sender made it (e.g. a digest of the RPC
  // request), kept in the receipt. With it, an append under a known request id is the same
  // request when the digests match, whatever the events (a retry decided anew at another time
  // still returns the original result); without it, when the appended content matches.
  std::string request_digest;
  // Entries of the log's side index, written in the same atomic batch as the events and only
  // if the append is accepted: lets a caller keep a lookup (e.g. deadlines by due time) that
  // can never disagree with the events it was derived from. At most kMaxIndexChanges.
  std::vector<IndexChange> index_changes;
};

struct AppendResult {
  uint64_t first_position = 0;
  uint64_t last_position = 0;
  // The stream's revision after the append (= revision of its last event).
  uint64_t stream_revision = 0;
  // True when this was a retry of an append already in the log; nothing was written.
  bool deduplicated = false;
};

inline constexpr int kMaxEventsPerAppend = 1000;
inline constexpr int kMaxIndexChanges = 1000;
inline constexpr size_t kMaxIndexKeyBytes = 512;
inline constexpr size_t kMaxEventBytes = 1 << 20;  // payload + type + actor of one event
inline constexpr size_t kMaxStreamNameBytes = 200;
inline constexpr size_t kMaxRequestIdBytes = 256;
inline constexpr size_t kMaxEventTypeBytes = 128;

enum class Direction { kForward, kBackward };

// Selects events when reading or subscribing to the whole log. Empty fields match everything.
struct EventFilter {
  std::string stream_prefix;
  std::vector<std::string> event_types;
  bool Matches(const RecordedEvent& event) const;
};

struct ReadAllResult {
  std::vector<RecordedEvent> events;
  // Where the next read should start: one past the last position examined.
  uint64_t next_position = 0;
};

// The outcome of recomputing the hash chain over a range.
struct ChainVerification {
  bool ok = true;
  uint64_t verified_from = 0;
  uint64_t verified_to = 0;
  uint64_t first_bad_position = 0;  // 0 when ok
  std::string problem;              // empty when ok
  std::string last_hash;            // stored hash at verified_to, when ok
};

struct EventLogOptions {
  // Directory of the RocksDB database; created if missing.
  std::string path;
  // Source of `recorded_at`. Tests inject a fake; the daemon uses the wall clock.
  std::function<absl::Time()> clock = [] { return absl::Now(); };
  // How many recently appended events are kept in memory for live subscribers. A subscriber
  // further behind than this reads from disk instead.
  size_t recent_events_capacity = 65536;
  // Most appends the writer groups into one synced write.
  size_t max_appends_per_commit = 4096;
  // Most appends waiting for the writer. Past it, appends fail at once with UNAVAILABLE
  // instead of queueing: a slow disk then slows callers down rather than growing memory
  // without limit.
  size_t max_queued_appends = 65536;

  // For tests only. The environment (file system) RocksDB runs on; null = the default. Not
  // owned: it must outlive the log.
  rocksdb::Env* env = nullptr;
  // For tests only: false acknowledges appends without syncing them, which is not durable.
  // Exists so that the power-cut test can show that it would notice.
  bool sync_writes = true;
};

// Counters for benchmarks and metrics; read with EventLog::GetStats().
struct EventLogStats {
  uint64_t appends = 0;
  uint64_t commits = 0;  // synced writes; appends / commits = the group-commit factor
  // Appends refused at once because max_queued_appends were already waiting.
  uint64_t queue_full_refusals = 0;
  // One sample per synced write: the appends it took (accepted, retried or refused), the
  // events it wrote, and how long the synced RocksDB write took, in seconds.
  BucketCounts appends_per_commit = BucketCounts::Exponential(1, 2, 13);   // 1 .. 4096
  BucketCounts events_per_commit = BucketCounts::Exponential(1, 2, 17);    // 1 .. 65536
  BucketCounts sync_seconds = BucketCounts::Exponential(0.0001, 2, 16);  // 100us .. 3.3s
};

class EventLog {
 public:
  // Opens (creating if needed) the log at options.path and checks its recovered head.
  // Errors: UNAVAILABLE if the directory cannot be opened or is locked by another process;
  // DATA_LOSS if the recovered head is inconsistent.
  static absl::StatusOr<std::unique_ptr<EventLog>> Open(EventLogOptions options);

  // Closing waits for in-flight appends to be acknowledged, then closes the database.
  virtual ~EventLog() = default;

  // Appends request.events to request.stream, atomically and durably. OK means every event is
  // synced to disk at the returned positions. Errors:
  //   INVALID_ARGUMENT   the request is malformed (the message names the field);
  //   ABORTED            the stream's revision does not satisfy request.expected; the status
  //                      carries the actual revision (see ActualRevisionOf);
  //   ALREADY_EXISTS     request.request_id was used before for another request (see
  //                      AppendRequest::request_digest);
  //   UNAVAILABLE        the log is closing or its write queue is full (max_queued_appends):
  //                      nothing was written, retry. Or a disk write failed: then the outcome
  //                      is unknown (the append may be in the log after a restart, or not),
  //                      and the log refuses every later append, naming that first failure,
  //                      until it is reopened (after a failed fsync a retried one can report
  //                      success for data the kernel already dropped). A retry with the same
  //                      request_id is always safe: it is written once at most.
  virtual absl::StatusOr<AppendResult> Append(AppendRequest request) = 0;

  // Like Append, but returns at once; `done` runs once the append is durable or has failed,
  // on the log's completion thread (or at once, on the caller's thread, for an invalid
  // request). `done` must not block: it delays every other append's acknowledgement.
  virtual void AppendAsync(AppendRequest request,
                           absl::AnyInvocable<void(absl::StatusOr<AppendResult>) &&> done) = 0;

  // Reads up to `limit` events of `stream`, starting at `from_revision` (inclusive) and going
  // in `direction`. from_revision 0 means the first (forward) or last (backward) event.
  // An empty result means no event at or past from_revision. Errors: INVALID_ARGUMENT;
  // DATA_LOSS if the stream index points at a record of another stream or revision (the
  // message names the position).
  virtual absl::StatusOr<std::vector<RecordedEvent>> ReadStream(const std::string& stream,
                                                                uint64_t from_revision,
                                                                Direction direction,
                                                                size_t limit) = 0;

  // What the log recorded for the append with `request_id`, or nullopt if there was none.
  // Lets a caller recognise a retry before it decides anything anew. Errors: INVALID_ARGUMENT.
  virtual absl::StatusOr<std::optional<v1::AppendReceipt>> FindReceipt(
      const std::string& request_id) = 0;

  // The stream's current revision; 0 if it does not exist.
  virtual absl::StatusOr<uint64_t> StreamRevision(const std::string& stream) = 0;

  // Reads up to `limit` events matching `filter` at positions >= from_position, examining at
  // most `max_scanned` events (so a selective filter cannot turn one call into a full scan).
  virtual absl::StatusOr<ReadAllResult> ReadAll(uint64_t from_position, size_t limit,
                                                const EventFilter& filter,
                                                size_t max_scanned) = 0;

  // Calls `visit` for each event matching `filter` at positions >= from_position, in order,
  // examining at most `max_scanned` events, until `visit` returns false. The event passed to
  // `visit` is valid only during the call (it is reused: scanning allocates almost nothing,
  // which is what replaying projections needs). Returns one past the last position examined.
  virtual absl::StatusOr<uint64_t> ScanAll(uint64_t from_position, const EventFilter& filter,
                                           size_t max_scanned,
                                           absl::FunctionRef<bool(const RecordedEvent&)> visit) = 0;

  // Recomputes the hash chain over [from, to] (to = 0: the head) and reports the first
  // position that is missing, out of place, does not hash to its stored hash, or is not where
  // its stream's index entry points. OK with ok=false is a verification failure; an error status means the check itself failed.
  virtual absl::StatusOr<ChainVerification> VerifyChain(uint64_t from, uint64_t to) = 0;

  // Position of the last acknowledged event (0 for an empty log).
  virtual uint64_t HeadPosition() = 0;

  // Up to `limit` side-index entries with from_key <= key < to_key, in key order.
  virtual absl::StatusOr<std::vector<std::pair<std::string, std::string>>> ScanIndex(
      const std::string& from_key, const std::string& to_key, size_t limit) = 0;

  // Delivers every event matching `filter` from `from_position` on, then live events.
  virtual std::unique_ptr<Subscription> Subscribe(uint64_t from_position,
                                                  EventFilter filter) = 0;

  virtual EventLogStats GetStats() = 0;

  // Writes an online, consistent copy of the log to `dir` (which must not exist) while
  // appends continue: every event acknowledged before the call is in it, and the copy holds
  // a prefix of the log that ends with a whole append. Errors: ALREADY_EXISTS, UNAVAILABLE.
  virtual absl::Status Checkpoint(const std::string& dir) = 0;
};

// The stream's actual revision carried by an ABORTED status from Append, if any.
std::optional<uint64_t> ActualRevisionOf(const absl::Status& status);

}  // namespace closedloop::storage

#endif  // CLOSEDLOOP_STORAGE_EVENT_LOG_H_
