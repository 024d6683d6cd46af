// The benchmarks' usage line, and a --help that lists their flags.
#ifndef CLOSEDLOOP_TOOLS_BENCH_USAGE_H_
#define CLOSEDLOOP_TOOLS_BENCH_USAGE_H_

#include "absl/flags/usage.h"
#include "absl/flags/usage_config.h"
#include "absl/strings/match.h"
#include "absl/strings/string_view.h"

namespace closedloop::bench {

// Abseil's --help lists the flags of the source file named like the binary; the binaries are
// closedloop_<name>_bench and their sources <name>_bench.cc, so --help lists every flag defined
// under tools/bench/ instead.
inline void SetUsage(absl::string_view message) {
  absl::FlagsUsageConfig config;
  config.contains_help_flags = [](absl::string_view file) {
    return absl::StrContains(file, "tools/bench/");
  };
  absl::SetFlagsUsageConfig(config);
  absl::SetProgramUsageMessage(message);
}

}  // namespace closedloop::bench

#endif  // CLOSEDLOOP_TOOLS_BENCH_USAGE_H_
