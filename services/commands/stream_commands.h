// StreamCommands: the command pipeline for one kind of aggregate stored as a stream of events
// (complaints, problems): load the stream (from a cache of recently used states plus whatever
// the log has after them), fold it, decide with `now` from the injected clock,
// append with the revision the decision was made on, and on a concurrent change reload and
// decide again (a bounded number of times). A retry with a request id already in the log
// returns the original result without deciding anything.
//
// Thread safety: Run() may be called concurrently, also for the same stream. Commands on the
// same stream within this process take turns (striped locks), so they never conflict with each
// other; the expected-revision check still guards against any other writer.
#ifndef CLOSEDLOOP_SERVICES_COMMANDS_STREAM_COMMANDS_H_
#define CLOSEDLOOP_SERVICES_COMMANDS_STREAM_COMMANDS_H_

#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/functional/function_ref.h"
#include "absl/hash/hash.h"
#include "absl/status/statusor.h"
#include "absl/strings/match.h"
#include "absl/strings/string_view.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "closedloop/v1/event.pb.h"
#include "services/commands/request_key.h"
#include "services/commands/stream_state_cache.h"
#include "storage/event_log.h"

namespace closedloop::services {

template <typename Event>
struct StreamCommandResult {
  std::string stream;
  uint64_t stream_revision = 0;  // the stream's revision after the command
  uint64_t position = 0;         // the log position of the command's last event (or the head
                                 // the decision was made on, when it changed nothing)
  bool deduplicated = false;     // a retry of a command already in the log
  std::vector<Event> events;     // what the command appended (on a retry: the original's)
  std::vector<storage::IndexChange> index_changes;  // the side-index changes it wrote
};

// `State` is the aggregate's state; `Event` its event message. `evolve` folds one event into
// the state; `type_of` names an event for the log ("complaint.filed"); records of the stream
// whose type does not start with `type_prefix` are unreadable (DATA_LOSS).
template <typename State, typename Event>
class StreamCommands {
 public:
  using Evolve = State (*)(State, const Event&);
  using TypeOf = std::string (*)(const Event&);
  using Decide = absl::FunctionRef<absl::StatusOr<std::vector<Event>>(const State&, absl::Time)>;
  using Result = StreamCommandResult<Event>;
  // The side-index entries a command changes, from the stream's state before and after it
  // (e.g. the due-time index of deadlines); written in the command's own append.
  using IndexOf = std::function<std::vector<storage::IndexChange>(
      const std::string& stream, const State& before, const State& after)>;

  StreamCommands(storage::EventLog& log, std::function<absl::Time()> clock,
                 std::string type_prefix, Evolve evolve, TypeOf type_of,
                 IndexOf index_of = nullptr)
      : log_(log), clock_(std::move(clock)), type_prefix_(std::move(type_prefix)),
        evolve_(evolve), type_of_(type_of), index_of_(std::move(index_of)) {}

  struct Loaded {
    State state;
    uint64_t revision = 0;
  };

  // The stream's state and revision as the log has them now: the cached state, if any, with
  // every event the log holds after it. DATA_LOSS for an unreadable event.
  absl::StatusOr<Loaded> Load(const std::string& stream) {
    Loaded loaded;
    if (std::optional<typename Cache::Entry> cached = cache_.Get(stream)) {
      loaded.state = std::move(cached->state);
      loaded.revision = cached->revision;
    }
    for (uint64_t from = loaded.revision + 1;;) {
      absl::StatusOr<std::vector<storage::RecordedEvent>> page =
          log_.ReadStream(stream, from, storage::Direction::kForward, kLoadPage);
      if (!page.ok()) return page.status();
      for (const storage::RecordedEvent& record : *page) {
        Event event;
        if (!absl::StartsWith(record.type(), type_prefix_) ||
            !event.ParseFromString(record.payload())) {
          return absl::DataLossError(absl::StrCat("event ", record.position(), " of ", stream,
                                                  " is not a readable ", type_prefix_, " event"));
        }
        loaded.state = evolve_(std::move(loaded.state), event);
        loaded.revision = record.revision();
      }
      if (page->size() < kLoadPage) break;
      from = loaded.revision + 1;
    }
    if (loaded.revision > 0) cache_.Put(stream, {loaded.state, loaded.revision});
    return loaded;
  }

  // Runs `decide` on the stream's current state. Errors: the decider's; ALREADY_EXISTS for a
  // request id used for another request; ABORTED when concurrent changes outlasted every retry;
  // the log's UNAVAILABLE; DATA_LOSS for an unreadable stream. Nothing is appended on an error.
  // `command_type` is the event type the command records first (domain::RecordedType; "" if it
  // varies): a request id found on this stream whose append began otherwise was used for
  // another command, which is ALREADY_EXISTS rather than a retry.
  absl::StatusOr<Result> Run(const std::string& stream, const RequestKey& request,
                             const v1::Actor& actor, const std::string& command_type,
                             Decide decide) {
    absl::MutexLock turn(&stripes_[absl::Hash<std::string>()(stream) % kStripes]);
    for (int attempt = 0; attempt < kMaxAttempts; ++attempt) {
      if (!request.id.empty()) {
        absl::StatusOr<std::optional<v1::AppendReceipt>> receipt = log_.FindReceipt(request.id);
        if (!receipt.ok()) return receipt.status();
        if (receipt->has_value()) {
          if ((*receipt)->stream() != stream || !SameRequest(**receipt, request)) {
            return ReusedError(request);
          }
          absl::StatusOr<Result> earlier = Recall(**receipt);
          if (!earlier.ok()) return earlier.status();
          if (!command_type.empty() &&
              (earlier->events.empty() || type_of_(earlier->events.front()) != command_type)) {
            return ReusedError(request);
          }
          return earlier;
        }
      }
      const uint64_t head = log_.HeadPosition();
      absl::StatusOr<Loaded> loaded = Load(stream);
      if (!loaded.ok()) return loaded.status();
      absl::StatusOr<std::vector<Event>> events = decide(loaded->state, clock_());
      if (!events.ok()) return events.status();

      Result result;
      result.stream = stream;
      if (events->empty()) {  // nothing would change: nothing to append
        result.stream_revision = loaded->revision;
        result.position = head;
        return result;
      }
      State after = loaded->state;
      for (const Event& event : *events) after = evolve_(std::move(after), event);
      storage::AppendRequest append = ToAppend(
          stream, storage::ExpectedRevision::Exact(loaded->revision), request, actor, *events);
      if (index_of_) append.index_changes = index_of_(stream, loaded->state, after);
      absl::StatusOr<storage::AppendResult> appended = log_.Append(append);
      // The same request reached the log first from elsewhere: answer with what it recorded.
      if (appended.ok() && appended->deduplicated) continue;
      if (appended.ok()) {
        if (!appended->deduplicated) {
          cache_.Put(stream, {std::move(after), appended->stream_revision});
          result.events = *std::move(events);
          result.index_changes = std::move(append.index_changes);
        }
        result.stream_revision = appended->stream_revision;
        result.position = appended->last_position;
        result.deduplicated = appended->deduplicated;
        return result;
      }
      if (appended.status().code() != absl::StatusCode::kAborted) return appended.status();
      // Someone else changed the stream since it was loaded: decide again on the new state.
    }
    return absl::AbortedError(absl::StrCat(stream, " kept changing during ", kMaxAttempts,
                                           " attempts; retry the command"));
  }

  // A command decided but not yet appended: for callers that put many appends in flight at
  // once (the timer service) and so share synced writes. The append expects the revision the
  // decision was made on; hand the outcome to Appended().
  struct Prepared {
    Result result;  // events and index changes; revision and position once appended
    storage::AppendRequest append;
    State after;
  };

  // Decides like Run, without the request-id check or the per-stream turn, and appends
  // nothing. nullopt when the command would change nothing.
  absl::StatusOr<std::optional<Prepared>> Prepare(const std::string& stream,
                                                  const RequestKey& request,
                                                  const v1::Actor& actor, Decide decide) {
    absl::StatusOr<Loaded> loaded = Load(stream);
    if (!loaded.ok()) return loaded.status();
    absl::StatusOr<std::vector<Event>> events = decide(loaded->state, clock_());
    if (!events.ok()) return events.status();
    if (events->empty()) return std::nullopt;
    Prepared prepared;
    prepared.after = loaded->state;
    for (const Event& event : *events) prepared.after = evolve_(std::move(prepared.after), event);
    prepared.append = ToAppend(stream, storage::ExpectedRevision::Exact(loaded->revision),
                               request, actor, *events);
    if (index_of_) prepared.append.index_changes = index_of_(stream, loaded->state, prepared.after);
    prepared.result.stream = stream;
    prepared.result.events = *std::move(events);
    prepared.result.index_changes = prepared.append.index_changes;
    return std::optional<Prepared>(std::move(prepared));
  }

  // Completes `prepared` with the outcome of its append.
  absl::StatusOr<Result> Appended(Prepared prepared,
                                  const absl::StatusOr<storage::AppendResult>& appended) {
    if (!appended.ok()) return appended.status();
    Result result = std::move(prepared.result);
    result.stream_revision = appended->stream_revision;
    result.position = appended->last_position;
    result.deduplicated = appended->deduplicated;
    if (!appended->deduplicated) {
      cache_.Put(result.stream, {std::move(prepared.after), appended->stream_revision});
    }
    return result;
  }

  // The append of `events` to `stream`, each typed by `type_of` and attributed to `actor`.
  storage::AppendRequest ToAppend(const std::string& stream, storage::ExpectedRevision expected,
                                  const RequestKey& request, const v1::Actor& actor,
                                  const std::vector<Event>& events) const {
    storage::AppendRequest append;
    append.stream = stream;
    append.expected = expected;
    append.request_id = request.id;
    append.request_digest = request.digest;
    for (const Event& event : events) {
      storage::ProposedEvent& proposed = append.events.emplace_back();
      proposed.set_type(type_of_(event));
      proposed.set_payload(event.SerializeAsString());
      *proposed.mutable_actor() = actor;
    }
    return append;
  }

  // The result of the append `receipt` records, with its events read back from the stream, so
  // that a retry gets the original answer.
  absl::StatusOr<Result> Recall(const v1::AppendReceipt& receipt) {
    Result result;
    result.stream = receipt.stream();
    result.stream_revision = receipt.stream_revision();
    result.position = receipt.last_position();
    result.deduplicated = true;
    const uint64_t count = receipt.last_position() - receipt.first_position() + 1;
    absl::StatusOr<std::vector<storage::RecordedEvent>> records = log_.ReadStream(
        receipt.stream(), receipt.stream_revision() - count + 1, storage::Direction::kForward, count);
    if (!records.ok()) return records.status();
    for (const storage::RecordedEvent& record : *records) {
      if (!result.events.emplace_back().ParseFromString(record.payload())) {
        return absl::DataLossError(absl::StrCat("event ", record.position(), " is unreadable"));
      }
    }
    return result;
  }


  // Whether the receipt records the request `request` names: by the caller's digest when both
  // have one (receipts written before digests were kept have none).
  static bool SameRequest(const v1::AppendReceipt& receipt, const RequestKey& request) {
    if (request.digest.empty() || receipt.request_digest().empty()) return true;
    return receipt.request_digest() == request.digest;
  }

  // The earlier result of a request that created a stream starting with `stream_prefix`
  // (ids are assigned before the append, so a retry must find its stream by request id).
  // nullopt when `request_id` is empty or unused; ALREADY_EXISTS when it was used otherwise.
  absl::StatusOr<std::optional<Result>> FindCreation(const RequestKey& request,
                                                     absl::string_view stream_prefix) {
    if (request.id.empty()) return std::nullopt;
    absl::StatusOr<std::optional<v1::AppendReceipt>> receipt = log_.FindReceipt(request.id);
    if (!receipt.ok()) return receipt.status();
    if (!receipt->has_value()) return std::nullopt;
    const v1::AppendReceipt& r = **receipt;
    // The append began the stream: it wrote revisions 1..stream_revision.
    const bool created = r.last_position() - r.first_position() + 1 == r.stream_revision();
    if (!absl::StartsWith(r.stream(), stream_prefix) || !created || !SameRequest(r, request)) {
      return ReusedError(request);
    }
    absl::StatusOr<Result> earlier = Recall(r);
    if (!earlier.ok()) return earlier.status();
    return std::optional<Result>(*std::move(earlier));
  }

  absl::Time Now() const { return clock_(); }

 private:
  // Attempts per command when another writer keeps changing the same stream. Each retry
  // reloads and decides again, so a conflict costs one extra read, not a lost update.
  static constexpr int kMaxAttempts = 8;
  static constexpr size_t kLoadPage = 1000;
  static constexpr size_t kStripes = 64;
  // Streams whose state is kept between commands (a complaint's state is a few KB).
  static constexpr size_t kCachedStreams = 10000;
  using Cache = StreamStateCache<State>;

  storage::EventLog& log_;
  const std::function<absl::Time()> clock_;
  const std::string type_prefix_;
  const Evolve evolve_;
  const TypeOf type_of_;
  const IndexOf index_of_;
  absl::Mutex stripes_[kStripes];
  Cache cache_{kCachedStreams};
};

}  // namespace closedloop::services

#endif  // CLOSEDLOOP_SERVICES_COMMANDS_STREAM_COMMANDS_H_
