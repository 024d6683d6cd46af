#include "services/projections/view_restore.h"

#include <deque>
#include <memory>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "absl/functional/function_ref.h"
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

// Batches from the reading threads to the restoring one, until every reader is done (or one
// failed: the first error is kept).
class Handover {
 public:
  explicit Handover(int readers) : readers_(readers) {}
  // Waits for room.
  void Push(Batch batch) {
    absl::MutexLock lock(&mu_);
    mu_.Await(absl::Condition(this, &Handover::HasRoom));
    batches_.push_back(std::move(batch));
  }
  // Waits for a batch; false once every reader is done and every batch was taken.
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
    --readers_;
    if (status_.ok()) status_ = std::move(status);
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
    return readers_ == 0 || !batches_.empty();
  }

  absl::Mutex mu_;
  std::deque<Batch> batches_ ABSL_GUARDED_BY(mu_);
  int readers_ ABSL_GUARDED_BY(mu_);  // not done yet
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

// Reads the views of ids[first], ids[first + step]... into batches, until the first that is
// missing or unreadable.
absl::Status ReadKept(const ViewLoader& loader, const std::vector<std::string>& ids, size_t first,
                      size_t step, Handover& handover) {
  Batch batch;
  batch.reserve(kBatch);
  for (size_t i = first; i < ids.size(); i += step) {
    const std::string& id = ids[i];
    absl::StatusOr<ProjectionState::ComplaintPtr> view = ProjectionState::ReadComplaint(loader, id);
    if (!view.ok()) return view.status();
    batch.push_back(Parsed{id, *std::move(view)});
    if (batch.size() == kBatch) {
      handover.Push(std::exchange(batch, {}));
      batch.reserve(kBatch);
    }
  }
  if (!batch.empty()) handover.Push(std::move(batch));
  return absl::OkStatus();
}

// Hands every batch the readers put in to `restore`, on this thread, until they are done;
// then joins them. Returns the first reader's error.
absl::Status Drain(Handover& handover, std::vector<std::thread>& readers,
                   absl::FunctionRef<void(Parsed&)> restore) {
  Batch batch;
  while (handover.Pop(batch)) {
    for (Parsed& parsed : batch) restore(parsed);
  }
  for (std::thread& reader : readers) reader.join();
  return handover.status();
}

}  // namespace

absl::Status RestoreViews(storage::ViewStore& store, ProjectionState& state) {
  Handover handover(1);
  std::vector<std::thread> readers;
  readers.emplace_back([&] { handover.Done(ReadComplaints(store, handover)); });
  absl::Status read = Drain(handover, readers, [&](Parsed& parsed) {
    state.RestoreComplaint(parsed.id, std::move(parsed.view));
  });
  if (!read.ok()) return read;
  return RestoreProblems(store, state);
}

absl::Status ResumeViews(const ViewLoader& loader, absl::string_view saved,
                         ProjectionState& state) {
  absl::StatusOr<std::vector<std::string>> kept = state.Resume(saved);
  if (!kept.ok()) return kept.status();
  // Reading and parsing a view costs about three times what indexing it does: two threads
  // read (every other view each) while this one indexes.
  constexpr size_t kReaders = 2;
  Handover handover(kReaders);
  std::vector<std::thread> readers;
  for (size_t first = 0; first < kReaders; ++first) {
    readers.emplace_back(
        [&, first] { handover.Done(ReadKept(loader, *kept, first, kReaders, handover)); });
  }
  return Drain(handover, readers, [&](Parsed& parsed) {
    state.ResumeKept(parsed.id, std::move(parsed.view));
  });
}

absl::Status RestoreProblems(storage::ViewStore& store, ProjectionState& state,
                             const ViewsBefore* before) {
  // Problems are few: read and restored on this thread. None is ever removed: a problem the
  // store holds before a commit, it holds after.
  absl::Status restored = absl::OkStatus();
  absl::Status read = store.ForEach("p/", [&](absl::string_view key, absl::string_view value) {
    if (!restored.ok()) return;
    if (before != nullptr) {
      if (auto it = before->find(key); it != before->end()) {
        if (it->second) restored = state.Restore(key, *it->second);
        return;
      }
    }
    restored = state.Restore(key, value);
  });
  return read.ok() ? restored : read;
}

}  // namespace closedloop::services
