// An online, consistent copy of a RocksDB database: a RocksDB checkpoint (hard links to the
// immutable table files where the file system allows, copies otherwise, plus the live WAL),
// taken while writes continue. The copy opens as the database did at one instant.
#ifndef CLOSEDLOOP_STORAGE_CHECKPOINT_H_
#define CLOSEDLOOP_STORAGE_CHECKPOINT_H_

#include <string>

#include "absl/status/status.h"
#include "rocksdb/db.h"

namespace closedloop::storage {

// Writes the copy to `dir`, which must not exist (ALREADY_EXISTS); its parent must. Errors:
// UNAVAILABLE when RocksDB cannot write it (nothing usable is left at `dir` then).
absl::Status CheckpointDatabase(rocksdb::DB& db, const std::string& dir);

}  // namespace closedloop::storage

#endif  // CLOSEDLOOP_STORAGE_CHECKPOINT_H_
