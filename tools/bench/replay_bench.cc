// closedloop_replay_bench: how fast the projections are rebuilt from the log, and how fast a
// server with a large store comes up. Works on a store kept in --store between runs, laid out
// like closedloopd's data directory (log/, views/).
//
//   workload   what it measures
//   ---------  --------------------------------------------------------------------------------
//   generate   builds the store when --store has no log yet: realistic cases (case_script.h,
//              --extra_rounds makes them longer) decided and appended by the service layer in
//              process (store_generator.h) until the log holds --events events; no views.
//              With --cases: exactly that many cases, filed at an even rate up to the store's
//              present, the last --open_cases of them (in its last 24 h) left open, so that
//              their deadlines spread over the 24 h after it. The present is kept in the
//              store's file `now`; every later workload runs its server and log on a clock that
//              starts there (the store looks the same whenever it is measured).
//   replay     deletes views/ and starts the server (ClosedLoopServer::Start, as closedloopd
//              does when views/ was deleted): the projections rebuild every view from position
//              1; reports the time until they reflect the head, events/s, VmRSS/VmHWM, and
//              VmRSS settled as startup says. Leaves the views checkpointed in views/; with
//              --kill, as a kill -9 would.
//   startup    opens the log and starts the server on the checkpointed views (run replay
//              first): time to EventLog::Open, to Start returned, to health SERVING, and until
//              the projections reflect the head; VmRSS then, and settled (Settled below):
//              once both states of the left-right pair have taken a batch (two appended bench
//              events, which no view reads) and jemalloc has returned its freed pages, split
//              into the process's own memory and file-backed pages (code and the log's mapped
//              table files). Run it as a process of its own so that its memory is the
//              server's alone.
//   queries    starts the server on the checkpointed views (run replay first) and times every
//              query of query_workload.h from 4 client threads, --seconds a query; VmRSS and
//              VmHWM after start and after the queries. With --pollers=N instead: GetComplaint
//              and FileComplaint alone, then while N clients poll boards and metrics
//              (interference.h).
//
// The store stays in --store unless --keep=false. Each workload is meant to be run as its own
// process, e.g.:
//   closedloop_replay_bench --workloads=generate,replay --store=/tmp/cl-1m --events=1000000
//   closedloop_replay_bench --workloads=startup --store=/tmp/cl-1m
//   closedloop_replay_bench --workloads=generate,replay --store=/tmp/cl-c1m
//       --cases=1000000 --open_cases=100000
//   closedloop_replay_bench --workloads=queries --store=/tmp/cl-c1m
//   closedloop_replay_bench --workloads=queries --store=/tmp/cl-c1m-copy --pollers=8 --seconds=10
#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "grpcpp/create_channel.h"
#ifdef CLOSEDLOOP_JEMALLOC
#include "jemalloc/jemalloc.h"
#endif
#include "services/daemon/config.h"
#include "services/access/authorization.h"
#include "services/access/token_table.h"
#include "services/api/server.h"
#include "tools/bench/bearer_channel.h"
#include "tools/bench/interference.h"
#include "tools/bench/progress.h"
#include "tools/bench/query_workload.h"
#include "tools/bench/store_generator.h"
#include "tools/bench/usage.h"
#include "tools/health_client.h"

ABSL_FLAG(std::string, workloads, "generate,replay", "Comma-separated workloads, in order.");
ABSL_FLAG(std::string, store, "/tmp/closedloop-replay-bench", "The store's directory.");
ABSL_FLAG(int64_t, events, 1000000, "generate: events in the log.");
ABSL_FLAG(int, extra_rounds, 0, "generate: extra rounds per case (case_script.h).");
ABSL_FLAG(int, open_percent, 10, "generate: cases left open.");
ABSL_FLAG(int, threads, 64, "generate: threads deciding and appending.");
ABSL_FLAG(int64_t, cases, 0, "generate: this many cases instead of --events (0: by events).");
ABSL_FLAG(int64_t, open_cases, -1, "generate with --cases: cases left open (-1: a tenth).");
ABSL_FLAG(int, seconds, 3, "queries: how long each query runs.");
ABSL_FLAG(int, pollers, 0,
          "queries: instead of every query, GetComplaint and FileComplaint alone and while this "
          "many clients poll boards and metrics (0: every query). Files cases: use a copy.");
ABSL_FLAG(bool, kill, false,
          "replay: end as a kill -9 does, without stopping the server (no state saved at the "
          "stop), so that a startup after it starts as after a crash.");
ABSL_FLAG(bool, keep, true, "Keep the store when done (false: delete it).");

namespace {

using namespace closedloop;  // NOLINT: a benchmark's main file

// "VmRSS:   123 kB" -> MB, from /proc/self/status.
double StatusMb(const std::string& field) {
  std::ifstream status("/proc/self/status");
  for (std::string line; std::getline(status, line);) {
    if (absl::StartsWith(line, field + ":")) return std::stod(line.substr(field.size() + 1)) / 1024;
  }
  return 0;
}

double DiskMb(const std::string& path) {
  uintmax_t bytes = 0;
  if (!std::filesystem::exists(path)) return 0;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(path)) {
    if (entry.is_regular_file()) bytes += entry.file_size();
  }
  return bytes / 1048576.0;
}

std::string LogPath() { return absl::GetFlag(FLAGS_store) + "/log"; }
std::string ViewsPath() { return absl::GetFlag(FLAGS_store) + "/views"; }
std::string NowPath() { return absl::GetFlag(FLAGS_store) + "/now"; }

// The clock a workload runs its server and log on: the wall clock for a store generated by
// events; for one generated by cases, a clock that starts at the store's present when called.
// So its deadlines lie as far ahead at every run, and none came due while it sat on disk.
std::function<absl::Time()> StoreClock() {
  std::ifstream file(NowPath());
  std::string text;
  absl::Time now;
  std::string error;
  if (!std::getline(file, text) || !absl::ParseTime(absl::RFC3339_full, text, &now, &error)) {
    return [] { return absl::Now(); };
  }
  const absl::Time start = absl::Now();
  return [now, start] { return now + (absl::Now() - start); };
}

std::unique_ptr<storage::EventLog> OpenLog(
    std::function<absl::Time()> clock = [] { return absl::Now(); }) {
  storage::EventLogOptions options;
  options.path = LogPath();
  options.clock = std::move(clock);
  absl::StatusOr<std::unique_ptr<storage::EventLog>> log = storage::EventLog::Open(options);
  if (!log.ok()) {
    std::fprintf(stderr, "cannot open %s: %s\n", options.path.c_str(), log.status().ToString().c_str());
    std::exit(1);
  }
  return *std::move(log);
}

std::unique_ptr<services::ClosedLoopServer> StartServer(
    storage::EventLog& log, std::function<absl::Time()> clock,
    std::shared_ptr<const services::Authorizer> authorizer = nullptr) {
  services::ServerOptions options;
  if (authorizer != nullptr) options.authorizer = std::move(authorizer);
  options.views_path = ViewsPath();
  options.config = services::DefaultConfig();
  options.clock = std::move(clock);
  absl::StatusOr<std::unique_ptr<services::ClosedLoopServer>> server =
      services::ClosedLoopServer::Start(log, std::move(options));
  if (!server.ok()) {
    std::fprintf(stderr, "cannot start: %s\n", server.status().ToString().c_str());
    std::exit(1);
  }
  return *std::move(server);
}

// Waits, with a progress line, until the projections reflect the log's head.
void CatchUp(services::ClosedLoopServer& server, uint64_t head) {
  std::atomic<uint64_t> position{server.projections().position()};
  bench::Progress progress("projecting", "events", position, head);
  while (position < head) {
    position = server.projections().WaitPast(position, absl::Now() + absl::Milliseconds(100));
  }
}

void Generate() {
  if (std::filesystem::exists(LogPath())) {
    std::printf("generate: %s exists, reusing it\n", LogPath().c_str());
    return;
  }
  std::filesystem::create_directories(absl::GetFlag(FLAGS_store));
  std::unique_ptr<bench::StoreTimeline> timeline;
  if (const int64_t cases = absl::GetFlag(FLAGS_cases); cases > 0) {
    const int64_t open = absl::GetFlag(FLAGS_open_cases);
    // The present in whole seconds, so that the `now` file holds it exactly.
    timeline = std::make_unique<bench::StoreTimeline>(
        absl::FromUnixSeconds(absl::ToUnixSeconds(absl::Now())), cases,
        open < 0 ? cases / 10 : open);
  }
  std::unique_ptr<storage::EventLog> log =
      timeline ? OpenLog([t = timeline.get()] { return t->Now(); }) : OpenLog();
  bench::GeneratorOptions options;
  options.events = absl::GetFlag(FLAGS_events);
  options.threads = absl::GetFlag(FLAGS_threads);
  options.extra_rounds = absl::GetFlag(FLAGS_extra_rounds);
  options.open_percent = absl::GetFlag(FLAGS_open_percent);
  std::atomic<uint64_t> events{0};
  const absl::Time start = absl::Now();
  bench::GeneratorResult result;
  {
    // By cases, the events a case takes on average (case_script.h) make the progress's total.
    bench::Progress progress("generate", "events", events,
                             timeline ? timeline->cases() * 17 : options.events);
    result = bench::GenerateStore(*log, services::DefaultConfig(), options, events, timeline.get());
  }
  if (timeline) {
    std::ofstream(NowPath()) << absl::FormatTime(absl::RFC3339_full, timeline->now(),
                                                 absl::UTCTimeZone()) << "\n";
    std::printf("generate: cases filed over the %.1f days up to %s (the store's present)\n",
                absl::ToDoubleHours(timeline->span()) / 24,
                absl::FormatTime(absl::RFC3339_full, timeline->now(), absl::UTCTimeZone()).c_str());
  }
  const double seconds = absl::ToDoubleSeconds(absl::Now() - start);
  const uint64_t head = log->HeadPosition();
  log.reset();
  std::printf("generate: %llu events (%.1f per case), %llu cases (%llu left open), %llu commands "
              "(%llu refused) in %.0f s: %.0f events/s; log %.0f MB on disk\n",
              static_cast<unsigned long long>(head), static_cast<double>(head) / result.cases,
              static_cast<unsigned long long>(result.cases),
              static_cast<unsigned long long>(result.open_cases),
              static_cast<unsigned long long>(result.commands),
              static_cast<unsigned long long>(result.failures), seconds, head / seconds,
              DiskMb(LogPath()));
  std::fflush(stdout);
}

// The bytes the program holds allocated through jemalloc now, in MB (without what jemalloc
// keeps for itself, and without the kernel's own).
double AllocatedMb() {
#ifndef CLOSEDLOOP_JEMALLOC
  return 0;  // a sanitizer build, with its own malloc
#else
  uint64_t epoch = 1;
  size_t size = sizeof(epoch);
  mallctl("epoch", &epoch, &size, &epoch, size);
  size_t allocated = 0;
  size = sizeof(allocated);
  if (mallctl("stats.allocated", &allocated, &size, nullptr, 0) != 0) return 0;
  return allocated / 1048576.0;
#endif
}

// The memory the server holds once both states of the projections' left-right pair have
// applied a batch after the start (the second state is copied from the first when the follower
// begins, and each takes the other's batch before its own), and jemalloc has handed its freed
// pages back to the system: without what the start allocated and let go of. VmRSS counts
// file-backed pages (RssFile: the program's and its libraries' code, about 33 MB, and the pages
// of the log's table files that its mapped reads touched, page cache the kernel may take back)
// beside the process's own memory (RssAnon).
std::string Settled(storage::EventLog& log, services::ClosedLoopServer& server) {
  for (int batch = 0; batch < 2; ++batch) {
    storage::AppendRequest request;
    request.stream = "bench-settled";
    request.events.emplace_back().set_type("bench.settled");
    absl::StatusOr<storage::AppendResult> appended = log.Append(std::move(request));
    if (!appended.ok() ||
        !server.projections().WaitFor(appended->last_position, absl::InfiniteFuture()).ok()) {
      std::fprintf(stderr, "cannot settle the projections\n");
      std::exit(1);
    }
  }
#ifdef CLOSEDLOOP_JEMALLOC
  const std::string purge = absl::StrCat("arena.", MALLCTL_ARENAS_ALL, ".purge");
  mallctl(purge.c_str(), nullptr, nullptr, nullptr, 0);
  // Run with MALLOC_CONF=prof:true for a heap profile of this moment (jeprof.*.heap in the
  // working directory, read with jeprof): without it the call does nothing.
  mallctl("prof.dump", nullptr, nullptr, nullptr, 0);
#endif
  return absl::StrFormat(
      "settled VmRSS %.0f MB: RssAnon %.0f MB (%.0f MB allocated), RssFile %.0f MB",
      StatusMb("VmRSS"), StatusMb("RssAnon"), AllocatedMb(), StatusMb("RssFile"));
}

void Replay() {
  std::filesystem::remove_all(ViewsPath());
  const double rss_before = StatusMb("VmRSS");
  const std::function<absl::Time()> clock = StoreClock();
  std::unique_ptr<storage::EventLog> log = OpenLog(clock);
  const uint64_t head = log->HeadPosition();
  const absl::Time start = absl::Now();
  std::unique_ptr<services::ClosedLoopServer> server = StartServer(*log, clock);
  CatchUp(*server, head);
  const double seconds = absl::ToDoubleSeconds(absl::Now() - start);
  const double rss = StatusMb("VmRSS");
  const std::string settled = Settled(*log, *server);
  std::printf("replay: %llu events into fresh views in %.1f s: %.0f events/s; VmRSS %.0f MB "
              "(%.0f before), VmHWM %.0f MB; %s; views %.0f MB on disk; %llu events appended "
              "meanwhile (deadlines that came due)\n",
              static_cast<unsigned long long>(head), seconds, head / seconds, rss, rss_before,
              StatusMb("VmHWM"), settled.c_str(), DiskMb(ViewsPath()),
              static_cast<unsigned long long>(log->HeadPosition() - head - 2));
  std::fflush(stdout);
  if (absl::GetFlag(FLAGS_kill)) std::_Exit(0);  // nothing stopped, closed or flushed
  server->Shutdown(absl::Seconds(1));
}

void Startup() {
  const absl::Time start = absl::Now();
  const std::function<absl::Time()> clock = StoreClock();
  std::unique_ptr<storage::EventLog> log = OpenLog(clock);
  const absl::Time opened = absl::Now();
  const uint64_t head = log->HeadPosition();
  std::unique_ptr<services::ClosedLoopServer> server = StartServer(*log, clock);
  const absl::Time started = absl::Now();
  std::shared_ptr<grpc::Channel> channel = grpc::CreateChannel(
      absl::StrCat("127.0.0.1:", server->port()), grpc::InsecureChannelCredentials());
  absl::StatusOr<std::string> health;
  do {
    health = tools::CheckHealth(channel, absl::Seconds(10));
  } while (!health.ok() || *health != "SERVING");
  const absl::Time serving = absl::Now();
  CatchUp(*server, head);
  const absl::Time current = absl::Now();
  const double rss_current = StatusMb("VmRSS");
  const std::string settled = Settled(*log, *server);
  auto ms = [&](absl::Time t) { return absl::ToDoubleMilliseconds(t - start); };
  std::printf("startup: %llu events, views checkpointed at %llu, %llu replayed in memory after "
              "the saved state (%s): log open %.0f ms, server "
              "started %.0f ms, health SERVING %.0f ms, projections at the head %.0f ms; "
              "VmRSS %.0f MB, VmHWM %.0f MB; %s; log %.0f MB, views %.0f MB on disk; %llu "
              "events appended meanwhile (deadlines that came due)\n",
              static_cast<unsigned long long>(head),
              static_cast<unsigned long long>(server->views_resumed_after()),
              static_cast<unsigned long long>(server->projections().replayed()),
              server->projections().resumed_saved() ? "resumed" : "none used", ms(opened),
              ms(started), ms(serving), ms(current), rss_current, StatusMb("VmHWM"),
              settled.c_str(), DiskMb(LogPath()), DiskMb(ViewsPath()),
              static_cast<unsigned long long>(log->HeadPosition() - head - 2));
  std::fflush(stdout);
  server->Shutdown(absl::Seconds(1));
}

void Queries() {
  const std::function<absl::Time()> clock = StoreClock();
  std::unique_ptr<storage::EventLog> log = OpenLog(clock);
  const uint64_t head = log->HeadPosition();
  // Calls carry tokens: a superhero's, and a department's for its scoped lists.
  const std::string superhero = "bench-superhero-token", department = "bench-warehouse-token";
  v1::TokenFile tokens;
  *tokens.add_tokens() = bench::TokenEntry(superhero, "superhero");
  *tokens.add_tokens() = bench::TokenEntry(department, "department", "warehouse");
  std::unique_ptr<services::ClosedLoopServer> server = StartServer(
      *log, clock, services::Authorizer::WithTokens(*services::TokenTable::From(tokens)));
  CatchUp(*server, head);
  const double rss_started = StatusMb("VmRSS"), hwm_started = StatusMb("VmHWM");
  std::printf("queries: %llu events, views checkpointed at %llu; VmRSS %.0f MB, VmHWM %.0f MB "
              "after start\n",
              static_cast<unsigned long long>(head),
              static_cast<unsigned long long>(server->views_resumed_after()), rss_started,
              hwm_started);
  grpc::ChannelArguments args;
  args.SetMaxReceiveMessageSize(64 << 20);  // pages of 1,000 cases, for the samples
  const std::string target = absl::StrCat("127.0.0.1:", server->port());
  std::shared_ptr<grpc::Channel> channel = bench::BearerChannel(target, superhero, args);
  if (const int pollers = absl::GetFlag(FLAGS_pollers); pollers > 0) {
    bench::InterferenceOptions options;
    options.pollers = pollers;
    options.each = absl::Seconds(absl::GetFlag(FLAGS_seconds));
    options.clock = clock;
    // Channels with equal arguments share one connection; the pollers get one of their own.
    grpc::ChannelArguments poller_args = args;
    poller_args.SetInt("closedloop.bench.pollers", 1);
    bench::RunInterference(
        channel,
        bench::BearerChannel(target, superhero, poller_args),
        options);
  } else {
    bench::QueryWorkloadOptions options;
    options.each = absl::Seconds(absl::GetFlag(FLAGS_seconds));
    options.clock = clock;
    grpc::ChannelArguments department_args = args;
    department_args.SetInt("closedloop.bench.department", 1);
    options.department_channel = bench::BearerChannel(target, department, department_args);
    bench::RunQueryWorkload(channel, options);
  }
  std::printf("queries: VmRSS %.0f MB, VmHWM %.0f MB after the queries; %llu events appended "
              "meanwhile (deadlines that came due)\n",
              StatusMb("VmRSS"), StatusMb("VmHWM"),
              static_cast<unsigned long long>(log->HeadPosition() - head));
  server->Shutdown(absl::Seconds(1));
}

}  // namespace

int main(int argc, char** argv) {
  closedloop::bench::SetUsage("Replay and start-up with a large store; see replay_bench.cc.");
  absl::ParseCommandLine(argc, argv);
  std::setvbuf(stdout, nullptr, _IOLBF, 0);  // results interleave with the progress lines
  for (const std::string& w : std::vector<std::string>(absl::StrSplit(absl::GetFlag(FLAGS_workloads), ','))) {
    if (w == "generate") Generate();
    else if (w == "replay") Replay();
    else if (w == "startup") Startup();
    else if (w == "queries") Queries();
    else {
      std::fprintf(stderr, "unknown workload %s\n", w.c_str());
      return 2;
    }
  }
  if (!absl::GetFlag(FLAGS_keep)) std::filesystem::remove_all(absl::GetFlag(FLAGS_store));
  return 0;
}
