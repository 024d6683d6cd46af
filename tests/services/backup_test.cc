// Backups under load: AdminService.Backup copies the data directory while complaints keep
// coming in; a server started on the copy verifies its chain, resumes its copied views, and
// those views equal a rebuild from the copied log. The copy carries the cursor store too: a
// consumer group resumes on it from the position it had acknowledged at the copy.
#include <catch2/catch.hpp>

#include <atomic>
#include <cstdlib>
#include <fstream>
#include <map>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "tests/services/api_test_util.h"
#include "tests/services/daemon_util.h"
#include "tests/services/list_reference.h"
#include "tests/services/secured_server.h"

namespace closedloop {
namespace {

using namespace testing;  // NOLINT: the API test helpers

// Every complaint view of a server started on `data_dir` with its views in `views_dir`, once
// its projections have reached the log's head; and the position they resumed after.
// The server's clock stands at `now`, so no deadline comes due while it runs.
std::pair<std::map<std::string, std::string>, uint64_t> ViewsOf(const std::string& data_dir,
                                                                 const std::string& views_dir,
                                                                 absl::Time now,
                                                                 uint64_t* head = nullptr) {
  storage::EventLogOptions log_options;
  log_options.path = data_dir;
  std::unique_ptr<storage::EventLog> log = *storage::EventLog::Open(log_options);
  absl::StatusOr<storage::ChainVerification> chain = log->VerifyChain(1, 0);
  REQUIRE(chain.ok());
  CHECK(chain->ok);
  CHECK(chain->verified_to == log->HeadPosition());
  if (head != nullptr) *head = log->HeadPosition();

  services::ServerOptions options;
  options.views_path = views_dir;
  options.config = services::DefaultConfig();
  options.clock = [now] { return now; };
  std::unique_ptr<services::ClosedLoopServer> server =
      *services::ClosedLoopServer::Start(*log, std::move(options));
  REQUIRE(server->projections().WaitFor(log->HeadPosition(), absl::Now() + absl::Seconds(60)).ok());
  std::map<std::string, std::string> views;
  server->projections().Read([&](const services::ProjectionState& state, uint64_t) {
    for (const auto& [id, view] : testing::AllComplaints(state)) views[id] = view->SerializeAsString();
  });
  const uint64_t resumed = server->views_resumed_after();
  server->Shutdown(absl::ZeroDuration());
  return {views, resumed};
}

TEST_CASE("a backup taken under load restores to a verified log whose views equal a rebuild", "[backup]") {
  TestServer s;
  std::atomic<bool> stop{false};
  std::atomic<int> filed{0};
  std::atomic<int> failed{0};
  std::vector<std::thread> load;
  const v1::FileComplaintRequest filing = Msg<v1::FileComplaintRequest>(
      "complaint { channel: CHANNEL_HOTLINE kind: ITEM_KIND_COMPLAINT market: 'DE' "
      "language: 'de' text: 'The lamp flickers.' }");
  for (int t = 0; t < 4; ++t) {
    load.emplace_back([&, t] {
      for (int i = 0; !stop.load(); ++i) {
        // No Catch2 assertions off the test's thread: set the fields directly.
        v1::FileComplaintRequest request = filing;
        request.mutable_complaint()->set_customer_ref(absl::StrCat("c-", t, "-", i));
        v1::CommandResponse response;
        if (Call(*s.complaints, &v1::ComplaintService::Stub::FileComplaint, request, &response).ok()) {
          ++filed;
        } else {
          ++failed;
        }
      }
    });
  }
  // Some filings before the copy and some during and after it (counted, not timed). Filings
  // that fail never count, so each wait is bounded and the failure says how many failed.
  auto reached = [&](int count) {
    const absl::Time give_up = absl::Now() + absl::Seconds(120);
    while (filed.load() < count && absl::Now() < give_up) std::this_thread::yield();
    return filed.load() >= count;
  };
  auto stop_load = [&] {
    stop = true;
    for (std::thread& t : load) t.join();
    load.clear();
  };
  if (!reached(200)) {
    stop_load();
    FAIL(filed.load() << " of 200 filings before the backup succeeded, " << failed.load()
                      << " failed");
  }
  v1::BackupRequest request;
  request.set_directory(s.dir.Sub("backup"));
  v1::BackupResponse backup;
  const grpc::Status backed_up = Call(*s.admin, &v1::AdminService::Stub::Backup, request, &backup);
  const int at_backup = filed.load();
  const bool after = backed_up.ok() && reached(at_backup + 200);
  stop_load();
  INFO(backed_up.error_message());
  REQUIRE(backed_up.ok());
  INFO(filed.load() - at_backup << " of 200 filings after the backup succeeded, " << failed.load()
                                << " failed");
  REQUIRE(after);

  CHECK(backup.directory() == s.dir.Sub("backup"));
  CHECK(backup.position() > 0);
  uint64_t head = 0;
  auto [resumed_views, resumed_after] = ViewsOf(s.dir.Sub("backup"), s.dir.Sub("backup/views"), s.clock.Now(), &head);
  CHECK(head >= backup.position());
  CHECK(head < s.log->HeadPosition());  // the load went on after the copy
  CHECK(resumed_after >= backup.views_position());
  CHECK(resumed_after <= head);
  CHECK(resumed_views.size() >= 200);
  // The copied views, brought up to the copied head, equal views rebuilt from position 1.
  auto [rebuilt_views, rebuilt_after] = ViewsOf(s.dir.Sub("backup"), s.dir.Sub("rebuilt-views"), s.clock.Now());
  CHECK(rebuilt_after == 0);
  CHECK(rebuilt_views == resumed_views);
  CHECK(rebuilt_views.size() == resumed_views.size());

  // A second backup to the same place is refused; relative paths and missing parents too.
  v1::BackupResponse response;
  CHECK(Call(*s.admin, &v1::AdminService::Stub::Backup, request, &response).error_code() ==
        grpc::StatusCode::ALREADY_EXISTS);
  request.set_directory("backups/today");
  grpc::Status relative = Call(*s.admin, &v1::AdminService::Stub::Backup, request, &response);
  CHECK(relative.error_code() == grpc::StatusCode::INVALID_ARGUMENT);
  CHECK(relative.error_message().find("directory: must be an absolute path") == 0);
  request.set_directory(s.dir.Sub("no/such/parent"));
  CHECK(Call(*s.admin, &v1::AdminService::Stub::Backup, request, &response).error_code() ==
        grpc::StatusCode::FAILED_PRECONDITION);
}

TEST_CASE("a backup to an over-long directory is refused at once, naming the field", "[backup]") {
  TestServer s;
  v1::BackupRequest request;
  v1::BackupResponse response;
  request.set_directory("/" + std::string(60 * 1024, 'd'));
  grpc::Status refused = Call(*s.admin, &v1::AdminService::Stub::Backup, request, &response);
  CHECK(refused.error_code() == grpc::StatusCode::INVALID_ARGUMENT);
  CHECK(refused.error_message() == "directory: longer than 4096 bytes");
  // Within the limit, an error that echoes the path still reaches the caller, cut to 1 KiB.
  request.set_directory(s.dir.Sub("no-such-parent/") + std::string(3000, 'd'));
  refused = Call(*s.admin, &v1::AdminService::Stub::Backup, request, &response);
  CHECK(refused.error_code() == grpc::StatusCode::FAILED_PRECONDITION);
  CHECK(refused.error_message().size() <= 1024);
}

// Opens `group` as the superhero on `stub` and reads until the stream has caught up: the
// events' ids, and the position the group resumed after.
std::pair<std::vector<uint64_t>, uint64_t> DrainGroup(v1::SubscriptionService::Stub& stub,
                                                      const std::string& group) {
  grpc::ClientContext context;
  Authenticate(context, TokenOf("superhero"));
  v1::SubscribeGroupRequest request;
  request.set_group(group);
  auto reader = stub.SubscribeGroup(&context, request);
  std::vector<uint64_t> ids;
  v1::SubscribeGroupResponse message;
  while (reader->Read(&message)) {
    if (message.has_caught_up()) {
      context.TryCancel();
      reader->Finish().ok();
      return {ids, message.caught_up().resumed_after()};
    }
    ids.push_back(message.event().id());
  }
  const grpc::Status status = reader->Finish();
  FAIL("the stream ended before catching up: " << status.error_message());
  return {};
}

TEST_CASE("a backup carries the cursor store, so a consumer group resumes on the copy where it had acknowledged",
          "[backup][subscriptions]") {
  auto s = SecuredServer();
  const v1::FileComplaintRequest filing = Msg<v1::FileComplaintRequest>(
      "complaint { channel: CHANNEL_WEB kind: ITEM_KIND_COMPLAINT customer_ref: 'c-1' "
      "market: 'DE' text: 'The sofa leg broke.' }");
  for (int i = 0; i < 3; ++i) {
    OkAs(TokenOf("integrator"), *s->complaints, &v1::ComplaintService::Stub::FileComplaint, filing);
  }
  const auto [first, resumed_first] = DrainGroup(*s->subscriptions, "crm");
  REQUIRE(first.size() >= 3);
  CHECK(resumed_first == 0);
  const uint64_t acknowledged = first[first.size() / 2];
  v1::AcknowledgeRequest ack;
  ack.set_group("crm");
  ack.set_position(acknowledged);
  OkAs(TokenOf("superhero"), *s->subscriptions, &v1::SubscriptionService::Stub::Acknowledge, ack);

  v1::BackupRequest request;
  request.set_directory(s->dir.Sub("backup"));
  const v1::BackupResponse backup =
      OkAs(TokenOf("admin"), *s->admin, &v1::AdminService::Stub::Backup, request);
  // Acknowledged after the copy: the copy keeps the position it had.
  ack.set_position(first.back());
  OkAs(TokenOf("superhero"), *s->subscriptions, &v1::SubscriptionService::Stub::Acknowledge, ack);
  const absl::Time now = s->clock.Now();
  s->Stop();

  storage::EventLogOptions log_options;
  log_options.path = backup.directory();
  std::unique_ptr<storage::EventLog> log = *storage::EventLog::Open(log_options);
  REQUIRE(log->HeadPosition() == backup.position());
  services::ServerOptions options;
  options.views_path = backup.directory() + "/views";
  options.cursors_path = backup.directory() + "/cursors";
  options.config = services::DefaultConfig();
  // The original's time: no deadline comes due on the copy while the test reads it.
  options.clock = [now] { return now; };
  options.authorizer = services::Authorizer::WithTokens(*services::TokenTable::From(TestTokens()));
  std::unique_ptr<services::ClosedLoopServer> restored =
      *services::ClosedLoopServer::Start(*log, std::move(options));
  auto subscriptions = v1::SubscriptionService::NewStub(grpc::CreateChannel(
      absl::StrCat("127.0.0.1:", restored->port()), grpc::InsecureChannelCredentials()));
  const auto [resumed, resumed_after] = DrainGroup(*subscriptions, "crm");
  CHECK(resumed_after == acknowledged);
  REQUIRE_FALSE(resumed.empty());
  CHECK(resumed.front() == acknowledged + 1);
  CHECK(resumed.back() == first.back());
  restored->Shutdown(absl::ZeroDuration());
}

// Runs the CLI with `args`; its exit status and what it printed.
std::pair<int, std::string> RunCli(const testing::TempDir& dir, const std::string& args) {
  const std::string out = dir.Sub("cli-output");
  const int status = std::system(absl::StrCat(CLOSEDLOOP_CLI_PATH, " ", args, " >", out, " 2>&1").c_str());
  std::ifstream file(out);
  return {WIFEXITED(status) ? WEXITSTATUS(status) : -1,
          std::string(std::istreambuf_iterator<char>(file), {})};
}

TEST_CASE("closedloop admin backup copies a running closedloopd's data to a directory that serves", "[backup][daemon]") {
  testing::TempDir dir;
  testing::Daemon d = testing::StartDaemon(dir.Sub("data"));
  REQUIRE(d.ReadUntil("views resume after position"));
  const std::string server = absl::StrCat("--server=127.0.0.1:", testing::PortOf(d.output));

  auto [code, printed] = RunCli(dir, server + " admin backup " + dir.Sub("copy"));
  INFO(printed);
  CHECK(code == 0);
  CHECK(printed.find("backup in " + dir.Sub("copy") + ": every event up to position 1") == 0);
  auto [again, refused] = RunCli(dir, server + " admin backup " + dir.Sub("copy"));
  CHECK(again == 1);
  CHECK(refused.find("already exists") != std::string::npos);
  testing::Stop(d);

  // The copy is a data directory: a daemon serves it, and its chain verifies.
  testing::Daemon restored = testing::StartDaemon(dir.Sub("copy"));
  REQUIRE(restored.ReadUntil("views resume after position"));
  auto [verified, report] = RunCli(dir, absl::StrCat("--server=127.0.0.1:", testing::PortOf(restored.output),
                                                    " audit verify"));
  INFO(report);
  CHECK(verified == 0);
  CHECK(report.find("chain verified from 1 to ") == 0);
  testing::Stop(restored);
}

}  // namespace
}  // namespace closedloop
