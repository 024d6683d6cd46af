// Builds a large, realistic event store fast: the cases of case_script.h, decided and appended
// by the service layer in process (ComplaintCommands, as every ComplaintService RPC does, minus
// gRPC), from many threads so that appends share synced writes. No projections run meanwhile;
// whoever opens the store later builds them from the log. Used by closedloop_replay_bench.
#ifndef CLOSEDLOOP_TOOLS_BENCH_STORE_GENERATOR_H_
#define CLOSEDLOOP_TOOLS_BENCH_STORE_GENERATOR_H_

#include <atomic>
#include <cstdint>

#include "absl/status/status.h"
#include "closedloop/v1/config.pb.h"
#include "storage/event_log.h"

namespace closedloop::bench {

struct GeneratorOptions {
  uint64_t events = 1000000;  // stop once the log holds at least this many events
  int threads = 64;           // each walks one case at a time, command after command
  int extra_rounds = 0;       // case_script.h: longer-lived cases (about 12 events per round)
  int open_percent = 10;      // cases left open part-way through their script
};

struct GeneratorResult {
  uint64_t cases = 0;
  uint64_t open_cases = 0;
  uint64_t commands = 0;
  uint64_t failures = 0;  // commands the service refused (should be 0)
};

// Appends to `log` until it holds options.events events; counts appended events in `events`.
GeneratorResult GenerateStore(storage::EventLog& log, const v1::Config& config,
                              const GeneratorOptions& options, std::atomic<uint64_t>& events);

}  // namespace closedloop::bench

#endif  // CLOSEDLOOP_TOOLS_BENCH_STORE_GENERATOR_H_
