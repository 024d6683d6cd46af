// closedloop_api_bench: the product end to end over gRPC, beside the ceilings of the same run.
// Starts an in-process server on a fresh RocksDB in --dir and drives it through a real client
// over loopback.
//
//   workload        what it measures
//   --------------  -------------------------------------------------------------------------
//   echo_c1/16/64   the ceiling: grpc.health.v1.Health/Check (a trivial unary RPC) from 1, 16,
//                   64 client threads
//   file_c1/16/64   ComplaintService.FileComplaint from 1, 16, 64 client threads: id, routing,
//                   assignment, SLA deadlines, one synced append each, projections following
//   batch100        ComplaintService.FileComplaints with 100 filings per call, 4 threads
//   board_100k      files --open_cases open cases (batches of 500), then GetSuperheroBoard,
//                   GetDeadlineBoard, GetMetrics (all time and the last 30 days),
//                   GetDepartmentCatalog (every department) and ListComplaints (first page of
//                   all cases) latency from 4 client threads
//
// Usage: closedloop_api_bench [--workloads=a,b,...] [--seconds=3] [--open_cases=100000]
#include <algorithm>
#include <atomic>
#include <cstdio>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "closedloop/v1/complaint_service.grpc.pb.h"
#include "closedloop/v1/query_service.grpc.pb.h"
#include "grpcpp/create_channel.h"
#include "services/daemon/config.h"
#include "services/api/server.h"
#include "tools/bench/bench_server.h"
#include "tools/bench/usage.h"
#include "tools/health_client.h"

ABSL_FLAG(std::string, workloads, "echo_c1,file_c1,echo_c16,file_c16,echo_c64,file_c64,batch100,board_100k",
          "Comma-separated workloads to run, in order.");
ABSL_FLAG(int, seconds, 3, "How long each timed workload runs.");
ABSL_FLAG(int, open_cases, 100000, "Open cases filed before board_100k queries.");
ABSL_FLAG(std::string, dir, "/tmp", "Where the benchmark database is created.");

namespace {

using namespace closedloop;  // NOLINT: a benchmark's main file
using bench::BenchServer;
using bench::FileBatch;
using bench::Filing;

// Runs `op` from `threads` threads for --seconds (or `count` ops in all, when non-zero) and
// prints ops/s and latency percentiles; `per_op` items are counted per op (filings per batch).
template <typename Op>
void Run(const std::string& name, int threads, Op op, int per_op = 1) {
  const absl::Time start = absl::Now();
  const absl::Time stop = start + absl::Seconds(absl::GetFlag(FLAGS_seconds));
  std::vector<std::vector<absl::Duration>> samples(threads);
  std::atomic<int> failures{0};
  std::vector<std::thread> workers;
  for (int t = 0; t < threads; ++t) {
    workers.emplace_back([&, t] {
      for (uint64_t i = 0; absl::Now() < stop; ++i) {
        const absl::Time before = absl::Now();
        if (!op(t, i)) ++failures;
        samples[t].push_back(absl::Now() - before);
      }
    });
  }
  for (std::thread& w : workers) w.join();
  const double seconds = absl::ToDoubleSeconds(absl::Now() - start);
  std::vector<absl::Duration> all;
  for (auto& s : samples) all.insert(all.end(), s.begin(), s.end());
  std::sort(all.begin(), all.end());
  auto pct = [&](double p) {
    return all.empty() ? 0.0 : absl::ToDoubleMicroseconds(all[std::min(all.size() - 1, static_cast<size_t>(p * all.size()))]);
  };
  std::printf("%-12s %10.0f %s/s   p50 %8.0f us   p99 %8.0f us%s\n", name.c_str(),
              all.size() * per_op / seconds, per_op == 1 ? "calls  " : "filings", pct(0.5),
              pct(0.99), failures ? absl::StrCat("   (", failures.load(), " FAILED)").c_str() : "");
  std::fflush(stdout);
}

void Echo(BenchServer& s, const std::string& name, int threads) {
  Run(name, threads, [&](int, uint64_t) { return tools::CheckHealth(s.channel, absl::Seconds(10)).ok(); });
}

void File(BenchServer& s, const std::string& name, int threads) {
  auto stub = v1::ComplaintService::NewStub(s.channel);
  const storage::EventLogStats before = s.log->GetStats();
  Run(name, threads, [&](int t, uint64_t i) {
    grpc::ClientContext context;
    v1::FileComplaintRequest request;
    *request.mutable_complaint() = Filing(t * 1000003 + i);
    v1::CommandResponse response;
    return stub->FileComplaint(&context, request, &response).ok();
  });
  const storage::EventLogStats after = s.log->GetStats();
  std::printf("%-12s appends per synced write: %.1f\n", "",
              static_cast<double>(after.appends - before.appends) /
                  std::max<uint64_t>(after.commits - before.commits, 1));
}

void Batch(BenchServer& s, const std::string& name) {
  auto stub = v1::ComplaintService::NewStub(s.channel);
  Run(name, 4, [&](int t, uint64_t i) { return FileBatch(*stub, (t * 1000003 + i) * 100, 100); }, 100);
}

void Boards(BenchServer& s, const std::string& name) {
  auto stub = v1::ComplaintService::NewStub(s.channel);
  const int open = absl::GetFlag(FLAGS_open_cases);
  const absl::Time start = absl::Now();
  for (int i = 0; i < open; i += 500) FileBatch(*stub, 50000000 + i, std::min(500, open - i));
  s.server->projections().WaitFor(s.log->HeadPosition(), absl::InfiniteFuture()).IgnoreError();
  std::printf("%-12s filed and projected %d open cases in %.1f s\n", name.c_str(), open,
              absl::ToDoubleSeconds(absl::Now() - start));
  auto queries = v1::QueryService::NewStub(s.channel);
  const char* owners[] = {"anna", "bob", "carla", "farid", "greta", "dave", "erin", "hana", "ivan"};
  Run(name + "/owner", 4, [&](int t, uint64_t i) {
    grpc::ClientContext context;
    v1::GetSuperheroBoardRequest request;
    request.set_owner(owners[(t + i) % 9]);
    v1::SuperheroBoard board;
    return queries->GetSuperheroBoard(&context, request, &board).ok() && board.open() > 0;
  });
  Run(name + "/due", 4, [&](int, uint64_t) {
    grpc::ClientContext context;
    v1::GetDeadlineBoardRequest request;
    v1::DeadlineBoard board;
    return queries->GetDeadlineBoard(&context, request, &board).ok();
  });
  Run(name + "/metrics", 4, [&](int, uint64_t) {
    grpc::ClientContext context;
    v1::GetMetricsRequest request;
    v1::Metrics metrics;
    return queries->GetMetrics(&context, request, &metrics).ok() && metrics.complaints() > 0;
  });
  Run(name + "/metrics_30d", 4, [&](int, uint64_t) {
    grpc::ClientContext context;
    v1::GetMetricsRequest request;
    request.mutable_filed_after()->set_seconds(absl::ToUnixSeconds(absl::Now() - absl::Hours(24 * 30)));
    v1::Metrics metrics;
    return queries->GetMetrics(&context, request, &metrics).ok() && metrics.complaints() > 0;
  });
  Run(name + "/catalog", 4, [&](int, uint64_t) {
    grpc::ClientContext context;
    v1::GetDepartmentCatalogRequest request;
    v1::DepartmentCatalog catalog;
    return queries->GetDepartmentCatalog(&context, request, &catalog).ok();
  });
  Run(name + "/list", 4, [&](int, uint64_t) {
    grpc::ClientContext context;
    v1::ListComplaintsRequest request;
    v1::ListComplaintsResponse page;
    return queries->ListComplaints(&context, request, &page).ok() && page.total_size() >= open;
  });
}

}  // namespace

int main(int argc, char** argv) {
  closedloop::bench::SetUsage("End-to-end API benchmarks; see the table in api_bench.cc.");
  absl::ParseCommandLine(argc, argv);
  BenchServer server(absl::GetFlag(FLAGS_dir));
  for (const std::string& w : std::vector<std::string>(absl::StrSplit(absl::GetFlag(FLAGS_workloads), ','))) {
    if (w == "echo_c1") Echo(server, w, 1);
    else if (w == "echo_c16") Echo(server, w, 16);
    else if (w == "echo_c64") Echo(server, w, 64);
    else if (w == "file_c1") File(server, w, 1);
    else if (w == "file_c16") File(server, w, 16);
    else if (w == "file_c64") File(server, w, 64);
    else if (w == "batch100") Batch(server, w);
    else if (w == "board_100k") Boards(server, w);
    else {
      std::fprintf(stderr, "unknown workload %s\n", w.c_str());
      return 2;
    }
  }
  return 0;
}
