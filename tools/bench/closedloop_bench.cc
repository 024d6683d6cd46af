// closedloop_bench: named storage workloads, run in one process so the figures compare.
//
//   workload           what it measures
//   -----------------  ---------------------------------------------------------------------
//   append_c1          EventLog::Append, 1 event per append, synced, 1 thread; like every
//                      command, each append has a unique request id (so the log looks up and
//                      writes its receipt) and expects the stream's exact revision
//   append_c16         the same from 16 threads (group commit at work)
//   append_c64         the same from 64 threads
//   append_async_c64   64 appends kept in flight with AppendAsync, each completion issuing the
//                      next: how the gRPC server uses the log (no thread parked per request)
//   rocksdb_sync_c64   the ceiling: raw RocksDB Put(sync=true) of a same-sized value from
//                      64 threads into the log's own database (same options and column
//                      families), grouped only by RocksDB's own writer queue
//   scan_all           EventLog::ScanAll (the replay path) over --scan_events events
//
// Usage: closedloop_bench [--workloads=a,b,...] [--seconds=3] [--scan_events=1000000]
//                         [--dir=/tmp]   (a fresh database per workload, removed afterwards)
#include <algorithm>
#include <atomic>
#include <cstdio>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/synchronization/notification.h"
#include "absl/time/clock.h"
#include "rocksdb/db.h"
#include "storage/event_log.h"
#include "storage/key_layout.h"
#include "storage/log_database.h"
#include "tools/bench/usage.h"

ABSL_FLAG(std::string, workloads,
          "append_c1,append_c16,append_c64,append_async_c64,rocksdb_sync_c64,scan_all",
          "Comma-separated workloads to run, in order.");
ABSL_FLAG(int, seconds, 3, "How long each append workload runs.");
ABSL_FLAG(int, scan_events, 1000000, "Events written, then scanned, by scan_all.");
ABSL_FLAG(int, payload_bytes, 200, "Payload size of each event.");
ABSL_FLAG(std::string, dir, "/tmp", "Where the benchmark databases are created.");

namespace {

using closedloop::storage::AppendRequest;
using closedloop::storage::EventLog;

struct Latencies {
  std::vector<absl::Duration> samples;
  absl::Duration elapsed;
};

void Report(const std::string& name, uint64_t events, Latencies& l, const std::string& extra) {
  std::sort(l.samples.begin(), l.samples.end());
  auto pct = [&](double p) {
    if (l.samples.empty()) return 0.0;
    size_t i = std::min(l.samples.size() - 1, static_cast<size_t>(p * l.samples.size()));
    return absl::ToDoubleMicroseconds(l.samples[i]);
  };
  std::printf("%-18s %12.0f events/s   p50 %9.0f us   p99 %9.0f us   %s\n", name.c_str(),
              events / absl::ToDoubleSeconds(l.elapsed), pct(0.50), pct(0.99), extra.c_str());
  std::fflush(stdout);
}

std::string FreshDir(const std::string& name) {
  std::string path = absl::StrCat(absl::GetFlag(FLAGS_dir), "/closedloop-bench-", name, "-", getpid());
  std::filesystem::remove_all(path);
  return path;
}

// Runs `op` from `threads` threads until --seconds pass; returns every op's latency.
template <typename Op>
Latencies RunTimed(int threads, Op op) {
  const absl::Time start = absl::Now();
  const absl::Time stop = start + absl::Seconds(absl::GetFlag(FLAGS_seconds));
  std::vector<std::vector<absl::Duration>> per_thread(threads);
  std::vector<std::thread> workers;
  for (int t = 0; t < threads; ++t) {
    workers.emplace_back([&, t] {
      for (uint64_t i = 0; absl::Now() < stop; ++i) {
        absl::Time before = absl::Now();
        op(t, i);
        per_thread[t].push_back(absl::Now() - before);
      }
    });
  }
  for (std::thread& w : workers) w.join();
  Latencies result;
  result.elapsed = absl::Now() - start;
  for (auto& v : per_thread) result.samples.insert(result.samples.end(), v.begin(), v.end());
  return result;
}

std::unique_ptr<EventLog> OpenLog(const std::string& path) {
  closedloop::storage::EventLogOptions options;
  options.path = path;
  auto log = EventLog::Open(options);
  if (!log.ok()) {
    std::fprintf(stderr, "open: %s\n", log.status().ToString().c_str());
    std::exit(1);
  }
  return *std::move(log);
}

// Streams per thread (or async slot); each is written by that thread only, so it knows the
// exact revision to expect.
constexpr uint64_t kStreamsPerThread = 100;

AppendRequest OneEvent(int thread, uint64_t i, const std::string& payload) {
  AppendRequest request;
  request.stream = absl::StrCat("complaint-", thread, "-", i % kStreamsPerThread);
  auto& event = request.events.emplace_back();
  event.set_type("complaint.commented");
  event.set_payload(payload);
  event.mutable_actor()->set_principal("user:bench");
  event.mutable_actor()->set_role("superhero");
  return request;
}

// What a command appends: OneEvent with a unique request id and the exact revision expected.
AppendRequest Command(int thread, uint64_t i, const std::string& payload, uint64_t revision) {
  AppendRequest request = OneEvent(thread, i, payload);
  request.request_id = absl::StrCat("bench-", getpid(), "-", thread, "-", i);
  request.expected = closedloop::storage::ExpectedRevision::Exact(revision);
  return request;
}

// The revision of each thread's streams, indexed [thread][i % kStreamsPerThread].
using Revisions = std::vector<std::vector<uint64_t>>;
Revisions NewRevisions(int threads) {
  return Revisions(threads, std::vector<uint64_t>(kStreamsPerThread, 0));
}

void AppendWorkload(const std::string& name, int threads) {
  const std::string path = FreshDir(name);
  const std::string payload(absl::GetFlag(FLAGS_payload_bytes), 'x');
  {
    std::unique_ptr<EventLog> log = OpenLog(path);
    std::atomic<bool> failed{false};
    Revisions revisions = NewRevisions(threads);
    Latencies l = RunTimed(threads, [&](int t, uint64_t i) {
      uint64_t& revision = revisions[t][i % kStreamsPerThread];
      auto result = log->Append(Command(t, i, payload, revision));
      if (result.ok()) {
        revision = result->stream_revision;
      } else {
        failed = true;
      }
    });
    auto stats = log->GetStats();
    Report(name, l.samples.size(), l,
           absl::StrCat("appends/commit ", static_cast<double>(stats.appends) / std::max<uint64_t>(stats.commits, 1),
                        failed ? "  (SOME APPENDS FAILED)" : ""));
  }
  std::filesystem::remove_all(path);
}

void AsyncAppendWorkload(const std::string& name, int inflight) {
  const std::string path = FreshDir(name);
  const std::string payload(absl::GetFlag(FLAGS_payload_bytes), 'x');
  {
    std::unique_ptr<EventLog> log = OpenLog(path);
    const absl::Time start = absl::Now();
    const absl::Time stop = start + absl::Seconds(absl::GetFlag(FLAGS_seconds));
    std::vector<std::vector<absl::Duration>> per_slot(inflight);
    std::atomic<int> active{inflight};
    std::atomic<bool> failed{false};
    absl::Notification all_done;
    // A slot's appends run one after another, so the slot owns its streams' revisions.
    Revisions revisions = NewRevisions(inflight);
    std::function<void(int, uint64_t)> issue = [&](int slot, uint64_t i) {
      const absl::Time issued = absl::Now();
      uint64_t& revision = revisions[slot][i % kStreamsPerThread];
      log->AppendAsync(Command(slot, i, payload, revision),
                       [&, slot, i, issued](absl::StatusOr<closedloop::storage::AppendResult> r) {
                         const absl::Time now = absl::Now();
                         per_slot[slot].push_back(now - issued);
                         if (r.ok()) {
                           revisions[slot][i % kStreamsPerThread] = r->stream_revision;
                         } else {
                           failed = true;
                         }
                         if (now < stop) {
                           issue(slot, i + 1);
                         } else if (--active == 0) {
                           all_done.Notify();
                         }
                       });
    };
    for (int slot = 0; slot < inflight; ++slot) issue(slot, 0);
    all_done.WaitForNotification();
    Latencies l;
    l.elapsed = absl::Now() - start;
    for (auto& v : per_slot) l.samples.insert(l.samples.end(), v.begin(), v.end());
    auto stats = log->GetStats();
    Report(name, l.samples.size(), l,
           absl::StrCat("appends/commit ",
                        static_cast<double>(stats.appends) / std::max<uint64_t>(stats.commits, 1),
                        failed ? "  (SOME APPENDS FAILED)" : ""));
  }
  std::filesystem::remove_all(path);
}

void RawRocksDbWorkload(const std::string& name, int threads) {
  const std::string path = FreshDir(name);
  const std::string value(absl::GetFlag(FLAGS_payload_bytes) + 120, 'x');  // ~ a serialized record
  {
    auto db = closedloop::storage::LogDatabase::Open(path);
    if (!db.ok()) {
      std::fprintf(stderr, "open: %s\n", db.status().ToString().c_str());
      std::exit(1);
    }
    rocksdb::WriteOptions sync;
    sync.sync = true;
    std::atomic<uint64_t> key{0};
    std::atomic<bool> failed{false};
    Latencies l = RunTimed(threads, [&](int, uint64_t) {
      const std::string k = closedloop::storage::keys::EventKey(key.fetch_add(1) + 1);
      if (!(*db)->db().Put(sync, (*db)->events(), k, value).ok()) failed = true;
    });
    Report(name, l.samples.size(), l,
           absl::StrCat("(ceiling: RocksDB's own write group)",
                        failed ? "  (SOME PUTS FAILED)" : ""));
  }
  std::filesystem::remove_all(path);
}

void ScanWorkload(const std::string& name) {
  const std::string path = FreshDir(name);
  const int total = absl::GetFlag(FLAGS_scan_events);
  const std::string payload(absl::GetFlag(FLAGS_payload_bytes), 'x');
  {
    std::unique_ptr<EventLog> log = OpenLog(path);
    for (int written = 0; written < total;) {
      AppendRequest request = OneEvent(0, written / 1000, payload);
      while (static_cast<int>(request.events.size()) < std::min(1000, total - written)) {
        request.events.push_back(request.events.front());
      }
      written += request.events.size();
      if (!log->Append(std::move(request)).ok()) std::exit(1);
    }
    // Reopen, so the scan reads a settled store rather than racing the fill's flushes.
    log.reset();
    log = OpenLog(path);
    // Two passes: the first right after reopening, while compaction may still run; the
    // second over a warm, settled store.
    for (const char* pass : {"cold", "warm"}) {
      Latencies l;
      const absl::Time start = absl::Now();
      uint64_t seen = 0;
      uint64_t payload_bytes = 0;
      for (uint64_t from = 1; from <= log->HeadPosition();) {
        absl::Time before = absl::Now();
        auto next = log->ScanAll(from, {}, 10000, [&](const closedloop::storage::RecordedEvent& e) {
          payload_bytes += e.payload().size();
          return true;
        });
        if (!next.ok()) std::exit(1);
        l.samples.push_back(absl::Now() - before);
        seen += *next - from;
        from = *next;
      }
      l.elapsed = absl::Now() - start;
      Report(absl::StrCat(name, "_", pass), seen, l,
             absl::StrCat("latency per 10000-event ScanAll call; ", seen, " events, ",
                          payload_bytes >> 20, " MiB of payload"));
    }
  }
  std::filesystem::remove_all(path);
}

}  // namespace

int main(int argc, char** argv) {
  closedloop::bench::SetUsage("Storage benchmarks; see the workload table in closedloop_bench.cc.");
  absl::ParseCommandLine(argc, argv);
  for (const std::string& w : std::vector<std::string>(absl::StrSplit(absl::GetFlag(FLAGS_workloads), ','))) {
    if (w == "append_c1") AppendWorkload(w, 1);
    else if (w == "append_c16") AppendWorkload(w, 16);
    else if (w == "append_c64") AppendWorkload(w, 64);
    else if (w == "append_async_c64") AsyncAppendWorkload(w, 64);
    else if (w == "rocksdb_sync_c64") RawRocksDbWorkload(w, 64);
    else if (w == "scan_all") ScanWorkload(w);
    else {
      std::fprintf(stderr, "unknown workload %s\n", w.c_str());
      return 2;
    }
  }
  return 0;
}
