// The event log on an embedded RocksDB. Key layout: storage/key_layout.h; hash chain:
// storage/record_hash.h; how a group of appends becomes one batch: storage/group_commit.h.
//
// Threads. One writer thread owns the end of the log (tail_): it takes every append queued
// since its last commit, prepares them as one WriteBatch, writes it with sync=true, and only
// then publishes the new head and hands the acknowledgements to the completer thread
// (storage/append_completer.h). Readers never take the writer's
// locks; they read RocksDB up to the published head, so they never see an unacknowledged or
// half-written group.
#include <chrono>
#include <deque>
#include <memory>
#include <thread>

#include "absl/base/thread_annotations.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/synchronization/notification.h"
#include "rocksdb/db.h"
#include "storage/append_completer.h"
#include "storage/append_request.h"
#include "storage/chain_verifier.h"
#include "storage/checkpoint.h"
#include "storage/event_log.h"
#include "storage/group_commit.h"
#include "storage/key_layout.h"
#include "storage/log_subscription.h"
#include "storage/log_database.h"
#include "storage/recent_events.h"
#include "storage/side_index.h"
#include "storage/stream_index.h"
#include "storage/record_hash.h"

namespace closedloop::storage {
namespace {

constexpr size_t kRecentEventsMaxBytes = 64 << 20;
constexpr size_t kSubscriberMaxScanned = 4096;
constexpr size_t kStreamRevisionCacheSize = 100000;
// A ScanAll allowed to examine at least this many events is treated as a sequential replay.
constexpr size_t kLongScan = 1000;

absl::Status StoppedError(const absl::Status& first_failure) {
  return absl::UnavailableError(
      absl::StrCat("the log stopped accepting writes after a failed write: ",
                   first_failure.message(), "; restart the daemon"));
}

class RocksDbEventLog final : public EventLog, private SubscriptionSource {
 public:
  RocksDbEventLog(EventLogOptions options, std::unique_ptr<LogDatabase> db, LogTail tail)
      : options_(std::move(options)),
        db_(std::move(db)),
        recent_(options_.recent_events_capacity, kRecentEventsMaxBytes),
        tail_(std::move(tail)),
        head_(tail_.head_position) {
    writer_ = std::thread([this] { WriterLoop(); });
  }

  ~RocksDbEventLog() override {
    {
      absl::MutexLock lock(&queue_mu_);
      closing_ = true;
    }
    writer_.join();  // the writer drains the queue before it returns
    {
      absl::MutexLock lock(&head_mu_);
      closed_ = true;
    }
    // The completer drains, then the database closes, as members are destroyed.
  }

  absl::StatusOr<AppendResult> Append(AppendRequest request) override {
    absl::Notification done;
    absl::StatusOr<AppendResult> result;
    AppendAsync(std::move(request), [&](absl::StatusOr<AppendResult> r) {
      result = std::move(r);
      done.Notify();
    });
    done.WaitForNotification();
    return result;
  }

  void AppendAsync(AppendRequest request, AppendCallback done) override {
    if (absl::Status s = ValidateAppendRequest(request); !s.ok()) {
      std::move(done)(s);
      return;
    }
    absl::Status refusal;
    {
      absl::MutexLock lock(&queue_mu_);
      if (!write_failure_.ok()) {
        refusal = StoppedError(write_failure_);
      } else if (closing_) {
        refusal = absl::UnavailableError("the event log is closing");
      } else if (queue_.size() >= options_.max_queued_appends) {
        ++queue_full_refusals_;
        refusal = absl::UnavailableError("the log's write queue is full; retry");
      } else {
        queue_.push_back(Pending{std::move(request), std::move(done)});
        return;
      }
    }
    std::move(done)(refusal);
  }

  absl::StatusOr<std::vector<RecordedEvent>> ReadStream(const std::string& stream,
                                                        uint64_t from_revision,
                                                        Direction direction,
                                                        size_t limit) override {
    if (absl::Status s = ValidateStreamName(stream); !s.ok()) return s;
    return ReadStreamEvents(*db_, HeadPosition(), stream, from_revision, direction, limit);
  }

  absl::StatusOr<std::vector<std::pair<std::string, std::string>>> ScanIndex(
      const std::string& from_key, const std::string& to_key, size_t limit) override {
    return ScanSideIndex(*db_, from_key, to_key, limit);
  }

  absl::StatusOr<std::optional<v1::AppendReceipt>> FindReceipt(
      const std::string& request_id) override {
    if (request_id.empty() || request_id.size() > kMaxRequestIdBytes) {
      return absl::InvalidArgumentError(
          absl::StrCat("request_id: must be 1 to ", kMaxRequestIdBytes, " bytes"));
    }
    std::string value;
    rocksdb::Status s = db_->db().Get(rocksdb::ReadOptions(), db_->index(),
                                      keys::ReceiptKey(request_id), &value);
    if (s.IsNotFound()) return std::nullopt;
    if (absl::Status st = FromRocks(s, "reading a receipt"); !st.ok()) return st;
    v1::AppendReceipt receipt;
    if (!receipt.ParseFromString(value)) {
      return absl::DataLossError(absl::StrCat("unreadable receipt for request ", request_id));
    }
    return receipt;
  }

  absl::StatusOr<uint64_t> StreamRevision(const std::string& stream) override {
    if (absl::Status s = ValidateStreamName(stream); !s.ok()) return s;
    return ReadStreamRevision(*db_, stream);
  }

  absl::StatusOr<ReadAllResult> ReadAll(uint64_t from_position, size_t limit,
                                        const EventFilter& filter, size_t max_scanned) override {
    ReadAllResult result;
    if (limit == 0) {
      result.next_position = std::max<uint64_t>(from_position, 1);
      return result;
    }
    absl::StatusOr<uint64_t> next =
        ScanAll(from_position, filter, max_scanned, [&](const RecordedEvent& event) {
          result.events.push_back(event);
          return result.events.size() < limit;
        });
    if (!next.ok()) return next.status();
    result.next_position = *next;
    return result;
  }

  absl::StatusOr<uint64_t> ScanAll(uint64_t from_position, const EventFilter& filter,
                                   size_t max_scanned,
                                   absl::FunctionRef<bool(const RecordedEvent&)> visit) override {
    uint64_t next = std::max<uint64_t>(from_position, 1);
    const uint64_t head = HeadPosition();
    if (next > head) return next;
    // Only acknowledged events: the upper bound is the head published by the writer.
    const std::string upper = keys::EventKey(head + 1);
    rocksdb::Slice upper_slice(upper);
    rocksdb::ReadOptions options;
    options.iterate_upper_bound = &upper_slice;
    // A replay reads each block once: leave the block cache to the hot tail and the index.
    options.fill_cache = max_scanned < kLongScan;
    std::unique_ptr<rocksdb::Iterator> it(db_->db().NewIterator(options, db_->events()));
    RecordedEvent event;
    size_t scanned = 0;
    for (it->Seek(keys::EventKey(next)); it->Valid() && scanned < max_scanned;
         it->Next(), ++scanned) {
      if (!event.ParseFromArray(it->value().data(), static_cast<int>(it->value().size()))) {
        return absl::DataLossError(absl::StrCat("unreadable event after position ", next - 1));
      }
      next = event.position() + 1;
      if (filter.Matches(event) && !visit(event)) break;
    }
    if (absl::Status s = FromRocks(it->status(), "reading the log"); !s.ok()) return s;
    return next;
  }

  absl::StatusOr<ChainVerification> VerifyChain(uint64_t from, uint64_t to) override {
    // Head first, then the snapshot: the head is published only after its records are
    // written, so a snapshot taken afterwards holds every record up to it. (The other order
    // can see a head whose newest records are not in the snapshot: "record missing".)
    const uint64_t head = HeadPosition();
    const rocksdb::Snapshot* snapshot = db_->db().GetSnapshot();
    from = std::max<uint64_t>(from, 1);
    if (to == 0) to = head;
    absl::StatusOr<ChainVerification> result;
    if (to > head) {
      result = absl::OutOfRangeError(
          absl::StrCat("to_position: ", to, " is past the head at ", head));
    } else if (from > to) {
      result = head == 0 ? absl::StatusOr<ChainVerification>(ChainVerification{})
                         : absl::InvalidArgumentError(absl::StrCat(
                               "from_position: ", from, " is after to_position ", to));
    } else {
      result = VerifyStoredChain(*db_, snapshot, from, to);
    }
    db_->db().ReleaseSnapshot(snapshot);
    return result;
  }

  uint64_t HeadPosition() override {
    absl::MutexLock lock(&head_mu_);
    return head_;
  }

  std::unique_ptr<Subscription> Subscribe(uint64_t from_position, EventFilter filter) override {
    return NewLogSubscription(*this, from_position, std::move(filter));
  }

  EventLogStats GetStats() override {
    uint64_t refusals = 0;
    {
      absl::MutexLock lock(&queue_mu_);
      refusals = queue_full_refusals_;
    }
    absl::MutexLock lock(&head_mu_);
    EventLogStats stats = stats_;
    stats.queue_full_refusals = refusals;
    return stats;
  }

  absl::Status Checkpoint(const std::string& dir) override {
    // Each group is one atomic write batch, so RocksDB's point-in-time copy ends at a whole
    // append; the chain, the stream index and the side indexes come along in the same copy.
    return CheckpointDatabase(db_->db(), dir);
  }

 private:
  struct Pending {
    AppendRequest request;
    AppendCallback done;
  };

  // SubscriptionSource.
  absl::StatusOr<ReadAllResult> ReadForSubscriber(uint64_t from, size_t limit,
                                                  const EventFilter& filter) override {
    // The writer fills the window just before it publishes the head; stop at the head so a
    // subscriber never sees an event before its append is acknowledged.
    const uint64_t head = HeadPosition();
    if (from > head) return ReadAllResult{{}, from};
    const size_t max_scanned = std::min<uint64_t>(kSubscriberMaxScanned, head - from + 1);
    std::optional<ReadAllResult> recent = recent_.Read(from, limit, filter, max_scanned);
    if (recent) return *std::move(recent);
    return ReadAll(from, limit, filter, max_scanned);
  }

  WaitOutcome WaitForHead(uint64_t position, absl::Time deadline,
                          const std::atomic<bool>& cancelled) override {
    absl::MutexLock lock(&head_mu_);
    auto ready = [&]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(head_mu_) {
      return head_ >= position || closed_ || cancelled.load();
    };
    head_mu_.AwaitWithDeadline(absl::Condition(&ready), deadline);
    if (cancelled.load()) return WaitOutcome::kCancelled;
    if (closed_) return WaitOutcome::kClosing;
    return head_ >= position ? WaitOutcome::kReady : WaitOutcome::kTimedOut;
  }

  void WakeWaiters() override {
    absl::MutexLock lock(&head_mu_);  // conditions are re-evaluated on unlock
  }

  void WriterLoop() {
    while (true) {
      std::vector<Pending> group;
      {
        absl::MutexLock lock(&queue_mu_);
        auto has_work = [this]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(queue_mu_) {
          return !queue_.empty() || closing_;
        };
        queue_mu_.Await(absl::Condition(&has_work));
        if (queue_.empty()) return;  // closing, and everything queued was committed
        while (!queue_.empty() && group.size() < options_.max_appends_per_commit) {
          group.push_back(std::move(queue_.front()));
          queue_.pop_front();
        }
      }
      Commit(group);
    }
  }

  void Commit(std::vector<Pending>& group) {
    if (!failure_.ok()) {
      for (Pending& p : group) std::move(p.done)(StoppedError(failure_));
      return;
    }
    std::vector<const AppendRequest*> requests;
    requests.reserve(group.size());
    for (const Pending& p : group) requests.push_back(&p.request);
    PreparedCommit commit = PrepareCommit(*db_, revisions_, tail_, options_.clock(), requests);

    const bool writes = !commit.records.empty();
    const size_t events_written = commit.records.size();
    double sync_seconds = 0;
    if (writes) {
      rocksdb::WriteOptions write_options;
      write_options.sync = options_.sync_writes;
      // A measured duration, not a recorded fact: the steady clock, never options_.clock
      // (which tests fake and which may jump).
      const auto sync_start = std::chrono::steady_clock::now();
      rocksdb::Status s = db_->db().Write(write_options, &commit.batch);
      sync_seconds =
          std::chrono::duration<double>(std::chrono::steady_clock::now() - sync_start).count();
      if (!s.ok()) {
        // After a failed fsync the kernel may have dropped the unsynced pages and marked them
        // clean, so a retried fsync can succeed without them: nothing written from here on
        // could be trusted. Stop until a restart recovers whatever actually reached the disk,
        // which may or may not include this group (its outcome is unknown, not "failed").
        failure_ = absl::UnavailableError(absl::StrCat("disk write failed: ", s.ToString()));
        {
          absl::MutexLock lock(&queue_mu_);
          write_failure_ = failure_;
        }
        for (Pending& p : group) {
          std::move(p.done)(absl::UnavailableError(absl::StrCat(
              "the disk write failed, so whether this append is in the log is unknown until "
              "the daemon restarts (a retry with the same request id is safe): ",
              s.ToString())));
        }
        return;
      }
      tail_ = commit.tail_after;
      for (const auto& [stream, revision] : commit.revisions_after) revisions_.Update(stream, revision);
      recent_.Add(std::move(commit.records));
    }
    {
      absl::MutexLock lock(&head_mu_);
      head_ = tail_.head_position;
      stats_.appends += group.size();
      if (writes) {
        ++stats_.commits;
        stats_.appends_per_commit.Record(static_cast<double>(group.size()));
        stats_.events_per_commit.Record(static_cast<double>(events_written));
        stats_.sync_seconds.Record(sync_seconds);
      }
    }
    std::vector<AppendCallback> callbacks;
    callbacks.reserve(group.size());
    for (Pending& p : group) callbacks.push_back(std::move(p.done));
    completer_.Complete(std::move(callbacks), std::move(commit.outcomes));
  }

  const EventLogOptions options_;
  const std::unique_ptr<LogDatabase> db_;
  RecentEvents recent_;
  // Declared before the writer so that it is destroyed after it: the writer's last group is
  // completed before the completer stops.
  AppendCompleter completer_;

  absl::Mutex queue_mu_;
  std::deque<Pending> queue_ ABSL_GUARDED_BY(queue_mu_);
  bool closing_ ABSL_GUARDED_BY(queue_mu_) = false;
  absl::Status write_failure_ ABSL_GUARDED_BY(queue_mu_);  // the writer's failure_, for callers
  uint64_t queue_full_refusals_ ABSL_GUARDED_BY(queue_mu_) = 0;

  // Owned by the writer thread.
  LogTail tail_;
  StreamRevisionCache revisions_{kStreamRevisionCacheSize};
  absl::Status failure_;  // the first failed write; once set, nothing more is written

  absl::Mutex head_mu_;
  uint64_t head_ ABSL_GUARDED_BY(head_mu_);
  bool closed_ ABSL_GUARDED_BY(head_mu_) = false;
  EventLogStats stats_ ABSL_GUARDED_BY(head_mu_);

  std::thread writer_;
};

}  // namespace

absl::StatusOr<std::unique_ptr<EventLog>> EventLog::Open(EventLogOptions options) {
  if (options.path.empty()) return absl::InvalidArgumentError("path: must not be empty");
  absl::StatusOr<std::unique_ptr<LogDatabase>> db = LogDatabase::Open(options.path, options.env);
  if (!db.ok()) return db.status();
  absl::StatusOr<LogTail> tail = RecoverTail(**db);
  if (!tail.ok()) return tail.status();
  return std::unique_ptr<EventLog>(
      new RocksDbEventLog(std::move(options), *std::move(db), *std::move(tail)));
}

}  // namespace closedloop::storage
