#include "services/commands/id_sequence.h"

#include "absl/strings/str_cat.h"
#include "closedloop/v1/sequence.pb.h"

namespace closedloop::services {
namespace {
constexpr int kMaxAttempts = 8;
}  // namespace

IdSequence::IdSequence(storage::EventLog& log, std::string name, std::string prefix,
                       uint64_t block)
    : log_(log), stream_(absl::StrCat("sequence-", name)), prefix_(std::move(prefix)),
      block_(block) {
  actor_.set_principal("system:closedloopd");
  actor_.set_role("system");
}

absl::StatusOr<std::string> IdSequence::Next() {
  absl::MutexLock lock(&mu_);
  if (next_ == 0 || next_ > last_) {
    if (absl::Status reserved = ReserveBlock(); !reserved.ok()) return reserved;
  }
  return absl::StrCat(prefix_, next_++);
}

absl::Status IdSequence::ReserveBlock() {
  for (int attempt = 0; attempt < kMaxAttempts; ++attempt) {
    absl::StatusOr<std::vector<storage::RecordedEvent>> last =
        log_.ReadStream(stream_, 0, storage::Direction::kBackward, 1);
    if (!last.ok()) return last.status();
    uint64_t revision = 0;
    uint64_t reserved_up_to = 0;
    if (!last->empty()) {
      v1::SequenceReserved previous;
      if (!previous.ParseFromString(last->front().payload())) {
        return absl::DataLossError(absl::StrCat("the last event of ", stream_, " is unreadable"));
      }
      revision = last->front().revision();
      reserved_up_to = previous.last();
    }
    v1::SequenceReserved block;
    block.set_first(reserved_up_to + 1);
    block.set_last(reserved_up_to + block_);
    storage::AppendRequest append;
    append.stream = stream_;
    append.expected = storage::ExpectedRevision::Exact(revision);
    storage::ProposedEvent& event = append.events.emplace_back();
    event.set_type("sequence.reserved");
    event.set_payload(block.SerializeAsString());
    *event.mutable_actor() = actor_;
    absl::StatusOr<storage::AppendResult> appended = log_.Append(std::move(append));
    if (appended.ok()) {
      next_ = block.first();
      last_ = block.last();
      return absl::OkStatus();
    }
    // Another process reserved a block first: read its reservation and try after it.
    if (appended.status().code() != absl::StatusCode::kAborted) return appended.status();
  }
  return absl::AbortedError(absl::StrCat(stream_, " kept changing; retry"));
}

}  // namespace closedloop::services
