#include "services/projections/view_restore.h"

#include <deque>
#include <memory>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "absl/synchronization/mutex.h"

namespace closedloop::services {
namespace {

// Views per batch, and batches the reader may be ahead by: enough to keep both threads busy,
// few enough to hold little memory.
constexpr size_t kBatch = 256;
constexpr size_t kAhead = 8;

struct Parsed {
  std::string id;
  std::shared_ptr<const v1::ComplaintView> view;
};
using Batch = std::vector<Parsed>;

// Batches from the reading thread to the restoring one, until the reader is done (or failed).
class Handover {
 public:
  // Waits for room.
  void Push(Batch batch) {
    absl::MutexLock lock(&mu_);
    mu_.Await(absl::Condition(this, &Handover::HasRoom));
    batches_.push_back(std::move(batch));
  }
  // Waits for a batch; false once the reader is done and every batch was taken.
  bool Pop(Batch& batch) {
    absl::MutexLock lock(&mu_);
    mu_.Await(absl::Condition(this, &Handover::HasBatchOrDone));
    if (batches_.empty()) return false;
    batch = std::move(batches_.front());
    batches_.pop_front();
    return true;
  }
  void Done(absl::Status status) {
    absl::MutexLock lock(&mu_);
    done_ = true;
    status_ = std::move(status);
  }
  absl::Status status() {
    absl::MutexLock lock(&mu_);
    return status_;
  }

 private:
  bool HasRoom() const ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    return batches_.size() < kAhead;
  }
  bool HasBatchOrDone() const ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    return done_ || !batches_.empty();
  }

  absl::Mutex mu_;
  std::deque<Batch> batches_ ABSL_GUARDED_BY(mu_);
  bool done_ ABSL_GUARDED_BY(mu_) = false;
  absl::Status status_ ABSL_GUARDED_BY(mu_);
};

// Reads and parses the complaints' views into batches until the store ends or a view is
// unreadable.
absl::Status ReadComplaints(storage::ViewStore& store, Handover& handover) {
  absl::Status status = absl::OkStatus();
  Batch batch;
  batch.reserve(kBatch);
  absl::Status read = store.ForEach("c/", [&](absl::string_view key, absl::string_view value) {
    if (!status.ok()) return;
    // The finder's keys and the facts are not under "c/"; anything else there is a view.
    const absl::string_view id = key.substr(2);
    absl::StatusOr<std::shared_ptr<const v1::ComplaintView>> view =
        ProjectionState::ParseComplaint(id, value);
    if (!view.ok()) {
      status = view.status();
      return;
    }
    batch.push_back(Parsed{std::string(id), *std::move(view)});
    if (batch.size() == kBatch) {
      handover.Push(std::exchange(batch, {}));
      batch.reserve(kBatch);
    }
  });
  if (!read.ok()) return read;
  if (!status.ok()) return status;
  if (!batch.empty()) handover.Push(std::move(batch));
  return absl::OkStatus();
}

}  // namespace

absl::Status RestoreViews(storage::ViewStore& store, ProjectionState& state) {
  Handover handover;
  std::thread reader([&] { handover.Done(ReadComplaints(store, handover)); });
  Batch batch;
  while (handover.Pop(batch)) {
    for (Parsed& parsed : batch) state.RestoreComplaint(parsed.id, std::move(parsed.view));
  }
  reader.join();
  if (absl::Status read = handover.status(); !read.ok()) return read;
  // Problems are few: read and restore them here.
  absl::Status restored = absl::OkStatus();
  absl::Status read = store.ForEach("p/", [&](absl::string_view key, absl::string_view value) {
    if (restored.ok()) restored = state.Restore(key, value);
  });
  return read.ok() ? restored : read;
}

}  // namespace closedloop::services
