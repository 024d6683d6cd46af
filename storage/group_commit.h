// Group commit: turns the appends the writer thread collected into one RocksDB WriteBatch.
//
// Every append in the group is checked in order against the stream revisions and request
// receipts on disk *and* those of the appends before it in the same group; the accepted ones
// get consecutive positions and chained hashes, and all their keys (events, stream index,
// receipts) go into one batch, so one synced write makes the whole group durable at once.
#ifndef CLOSEDLOOP_STORAGE_GROUP_COMMIT_H_
#define CLOSEDLOOP_STORAGE_GROUP_COMMIT_H_

#include <optional>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "storage/log_database.h"
#include "rocksdb/write_batch.h"
#include "storage/event_log.h"
#include "storage/stream_index.h"  // ReadStreamRevision

namespace closedloop::storage {

// A record as stored: its position and its serialized RecordedEvent.
struct SerializedEvent {
  uint64_t position = 0;
  std::string bytes;
};

// The end of the log as the writer thread knows it; carried from one commit to the next.
struct LogTail {
  uint64_t head_position = 0;
  std::string head_hash;       // hash of the record at head_position (genesis when empty)
  absl::Time last_recorded_at = absl::InfinitePast();
};

// Revisions of recently appended streams. Exact, because the writer thread that owns it is the
// only one that changes revisions; bounded, by forgetting everything when it grows too large
// (a miss costs one index seek).
class StreamRevisionCache {
 public:
  explicit StreamRevisionCache(size_t capacity) : capacity_(capacity) {}
  std::optional<uint64_t> Find(const std::string& stream) const;
  void Update(const std::string& stream, uint64_t revision);

 private:
  const size_t capacity_;
  absl::flat_hash_map<std::string, uint64_t> revisions_;
};

struct PreparedCommit {
  rocksdb::WriteBatch batch;
  // One outcome per request, in request order. Accepted appends are OK here but must be
  // reported only after the batch is durably written.
  std::vector<absl::StatusOr<AppendResult>> outcomes;
  // The new records, serialized, in position order (empty if nothing is to be written).
  std::vector<SerializedEvent> records;
  LogTail tail_after;
  // The revisions of the streams written; apply to the cache once the batch is durable.
  absl::flat_hash_map<std::string, uint64_t> revisions_after;
};

// Reads stream revisions (through `cache`) and receipts from `db`; writes nothing.
PreparedCommit PrepareCommit(LogDatabase& db, const StreamRevisionCache& cache,
                             const LogTail& tail, absl::Time now,
                             const std::vector<const AppendRequest*>& requests);

}  // namespace closedloop::storage

#endif  // CLOSEDLOOP_STORAGE_GROUP_COMMIT_H_
