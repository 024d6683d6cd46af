// Reading the log's side index (AppendRequest::index_changes): entries are written only in the
// batches of the appends they belong to, so a scan never sees an entry without its events.
#ifndef CLOSEDLOOP_STORAGE_SIDE_INDEX_H_
#define CLOSEDLOOP_STORAGE_SIDE_INDEX_H_

#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "storage/log_database.h"

namespace closedloop::storage {

// Up to `limit` entries with from_key <= key < to_key (keys without the layout's prefix).
absl::StatusOr<std::vector<std::pair<std::string, std::string>>> ScanSideIndex(
    LogDatabase& db, const std::string& from_key, const std::string& to_key, size_t limit);

}  // namespace closedloop::storage

#endif  // CLOSEDLOOP_STORAGE_SIDE_INDEX_H_
