// ViewStore: where the projections keep their state between runs, so a restart resumes from
// its checkpoint instead of replaying the log from position 1.
//
// A RocksDB database of its own (the log's database holds only the truth): key -> serialized
// view, plus the checkpoint, the log position the views reflect. Commit() writes a batch of
// views and the new checkpoint in one atomic WriteBatch, so after a crash the store holds the
// views of exactly the events up to its checkpoint: none applied twice, none skipped.
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
#include <string>
#include <utility>
#include <vector>

#include "absl/functional/function_ref.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
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

  // Calls `visit` with every stored view, in key order.
  absl::Status ForEach(absl::FunctionRef<void(absl::string_view key, absl::string_view value)> visit);

  // Writes an online, consistent copy of the store to `dir` (which must not exist): views and
  // checkpoint as of one commit. Errors: ALREADY_EXISTS, UNAVAILABLE.
  absl::Status Copy(const std::string& dir);

  // Writes `views` (key, serialized view) and `checkpoint` atomically. `checkpoint` must not go
  // backwards (FAILED_PRECONDITION). Errors: UNAVAILABLE; on any error nothing was written.
  absl::Status Commit(const std::vector<std::pair<std::string, std::string>>& views,
                      uint64_t checkpoint);

 private:
  explicit ViewStore(std::unique_ptr<rocksdb::DB> db) : db_(std::move(db)) {}
  absl::Status Clear(const std::string& format);

  std::unique_ptr<rocksdb::DB> db_;
  std::atomic<uint64_t> checkpoint_{0};
};

}  // namespace closedloop::storage

#endif  // CLOSEDLOOP_STORAGE_VIEW_STORE_H_
