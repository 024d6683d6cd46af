// ViewStore: where the projections keep their state between runs, so a restart resumes from
// its checkpoint instead of replaying the log from position 1.
//
// A RocksDB database of its own (the log's database holds only the truth): key -> serialized
// view, plus the checkpoint, the log position the views reflect, and the hash of the log's
// record there. Commit() writes a batch of views and the new checkpoint in one atomic
// WriteBatch, so after a crash the store holds the views of exactly the events up to its
// checkpoint: none applied twice, none skipped. The hash lets a reader check that the store
// was built from this log and not from another one (a log restored from an older backup, say).
//
// The views are a cache of the log. A store written by a binary with another view format is
// cleared on Open and rebuilt by replay.
//
// Thread safety: every method may be called concurrently.
#ifndef CLOSEDLOOP_STORAGE_VIEW_STORE_H_
#define CLOSEDLOOP_STORAGE_VIEW_STORE_H_

#include <atomic>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/functional/function_ref.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "rocksdb/db.h"

namespace closedloop::storage {

class ViewStore {
 public:
  // Opens (creating if needed) the store at `path`. `format` names the views' format; a store
  // of another format is emptied (checkpoint 0). Errors: UNAVAILABLE, DATA_LOSS.
  static absl::StatusOr<std::unique_ptr<ViewStore>> Open(const std::string& path,
                                                         const std::string& format);
  ~ViewStore();

  // The log position the stored views reflect (0: nothing applied yet).
  uint64_t checkpoint() const { return checkpoint_.load(); }
  // The hash of the log's record at checkpoint(), as it was when the views were committed;
  // empty for checkpoint 0 and for a store written before the hash was kept.
  std::string checkpoint_hash() const;

  // Removes every view and sets the checkpoint to 0: the views are then rebuilt by replay.
  // Errors: UNAVAILABLE.
  absl::Status Clear();

  // Calls `visit` with every stored view and index entry, in key order; or with those whose
  // key starts with `prefix`.
  absl::Status ForEach(absl::FunctionRef<void(absl::string_view key, absl::string_view value)> visit);
  absl::Status ForEach(absl::string_view prefix,
                       absl::FunctionRef<void(absl::string_view key, absl::string_view value)> visit);

  // The store as it stood at one commit (a RocksDB snapshot): reads through it see that commit's
  // views, whatever was committed since. Must not outlive the store.
  class Snapshot {
   public:
    Snapshot(rocksdb::DB& db, const rocksdb::Snapshot* snapshot) : db_(db), snapshot_(snapshot) {}
    ~Snapshot() { db_.ReleaseSnapshot(snapshot_); }
    Snapshot(const Snapshot&) = delete;
    Snapshot& operator=(const Snapshot&) = delete;
    const rocksdb::Snapshot* get() const { return snapshot_; }

   private:
    rocksdb::DB& db_;
    const rocksdb::Snapshot* snapshot_;
  };
  // The store as of its latest commit.
  std::shared_ptr<const Snapshot> SnapshotNow();
  // The view under `key` as of `at`. NOT_FOUND when there is none. Errors: UNAVAILABLE.
  absl::StatusOr<std::string> Get(const std::string& key, const Snapshot& at) const;

  // Calls `visit` with every key that starts with `prefix`, in key order, as of `at` (the
  // projections keep small index entries beside the views). Errors: UNAVAILABLE.
  absl::Status Keys(absl::string_view prefix, const Snapshot& at,
                    absl::FunctionRef<void(absl::string_view key)> visit) const;

  // Calls `visit` with every key in [from, to) and its value, in key order, as of `at`, until
  // `visit` returns an error, which Range then returns. Errors: UNAVAILABLE.
  absl::Status Range(absl::string_view from, absl::string_view to, const Snapshot& at,
                     absl::FunctionRef<absl::Status(absl::string_view key, absl::string_view value)> visit) const;

  // Writes an online, consistent copy of the store to `dir` (which must not exist): views and
  // checkpoint as of one commit. Errors: ALREADY_EXISTS, UNAVAILABLE.
  absl::Status Copy(const std::string& dir);

  // A stored view as it stood when the state was last saved (SaveState), kept by the first
  // commit after the save that changes it: the saved state and these are the views as of the
  // state's position, whatever was committed since. `view` nullopt: the key held nothing.
  struct Before {
    std::string key;
    std::optional<std::string> view;
  };
  // Writes `views` (key, serialized view; or an index entry and its value), the `before` of
  // views first changed since the state was saved, `checkpoint` and `checkpoint_hash` (the hash
  // of the log's record at `checkpoint`) atomically. `checkpoint` must not go backwards
  // (FAILED_PRECONDITION). Errors: UNAVAILABLE; on any error nothing was written.
  absl::Status Commit(const std::vector<std::pair<std::string, std::string>>& views,
                      uint64_t checkpoint, const std::string& checkpoint_hash,
                      const std::vector<Before>& before = {});

  // Keeps `state` (what the projections hold in memory as of the checkpoint, in their own
  // encoding) beside the views, replacing any state saved before and the Befores kept for it,
  // so that the next start can read it instead of every view. Written to the write-ahead log
  // in order with the commits: after a crash the state is there if a commit after it is (a
  // state lost costs a slower start). `flush` (at a stop) also writes it to the tables now, so
  // that the next open need not read it back from the log; otherwise that happens in the
  // background. Errors: UNAVAILABLE (nothing was written).
  absl::Status SaveState(absl::string_view state, bool flush);
  // The state saved last, and the checkpoint it was saved at (position and hash).
  struct SavedAt {
    std::string state;
    uint64_t position = 0;
    std::string hash;
  };
  // The state saved last. NOT_FOUND when there is none (never saved, dropped, or cleared), it
  // was saved past the checkpoint, or a commit without Befores (of an older binary) moved the
  // checkpoint since. Errors: UNAVAILABLE, DATA_LOSS.
  absl::StatusOr<SavedAt> SavedState() const;
  // Calls `visit` with every Before kept since the state was saved, in key order.
  absl::Status ForEachBefore(
      absl::FunctionRef<void(absl::string_view key, std::optional<absl::string_view> view)> visit) const;
  // Drops the saved state and its Befores (a start that could not use it keeps no Befores).
  // Errors: UNAVAILABLE.
  absl::Status DropState();

 private:
  ViewStore(std::unique_ptr<rocksdb::DB> db, std::string format)
      : db_(std::move(db)), format_(std::move(format)) {}
  // What a saved state is saved at: "<checkpoint> <hash>".
  std::string StateMark() const;

  std::unique_ptr<rocksdb::DB> db_;
  const std::string format_;
  std::atomic<uint64_t> checkpoint_{0};
  mutable absl::Mutex hash_mu_;
  std::string checkpoint_hash_ ABSL_GUARDED_BY(hash_mu_);
};

}  // namespace closedloop::storage

#endif  // CLOSEDLOOP_STORAGE_VIEW_STORE_H_
