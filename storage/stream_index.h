// Reads through the stream index (stream_key -> position, storage/key_layout.h).
//
// The index is a lookup, not a source of truth: the record at the position an entry names
// says itself which stream and revision it belongs to. Every read through the index checks
// that the record agrees, so a damaged or forged entry surfaces as DATA_LOSS naming the
// position instead of showing one case another case's events.
#ifndef CLOSEDLOOP_STORAGE_STREAM_INDEX_H_
#define CLOSEDLOOP_STORAGE_STREAM_INDEX_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "storage/event_log.h"
#include "storage/log_database.h"

namespace closedloop::storage {

// DATA_LOSS unless `record`, found at `position` through the index entry of `stream` at
// `revision`, is that stream's event at that revision.
absl::Status CheckIndexedRecord(const RecordedEvent& record, const std::string& stream,
                                uint64_t revision, uint64_t position);

// Up to `limit` events of `stream` from `from_revision` in `direction` (as
// EventLog::ReadStream), skipping positions past `head` (not yet acknowledged).
absl::StatusOr<std::vector<RecordedEvent>> ReadStreamEvents(LogDatabase& db, uint64_t head,
                                                            const std::string& stream,
                                                            uint64_t from_revision,
                                                            Direction direction, size_t limit);

// The stream's revision on disk (0 if it does not exist), checked against the record its
// last index entry points at.
absl::StatusOr<uint64_t> ReadStreamRevision(LogDatabase& db, const std::string& stream);

}  // namespace closedloop::storage

#endif  // CLOSEDLOOP_STORAGE_STREAM_INDEX_H_
