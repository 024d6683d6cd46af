// AppendCompleter: runs append callbacks on a thread of its own, in the order given.
//
// Waking dozens of waiting callers after each synced write takes the writer thread hundreds of
// microseconds; handing that to this thread lets the writer start the next group (and its
// fsync) at once. Thread safety: Complete() may be called from any thread; the destructor
// runs every callback already handed over before it returns.
#ifndef CLOSEDLOOP_STORAGE_APPEND_COMPLETER_H_
#define CLOSEDLOOP_STORAGE_APPEND_COMPLETER_H_

#include <deque>
#include <thread>
#include <utility>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/functional/any_invocable.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "storage/event_log.h"

namespace closedloop::storage {

using AppendCallback = absl::AnyInvocable<void(absl::StatusOr<AppendResult>) &&>;

class AppendCompleter {
 public:
  AppendCompleter();
  ~AppendCompleter();
  AppendCompleter(const AppendCompleter&) = delete;
  AppendCompleter& operator=(const AppendCompleter&) = delete;

  // Calls callbacks[i](outcomes[i]) for every i, later, on the completer thread.
  void Complete(std::vector<AppendCallback> callbacks,
                std::vector<absl::StatusOr<AppendResult>> outcomes);

 private:
  struct Batch {
    std::vector<AppendCallback> callbacks;
    std::vector<absl::StatusOr<AppendResult>> outcomes;
  };
  void Run();

  absl::Mutex mu_;
  std::deque<Batch> batches_ ABSL_GUARDED_BY(mu_);
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  std::thread thread_;
};

}  // namespace closedloop::storage

#endif  // CLOSEDLOOP_STORAGE_APPEND_COMPLETER_H_
