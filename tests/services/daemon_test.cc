// closedloopd as an operator runs it: the real binary, started on port 0 over a data
// directory, asked for health and the log, stopped with SIGTERM.
#include <catch2/catch.hpp>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <fstream>
#include <memory>
#include <string>
#include <thread>

#include "closedloop/v1/audit_service.grpc.pb.h"
#include "closedloop/v1/complaint_service.grpc.pb.h"
#include "closedloop/v1/query_service.grpc.pb.h"
#include "absl/time/clock.h"
#include "grpcpp/create_channel.h"
#include "grpcpp/security/credentials.h"
#include "storage/event_log.h"
#include "tests/services/daemon_util.h"
#include "tests/temp_dir.h"
#include "tools/health_client.h"

namespace closedloop {
namespace {

using testing::Daemon;
using testing::PortOf;
using testing::StartDaemon;
using testing::Stop;

void SeedLog(const std::string& path, int events) {
  storage::EventLogOptions options;
  options.path = path;
  auto log = storage::EventLog::Open(options);
  REQUIRE(log.ok());
  storage::AppendRequest request;
  // Not a complaint's stream: the test files complaints of its own, from CL-1 on.
  request.stream = "seed-1";
  for (int i = 0; i < events; ++i) {
    auto& e = request.events.emplace_back();
    e.set_type("seed.noted");
    e.mutable_actor()->set_principal("user:anna");
  }
  REQUIRE((*log)->Append(std::move(request)).ok());
}

constexpr absl::Duration kGrace = absl::Seconds(30);

// The codes the README names as retryable (with the same request id) for a call cut short.
bool Retryable(grpc::StatusCode code) {
  return code == grpc::StatusCode::UNAVAILABLE || code == grpc::StatusCode::DEADLINE_EXCEEDED ||
         code == grpc::StatusCode::CANCELLED;
}

// Files complaints one after another from its own thread until a call fails; no Catch2
// assertions off the test's thread, so it only counts and keeps the failing code.
struct FilingLoad {
  explicit FilingLoad(const std::shared_ptr<grpc::Channel>& channel)
      : stub(v1::ComplaintService::NewStub(channel)), thread([this] { Run(); }) {}
  ~FilingLoad() {
    stop = true;
    Join();
  }
  void Join() {
    if (thread.joinable()) thread.join();
  }
  void Run() {
    for (int i = 0; !stop.load(); ++i) {
      v1::FileComplaintRequest filing;
      filing.set_request_id("shutdown-" + std::to_string(i));
      filing.mutable_complaint()->set_channel(v1::CHANNEL_HOTLINE);
      filing.mutable_complaint()->set_kind(v1::ITEM_KIND_COMPLAINT);
      filing.mutable_complaint()->set_customer_ref("customer-" + std::to_string(i));
      filing.mutable_complaint()->set_text("The sofa arrived with a broken leg.");
      v1::CommandResponse filed;
      grpc::ClientContext context;
      context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(60));
      const grpc::Status status = stub->FileComplaint(&context, filing, &filed);
      if (!status.ok()) {
        last_code = status.error_code();
        return;
      }
      ++succeeded;
    }
  }
  std::unique_ptr<v1::ComplaintService::Stub> stub;
  std::atomic<bool> stop{false};
  std::atomic<int> succeeded{0};
  std::atomic<grpc::StatusCode> last_code{grpc::StatusCode::OK};
  std::thread thread;
};

TEST_CASE("closedloopd serves health and the existing log, then stops on SIGTERM within the grace, "
          "ending calls in flight with retryable codes") {
  testing::TempDir dir;
  const std::string data_dir = dir.Sub("data");
  SeedLog(data_dir, 3);

  Daemon d = StartDaemon(data_dir, {"--shutdown_grace=30s"});
  // A failed assertion must not leave the daemon running (it holds the test's output open).
  struct KillOnFailure {
    pid_t pid;
    bool reaped = false;
    ~KillOnFailure() {
      if (!reaped && kill(pid, SIGKILL) == 0) waitpid(pid, nullptr, 0);
    }
  } guard{d.pid};
  REQUIRE(d.ReadUntil("serving on"));
  auto channel = grpc::CreateChannel("127.0.0.1:" + std::to_string(PortOf(d.output)),
                                     grpc::InsecureChannelCredentials());
  absl::StatusOr<std::string> health = tools::CheckHealth(channel, absl::Seconds(30));
  REQUIRE(health.ok());
  CHECK(*health == "SERVING");

  auto stub = v1::AuditService::NewStub(channel);
  grpc::ClientContext context;
  v1::ReadAllResponse response;
  REQUIRE(stub->ReadAll(&context, v1::ReadAllRequest(), &response).ok());
  // The seeded events, then the configuration the daemon recorded at start-up.
  REQUIRE(response.events_size() == 4);
  CHECK(response.events(3).type() == "config.applied");
  CHECK(response.head_position() == 4);

  // Calls in flight when SIGTERM arrives: a live board and a stream of filings.
  grpc::ClientContext watch_context;
  watch_context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(120));
  v1::WatchBoardRequest watch;
  watch.set_owner("anna");
  std::unique_ptr<grpc::ClientReader<v1::BoardUpdate>> board =
      v1::QueryService::NewStub(channel)->WatchBoard(&watch_context, watch);
  v1::BoardUpdate update;
  REQUIRE(board->Read(&update));  // the board as it stands: the stream is open
  auto load = std::make_unique<FilingLoad>(channel);
  {
    // Bounded: a load that cannot file ends with its failing code.
    const absl::Time give_up = absl::Now() + absl::Seconds(60);
    while (load->succeeded.load() < 20 && load->last_code.load() == grpc::StatusCode::OK &&
           absl::Now() < give_up) {
      std::this_thread::yield();
    }
    INFO("a filing failed with code " << static_cast<int>(load->last_code.load()));
    REQUIRE(load->succeeded.load() >= 20);
  }

  const absl::Time terminated = absl::Now();
  REQUIRE(kill(d.pid, SIGTERM) == 0);
  CHECK(d.ReadUntil("stopped cleanly"));
  int status = 0;
  REQUIRE(waitpid(d.pid, &status, 0) == d.pid);
  guard.reaped = true;
  // Well within the grace: nothing, not even a live stream, holds the shutdown for all of it.
  CHECK(absl::Now() - terminated < kGrace);
  CHECK(WIFEXITED(status));
  CHECK(WEXITSTATUS(status) == 0);
  close(d.stderr_fd);

  // The stream ends with UNAVAILABLE (reconnect and watch again), the filings with a code a
  // caller retries with the same request id.
  while (board->Read(&update)) {
  }
  const grpc::Status watch_ended = board->Finish();
  INFO(watch_ended.error_message());
  CHECK(watch_ended.error_code() == grpc::StatusCode::UNAVAILABLE);
  load->Join();
  INFO("the filings ended with code " << static_cast<int>(load->last_code.load()));
  CHECK(Retryable(load->last_code.load()));

  // The directory is released: the log opens again with the same head.
  storage::EventLogOptions options;
  options.path = data_dir;
  auto reopened = storage::EventLog::Open(options);
  REQUIRE(reopened.ok());
  // The seed, the configuration, and at least one event per acknowledged filing.
  CHECK((*reopened)->HeadPosition() >= 4 + static_cast<uint64_t>(load->succeeded.load()));
}

TEST_CASE("closedloopd files a complaint and, restarted, shows it from its stored views") {
  testing::TempDir dir;
  const std::string data_dir = dir.Sub("data");
  Daemon first = StartDaemon(data_dir);
  REQUIRE(first.ReadUntil("serving on"));
  CHECK(first.output.find("views resume after position 0") != std::string::npos);
  auto channel = grpc::CreateChannel("127.0.0.1:" + std::to_string(PortOf(first.output)),
                                     grpc::InsecureChannelCredentials());
  v1::FileComplaintRequest filing;
  filing.set_request_id("hotline-call-1");
  filing.mutable_complaint()->set_channel(v1::CHANNEL_HOTLINE);
  filing.mutable_complaint()->set_kind(v1::ITEM_KIND_COMPLAINT);
  filing.mutable_complaint()->set_customer_ref("customer-7");
  filing.mutable_complaint()->set_text("The sofa arrived with a broken leg.");
  v1::CommandResponse filed;
  grpc::ClientContext file_context;
  REQUIRE(v1::ComplaintService::NewStub(channel)->FileComplaint(&file_context, filing, &filed).ok());
  CHECK(filed.complaint_id() == "CL-1");
  // Read our write, so the views have applied it before the daemon stops.
  v1::GetComplaintRequest get;
  get.set_complaint_id(filed.complaint_id());
  get.set_min_position(filed.position());
  v1::ComplaintView before;
  grpc::ClientContext get_context;
  REQUIRE(v1::QueryService::NewStub(channel)->GetComplaint(&get_context, get, &before).ok());
  Stop(first);

  Daemon second = StartDaemon(data_dir);
  REQUIRE(second.ReadUntil("serving on"));
  // The views were stored with their checkpoint: nothing before it is replayed.
  const std::string resumed = "views resume after position ";
  const size_t at = second.output.find(resumed);
  REQUIRE(at != std::string::npos);
  CHECK(std::stoull(second.output.substr(at + resumed.size())) >= filed.position());
  channel = grpc::CreateChannel("127.0.0.1:" + std::to_string(PortOf(second.output)),
                                grpc::InsecureChannelCredentials());
  v1::ComplaintView after;
  grpc::ClientContext again;
  REQUIRE(v1::QueryService::NewStub(channel)->GetComplaint(&again, get, &after).ok());
  CHECK(after.SerializeAsString() == before.SerializeAsString());
  CHECK(after.state() == v1::COMPLAINT_STATE_OPEN);
  CHECK(after.owner() != "");
  Stop(second);
}

TEST_CASE("closedloopd records an unchanged configuration only once across restarts") {
  testing::TempDir dir;
  const std::string data_dir = dir.Sub("data");
  for (int start = 0; start < 2; ++start) {
    Daemon d = StartDaemon(data_dir);
    REQUIRE(d.ReadUntil("serving on"));
    CHECK(d.output.find(start == 0 ? "recorded in the log" : "unchanged since last recorded") !=
          std::string::npos);
    kill(d.pid, SIGTERM);
    int status = 0;
    REQUIRE(waitpid(d.pid, &status, 0) == d.pid);
    CHECK(WEXITSTATUS(status) == 0);
    close(d.stderr_fd);
  }
  storage::EventLogOptions options;
  options.path = data_dir;
  auto log = storage::EventLog::Open(options);
  REQUIRE(log.ok());
  CHECK((*log)->HeadPosition() == 1);
}

TEST_CASE("closedloopd refuses to start with an invalid configuration, naming the field") {
  testing::TempDir dir;
  const std::string config_path = dir.Sub("bad.conf");
  {
    std::ofstream config(config_path);
    config << "directory { teams { name: \"cx\" } routing_rules { name: \"all\" team: \"cx\" } }\n";
  }
  Daemon d = StartDaemon(dir.Sub("data"), {"--config=" + config_path});
  CHECK(d.ReadUntil("directory.teams[0].members"));
  int status = 0;
  REQUIRE(waitpid(d.pid, &status, 0) == d.pid);
  CHECK(WIFEXITED(status));
  CHECK(WEXITSTATUS(status) == 1);
  close(d.stderr_fd);
}

TEST_CASE("closedloopd refuses to start on a data directory another daemon holds") {
  testing::TempDir dir;
  const std::string data_dir = dir.Sub("data");
  Daemon first = StartDaemon(data_dir);
  REQUIRE(first.ReadUntil("serving on"));

  Daemon second = StartDaemon(data_dir);
  CHECK(second.ReadUntil("cannot open the event log"));
  int status = 0;
  REQUIRE(waitpid(second.pid, &status, 0) == second.pid);
  CHECK(WIFEXITED(status));
  CHECK(WEXITSTATUS(status) == 1);
  close(second.stderr_fd);

  kill(first.pid, SIGTERM);
  REQUIRE(waitpid(first.pid, &status, 0) == first.pid);
  CHECK(WEXITSTATUS(status) == 0);
  close(first.stderr_fd);
}

}  // namespace
}  // namespace closedloop
