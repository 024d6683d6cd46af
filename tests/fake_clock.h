// A clock the test moves by hand; safe to read from any thread.
#ifndef CLOSEDLOOP_TESTS_FAKE_CLOCK_H_
#define CLOSEDLOOP_TESTS_FAKE_CLOCK_H_

#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"

namespace closedloop::testing {

class FakeClock {
 public:
  explicit FakeClock(absl::Time start) : now_(start) {}
  absl::Time Now() {
    absl::MutexLock lock(&mu_);
    return now_;
  }
  void Advance(absl::Duration d) {
    absl::MutexLock lock(&mu_);
    now_ += d;
  }

 private:
  absl::Mutex mu_;
  absl::Time now_;
};

}  // namespace closedloop::testing

#endif  // CLOSEDLOOP_TESTS_FAKE_CLOCK_H_
