#include "storage/cursor_store.h"

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "storage/checkpoint.h"
#include "storage/log_database.h"

namespace closedloop::storage {

absl::StatusOr<std::unique_ptr<CursorStore>> CursorStore::Open(const std::string& path) {
  rocksdb::Options options;
  options.create_if_missing = true;
  // A few records, rewritten often: keep the database small and its memory low.
  options.write_buffer_size = 1 << 20;
  options.max_write_buffer_number = 2;
  rocksdb::DB* raw = nullptr;
  rocksdb::Status opened = rocksdb::DB::Open(options, path, &raw);
  if (!opened.ok()) return FromRocks(opened, absl::StrCat("opening the cursor store ", path));
  return std::unique_ptr<CursorStore>(new CursorStore(std::unique_ptr<rocksdb::DB>(raw)));
}

absl::StatusOr<std::string> CursorStore::Get(const std::string& key) const {
  std::string value;
  rocksdb::Status read = db_->Get(rocksdb::ReadOptions(), key, &value);
  if (read.IsNotFound()) return absl::NotFoundError(absl::StrCat("no cursor ", key));
  if (!read.ok()) return FromRocks(read, absl::StrCat("reading cursor ", key));
  return value;
}

absl::Status CursorStore::Put(const std::string& key, const std::string& value) {
  rocksdb::WriteOptions options;
  options.sync = true;
  rocksdb::Status written = db_->Put(options, key, value);
  if (!written.ok()) return FromRocks(written, absl::StrCat("writing cursor ", key));
  return absl::OkStatus();
}

absl::Status CursorStore::ForEach(
    absl::string_view prefix,
    absl::FunctionRef<void(absl::string_view key, absl::string_view value)> visit) const {
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(rocksdb::ReadOptions()));
  for (it->Seek(rocksdb::Slice(prefix.data(), prefix.size())); it->Valid(); it->Next()) {
    const absl::string_view key(it->key().data(), it->key().size());
    if (!absl::StartsWith(key, prefix)) break;
    visit(key, absl::string_view(it->value().data(), it->value().size()));
  }
  if (!it->status().ok()) return FromRocks(it->status(), "reading the cursor store");
  return absl::OkStatus();
}

absl::Status CursorStore::Copy(const std::string& dir) { return CheckpointDatabase(*db_, dir); }

}  // namespace closedloop::storage
