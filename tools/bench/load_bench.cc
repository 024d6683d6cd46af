// closedloop_load_bench: the product under a realistic load, end to end over gRPC, beside the
// ceilings of the same run.
//
// Starts the server in process on a fresh RocksDB in --dir (the daemon's parts: built-in
// configuration, projections, timer service) and, through a real client over loopback:
//
//   phase      what it does
//   ---------  -------------------------------------------------------------------------------
//   preload    files --preload open cases (FileComplaints, 500 per call) so that boards,
//              lists and metrics answer over a realistic number of cases; not measured
//   echo       the ceiling: grpc.health.v1.Health/Check (answered by gRPC itself) from
//              --threads client threads for --ceiling_seconds
//   mix        --threads client threads (load_client.h has the mix: 70 % commands walking
//              each case through its lifecycle, 30 % reads) for --seconds, or until
//              --operations calls in all
//   webhooks   with --webhooks=N: N endpoints deliver to receivers on 127.0.0.1 during the
//              mix; their rate and lag, how long after the mix they caught up, and the
//              ceiling of the receiving side: POSTs in a loop over one connection
//              (webhook_load.h)
//   rocksdb    the storage ceilings: runs closedloop_bench (next to this binary) with
//              --ceiling_workloads for --ceiling_seconds each, after the mix
//
// The report: total calls/s, commands/s and reads/s, and per RPC the calls, calls/s,
// p50/p99/p999 latency and failures by status code; the log's group commit during the mix.
//
// Usage: closedloop_load_bench [--threads=16] [--seconds=30 | --operations=N] [--preload=10000]
//                              [--read_percent=30] [--aggregates=false] [--webhooks=0]
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "grpcpp/support/status.h"
#include "tools/bench/bench_server.h"
#include "tools/bench/load_client.h"
#include "tools/bench/load_stats.h"
#include "tools/bench/progress.h"
#include "tools/bench/usage.h"
#include "tools/bench/webhook_load.h"
#include "tools/health_client.h"

ABSL_FLAG(int, threads, 16, "Client threads (each makes one call at a time).");
ABSL_FLAG(int, seconds, 30, "How long the mix runs (unless --operations is given).");
ABSL_FLAG(int64_t, operations, 0, "If positive: run the mix until this many calls, in all.");
ABSL_FLAG(int, pool, 32, "Cases each client thread keeps in flight.");
ABSL_FLAG(int, read_percent, 30,
          "Share of reads in the mix, in percent (load_client.h; 0: commands only).");
ABSL_FLAG(bool, aggregates, true,
          "false: every read is a GetComplaint (no lists, boards or metrics).");
ABSL_FLAG(int, preload, 10000, "Open cases filed before the measured phases.");
ABSL_FLAG(int, ceiling_seconds, 5, "How long each ceiling runs; 0 skips the ceilings.");
ABSL_FLAG(std::string, ceiling_workloads, "rocksdb_sync_c64,append_c64",
          "closedloop_bench workloads run as storage ceilings after the mix.");
ABSL_FLAG(int, webhooks, 0,
          "Webhook endpoints (role dashboard, every event type) delivering to local receivers "
          "during the mix; 0: none, as in the figures before them.");
ABSL_FLAG(int, webhook_catchup_seconds, 300,
          "How long to wait after the mix for the webhook endpoints to catch up.");
ABSL_FLAG(std::string, dir, "/tmp", "Where the benchmark database is created.");

namespace {

using namespace closedloop;  // NOLINT: a benchmark's main file

std::string CodeName(int code) {
  static const char* const names[] = {
      "OK",        "CANCELLED",         "UNKNOWN",        "INVALID_ARGUMENT",
      "DEADLINE_EXCEEDED", "NOT_FOUND", "ALREADY_EXISTS", "PERMISSION_DENIED",
      "RESOURCE_EXHAUSTED", "FAILED_PRECONDITION", "ABORTED", "OUT_OF_RANGE",
      "UNIMPLEMENTED", "INTERNAL", "UNAVAILABLE", "DATA_LOSS", "UNAUTHENTICATED"};
  return code >= 0 && code <= 16 ? names[code] : absl::StrCat("code ", code);
}

// Runs `op(thread, record)` from `threads` threads for `run_seconds` (or until `max_ops` calls
// when positive) with a progress line; returns the merged record and the seconds it took.
template <typename Op>
bench::LoadRecord Drive(const std::string& label, int threads, int kinds, int run_seconds,
                        int64_t max_ops, Op op, double& seconds) {
  std::atomic<uint64_t> done{0};
  std::atomic<int64_t> started{0};
  std::vector<bench::LoadRecord> records(threads, bench::LoadRecord(kinds));
  const absl::Time start = absl::Now();
  const absl::Time stop = start + absl::Seconds(run_seconds);
  {
    bench::Progress progress(label, "calls", done, max_ops > 0 ? max_ops : 0,
                             absl::Seconds(run_seconds));
    std::vector<std::thread> workers;
    for (int t = 0; t < threads; ++t) {
      workers.emplace_back([&, t] {
        for (;;) {
          if (max_ops > 0 ? started.fetch_add(1) >= max_ops : absl::Now() >= stop) break;
          op(t, records[t]);
          done.fetch_add(1, std::memory_order_relaxed);
        }
      });
    }
    for (std::thread& w : workers) w.join();
  }
  seconds = absl::ToDoubleSeconds(absl::Now() - start);
  bench::LoadRecord all(kinds);
  for (const bench::LoadRecord& r : records) all.Merge(r);
  return all;
}

void Echo(bench::BenchServer& s, int threads) {
  double seconds = 0;
  bench::LoadRecord all = Drive("echo", threads, 1, absl::GetFlag(FLAGS_ceiling_seconds), 0, [&](int, bench::LoadRecord& record) {
    const absl::Time before = absl::Now();
    absl::StatusOr<std::string> health = tools::CheckHealth(s.channel, absl::Seconds(10));
    record.Add(0, absl::Now() - before, health.ok() ? 0 : static_cast<int>(health.status().code()));
  }, seconds);
  std::printf("\nceiling: grpc.health.v1.Health/Check, %d client threads, %.1f s\n", threads, seconds);
  bench::PrintLatencyTable(all, {"Health/Check"}, seconds, CodeName);
}

// p50 and p99 (ms) of every call of kinds [first, last).
std::pair<double, double> Percentiles(const bench::LoadRecord& all, int first, int last) {
  std::vector<float> m;
  for (int k = first; k < last; ++k) m.insert(m.end(), all.micros[k].begin(), all.micros[k].end());
  std::sort(m.begin(), m.end());
  return {bench::PercentileMs(m, 0.5), bench::PercentileMs(m, 0.99)};
}

void Mix(bench::BenchServer& s, int threads, bench::WebhookLoad* webhooks) {
  std::vector<bench::LoadClient> clients;
  for (int t = 0; t < threads; ++t) {
    clients.emplace_back(s.channel, 1000 + t, absl::GetFlag(FLAGS_pool),
                         absl::GetFlag(FLAGS_read_percent), absl::GetFlag(FLAGS_aggregates));
  }
  const storage::EventLogStats before = s.log->GetStats();
  const uint64_t head_before = s.log->HeadPosition();
  double seconds = 0;
  if (webhooks != nullptr) webhooks->LoadStarted(head_before);
  bench::LoadRecord all = Drive("mix", threads, bench::kRpcCount, absl::GetFlag(FLAGS_seconds),
                                absl::GetFlag(FLAGS_operations),
                                [&](int t, bench::LoadRecord& record) { clients[t].Call(record); },
                                seconds);
  if (webhooks != nullptr) webhooks->LoadStopped(s.log->HeadPosition());
  const storage::EventLogStats after = s.log->GetStats();
  const uint64_t events = s.log->HeadPosition() - head_before;
  uint64_t commands = 0, reads = 0, failed = 0, filings = 0;
  for (int k = 0; k < bench::kRpcCount; ++k) {
    (k < bench::kFirstRead ? commands : reads) += all.micros[k].size();
    if (k <= bench::kFileComplaints) filings += all.items[k];
    for (const auto& [code, n] : all.failures[k]) failed += n;
  }
  std::printf("\nmix: %d client threads, %.1f s, %llu calls: %.0f calls/s "
              "(commands %.0f/s, reads %.0f/s), %llu failed\n",
              threads, seconds, static_cast<unsigned long long>(commands + reads),
              (commands + reads) / seconds, commands / seconds, reads / seconds,
              static_cast<unsigned long long>(failed));
  std::printf("     %llu filings (%.0f/s), %llu events appended (%.0f/s), "
              "%.1f appends per synced write\n",
              static_cast<unsigned long long>(filings), filings / seconds,
              static_cast<unsigned long long>(events), events / seconds,
              static_cast<double>(after.appends - before.appends) /
                  std::max<uint64_t>(after.commits - before.commits, 1));
  const auto [command_p50, command_p99] = Percentiles(all, 0, bench::kFirstRead);
  const auto [read_p50, read_p99] = Percentiles(all, bench::kFirstRead, bench::kRpcCount);
  std::printf("     commands p50 %.2f ms, p99 %.2f ms; reads p50 %.2f ms, p99 %.2f ms\n",
              command_p50, command_p99, read_p50, read_p99);
  bench::PrintLatencyTable(all, bench::RpcNames(), seconds, CodeName);
  const absl::Time wait = absl::Now();
  s.server->projections().WaitFor(s.log->HeadPosition(), absl::InfiniteFuture()).IgnoreError();
  std::printf("     projections caught up %.2f s after the mix\n",
              absl::ToDoubleSeconds(absl::Now() - wait));
}

void Preload(bench::BenchServer& s, int cases) {
  if (cases <= 0) return;
  auto stub = v1::ComplaintService::NewStub(s.channel);
  std::atomic<uint64_t> done{0};
  const absl::Time start = absl::Now();
  {
    bench::Progress progress("preload", "cases", done, cases);
    std::vector<std::thread> workers;
    for (int t = 0; t < 4; ++t) {
      workers.emplace_back([&, t] {
        for (int i = t * 500; i < cases; i += 4 * 500) {
          const int n = std::min(500, cases - i);
          bench::FileBatch(*stub, 900000000ULL + i, n);
          done += n;
        }
      });
    }
    for (std::thread& w : workers) w.join();
  }
  s.server->projections().WaitFor(s.log->HeadPosition(), absl::InfiniteFuture()).IgnoreError();
  std::printf("preload: %d open cases filed and projected in %.1f s (log at %llu events)\n", cases,
              absl::ToDoubleSeconds(absl::Now() - start),
              static_cast<unsigned long long>(s.log->HeadPosition()));
}

// Runs closedloop_bench from this binary's directory for the storage ceilings.
void StorageCeilings() {
  const std::string workloads = absl::GetFlag(FLAGS_ceiling_workloads);
  if (workloads.empty()) return;
  const std::filesystem::path self = std::filesystem::read_symlink("/proc/self/exe");
  const std::string command = absl::StrCat(
      (self.parent_path() / "closedloop_bench").string(), " --workloads=", workloads,
      " --seconds=", absl::GetFlag(FLAGS_ceiling_seconds), " --dir=", absl::GetFlag(FLAGS_dir));
  std::printf("\nceiling: %s\n", command.c_str());
  std::fflush(stdout);
  if (std::system(command.c_str()) != 0) std::printf("  (closedloop_bench failed)\n");
}

}  // namespace

int main(int argc, char** argv) {
  closedloop::bench::SetUsage("End-to-end load over gRPC; see the table in load_bench.cc.");
  absl::ParseCommandLine(argc, argv);
  std::setvbuf(stdout, nullptr, _IOLBF, 0);  // results interleave with the progress lines
  const int threads = absl::GetFlag(FLAGS_threads);
  const bool ceilings = absl::GetFlag(FLAGS_ceiling_seconds) > 0;
  {
    // Before the server: its delivery loops post to the receivers until it stops.
    std::unique_ptr<bench::WebhookLoad> webhooks;
    if (absl::GetFlag(FLAGS_webhooks) > 0) {
      webhooks = std::make_unique<bench::WebhookLoad>(absl::GetFlag(FLAGS_webhooks));
    }
    bench::BenchServer server(absl::GetFlag(FLAGS_dir), [] { return absl::Now(); },
                              webhooks != nullptr ? webhooks->Targets()
                                                  : std::vector<services::WebhookTarget>{});
    Preload(server, absl::GetFlag(FLAGS_preload));
    const absl::Duration catch_up = absl::Seconds(absl::GetFlag(FLAGS_webhook_catchup_seconds));
    if (webhooks != nullptr) {
      webhooks->Connect(server.channel);
      // Else the mix would start with the preload's backlog still being delivered.
      webhooks->DrainBacklog(server.log->HeadPosition(), catch_up);
    }
    if (ceilings) Echo(server, threads);
    Mix(server, threads, webhooks.get());
    if (webhooks != nullptr) {
      webhooks->Report(catch_up);
      if (ceilings) webhooks->PostCeiling(absl::GetFlag(FLAGS_ceiling_seconds));
    }
  }
  if (ceilings) StorageCeilings();
  return 0;
}
