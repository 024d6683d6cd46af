// The crash test for timers: the real closedloopd, on a policy whose deadlines come due seconds
// after filing, is killed with SIGKILL twice while it is firing a thousand cases' deadlines,
// and restarted each time. In the end every warning and every breach is in the log exactly
// once, and the hash chain verifies.
#include <catch2/catch.hpp>

#include <chrono>
#include <fstream>
#include <map>
#include <string>
#include <tuple>

#include "absl/strings/str_cat.h"
#include "closedloop/v1/audit_service.grpc.pb.h"
#include "closedloop/v1/complaint_service.grpc.pb.h"
#include "google/protobuf/text_format.h"
#include "grpcpp/create_channel.h"
#include "grpcpp/security/credentials.h"
#include "services/daemon/config.h"
#include "storage/event_log.h"
#include "tests/services/daemon_util.h"
#include "tests/temp_dir.h"

namespace closedloop {
namespace {

using testing::Daemon;
using testing::StartDaemon;

constexpr int kCases = 1000;
// First contact 4 s and resolution 6 s, each warned at half-time: four firings per case.
constexpr int kFirings = 4 * kCases;

std::string FastPolicyConfig(const testing::TempDir& dir) {
  v1::Config config = services::DefaultConfig();
  v1::SlaPolicy& policy = *config.mutable_sla_policy();
  policy.clear_rules();
  policy.set_version("seconds-1");
  v1::SlaRule& rule = *policy.add_rules();
  rule.set_name("complaint-in-seconds");
  rule.set_kind(v1::ITEM_KIND_COMPLAINT);
  rule.mutable_targets()->mutable_first_contact()->set_seconds(4);
  rule.mutable_targets()->mutable_resolution()->set_seconds(6);
  rule.mutable_targets()->set_warn_at_fraction(0.5);
  std::string text;
  REQUIRE(google::protobuf::TextFormat::PrintToString(config, &text));
  const std::string path = dir.Sub("seconds.conf");
  std::ofstream(path) << text;
  return path;
}

std::shared_ptr<grpc::Channel> ChannelTo(Daemon& d) {
  REQUIRE(d.ReadUntil("serving on"));
  return grpc::CreateChannel("127.0.0.1:" + std::to_string(testing::PortOf(d.output)),
                             grpc::InsecureChannelCredentials());
}

// Follows the log's warnings and breaches until `count` of them are in it; how many it saw.
int WaitForFirings(const std::shared_ptr<grpc::Channel>& channel, int count) {
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(120));
  v1::SubscribeRequest request;
  request.mutable_filter()->add_event_types("complaint.deadline_warned");
  request.mutable_filter()->add_event_types("complaint.deadline_breached");
  auto stream = v1::AuditService::NewStub(channel)->Subscribe(&context, request);
  v1::SubscribeResponse response;
  int seen = 0;
  while (seen < count && stream->Read(&response)) seen += response.has_event();
  context.TryCancel();
  return seen;
}

void Kill(Daemon& d) {
  REQUIRE(kill(d.pid, SIGKILL) == 0);
  int status = 0;
  REQUIRE(waitpid(d.pid, &status, 0) == d.pid);
  CHECK(WIFSIGNALED(status));
  close(d.stderr_fd);
}

TEST_CASE("timers killed mid-firing twice fire each warning and breach exactly once", "[timers][crash]") {
  testing::TempDir dir;
  const std::string data_dir = dir.Sub("data");
  const std::string config = "--config=" + FastPolicyConfig(dir);

  Daemon first = StartDaemon(data_dir, {config});
  auto channel = ChannelTo(first);
  auto complaints = v1::ComplaintService::NewStub(channel);
  for (int batch = 0; batch < kCases / 500; ++batch) {
    v1::FileComplaintsRequest request;
    for (int i = 0; i < 500; ++i) {
      v1::FileComplaintRequest& one = *request.add_filings();
      one.set_request_id(absl::StrCat("call-", batch, "-", i));
      one.mutable_complaint()->set_channel(v1::CHANNEL_HOTLINE);
      one.mutable_complaint()->set_kind(v1::ITEM_KIND_COMPLAINT);
      one.mutable_complaint()->set_customer_ref(absl::StrCat("customer-", batch, "-", i));
      one.mutable_complaint()->set_text("Nobody called back.");
    }
    grpc::ClientContext context;
    v1::FileComplaintsResponse response;
    REQUIRE(complaints->FileComplaints(&context, request, &response).ok());
    for (const auto& result : response.results()) REQUIRE(result.code() == 0);
  }

  // Killed once a few hundred have fired, and again a few hundred later.
  const int first_seen = WaitForFirings(channel, 300);
  Kill(first);
  REQUIRE(first_seen == 300);
  Daemon second = StartDaemon(data_dir, {config});
  channel = ChannelTo(second);
  const int second_seen = WaitForFirings(channel, first_seen + 300);
  Kill(second);
  REQUIRE(second_seen == first_seen + 300);

  Daemon third = StartDaemon(data_dir, {config});
  channel = ChannelTo(third);
  CHECK(WaitForFirings(channel, kFirings) == kFirings);
  testing::Stop(third);

  storage::EventLogOptions options;
  options.path = data_dir;
  auto log = storage::EventLog::Open(options);
  REQUIRE(log.ok());
  std::map<std::tuple<std::string, std::string, std::string>, int> fired;
  storage::EventFilter filter;
  filter.event_types = {"complaint.deadline_warned", "complaint.deadline_breached"};
  for (uint64_t from = 1; from <= (*log)->HeadPosition();) {
    auto page = (*log)->ReadAll(from, 1000, filter, 100000);
    REQUIRE(page.ok());
    for (const storage::RecordedEvent& record : page->events) {
      v1::ComplaintEvent event;
      REQUIRE(event.ParseFromString(record.payload()));
      const std::string timer = event.has_deadline_warned() ? event.deadline_warned().timer_id()
                                                            : event.deadline_breached().timer_id();
      ++fired[{record.stream(), timer, record.type()}];
    }
    from = page->next_position;
  }
  CHECK(fired.size() == kFirings);
  for (const auto& [key, n] : fired) {
    INFO(std::get<0>(key) << " " << std::get<1>(key) << " " << std::get<2>(key));
    REQUIRE(n == 1);
  }
  auto verified = (*log)->VerifyChain(1, (*log)->HeadPosition());
  REQUIRE(verified.ok());
  CHECK(verified->ok);
}

}  // namespace
}  // namespace closedloop
