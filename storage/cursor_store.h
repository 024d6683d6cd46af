// CursorStore: the small records of where each reader outside the daemon stands, which must
// survive a crash: a consumer group's acknowledged position, a webhook endpoint's delivered
// position. A RocksDB database of its own (the log's holds only the truth, the view store is a
// cache that may be cleared): key -> serialized record, every write synced, so an
// acknowledgement that was answered is never lost.
//
// Thread safety: every method may be called concurrently; a read-modify-write of one key needs
// the caller's own lock.
#ifndef CLOSEDLOOP_STORAGE_CURSOR_STORE_H_
#define CLOSEDLOOP_STORAGE_CURSOR_STORE_H_

#include <memory>
#include <string>

#include "absl/functional/function_ref.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "rocksdb/db.h"

namespace closedloop::storage {

class CursorStore {
 public:
  // Opens (creating if needed) the store at `path`. Errors: UNAVAILABLE.
  static absl::StatusOr<std::unique_ptr<CursorStore>> Open(const std::string& path);

  // The record under `key`; NOT_FOUND when there is none. Errors: UNAVAILABLE.
  absl::StatusOr<std::string> Get(const std::string& key) const;
  // Writes the record under `key`, synced. Errors: UNAVAILABLE.
  absl::Status Put(const std::string& key, const std::string& value);
  // Calls `visit` with every record whose key starts with `prefix`, in key order.
  absl::Status ForEach(absl::string_view prefix,
                       absl::FunctionRef<void(absl::string_view key, absl::string_view value)> visit) const;
  // Writes an online, consistent copy of the store to `dir` (which must not exist), as of one
  // moment (a RocksDB checkpoint: hard links where it can). Errors: ALREADY_EXISTS, UNAVAILABLE.
  absl::Status Copy(const std::string& dir);

 private:
  explicit CursorStore(std::unique_ptr<rocksdb::DB> db) : db_(std::move(db)) {}

  std::unique_ptr<rocksdb::DB> db_;
};

}  // namespace closedloop::storage

#endif  // CLOSEDLOOP_STORAGE_CURSOR_STORE_H_
