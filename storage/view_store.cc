#include "storage/view_store.h"

#include "absl/strings/numbers.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "rocksdb/cache.h"
#include "rocksdb/filter_policy.h"
#include "rocksdb/table.h"
#include "rocksdb/write_batch.h"
#include "storage/checkpoint.h"
#include "storage/log_database.h"

namespace closedloop::storage {
namespace {

// Metadata keys sort before every view key ("c/...", "p/...").
constexpr char kCheckpointKey[] = "#checkpoint";
// Kept beside the checkpoint rather than in its value, so a store written before the hash
// existed still reads (it then has no hash, and is checked by position only).
constexpr char kCheckpointHashKey[] = "#checkpoint_hash";
constexpr char kFormatKey[] = "#format";
// The saved state (SaveState): its pieces, "#saved/<8-digit piece>", and the checkpoint it
// was saved at. Metadata keys too: no walk over the views meets them.
constexpr char kStatePrefix[] = "#saved/";
constexpr char kStateEnd[] = "#saved0";  // the first key after the pieces
constexpr char kStateAtKey[] = "#saved_at";
// The checkpoint of the last commit that kept Befores (every commit of this binary does, once
// a state is saved): a binary that kept none (an older one) moved the checkpoint past it, and
// the saved state then lacks the views it changed.
constexpr char kBeforesAtKey[] = "#befores_at";
// What an older binary saved, without Befores: dropped with each save.
constexpr char kOldStatePrefix[] = "#state/";
constexpr char kOldStateEnd[] = "#state0";
constexpr char kOldStateAtKey[] = "#state_at";
// The Befores (ViewStore::Before) of the saved state: "#saved_before/<view key>", holding "+"
// and the view, or "-" for none. Metadata keys too.
constexpr char kBeforePrefix[] = "#saved_before/";
constexpr char kBeforeEnd[] = "#saved_before0";  // the first key after them
// Pieces of a few MB: RocksDB keeps large values whole in one block each.
constexpr size_t kStatePieceBytes = size_t{4} << 20;
constexpr char kFirstViewKey[] = "$";  // the first key after the metadata keys

std::string PieceKey(size_t piece) { return absl::StrFormat("%s%08d", kStatePrefix, piece); }
constexpr size_t kBlockCacheBytes = size_t{64} << 20;

}  // namespace

absl::StatusOr<std::unique_ptr<ViewStore>> ViewStore::Open(const std::string& path,
                                                           const std::string& format) {
  rocksdb::Options options;
  options.create_if_missing = true;
  options.compression = rocksdb::kLZ4Compression;
  // After a kill the write-ahead log holds the commits since the last flush (often most of a
  // memtable): recovered into memory, not flushed to a table file inside Open, which cost a
  // start about 1.5 s of CPU at 500k cases, and a compaction after it. The log files stay
  // until a later flush, so a second crash recovers from them again.
  options.avoid_flush_during_recovery = true;
  // The views of closed cases are read from here (memory keeps the open ones): through a
  // bounded cache of blocks, with bloom filters so that a point read touches one block.
  rocksdb::BlockBasedTableOptions table;
  table.block_cache = rocksdb::NewLRUCache(kBlockCacheBytes);
  table.filter_policy.reset(rocksdb::NewBloomFilterPolicy(10));
  options.table_factory.reset(rocksdb::NewBlockBasedTableFactory(table));
  rocksdb::DB* raw = nullptr;
  rocksdb::Status opened = rocksdb::DB::Open(options, path, &raw);
  if (!opened.ok()) return FromRocks(opened, absl::StrCat("opening the view store ", path));
  std::unique_ptr<ViewStore> store(new ViewStore(std::unique_ptr<rocksdb::DB>(raw), format));

  std::string stored_format;
  rocksdb::Status read = store->db_->Get(rocksdb::ReadOptions(), kFormatKey, &stored_format);
  if (!read.ok() && !read.IsNotFound()) return FromRocks(read, "reading the view format");
  if (read.IsNotFound() || stored_format != format) {
    if (absl::Status cleared = store->Clear(); !cleared.ok()) return cleared;
    return store;
  }
  std::string checkpoint;
  read = store->db_->Get(rocksdb::ReadOptions(), kCheckpointKey, &checkpoint);
  if (!read.ok() && !read.IsNotFound()) return FromRocks(read, "reading the view checkpoint");
  uint64_t position = 0;
  if (read.ok() && !absl::SimpleAtoi(checkpoint, &position)) {
    return absl::DataLossError(absl::StrCat("view store checkpoint is unreadable: ", checkpoint));
  }
  std::string hash;
  read = store->db_->Get(rocksdb::ReadOptions(), kCheckpointHashKey, &hash);
  if (!read.ok() && !read.IsNotFound()) return FromRocks(read, "reading the view checkpoint hash");
  store->checkpoint_ = position;
  absl::MutexLock lock(&store->hash_mu_);
  store->checkpoint_hash_ = read.ok() ? std::move(hash) : "";
  return store;
}

ViewStore::~ViewStore() = default;

absl::Status ViewStore::Copy(const std::string& dir) { return CheckpointDatabase(*db_, dir); }

std::string ViewStore::checkpoint_hash() const {
  absl::MutexLock lock(&hash_mu_);
  return checkpoint_hash_;
}

absl::Status ViewStore::Clear() {
  rocksdb::WriteBatch batch;
  // One range deletion over every key, then the new format: a store of an old format is rebuilt.
  batch.DeleteRange(rocksdb::Slice(""), rocksdb::Slice("\xff\xff\xff\xff"));
  batch.Put(kFormatKey, format_);
  batch.Put(kCheckpointKey, "0");
  batch.Put(kCheckpointHashKey, "");
  rocksdb::Status written = db_->Write(rocksdb::WriteOptions(), &batch);
  if (!written.ok()) return FromRocks(written, "clearing the view store");
  checkpoint_ = 0;
  absl::MutexLock lock(&hash_mu_);
  checkpoint_hash_.clear();
  return absl::OkStatus();
}

absl::Status ViewStore::ForEach(
    absl::FunctionRef<void(absl::string_view key, absl::string_view value)> visit) {
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(rocksdb::ReadOptions()));
  for (it->Seek(kFirstViewKey); it->Valid(); it->Next()) {
    visit(absl::string_view(it->key().data(), it->key().size()),
          absl::string_view(it->value().data(), it->value().size()));
  }
  if (!it->status().ok()) return FromRocks(it->status(), "reading the view store");
  return absl::OkStatus();
}

absl::Status ViewStore::ForEach(
    absl::string_view prefix,
    absl::FunctionRef<void(absl::string_view key, absl::string_view value)> visit) {
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(rocksdb::ReadOptions()));
  const rocksdb::Slice start(prefix.data(), prefix.size());
  for (it->Seek(start); it->Valid() && it->key().starts_with(start); it->Next()) {
    visit(absl::string_view(it->key().data(), it->key().size()),
          absl::string_view(it->value().data(), it->value().size()));
  }
  if (!it->status().ok()) return FromRocks(it->status(), "reading the view store");
  return absl::OkStatus();
}

std::shared_ptr<const ViewStore::Snapshot> ViewStore::SnapshotNow() {
  return std::make_shared<const Snapshot>(*db_, db_->GetSnapshot());
}

absl::StatusOr<std::string> ViewStore::Get(const std::string& key, const Snapshot& at) const {
  rocksdb::ReadOptions options;
  options.snapshot = at.get();
  std::string value;
  rocksdb::Status read = db_->Get(options, key, &value);
  if (read.IsNotFound()) return absl::NotFoundError(absl::StrCat("the view store holds no ", key));
  if (!read.ok()) return FromRocks(read, absl::StrCat("reading ", key, " from the view store"));
  return value;
}

absl::Status ViewStore::Keys(absl::string_view prefix, const Snapshot& at,
                             absl::FunctionRef<void(absl::string_view key)> visit) const {
  rocksdb::ReadOptions options;
  options.snapshot = at.get();
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(options));
  const rocksdb::Slice start(prefix.data(), prefix.size());
  for (it->Seek(start); it->Valid() && it->key().starts_with(start); it->Next()) {
    visit(absl::string_view(it->key().data(), it->key().size()));
  }
  if (!it->status().ok()) return FromRocks(it->status(), "reading the view store");
  return absl::OkStatus();
}

absl::Status ViewStore::Range(
    absl::string_view from, absl::string_view to, const Snapshot& at,
    absl::FunctionRef<absl::Status(absl::string_view key, absl::string_view value)> visit) const {
  const rocksdb::Slice end(to.data(), to.size());
  rocksdb::ReadOptions options;
  options.snapshot = at.get();
  options.iterate_upper_bound = &end;  // lets RocksDB stop at the bound, not after it
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(options));
  for (it->Seek(rocksdb::Slice(from.data(), from.size())); it->Valid(); it->Next()) {
    absl::Status visited = visit(absl::string_view(it->key().data(), it->key().size()),
                                 absl::string_view(it->value().data(), it->value().size()));
    if (!visited.ok()) return visited;
  }
  if (!it->status().ok()) return FromRocks(it->status(), "reading the view store");
  return absl::OkStatus();
}

absl::Status ViewStore::Commit(const std::vector<std::pair<std::string, std::string>>& views,
                               uint64_t checkpoint, const std::string& checkpoint_hash,
                               const std::vector<Before>& before) {
  if (checkpoint < checkpoint_) {
    return absl::FailedPreconditionError(absl::StrCat(
        "view checkpoint would go back from ", checkpoint_.load(), " to ", checkpoint));
  }
  rocksdb::WriteBatch batch;
  for (const Before& b : before) {
    batch.Put(absl::StrCat(kBeforePrefix, b.key), b.view ? absl::StrCat("+", *b.view) : "-");
  }
  for (const auto& [key, value] : views) batch.Put(key, value);
  batch.Put(kCheckpointKey, absl::StrCat(checkpoint));
  batch.Put(kBeforesAtKey, absl::StrCat(checkpoint));
  batch.Put(kCheckpointHashKey, checkpoint_hash);
  // Not synced: a crash may lose the latest commits, but whole (the WAL keeps batches atomic),
  // and the log replays what the checkpoint does not cover.
  rocksdb::Status written = db_->Write(rocksdb::WriteOptions(), &batch);
  if (!written.ok()) return FromRocks(written, "writing the view store");
  checkpoint_ = checkpoint;
  absl::MutexLock lock(&hash_mu_);
  checkpoint_hash_ = checkpoint_hash;
  return absl::OkStatus();
}

std::string ViewStore::StateMark() const {
  return absl::StrCat(checkpoint_.load(), " ", absl::BytesToHexString(checkpoint_hash()));
}

absl::Status ViewStore::SaveState(absl::string_view state, bool flush) {
  rocksdb::WriteBatch batch;
  size_t pieces = 0;
  for (size_t offset = 0; offset < state.size(); offset += kStatePieceBytes, ++pieces) {
    const absl::string_view bytes = state.substr(offset, kStatePieceBytes);
    batch.Put(PieceKey(pieces), rocksdb::Slice(bytes.data(), bytes.size()));
  }
  // The pieces of a longer state saved before: the others were overwritten.
  batch.DeleteRange(PieceKey(pieces), kStateEnd);
  batch.DeleteRange(kBeforePrefix, kBeforeEnd);
  batch.Put(kStateAtKey, absl::StrCat(StateMark(), " ", state.size()));
  batch.Put(kBeforesAtKey, absl::StrCat(checkpoint_.load()));
  batch.DeleteRange(kOldStatePrefix, kOldStateEnd);
  batch.Delete(kOldStateAtKey);
  rocksdb::Status written = db_->Write(rocksdb::WriteOptions(), &batch);
  if (!written.ok()) return FromRocks(written, "saving the projections' state");
  // Flushed, the state is not read back from the write-ahead log by the next open (0.6 s for
  // 33 MB): at once at a stop, in the background otherwise (without waiting for room either).
  // A flush that fails costs only that: the state is written.
  rocksdb::FlushOptions flushing;
  flushing.wait = flush;
  flushing.allow_write_stall = true;
  (void)db_->Flush(flushing);
  return absl::OkStatus();
}

absl::StatusOr<ViewStore::SavedAt> ViewStore::SavedState() const {
  std::string at;
  rocksdb::Status read = db_->Get(rocksdb::ReadOptions(), kStateAtKey, &at);
  if (!read.ok() && !read.IsNotFound()) {
    return FromRocks(read, "reading the saved state's checkpoint");
  }
  if (read.IsNotFound()) return absl::NotFoundError("no state is saved");
  std::string befores_at;
  read = db_->Get(rocksdb::ReadOptions(), kBeforesAtKey, &befores_at);
  if (!read.ok() && !read.IsNotFound()) return FromRocks(read, "reading the befores' checkpoint");
  if (read.IsNotFound() || befores_at != absl::StrCat(checkpoint_.load())) {
    return absl::NotFoundError("no state is saved whose Befores reach the views' checkpoint");
  }
  // "<checkpoint> <hash in hex> <size>"
  const std::vector<absl::string_view> fields = absl::StrSplit(at, ' ');
  SavedAt saved;
  size_t size = 0;
  if (fields.size() != 3 || !absl::SimpleAtoi(fields[0], &saved.position) ||
      !absl::SimpleAtoi(fields[2], &size) || saved.position > checkpoint_.load()) {
    return absl::NotFoundError("no state is saved at or before the views' checkpoint");
  }
  saved.hash = absl::HexStringToBytes(fields[1]);
  const rocksdb::Slice end(kStateEnd);
  rocksdb::ReadOptions options;
  options.iterate_upper_bound = &end;
  options.fill_cache = false;  // read once: the cache is for the views
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(options));
  for (it->Seek(kStatePrefix); it->Valid(); it->Next()) {
    saved.state.append(it->value().data(), it->value().size());
  }
  if (!it->status().ok()) return FromRocks(it->status(), "reading the saved state");
  if (saved.state.size() != size) {
    return absl::DataLossError(absl::StrCat("the saved state holds ", saved.state.size(),
                                            " bytes, not the ", size, " saved"));
  }
  return saved;
}

absl::Status ViewStore::ForEachBefore(
    absl::FunctionRef<void(absl::string_view key, std::optional<absl::string_view> view)> visit) const {
  const rocksdb::Slice end(kBeforeEnd);
  rocksdb::ReadOptions options;
  options.iterate_upper_bound = &end;
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(options));
  for (it->Seek(kBeforePrefix); it->Valid(); it->Next()) {
    absl::string_view key(it->key().data(), it->key().size());
    absl::string_view value(it->value().data(), it->value().size());
    key.remove_prefix(sizeof(kBeforePrefix) - 1);
    if (absl::ConsumePrefix(&value, "+")) {
      visit(key, value);
    } else if (value == "-") {
      visit(key, std::nullopt);
    } else {
      return absl::DataLossError(absl::StrCat("the view store's earlier view of ", key, " is unreadable"));
    }
  }
  if (!it->status().ok()) return FromRocks(it->status(), "reading the view store");
  return absl::OkStatus();
}

absl::Status ViewStore::DropState() {
  rocksdb::WriteBatch batch;
  batch.Delete(kStateAtKey);
  batch.DeleteRange(kStatePrefix, kStateEnd);
  batch.DeleteRange(kBeforePrefix, kBeforeEnd);
  batch.Delete(kOldStateAtKey);
  batch.DeleteRange(kOldStatePrefix, kOldStateEnd);
  rocksdb::Status written = db_->Write(rocksdb::WriteOptions(), &batch);
  if (!written.ok()) return FromRocks(written, "dropping the projections' saved state");
  return absl::OkStatus();
}

}  // namespace closedloop::storage
