// Recomputes the hash chain of records stored in RocksDB (see record_hash.h).
#ifndef CLOSEDLOOP_STORAGE_CHAIN_VERIFIER_H_
#define CLOSEDLOOP_STORAGE_CHAIN_VERIFIER_H_

#include <cstdint>

#include "absl/status/statusor.h"
#include "storage/log_database.h"
#include "storage/event_log.h"
#include "storage/group_commit.h"  // LogTail

namespace closedloop::storage {

// Verifies positions [from, to] (1 <= from, to <= head) as of `snapshot`. The anchor is the
// stored hash of record from - 1 (genesis for from = 1). Reports the first position that is
// missing, unreadable, out of place, not linked to its predecessor, whose hash differs, or
// whose stream index entry (stream, revision) does not point at it.
// Errors: only when RocksDB itself fails (UNAVAILABLE).
absl::StatusOr<ChainVerification> VerifyStoredChain(LogDatabase& db,
                                                    const rocksdb::Snapshot* snapshot,
                                                    uint64_t from, uint64_t to);

// The position of the last event key on disk (0 if none).
absl::StatusOr<uint64_t> ReadLastPosition(LogDatabase& db);

// The end of the log after Open: finds the head and re-verifies the newest records (chain
// and stream index) before anything is served. DATA_LOSS names the first bad position.
absl::StatusOr<LogTail> RecoverTail(LogDatabase& db);

}  // namespace closedloop::storage

#endif  // CLOSEDLOOP_STORAGE_CHAIN_VERIFIER_H_
