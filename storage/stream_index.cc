#include "storage/stream_index.h"

#include <memory>
#include <optional>

#include "absl/strings/str_cat.h"
#include "rocksdb/db.h"
#include "storage/key_layout.h"

namespace closedloop::storage {
namespace {

// The record at `position`, which the index entry of `stream` at `revision` points at.
absl::StatusOr<RecordedEvent> ReadIndexedRecord(LogDatabase& db, const std::string& stream,
                                                uint64_t revision, uint64_t position) {
  std::string value;
  rocksdb::Status s =
      db.db().Get(rocksdb::ReadOptions(), db.events(), keys::EventKey(position), &value);
  if (s.IsNotFound()) {
    return absl::DataLossError(absl::StrCat("the stream index entry of ", stream, " revision ",
                                            revision, " points at position ", position,
                                            ", which holds no record"));
  }
  if (absl::Status st = FromRocks(s, "reading an event"); !st.ok()) return st;
  RecordedEvent record;
  if (!record.ParseFromString(value)) {
    return absl::DataLossError(absl::StrCat("the record at position ", position, " of ", stream,
                                            " is unreadable"));
  }
  if (absl::Status st = CheckIndexedRecord(record, stream, revision, position); !st.ok()) {
    return st;
  }
  return record;
}

}  // namespace

absl::Status CheckIndexedRecord(const RecordedEvent& record, const std::string& stream,
                                uint64_t revision, uint64_t position) {
  if (record.stream() == stream && record.revision() == revision &&
      record.position() == position) {
    return absl::OkStatus();
  }
  return absl::DataLossError(absl::StrCat(
      "the stream index entry of ", stream, " revision ", revision, " points at position ",
      position, ", which holds ", record.stream(), " revision ", record.revision(),
      " at position ", record.position()));
}

absl::StatusOr<std::vector<RecordedEvent>> ReadStreamEvents(LogDatabase& db, uint64_t head,
                                                            const std::string& stream,
                                                            uint64_t from_revision,
                                                            Direction direction, size_t limit) {
  struct Entry {
    uint64_t revision;
    uint64_t position;
  };
  const std::string prefix = keys::StreamKeyPrefix(stream);
  std::vector<Entry> entries;
  std::unique_ptr<rocksdb::Iterator> it(db.db().NewIterator(rocksdb::ReadOptions(), db.index()));
  if (direction == Direction::kForward) {
    it->Seek(keys::StreamKey(stream, std::max<uint64_t>(from_revision, 1)));
  } else {
    it->SeekForPrev(keys::StreamKey(stream, from_revision == 0 ? UINT64_MAX : from_revision));
  }
  for (; it->Valid() && entries.size() < limit;
       direction == Direction::kForward ? it->Next() : it->Prev()) {
    std::optional<uint64_t> revision = keys::RevisionOfStreamKey(it->key().ToStringView(), prefix);
    if (!revision) break;
    std::optional<uint64_t> position = keys::DecodeU64(it->value().ToStringView());
    if (!position) {
      return absl::DataLossError(absl::StrCat("the stream index entry of ", stream, " revision ",
                                              *revision, " is malformed"));
    }
    if (*position > head) continue;  // not yet acknowledged
    entries.push_back(Entry{*revision, *position});
  }
  if (absl::Status s = FromRocks(it->status(), "reading stream index"); !s.ok()) return s;

  std::vector<RecordedEvent> events;
  events.reserve(entries.size());
  for (const Entry& entry : entries) {
    absl::StatusOr<RecordedEvent> record =
        ReadIndexedRecord(db, stream, entry.revision, entry.position);
    if (!record.ok()) return record.status();
    events.push_back(*std::move(record));
  }
  return events;
}

absl::StatusOr<uint64_t> ReadStreamRevision(LogDatabase& db, const std::string& stream) {
  const std::string prefix = keys::StreamKeyPrefix(stream);
  std::unique_ptr<rocksdb::Iterator> it(db.db().NewIterator(rocksdb::ReadOptions(), db.index()));
  it->SeekForPrev(keys::StreamKey(stream, UINT64_MAX));
  if (!it->status().ok()) {
    return absl::UnavailableError(absl::StrCat("reading stream index: ", it->status().ToString()));
  }
  if (!it->Valid()) return 0;
  std::optional<uint64_t> revision = keys::RevisionOfStreamKey(it->key().ToStringView(), prefix);
  if (!revision) return 0;
  std::optional<uint64_t> position = keys::DecodeU64(it->value().ToStringView());
  if (!position) {
    return absl::DataLossError(absl::StrCat("the stream index entry of ", stream, " revision ",
                                            *revision, " is malformed"));
  }
  // A forged entry past the stream's end would make the next append skip revisions.
  absl::StatusOr<RecordedEvent> record = ReadIndexedRecord(db, stream, *revision, *position);
  if (!record.ok()) return record.status();
  return *revision;
}

}  // namespace closedloop::storage
