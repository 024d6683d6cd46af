#include "storage/group_commit.h"

#include <memory>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "google/protobuf/util/time_util.h"
#include "storage/append_request.h"
#include "storage/key_layout.h"
#include "storage/record_hash.h"

namespace closedloop::storage {
namespace {

using google::protobuf::util::TimeUtil;

AppendResult ResultOf(const v1::AppendReceipt& receipt) {
  return AppendResult{receipt.first_position(), receipt.last_position(), receipt.stream_revision(),
                      /*deduplicated=*/true};
}

// Looks up receipts and revisions on disk, overlaid with what this group already accepted.
class GroupView {
 public:
  GroupView(LogDatabase& db, const StreamRevisionCache& cache,
            absl::flat_hash_map<std::string, uint64_t>& revisions)
      : db_(db), cache_(cache), revisions_(revisions) {}

  absl::StatusOr<std::optional<v1::AppendReceipt>> Receipt(const std::string& request_id) {
    if (auto it = receipts_.find(request_id); it != receipts_.end()) return it->second;
    std::string value;
    rocksdb::Status s =
        db_.db().Get(rocksdb::ReadOptions(), db_.index(), keys::ReceiptKey(request_id), &value);
    if (s.IsNotFound()) return std::nullopt;
    if (!s.ok()) return absl::UnavailableError(absl::StrCat("reading receipt: ", s.ToString()));
    v1::AppendReceipt receipt;
    if (!receipt.ParseFromString(value)) {
      return absl::DataLossError(absl::StrCat("unreadable receipt for request ", request_id));
    }
    return receipt;
  }

  absl::StatusOr<uint64_t> Revision(const std::string& stream) {
    if (auto it = revisions_.find(stream); it != revisions_.end()) return it->second;
    if (std::optional<uint64_t> cached = cache_.Find(stream)) return *cached;
    return ReadStreamRevision(db_, stream);
  }

  void Accept(const std::string& stream, uint64_t revision, const std::string& request_id,
              const v1::AppendReceipt& receipt) {
    revisions_[stream] = revision;
    if (!request_id.empty()) receipts_[request_id] = receipt;
  }

 private:
  LogDatabase& db_;
  const StreamRevisionCache& cache_;
  absl::flat_hash_map<std::string, uint64_t>& revisions_;
  absl::flat_hash_map<std::string, v1::AppendReceipt> receipts_;
};

}  // namespace

std::optional<uint64_t> StreamRevisionCache::Find(const std::string& stream) const {
  auto it = revisions_.find(stream);
  if (it == revisions_.end()) return std::nullopt;
  return it->second;
}

void StreamRevisionCache::Update(const std::string& stream, uint64_t revision) {
  if (revisions_.size() >= capacity_ && !revisions_.contains(stream)) revisions_.clear();
  revisions_[stream] = revision;
}

PreparedCommit PrepareCommit(LogDatabase& db, const StreamRevisionCache& cache,
                             const LogTail& tail, absl::Time now,
                             const std::vector<const AppendRequest*>& requests) {
  PreparedCommit commit;
  commit.tail_after = tail;
  LogTail& next = commit.tail_after;
  // recorded_at never goes backwards, even when the wall clock does.
  next.last_recorded_at = std::max(now, tail.last_recorded_at);
  const google::protobuf::Timestamp recorded_at =
      TimeUtil::NanosecondsToTimestamp(absl::ToUnixNanos(next.last_recorded_at));
  GroupView view(db, cache, commit.revisions_after);
  RecordedEvent record;  // reused: one message per commit, not per event

  for (const AppendRequest* request : requests) {
    std::string digest;
    if (!request->request_id.empty()) {
      digest = RequestDigest(*request);
      absl::StatusOr<std::optional<v1::AppendReceipt>> receipt = view.Receipt(request->request_id);
      if (!receipt.ok()) {
        commit.outcomes.push_back(receipt.status());
        continue;
      }
      if (receipt->has_value()) {
        const bool same_request = !request->request_digest.empty() &&
                                          !(*receipt)->request_digest().empty()
                                      ? (*receipt)->request_digest() == request->request_digest
                                      : (*receipt)->content_digest() == digest;
        if (same_request) {
          commit.outcomes.push_back(ResultOf(**receipt));
        } else {
          commit.outcomes.push_back(absl::AlreadyExistsError(absl::StrCat(
              "request_id '", request->request_id, "' was already used for a different append")));
        }
        continue;
      }
    }
    absl::StatusOr<uint64_t> revision = view.Revision(request->stream);
    if (!revision.ok()) {
      commit.outcomes.push_back(revision.status());
      continue;
    }
    if (!request->expected.IsSatisfiedBy(*revision)) {
      commit.outcomes.push_back(WrongRevisionError(request->stream, request->expected, *revision));
      continue;
    }
    AppendResult result{next.head_position + 1, next.head_position + request->events.size(),
                        *revision + request->events.size(), /*deduplicated=*/false};
    for (const ProposedEvent& proposed : request->events) {
      record.Clear();
      record.set_position(++next.head_position);
      record.set_stream(request->stream);
      record.set_revision(++*revision);
      record.set_type(proposed.type());
      record.set_payload(proposed.payload());
      *record.mutable_actor() = proposed.actor();
      *record.mutable_recorded_at() = recorded_at;
      record.set_request_id(request->request_id);
      record.set_previous_hash(next.head_hash);
      next.head_hash = ChainHash(next.head_hash, record);
      record.set_hash(next.head_hash);
      SerializedEvent& stored = commit.records.emplace_back();
      stored.position = record.position();
      record.SerializeToString(&stored.bytes);
      commit.batch.Put(db.events(), keys::EventKey(record.position()), stored.bytes);
      commit.batch.Put(db.index(), keys::StreamKey(record.stream(), record.revision()),
                       keys::EncodeU64(record.position()));
    }
    v1::AppendReceipt receipt;
    receipt.set_stream(request->stream);
    receipt.set_first_position(result.first_position);
    receipt.set_last_position(result.last_position);
    receipt.set_stream_revision(result.stream_revision);
    receipt.set_content_digest(digest);
    if (!request->request_digest.empty()) receipt.set_request_digest(request->request_digest);
    if (!request->request_id.empty()) {
      commit.batch.Put(db.index(), keys::ReceiptKey(request->request_id),
                       receipt.SerializeAsString());
    }
    for (const IndexChange& change : request->index_changes) {
      if (change.remove) {
        commit.batch.Delete(db.index(), keys::SideKey(change.key));
      } else {
        commit.batch.Put(db.index(), keys::SideKey(change.key), change.value);
      }
    }
    view.Accept(request->stream, result.stream_revision, request->request_id, receipt);
    commit.outcomes.push_back(result);
  }
  return commit;
}

}  // namespace closedloop::storage
