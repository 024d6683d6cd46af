// Readers never wait, as issue 17's benchmark asks: "with 8 clients polling boards and metrics
// in a loop, GetComplaint and FileComplaint p99 stay within 1.5x of their p99 without them".
// Used by closedloop_replay_bench's `queries` workload with --pollers on a generated store.
//
// Two phases of the same two rows, run together for `each` (after an untimed warm-up):
//   get_complaint   GetComplaint of a sampled case (query_workload.h), `clients` threads
//   file_complaint  FileComplaint of a new case like the store generator's (its own customer
//                   of the store's, order_ref and external_ref), `clients` more threads
// together, so that reads meet the follower applying the filings. First alone, then while
// `pollers` more threads poll, each in a loop, GetSuperheroBoard (the busiest owner),
// GetDeadlineBoard (4 h) and GetMetrics (the last 30 days, and all time), on a connection of
// their own, as dashboards would. Prints p50/p99 of each row in each phase, the ratio of the
// p99s, and the pollers' calls/s.
#ifndef CLOSEDLOOP_TOOLS_BENCH_INTERFERENCE_H_
#define CLOSEDLOOP_TOOLS_BENCH_INTERFERENCE_H_

#include <cstdint>
#include <functional>
#include <memory>

#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "grpcpp/channel.h"

namespace closedloop::bench {

struct InterferenceOptions {
  int clients = 4;
  int pollers = 8;
  absl::Duration each = absl::Seconds(10);  // how long each row of each phase runs
  // The server's clock: "the last 30 days" and the sampled filing window are relative to it.
  std::function<absl::Time()> clock = [] { return absl::Now(); };
};

// Measures against the server behind `channel`; the pollers use `pollers_channel`.
void RunInterference(const std::shared_ptr<grpc::Channel>& channel,
                     const std::shared_ptr<grpc::Channel>& pollers_channel,
                     const InterferenceOptions& options);

}  // namespace closedloop::bench

#endif  // CLOSEDLOOP_TOOLS_BENCH_INTERFERENCE_H_
