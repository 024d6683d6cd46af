#include "storage/memtable_hint.h"

#include <cstring>

#include "storage/key_layout.h"

namespace closedloop::storage {
namespace {

class MemtableHintPrefix final : public rocksdb::SliceTransform {
 public:
  const char* Name() const override { return "closedloop.MemtableHintPrefix"; }

  rocksdb::Slice Transform(const rocksdb::Slice& key) const override {
    if (key[0] == keys::kEventPrefix) return rocksdb::Slice(key.data(), 1);
    const void* nul = std::memchr(key.data(), '\0', key.size());
    return rocksdb::Slice(key.data(), static_cast<const char*>(nul) - key.data() + 1);
  }

  bool InDomain(const rocksdb::Slice& key) const override {
    if (key.empty()) return false;
    if (key[0] == keys::kEventPrefix) return true;
    return key[0] == keys::kStreamPrefix && std::memchr(key.data(), '\0', key.size()) != nullptr;
  }
};

}  // namespace

std::shared_ptr<const rocksdb::SliceTransform> NewMemtableHintPrefix() {
  return std::make_shared<MemtableHintPrefix>();
}

}  // namespace closedloop::storage
