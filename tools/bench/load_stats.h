// What a load run records: per kind of call, each call's latency and the failures by status
// code, collected per client thread without locks and merged for the report.
#ifndef CLOSEDLOOP_TOOLS_BENCH_LOAD_STATS_H_
#define CLOSEDLOOP_TOOLS_BENCH_LOAD_STATS_H_

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <map>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"

namespace closedloop::bench {

// One client thread's record; `kinds` kinds of call, numbered 0 .. kinds - 1.
struct LoadRecord {
  explicit LoadRecord(int kinds) : micros(kinds), failures(kinds), items(kinds) {}
  std::vector<std::vector<float>> micros;          // every call's latency, by kind
  std::vector<std::map<int, uint64_t>> failures;   // gRPC code (or item code) -> count, by kind
  std::vector<uint64_t> items;                     // items carried (filings of a batch), by kind

  void Add(int kind, absl::Duration latency, int code, int item_count = 1) {
    micros[kind].push_back(static_cast<float>(absl::ToDoubleMicroseconds(latency)));
    items[kind] += item_count;
    if (code != 0) ++failures[kind][code];
  }
  void Merge(const LoadRecord& other) {
    for (size_t k = 0; k < micros.size(); ++k) {
      micros[k].insert(micros[k].end(), other.micros[k].begin(), other.micros[k].end());
      for (const auto& [code, n] : other.failures[k]) failures[k][code] += n;
      items[k] += other.items[k];
    }
  }
};

// p in [0, 1] of sorted samples, in ms.
inline double PercentileMs(const std::vector<float>& sorted, double p) {
  if (sorted.empty()) return 0;
  return sorted[std::min(sorted.size() - 1, static_cast<size_t>(p * sorted.size()))] / 1000.0;
}

// "UNAVAILABLE 3, ABORTED 1" (codes named by `code_name`), or "" for none.
template <typename CodeName>
std::string FailureText(const std::map<int, uint64_t>& failures, CodeName code_name) {
  std::string text;
  for (const auto& [code, n] : failures) {
    absl::StrAppend(&text, text.empty() ? "" : ", ", code_name(code), " ", n);
  }
  return text;
}

// Prints one row per kind with calls: count, calls/s, p50/p99/p999 (ms), failures.
template <typename CodeName>
void PrintLatencyTable(LoadRecord& all, const std::vector<std::string>& names, double seconds,
                       CodeName code_name) {
  std::printf("  %-22s %9s %9s %8s %8s %8s  %s\n", "rpc", "calls", "calls/s", "p50 ms",
              "p99 ms", "p999 ms", "failures");
  for (size_t k = 0; k < names.size(); ++k) {
    std::vector<float>& m = all.micros[k];
    if (m.empty()) continue;
    std::sort(m.begin(), m.end());
    std::string items = all.items[k] != m.size()
                            ? absl::StrCat(" (", all.items[k], " items, ",
                                           static_cast<uint64_t>(all.items[k] / seconds), "/s)")
                            : "";
    std::printf("  %-22s %9zu %9.0f %8.2f %8.2f %8.2f  %s%s\n", names[k].c_str(), m.size(),
                m.size() / seconds, PercentileMs(m, 0.5), PercentileMs(m, 0.99),
                PercentileMs(m, 0.999), FailureText(all.failures[k], code_name).c_str(),
                items.c_str());
  }
}

}  // namespace closedloop::bench

#endif  // CLOSEDLOOP_TOOLS_BENCH_LOAD_STATS_H_
