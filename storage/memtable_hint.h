// The memtable insert hint for the log's keys.
//
// Appends insert keys in order within a few runs: event keys in position order, and each
// stream's index keys in revision order. RocksDB can remember where it last inserted for each
// "hint prefix" and start the next insert there, instead of searching the skip list from the
// top. Without it, memtable inserts were over half of the writer thread's time.
#ifndef CLOSEDLOOP_STORAGE_MEMTABLE_HINT_H_
#define CLOSEDLOOP_STORAGE_MEMTABLE_HINT_H_

#include <memory>

#include "rocksdb/slice_transform.h"

namespace closedloop::storage {

// The hint prefix of a key: "e" for every event key, "s<stream>\0" for a stream's index keys;
// receipts (random request ids) get no hint.
std::shared_ptr<const rocksdb::SliceTransform> NewMemtableHintPrefix();

}  // namespace closedloop::storage

#endif  // CLOSEDLOOP_STORAGE_MEMTABLE_HINT_H_
