#include "tools/bench/interference.h"

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "closedloop/v1/complaint_service.grpc.pb.h"
#include "closedloop/v1/query_service.grpc.pb.h"
#include "domain/proto_time.h"
#include "tools/bench/bench_server.h"
#include "tools/bench/load_stats.h"
#include "tools/bench/query_workload.h"
#include "tools/bench/store_generator.h"

namespace closedloop::bench {
namespace {

// One row's sorted latencies (µs) and failed calls.
struct Timed {
  std::vector<float> micros;
  uint64_t failures = 0;
  double seconds = 0;
};

// Runs `call(thread, i)` (true: OK) from `threads` threads for `each`.
template <typename Call>
Timed TimeRow(int threads, absl::Duration each, Call call) {
  const absl::Time start = absl::Now();
  const absl::Time stop = start + each;
  std::vector<std::vector<float>> micros(threads);
  std::atomic<uint64_t> failures{0};
  std::vector<std::thread> running;
  for (int t = 0; t < threads; ++t) {
    running.emplace_back([&, t] {
      for (uint64_t i = 0; absl::Now() < stop; ++i) {
        const absl::Time before = absl::Now();
        if (!call(t, i)) ++failures;
        micros[t].push_back(static_cast<float>(absl::ToDoubleMicroseconds(absl::Now() - before)));
      }
    });
  }
  for (std::thread& t : running) t.join();
  Timed timed;
  timed.seconds = absl::ToDoubleSeconds(absl::Now() - start);
  for (const std::vector<float>& m : micros) {
    timed.micros.insert(timed.micros.end(), m.begin(), m.end());
  }
  std::sort(timed.micros.begin(), timed.micros.end());
  timed.failures = failures.load();
  return timed;
}

void PrintRow(const std::string& name, const Timed& t) {
  std::printf("  %-30s %8zu %9.0f %8.2f %8.2f %8.2f  %s\n", name.c_str(), t.micros.size(),
              t.micros.size() / t.seconds, PercentileMs(t.micros, 0.5),
              PercentileMs(t.micros, 0.99), PercentileMs(t.micros, 0.999),
              t.failures ? absl::StrCat(t.failures, " FAILED").c_str() : "");
  std::fflush(stdout);
}

}  // namespace

void RunInterference(const std::shared_ptr<grpc::Channel>& channel,
                     const std::shared_ptr<grpc::Channel>& pollers_channel,
                     const InterferenceOptions& options) {
  std::unique_ptr<v1::QueryService::Stub> queries = v1::QueryService::NewStub(channel);
  std::unique_ptr<v1::ComplaintService::Stub> commands = v1::ComplaintService::NewStub(channel);
  std::unique_ptr<v1::QueryService::Stub> polls = v1::QueryService::NewStub(pollers_channel);
  const absl::Time now = options.clock();
  const std::vector<Sample> samples = SampleCases(*queries, now);
  if (samples.empty()) {
    std::fprintf(stderr, "interference: the store has no cases\n");
    return;
  }
  const auto [owner, owner_open] = BusiestOwner(*queries);
  std::printf("interference: %zu sampled cases, busiest owner %s (%d open), %d clients a row, "
              "%d pollers, %.0f s a row\n",
              samples.size(), owner.c_str(), owner_open, options.clients, options.pollers,
              absl::ToDoubleSeconds(options.each));
  // New filings continue the store's case numbers (their refs are new), among its customers.
  uint64_t store_cases = 0;
  {
    grpc::ClientContext context;
    v1::Metrics metrics;
    if (queries->GetMetrics(&context, v1::GetMetricsRequest(), &metrics).ok()) {
      store_cases = metrics.complaints();
    }
  }
  const uint64_t customers = std::max<uint64_t>(store_cases / 5, 1);
  std::atomic<uint64_t> next_case{store_cases};
  auto get_complaint = [&](int t, uint64_t i) {
    grpc::ClientContext context;
    v1::GetComplaintRequest request;
    request.set_complaint_id(samples[(t * 7919 + i * 104729) % samples.size()].id);
    v1::ComplaintView view;
    return queries->GetComplaint(&context, request, &view).ok();
  };
  auto file_complaint = [&](int, uint64_t) {
    grpc::ClientContext context;
    v1::FileComplaintRequest request;
    *request.mutable_complaint() = TimelineFiling(next_case++, customers);
    v1::CommandResponse response;
    return commands->FileComplaint(&context, request, &response).ok();
  };
  std::printf("  %-30s %8s %9s %8s %8s %8s  %s\n", "row", "calls", "calls/s", "p50 ms", "p99 ms",
              "p999 ms", "failures");
  // Both rows at once: reads meet the follower applying the filings, as they do in service
  // (a read side that makes readers wait behind a writer shows only then).
  auto both = [&](absl::Duration each) {
    Timed filed;
    std::thread filing([&] { filed = TimeRow(options.clients, each, file_complaint); });
    Timed got = TimeRow(options.clients, each, get_complaint);
    filing.join();
    return std::make_pair(std::move(got), std::move(filed));
  };
  // Untimed first, so that neither phase pays for a cold start (connections, caches).
  both(std::min(options.each, absl::Seconds(2)));
  const auto [get_alone, file_alone] = both(options.each);
  PrintRow("get_complaint, alone", get_alone);
  PrintRow("file_complaint, alone", file_alone);

  // The polls, in turn from each poller (a different one first in each thread).
  v1::GetSuperheroBoardRequest board_request;
  board_request.set_owner(owner);
  v1::GetDeadlineBoardRequest due_request;
  due_request.mutable_window()->set_seconds(4 * 3600);
  v1::GetMetricsRequest month_request;
  *month_request.mutable_filed_after() = domain::ToProto(now - absl::Hours(24 * 30));
  const v1::GetMetricsRequest all_time_request;
  std::atomic<bool> stop{false};
  std::atomic<uint64_t> poll_calls{0}, poll_failures{0};
  std::vector<std::thread> pollers;
  for (int p = 0; p < options.pollers; ++p) {
    pollers.emplace_back([&, p] {
      for (int i = p; !stop; ++i) {
        grpc::ClientContext context;
        grpc::Status status;
        if (i % 4 == 0) {
          v1::SuperheroBoard board;
          status = polls->GetSuperheroBoard(&context, board_request, &board);
        } else if (i % 4 == 1) {
          v1::DeadlineBoard board;
          status = polls->GetDeadlineBoard(&context, due_request, &board);
        } else {
          v1::Metrics metrics;
          status = polls->GetMetrics(&context, i % 4 == 2 ? month_request : all_time_request,
                                     &metrics);
        }
        ++poll_calls;
        if (!status.ok()) ++poll_failures;
      }
    });
  }
  const absl::Time polled_from = absl::Now();
  const auto [get_polled, file_polled] = both(options.each);
  PrintRow(absl::StrCat("get_complaint, ", options.pollers, " pollers"), get_polled);
  PrintRow(absl::StrCat("file_complaint, ", options.pollers, " pollers"), file_polled);
  const double polled_seconds = absl::ToDoubleSeconds(absl::Now() - polled_from);
  stop = true;
  for (std::thread& t : pollers) t.join();
  std::printf("interference: pollers made %llu calls (%.0f/s)%s; p99 with pollers / alone: "
              "get_complaint %.2fx, file_complaint %.2fx\n",
              static_cast<unsigned long long>(poll_calls.load()), poll_calls / polled_seconds,
              poll_failures ? absl::StrCat(", ", poll_failures.load(), " FAILED").c_str() : "",
              PercentileMs(get_polled.micros, 0.99) / PercentileMs(get_alone.micros, 0.99),
              PercentileMs(file_polled.micros, 0.99) / PercentileMs(file_alone.micros, 0.99));
  std::fflush(stdout);
}

}  // namespace closedloop::bench
