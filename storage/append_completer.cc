#include "storage/append_completer.h"

namespace closedloop::storage {

AppendCompleter::AppendCompleter() : thread_([this] { Run(); }) {}

AppendCompleter::~AppendCompleter() {
  {
    absl::MutexLock lock(&mu_);
    stopping_ = true;
  }
  thread_.join();
}

void AppendCompleter::Complete(std::vector<AppendCallback> callbacks,
                               std::vector<absl::StatusOr<AppendResult>> outcomes) {
  absl::MutexLock lock(&mu_);
  batches_.push_back(Batch{std::move(callbacks), std::move(outcomes)});
}

void AppendCompleter::Run() {
  while (true) {
    std::deque<Batch> batches;
    {
      absl::MutexLock lock(&mu_);
      auto ready = [this]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
        return !batches_.empty() || stopping_;
      };
      mu_.Await(absl::Condition(&ready));
      if (batches_.empty()) return;  // stopping, and nothing is left to complete
      batches.swap(batches_);
    }
    for (Batch& batch : batches) {
      for (size_t i = 0; i < batch.callbacks.size(); ++i) {
        std::move(batch.callbacks[i])(std::move(batch.outcomes[i]));
      }
    }
  }
}

}  // namespace closedloop::storage
