#include "services/daemon/backup.h"

#include <filesystem>

#include "absl/strings/str_cat.h"

namespace closedloop::services {

absl::StatusOr<v1::BackupResponse> Backup(storage::EventLog& log, storage::ViewStore& views,
                                          const std::string& directory) {
  // The longest path a Linux system call accepts (PATH_MAX): a longer one cannot be created.
  constexpr size_t kMaxDirectoryBytes = 4096;
  if (directory.size() > kMaxDirectoryBytes) {
    return absl::InvalidArgumentError(
        absl::StrCat("directory: longer than ", kMaxDirectoryBytes, " bytes"));
  }
  const std::filesystem::path dir(directory);
  if (directory.empty() || !dir.is_absolute()) {
    return absl::InvalidArgumentError(
        absl::StrCat("directory: must be an absolute path on the daemon's machine, got '",
                     directory, "'"));
  }
  std::error_code error;
  if (std::filesystem::exists(dir, error)) {
    return absl::AlreadyExistsError(absl::StrCat("directory: ", directory, " already exists"));
  }
  if (!std::filesystem::is_directory(dir.parent_path(), error)) {
    return absl::FailedPreconditionError(
        absl::StrCat("directory: its parent ", dir.parent_path().string(), " does not exist"));
  }
  v1::BackupResponse response;
  response.set_directory(directory);
  response.set_views_position(views.checkpoint());
  // Beside the target until the log is copied: the log's copy must create the directory.
  const std::string views_copy = directory + ".views-partial";
  if (absl::Status s = views.Copy(views_copy); !s.ok()) return s;
  response.set_position(log.HeadPosition());
  absl::Status copied = log.Checkpoint(directory);
  if (copied.ok()) {
    std::filesystem::rename(views_copy, dir / "views", error);
    if (error) copied = absl::UnavailableError(absl::StrCat("moving the views: ", error.message()));
  }
  if (!copied.ok()) {
    std::filesystem::remove_all(views_copy, error);
    std::filesystem::remove_all(dir, error);
    return copied;
  }
  return response;
}

}  // namespace closedloop::services
