#include "storage/checkpoint.h"

#include <filesystem>
#include <memory>

#include "absl/strings/str_cat.h"
#include "rocksdb/utilities/checkpoint.h"

namespace closedloop::storage {

absl::Status CheckpointDatabase(rocksdb::DB& db, const std::string& dir) {
  std::error_code error;
  if (std::filesystem::exists(dir, error)) {
    return absl::AlreadyExistsError(absl::StrCat(dir, " already exists"));
  }
  rocksdb::Checkpoint* raw = nullptr;
  rocksdb::Status s = rocksdb::Checkpoint::Create(&db, &raw);
  std::unique_ptr<rocksdb::Checkpoint> checkpoint(raw);
  // log_size_for_flush 0: flush the memtables first, so the copy is table files and little WAL.
  if (s.ok()) s = checkpoint->CreateCheckpoint(dir, /*log_size_for_flush=*/0);
  if (!s.ok()) {
    std::filesystem::remove_all(dir, error);
    return absl::UnavailableError(absl::StrCat("checkpoint to ", dir, ": ", s.ToString()));
  }
  return absl::OkStatus();
}

}  // namespace closedloop::storage
