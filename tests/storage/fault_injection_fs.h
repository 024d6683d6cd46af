// FaultInjectionFileSystem: a rocksdb::FileSystem for tests that simulates what kill -9
// cannot: a power cut, a failing fsync and a slow one.
//
// Power cut. The file system remembers, for every file written through it, how many bytes
// were synced, and whether a new file's directory entry was synced (a directory fsync after
// the file was created or renamed into it). CutPower() freezes that state: from then on
// nothing becomes durable, though every call still succeeds, as for a process that has not
// noticed yet. RestorePower() (with every database on it closed) then does what the reboot
// would find: each file cut back to its synced length, and each new file whose directory
// entry was never synced deleted. Files that existed before (or untracked renames) are kept
// whole; deletions count as durable at once. That is stricter than most real disks, which
// is the point: anything the log acknowledged without syncing is lost.
//
// Faults on the WAL (files ending in ".log"): FailNextWalSync() makes the next WAL sync fail;
// HoldWalSyncs() makes WAL syncs wait (the caller learns when one is waiting) until
// ReleaseWalSyncs(), which stands in for a slow disk without sleeps.
//
// Use: make_shared<FaultInjectionFileSystem>(), then rocksdb::NewCompositeEnv(fs) as
// EventLogOptions::env.
#ifndef CLOSEDLOOP_TESTS_STORAGE_FAULT_INJECTION_FS_H_
#define CLOSEDLOOP_TESTS_STORAGE_FAULT_INJECTION_FS_H_

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <utility>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/strings/match.h"
#include "absl/synchronization/mutex.h"
#include "rocksdb/file_system.h"

namespace closedloop::storage::testing {

class FaultInjectionFileSystem : public rocksdb::FileSystemWrapper {
 public:
  FaultInjectionFileSystem() : FileSystemWrapper(rocksdb::FileSystem::Default()) {}

  static const char* kClassName() { return "FaultInjectionFileSystem"; }
  const char* Name() const override { return kClassName(); }

  // From now on nothing written becomes durable.
  void CutPower() {
    absl::MutexLock lock(&mu_);
    power_on_ = false;
  }

  // With every database on this file system closed: drops what was not durable at the cut,
  // and starts tracking afresh (what is left counts as durable).
  void RestorePower() {
    absl::MutexLock lock(&mu_);
    for (const auto& [path, file] : files_) {
      std::error_code error;
      if (file.created && !file.entry_synced) {
        std::filesystem::remove(path, error);
      } else {
        std::filesystem::resize_file(path, file.synced, error);
      }
    }
    files_.clear();
    power_on_ = true;
  }

  // The next sync of a WAL file fails (after writing nothing more to disk).
  void FailNextWalSync() {
    absl::MutexLock lock(&mu_);
    fail_next_wal_sync_ = true;
  }

  // WAL syncs wait until ReleaseWalSyncs().
  void HoldWalSyncs() {
    absl::MutexLock lock(&mu_);
    hold_wal_syncs_ = true;
  }
  // Returns once a WAL sync is waiting for ReleaseWalSyncs().
  void AwaitHeldWalSync() {
    absl::MutexLock lock(&mu_);
    mu_.Await(absl::Condition(+[](int* waiting) { return *waiting > 0; }, &held_wal_syncs_));
  }
  void ReleaseWalSyncs() {
    absl::MutexLock lock(&mu_);
    hold_wal_syncs_ = false;
  }

  rocksdb::IOStatus NewWritableFile(const std::string& path, const rocksdb::FileOptions& options,
                                    std::unique_ptr<rocksdb::FSWritableFile>* result,
                                    rocksdb::IODebugContext* dbg) override {
    rocksdb::IOStatus s = target()->NewWritableFile(path, options, result, dbg);
    if (s.ok()) Wrap(path, /*created=*/true, 0, result);
    return s;
  }

  rocksdb::IOStatus ReopenWritableFile(const std::string& path,
                                       const rocksdb::FileOptions& options,
                                       std::unique_ptr<rocksdb::FSWritableFile>* result,
                                       rocksdb::IODebugContext* dbg) override {
    uint64_t size = 0;
    const bool existed = target()->GetFileSize(path, rocksdb::IOOptions(), &size, dbg).ok();
    rocksdb::IOStatus s = target()->ReopenWritableFile(path, options, result, dbg);
    if (s.ok()) Wrap(path, /*created=*/!existed, existed ? size : 0, result);
    return s;
  }

  rocksdb::IOStatus ReuseWritableFile(const std::string& path, const std::string& old_path,
                                      const rocksdb::FileOptions& options,
                                      std::unique_ptr<rocksdb::FSWritableFile>* result,
                                      rocksdb::IODebugContext* dbg) override {
    rocksdb::IOStatus s = target()->ReuseWritableFile(path, old_path, options, result, dbg);
    if (s.ok()) {
      {
        absl::MutexLock lock(&mu_);
        files_.erase(old_path);
      }
      Wrap(path, /*created=*/true, 0, result);
    }
    return s;
  }

  rocksdb::IOStatus NewDirectory(const std::string& name, const rocksdb::IOOptions& options,
                                 std::unique_ptr<rocksdb::FSDirectory>* result,
                                 rocksdb::IODebugContext* dbg) override {
    rocksdb::IOStatus s = target()->NewDirectory(name, options, result, dbg);
    if (s.ok()) *result = std::make_unique<Directory>(*this, name, std::move(*result));
    return s;
  }

  rocksdb::IOStatus RenameFile(const std::string& from, const std::string& to,
                               const rocksdb::IOOptions& options,
                               rocksdb::IODebugContext* dbg) override {
    rocksdb::IOStatus s = target()->RenameFile(from, to, options, dbg);
    if (s.ok()) {
      absl::MutexLock lock(&mu_);
      auto it = files_.find(from);
      if (it == files_.end()) {
        files_.erase(to);
      } else {
        File moved = it->second;
        files_.erase(it);
        // The new name is durable only after its directory is synced.
        moved.created = true;
        moved.entry_synced = false;
        files_[to] = moved;
      }
    }
    return s;
  }

  rocksdb::IOStatus DeleteFile(const std::string& path, const rocksdb::IOOptions& options,
                               rocksdb::IODebugContext* dbg) override {
    rocksdb::IOStatus s = target()->DeleteFile(path, options, dbg);
    if (s.ok()) {
      absl::MutexLock lock(&mu_);
      files_.erase(path);
    }
    return s;
  }

 private:
  struct File {
    uint64_t written = 0;
    uint64_t synced = 0;
    bool created = false;       // made through this file system (else it was there before)
    bool entry_synced = false;  // its directory was synced since it was created or renamed
  };

  class WritableFile : public rocksdb::FSWritableFileOwnerWrapper {
   public:
    WritableFile(FaultInjectionFileSystem& fs, std::string path,
                 std::unique_ptr<rocksdb::FSWritableFile> target)
        : FSWritableFileOwnerWrapper(std::move(target)), fs_(fs), path_(std::move(path)) {}

    rocksdb::IOStatus Append(const rocksdb::Slice& data, const rocksdb::IOOptions& options,
                             rocksdb::IODebugContext* dbg) override {
      rocksdb::IOStatus s = target()->Append(data, options, dbg);
      if (s.ok()) fs_.Wrote(path_, std::nullopt, data.size());
      return s;
    }
    rocksdb::IOStatus Append(const rocksdb::Slice& data, const rocksdb::IOOptions& options,
                             const rocksdb::DataVerificationInfo& info,
                             rocksdb::IODebugContext* dbg) override {
      rocksdb::IOStatus s = target()->Append(data, options, info, dbg);
      if (s.ok()) fs_.Wrote(path_, std::nullopt, data.size());
      return s;
    }
    rocksdb::IOStatus PositionedAppend(const rocksdb::Slice& data, uint64_t offset,
                                       const rocksdb::IOOptions& options,
                                       rocksdb::IODebugContext* dbg) override {
      rocksdb::IOStatus s = target()->PositionedAppend(data, offset, options, dbg);
      if (s.ok()) fs_.Wrote(path_, offset, data.size());
      return s;
    }
    rocksdb::IOStatus PositionedAppend(const rocksdb::Slice& data, uint64_t offset,
                                       const rocksdb::IOOptions& options,
                                       const rocksdb::DataVerificationInfo& info,
                                       rocksdb::IODebugContext* dbg) override {
      rocksdb::IOStatus s = target()->PositionedAppend(data, offset, options, info, dbg);
      if (s.ok()) fs_.Wrote(path_, offset, data.size());
      return s;
    }
    rocksdb::IOStatus Truncate(uint64_t size, const rocksdb::IOOptions& options,
                               rocksdb::IODebugContext* dbg) override {
      rocksdb::IOStatus s = target()->Truncate(size, options, dbg);
      if (s.ok()) fs_.Truncated(path_, size);
      return s;
    }
    rocksdb::IOStatus Sync(const rocksdb::IOOptions& options,
                           rocksdb::IODebugContext* dbg) override {
      return fs_.SyncFile(path_, [&] { return target()->Sync(options, dbg); });
    }
    rocksdb::IOStatus Fsync(const rocksdb::IOOptions& options,
                            rocksdb::IODebugContext* dbg) override {
      return fs_.SyncFile(path_, [&] { return target()->Fsync(options, dbg); });
    }
    // A range sync is only a hint to start writeback: it makes nothing durable.

   private:
    FaultInjectionFileSystem& fs_;
    const std::string path_;
  };

  class Directory : public rocksdb::FSDirectoryWrapper {
   public:
    Directory(FaultInjectionFileSystem& fs, std::string name,
              std::unique_ptr<rocksdb::FSDirectory> target)
        : FSDirectoryWrapper(std::move(target)), fs_(fs), name_(std::move(name)) {}

    rocksdb::IOStatus Fsync(const rocksdb::IOOptions& options,
                            rocksdb::IODebugContext* dbg) override {
      rocksdb::IOStatus s = FSDirectoryWrapper::Fsync(options, dbg);
      if (s.ok()) fs_.SyncedDirectory(name_);
      return s;
    }
    rocksdb::IOStatus FsyncWithDirOptions(const rocksdb::IOOptions& options,
                                          rocksdb::IODebugContext* dbg,
                                          const rocksdb::DirFsyncOptions& dir_options) override {
      rocksdb::IOStatus s = FSDirectoryWrapper::FsyncWithDirOptions(options, dbg, dir_options);
      if (s.ok()) fs_.SyncedDirectory(name_);
      return s;
    }

   private:
    FaultInjectionFileSystem& fs_;
    const std::string name_;
  };

  static bool IsWal(const std::string& path) { return absl::EndsWith(path, ".log"); }

  static std::string Parent(const std::string& path) {
    return std::filesystem::path(path).lexically_normal().parent_path().string();
  }

  void Wrap(const std::string& path, bool created, uint64_t size,
            std::unique_ptr<rocksdb::FSWritableFile>* result) {
    {
      absl::MutexLock lock(&mu_);
      File& file = files_[path];
      file = File{size, size, created, /*entry_synced=*/!created};
      if (!power_on_) file.synced = 0;
    }
    *result = std::make_unique<WritableFile>(*this, path, std::move(*result));
  }

  void Wrote(const std::string& path, std::optional<uint64_t> offset, uint64_t bytes) {
    absl::MutexLock lock(&mu_);
    File& file = files_[path];
    file.written = std::max(file.written, offset.value_or(file.written) + bytes);
  }

  void Truncated(const std::string& path, uint64_t size) {
    absl::MutexLock lock(&mu_);
    File& file = files_[path];
    file.written = size;
    // Shrinking a file is a metadata change: take it as durable, as deletions are.
    file.synced = std::min(file.synced, size);
  }

  template <typename SyncFn>
  rocksdb::IOStatus SyncFile(const std::string& path, SyncFn sync) {
    {
      absl::MutexLock lock(&mu_);
      if (IsWal(path)) {
        if (fail_next_wal_sync_) {
          fail_next_wal_sync_ = false;
          return rocksdb::IOStatus::IOError("injected WAL sync failure");
        }
        ++held_wal_syncs_;
        mu_.Await(absl::Condition(+[](bool* hold) { return !*hold; }, &hold_wal_syncs_));
        --held_wal_syncs_;
      }
    }
    rocksdb::IOStatus s = sync();
    if (s.ok()) {
      absl::MutexLock lock(&mu_);
      if (power_on_) {
        File& file = files_[path];
        file.synced = file.written;
      }
    }
    return s;
  }

  void SyncedDirectory(const std::string& name) {
    absl::MutexLock lock(&mu_);
    if (!power_on_) return;
    const std::string dir = std::filesystem::path(name).lexically_normal().string();
    for (auto& [path, file] : files_) {
      if (Parent(path) == dir || Parent(path) + "/" == dir) file.entry_synced = true;
    }
  }

  absl::Mutex mu_;
  absl::flat_hash_map<std::string, File> files_ ABSL_GUARDED_BY(mu_);
  bool power_on_ ABSL_GUARDED_BY(mu_) = true;
  bool fail_next_wal_sync_ ABSL_GUARDED_BY(mu_) = false;
  bool hold_wal_syncs_ ABSL_GUARDED_BY(mu_) = false;
  int held_wal_syncs_ ABSL_GUARDED_BY(mu_) = 0;
};

}  // namespace closedloop::storage::testing

#endif  // CLOSEDLOOP_TESTS_STORAGE_FAULT_INJECTION_FS_H_
