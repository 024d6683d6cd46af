#include "storage/log_database.h"

#include <vector>

#include "absl/strings/str_cat.h"
#include "rocksdb/filter_policy.h"
#include "rocksdb/table.h"
#include "storage/memtable_hint.h"

namespace closedloop::storage {
namespace {

constexpr char kEventsFamily[] = "events";

// Durability first:
// - wal_recovery_mode = kPointInTimeRecovery: on open, replay the WAL up to the first damaged
//   record and stop. Every acknowledged append was synced whole before it was acknowledged, so
//   a damaged tail can only hold a group that was never acknowledged; dropping it loses nothing
//   promised. (kAbsoluteConsistency would refuse to open after such a crash; kSkipAny... could
//   skip a hole and resurrect later records, which would break the chain.)
// - every write uses sync=true (see the writer in rocksdb_event_log.cc): the WAL is on disk
//   before any acknowledgement.
// - paranoid_checks stays on: a corrupted file stops the log rather than serving bad data.
// - allow_mmap_reads: table files are read through the page cache mapping instead of pread
//   copies; full replays ran 1.5x faster. (A disk read error then surfaces as SIGBUS rather
//   than an error status; on a disk that fails reads the daemon stops either way.)
rocksdb::DBOptions DatabaseOptions(rocksdb::Env* env) {
  rocksdb::DBOptions options;
  if (env != nullptr) options.env = env;
  options.create_if_missing = true;
  options.create_missing_column_families = true;
  options.wal_recovery_mode = rocksdb::WALRecoveryMode::kPointInTimeRecovery;
  options.paranoid_checks = true;
  options.IncreaseParallelism(2);
  options.allow_mmap_reads = true;
  return options;
}

// Both families: memtable inserts start from a per-run hint (storage/memtable_hint.h).
rocksdb::ColumnFamilyOptions FamilyOptions(size_t block_size, bool bloom) {
  rocksdb::ColumnFamilyOptions options;
  rocksdb::BlockBasedTableOptions table;
  table.block_size = block_size;
  if (bloom) table.filter_policy.reset(rocksdb::NewBloomFilterPolicy(10));
  options.table_factory.reset(rocksdb::NewBlockBasedTableFactory(table));
  options.memtable_insert_with_hint_prefix_extractor = NewMemtableHintPrefix();
  // LZ4: decompresses faster than the default Snappy, and replays decompress every block.
  options.compression = rocksdb::kLZ4Compression;
  return options;
}

}  // namespace

absl::Status FromRocks(const rocksdb::Status& status, const std::string& what) {
  if (status.ok()) return absl::OkStatus();
  if (status.IsCorruption()) return absl::DataLossError(absl::StrCat(what, ": ", status.ToString()));
  return absl::UnavailableError(absl::StrCat(what, ": ", status.ToString()));
}

absl::StatusOr<std::unique_ptr<LogDatabase>> LogDatabase::Open(const std::string& path,
                                                            rocksdb::Env* env) {
  const std::vector<rocksdb::ColumnFamilyDescriptor> families = {
      // The index: point lookups (receipts, stream heads) want bloom filters, small blocks.
      {rocksdb::kDefaultColumnFamilyName, FamilyOptions(4 << 10, /*bloom=*/true)},
      // Events: read sequentially by replays, by position (no bloom needed: keys are dense).
      {kEventsFamily, FamilyOptions(16 << 10, /*bloom=*/false)},
  };
  std::vector<rocksdb::ColumnFamilyHandle*> handles;
  rocksdb::DB* raw = nullptr;
  rocksdb::Status s = rocksdb::DB::Open(DatabaseOptions(env), path, families, &handles, &raw);
  if (absl::Status st = FromRocks(s, absl::StrCat("opening ", path)); !st.ok()) return st;
  std::unique_ptr<LogDatabase> database(new LogDatabase());
  database->db_.reset(raw);
  database->index_ = handles[0];
  database->events_ = handles[1];
  return database;
}

LogDatabase::~LogDatabase() {
  if (db_ == nullptr) return;
  db_->DestroyColumnFamilyHandle(index_).PermitUncheckedError();
  db_->DestroyColumnFamilyHandle(events_).PermitUncheckedError();
  db_->Close().PermitUncheckedError();
}

}  // namespace closedloop::storage
