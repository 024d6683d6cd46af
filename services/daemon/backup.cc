#include "services/daemon/backup.h"

#include <filesystem>

#include "absl/strings/str_cat.h"

namespace closedloop::services {

absl::StatusOr<v1::BackupResponse> Backup(storage::EventLog& log, storage::ViewStore& views,
                                          storage::CursorStore* cursors,
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
  // Beside the target until the log is copied: the log's copy must create the directory.
  const std::string cursors_copy = directory + ".cursors-partial";
  const std::string views_copy = directory + ".views-partial";
  auto remove_partial = [&] {
    std::filesystem::remove_all(cursors_copy, error);
    std::filesystem::remove_all(views_copy, error);
  };
  // The cursors before the log: a position acknowledged or delivered is one the log held when
  // it was written, so a cursor copied first points at or before the copied log's head, and a
  // daemon on the copy at most delivers again what was passed during the copy. Copied after
  // the log, a cursor could point past the copied head, and the events the restored daemon
  // then appends at those positions would be skipped.
  if (cursors != nullptr) {
    if (absl::Status s = cursors->Copy(cursors_copy); !s.ok()) return s;
  }
  response.set_views_position(views.checkpoint());
  if (absl::Status s = views.Copy(views_copy); !s.ok()) {
    remove_partial();
    return s;
  }
  response.set_position(log.HeadPosition());
  absl::Status copied = log.Checkpoint(directory);
  if (copied.ok()) {
    std::filesystem::rename(views_copy, dir / "views", error);
    if (error) copied = absl::UnavailableError(absl::StrCat("moving the views: ", error.message()));
  }
  if (copied.ok() && cursors != nullptr) {
    std::filesystem::rename(cursors_copy, dir / "cursors", error);
    if (error) copied = absl::UnavailableError(absl::StrCat("moving the cursors: ", error.message()));
  }
  if (!copied.ok()) {
    remove_partial();
    std::filesystem::remove_all(dir, error);
    return copied;
  }
  return response;
}

}  // namespace closedloop::services
