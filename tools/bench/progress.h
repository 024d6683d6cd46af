// A progress line on stderr for long benchmark phases: elapsed time, work done (of the total,
// when known) and the current rate; the bar fills by work done, or by time for a phase that
// runs for a planned duration. On a terminal it redraws one line about 4 times a second;
// otherwise (a log file, a pipe) it prints a line every 5 seconds. The caller counts the work
// in an atomic counter it passes in.
#ifndef CLOSEDLOOP_TOOLS_BENCH_PROGRESS_H_
#define CLOSEDLOOP_TOOLS_BENCH_PROGRESS_H_

#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <cstdio>
#include <string>
#include <thread>
#include <utility>

#include "absl/synchronization/notification.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"

namespace closedloop::bench {

class Progress {
 public:
  // `what` names the unit ("ops", "events"); `total` 0 = unknown; `planned` (when `total` is
  // 0) is how long the phase is to run.
  Progress(std::string label, std::string what, const std::atomic<uint64_t>& done,
           uint64_t total = 0, absl::Duration planned = absl::ZeroDuration())
      : label_(std::move(label)), what_(std::move(what)), done_(done), total_(total),
        planned_(planned), tty_(isatty(STDERR_FILENO) == 1) {
    thread_ = std::thread([this] { Run(); });
  }
  ~Progress() {
    stop_.Notify();
    thread_.join();
    if (tty_) std::fprintf(stderr, "\r\033[K");
  }

 private:
  void Run() {
    const absl::Time start = absl::Now();
    const absl::Duration every = tty_ ? absl::Milliseconds(250) : absl::Seconds(5);
    absl::Time last_time = start;
    uint64_t last_done = 0;
    while (!stop_.WaitForNotificationWithTimeout(every)) {
      const absl::Time now = absl::Now();
      const uint64_t done = done_.load(std::memory_order_relaxed);
      const double rate = (done - last_done) / absl::ToDoubleSeconds(now - last_time);
      last_time = now;
      last_done = done;
      const double elapsed = absl::ToDoubleSeconds(now - start);
      const double fraction = total_ > 0 ? static_cast<double>(done) / total_
                              : planned_ > absl::ZeroDuration()
                                  ? elapsed / absl::ToDoubleSeconds(planned_)
                                  : -1;
      char bar[23] = "[                    ]";
      for (int i = 0; i < std::min(20, static_cast<int>(fraction * 20)); ++i) bar[1 + i] = '#';
      std::fprintf(stderr, "%s%s %s %6.1f s  %llu%s%s %s  %.0f %s/s%s", tty_ ? "\r\033[K" : "",
                   label_.c_str(), fraction >= 0 ? bar : "", elapsed,
                   static_cast<unsigned long long>(done), total_ > 0 ? " / " : "",
                   total_ > 0 ? std::to_string(total_).c_str() : "", what_.c_str(), rate,
                   what_.c_str(), tty_ ? "" : "\n");
      std::fflush(stderr);
    }
  }

  const std::string label_;
  const std::string what_;
  const std::atomic<uint64_t>& done_;
  const uint64_t total_;
  const absl::Duration planned_;
  const bool tty_;
  absl::Notification stop_;
  std::thread thread_;
};

}  // namespace closedloop::bench

#endif  // CLOSEDLOOP_TOOLS_BENCH_PROGRESS_H_
