#include "storage/side_index.h"

#include <memory>

#include "storage/key_layout.h"

namespace closedloop::storage {

absl::StatusOr<std::vector<std::pair<std::string, std::string>>> ScanSideIndex(
    LogDatabase& db, const std::string& from_key, const std::string& to_key, size_t limit) {
  std::vector<std::pair<std::string, std::string>> entries;
  if (limit == 0 || from_key >= to_key) return entries;
  const std::string end = keys::SideKey(to_key);
  rocksdb::ReadOptions options;
  rocksdb::Slice upper(end);
  options.iterate_upper_bound = &upper;
  std::unique_ptr<rocksdb::Iterator> it(db.db().NewIterator(options, db.index()));
  for (it->Seek(keys::SideKey(from_key)); it->Valid() && entries.size() < limit; it->Next()) {
    entries.emplace_back(std::string(it->key().data() + 1, it->key().size() - 1),
                         it->value().ToString());
  }
  if (absl::Status s = FromRocks(it->status(), "reading the side index"); !s.ok()) return s;
  return entries;
}

}  // namespace closedloop::storage
