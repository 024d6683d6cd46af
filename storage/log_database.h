// LogDatabase: the RocksDB database under the event log, with its two column families.
//
//   events  event_key -> RecordedEvent    (storage/key_layout.h)
//   default stream_key -> position, receipt_key -> AppendReceipt
//
// Events get a column family of their own because their keys only ever grow: flushed files
// never overlap, so compaction moves them down without rewriting them, and a replay iterates
// one sorted run per level instead of merging with the index. Both families share one WAL,
// so one WriteBatch across them is still atomic.
//
// Tests and tools may open it directly to look inside (or tamper); the log itself is the only
// writer in production.
#ifndef CLOSEDLOOP_STORAGE_LOG_DATABASE_H_
#define CLOSEDLOOP_STORAGE_LOG_DATABASE_H_

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "rocksdb/db.h"

namespace closedloop::storage {

class LogDatabase {
 public:
  // Opens (creating if needed) the database at `path`. Errors: UNAVAILABLE if it cannot be
  // opened (e.g. another process holds it), DATA_LOSS if RocksDB reports corruption.
  // `env` (tests only; null = the default) is the file system to run on; not owned.
  static absl::StatusOr<std::unique_ptr<LogDatabase>> Open(const std::string& path,
                                                           rocksdb::Env* env = nullptr);

  // Releases the column families, then closes the database.
  ~LogDatabase();

  rocksdb::DB& db() { return *db_; }
  rocksdb::ColumnFamilyHandle* events() { return events_; }
  rocksdb::ColumnFamilyHandle* index() { return index_; }

 private:
  LogDatabase() = default;
  std::unique_ptr<rocksdb::DB> db_;
  rocksdb::ColumnFamilyHandle* events_ = nullptr;
  rocksdb::ColumnFamilyHandle* index_ = nullptr;
};

// Maps a RocksDB status to absl: Corruption -> DATA_LOSS, anything else -> UNAVAILABLE.
absl::Status FromRocks(const rocksdb::Status& status, const std::string& what);

}  // namespace closedloop::storage

#endif  // CLOSEDLOOP_STORAGE_LOG_DATABASE_H_
