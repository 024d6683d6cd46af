// closedloop_timer_bench: the timer service at scale, in the server process the daemon runs
// (in-process server on a fresh RocksDB, built-in configuration, projections running), with the
// server's clock moved ahead by the benchmark.
//
//   workload     what it measures
//   -----------  ----------------------------------------------------------------------------
//   fire_100k    files --cases complaints (each has a first-contact and a resolution deadline,
//                each warned and then breached: 4 firings), moves the clock 30 h ahead and
//                times the pass that fires them all: firings/s. Then how long the projections
//                take to catch up with the firings.
//   pending_1m   files --pending / 2 complaints (2 pending deadlines each) and reports the
//                process's memory (VmRSS, VmHWM) and the store's size on disk
//
// Usage: closedloop_timer_bench [--workloads=fire_100k,pending_1m] [--cases=25000]
//                               [--pending=1000000] [--dir=/tmp]
#include <atomic>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/strings/match.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "tools/bench/bench_server.h"
#include "tools/bench/usage.h"

ABSL_FLAG(std::string, workloads, "fire_100k,pending_1m", "Comma-separated workloads, in order.");
ABSL_FLAG(int, cases, 25000, "Complaints filed for fire_100k (4 firings each).");
ABSL_FLAG(int, pending, 1000000, "Pending deadlines for pending_1m (2 per complaint).");
ABSL_FLAG(std::string, dir, "/tmp", "Where the benchmark database is created.");

namespace {

using namespace closedloop;  // NOLINT: a benchmark's main file

// The server's clock: the wall clock plus an offset the benchmark moves.
std::atomic<int64_t> clock_offset_us{0};
absl::Time ServerNow() { return absl::Now() + absl::Microseconds(clock_offset_us.load()); }

// Files `count` complaints in batches of 500 from 4 client threads; seconds taken.
double FileCases(bench::BenchServer& s, int count) {
  auto stub = v1::ComplaintService::NewStub(s.channel);
  const absl::Time start = absl::Now();
  std::atomic<int> next{0};
  std::atomic<int> failed{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int first; (first = next.fetch_add(500)) < count;) {
        if (!bench::FileBatch(*stub, first, std::min(500, count - first))) ++failed;
      }
    });
  }
  for (std::thread& t : threads) t.join();
  if (failed > 0) std::printf("  %d batches FAILED\n", failed.load());
  return absl::ToDoubleSeconds(absl::Now() - start);
}

void Fire(bench::BenchServer& s) {
  const int cases = absl::GetFlag(FLAGS_cases);
  std::printf("fire_100k    filed %d complaints in %.1f s\n", cases, FileCases(s, cases));
  s.server->projections().WaitFor(s.log->HeadPosition(), absl::InfiniteFuture()).IgnoreError();
  const uint64_t before = s.log->HeadPosition();

  const absl::Time start = absl::Now();
  clock_offset_us += absl::ToInt64Microseconds(absl::Hours(30));
  // The server's own loop may begin the pass; this one then waits for it (passes never overlap).
  absl::StatusOr<services::TimerService::Pass> pass = s.server->timers().FireDue();
  const double seconds = absl::ToDoubleSeconds(absl::Now() - start);
  if (!pass.ok()) std::printf("  pass FAILED: %s\n", pass.status().ToString().c_str());

  storage::EventFilter filter;
  filter.event_types = {"complaint.deadline_warned", "complaint.deadline_breached"};
  uint64_t firings = 0;
  for (uint64_t from = before + 1; from <= s.log->HeadPosition();) {
    absl::StatusOr<storage::ReadAllResult> page = s.log->ReadAll(from, 1000, filter, 100000);
    if (!page.ok()) break;
    firings += page->events.size();
    from = page->next_position;
  }
  std::printf("fire_100k    %llu firings (%llu events) in %.1f s: %.0f firings/s\n",
              static_cast<unsigned long long>(firings),
              static_cast<unsigned long long>(s.log->HeadPosition() - before), seconds,
              firings / seconds);
  const absl::Time projecting = absl::Now();
  s.server->projections().WaitFor(s.log->HeadPosition(), absl::InfiniteFuture()).IgnoreError();
  std::printf("fire_100k    projections caught up %.1f s after the pass\n",
              absl::ToDoubleSeconds(absl::Now() - projecting));
}

// "VmRSS:   123 kB" -> the value in MB, from /proc/self/status.
double StatusMb(const std::string& field) {
  std::ifstream status("/proc/self/status");
  for (std::string line; std::getline(status, line);) {
    if (absl::StartsWith(line, field + ":")) {
      return std::stod(line.substr(field.size() + 1)) / 1024;
    }
  }
  return 0;
}

double DiskMb(const std::string& path) {
  uintmax_t bytes = 0;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(path)) {
    if (entry.is_regular_file()) bytes += entry.file_size();
  }
  return bytes / 1048576.0;
}

void Pending(bench::BenchServer& s) {
  const int cases = absl::GetFlag(FLAGS_pending) / 2;
  const double rss_before = StatusMb("VmRSS");
  const double filing = FileCases(s, cases);
  s.server->projections().WaitFor(s.log->HeadPosition(), absl::InfiniteFuture()).IgnoreError();
  absl::StatusOr<std::vector<std::pair<std::string, std::string>>> due =
      s.log->ScanIndex(services::kTimerKeyPrefix, "due0", 4 * static_cast<size_t>(cases));
  std::printf("pending_1m   filed %d complaints in %.1f s; %zu pending deadlines indexed\n", cases,
              filing, due.ok() ? due->size() : 0);
  std::printf("pending_1m   VmRSS %.0f MB (%.0f MB before filing), VmHWM %.0f MB, store %.0f MB "
              "on disk (log and views)\n",
              StatusMb("VmRSS"), rss_before, StatusMb("VmHWM"), DiskMb(s.path));
}

}  // namespace

int main(int argc, char** argv) {
  closedloop::bench::SetUsage("Timer service benchmarks; see the table in timer_bench.cc.");
  absl::ParseCommandLine(argc, argv);
  for (const std::string& w : std::vector<std::string>(absl::StrSplit(absl::GetFlag(FLAGS_workloads), ','))) {
    bench::BenchServer server(absl::GetFlag(FLAGS_dir), ServerNow);
    if (w == "fire_100k") Fire(server);
    else if (w == "pending_1m") Pending(server);
    else {
      std::fprintf(stderr, "unknown workload %s\n", w.c_str());
      return 2;
    }
  }
  return 0;
}
