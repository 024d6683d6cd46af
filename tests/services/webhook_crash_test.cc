// The crash test for webhooks: the real closedloopd delivers to a real HTTP receiver and is
// killed with SIGKILL twice, once while the receiver answers and once while a POST hangs on a
// receiver that never answers; cases are filed in between. Restarted on the same data
// directory with the receiver answering, it delivers every complaint event of the log at
// least once, in log order of first arrival, and each copy delivered again carries the same
// event id and the same body as the first.
#include <catch2/catch.hpp>

#include <chrono>
#include <fstream>
#include <map>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "closedloop/v1/audit_service.grpc.pb.h"
#include "closedloop/v1/complaint_service.grpc.pb.h"
#include "closedloop/v1/delivery.pb.h"
#include "google/protobuf/text_format.h"
#include "google/protobuf/util/json_util.h"
#include "grpcpp/create_channel.h"
#include "grpcpp/security/credentials.h"
#include "services/daemon/config.h"
#include "services/webhooks/webhook_signature.h"
#include "tests/services/daemon_util.h"
#include "tests/services/http_receiver.h"
#include "tests/temp_dir.h"

namespace closedloop {
namespace {

using testing::Daemon;
using testing::StartDaemon;

constexpr char kSecret[] = "whsec-crash-51c2";

// The --config flag of a daemon with one webhook endpoint, a dashboard, posting to `url`.
std::string WebhookConfig(const testing::TempDir& dir, const std::string& url) {
  const std::string secret_path = dir.Sub("wallboard.secret");
  std::ofstream(secret_path) << kSecret << "\n";
  v1::Config config = services::DefaultConfig();
  v1::WebhookEndpoint& endpoint = *config.add_webhooks();
  endpoint.set_name("wallboard");
  endpoint.set_url(url);
  endpoint.set_role("dashboard");
  endpoint.set_secret_file(secret_path);
  std::string text;
  REQUIRE(google::protobuf::TextFormat::PrintToString(config, &text));
  const std::string path = dir.Sub("webhooks.conf");
  std::ofstream(path) << text;
  return "--config=" + path;
}

std::shared_ptr<grpc::Channel> ChannelTo(Daemon& d) {
  INFO(d.output);
  REQUIRE(d.ReadUntil("serving on"));
  return grpc::CreateChannel("127.0.0.1:" + std::to_string(testing::PortOf(d.output)),
                             grpc::InsecureChannelCredentials());
}

// Files `count` complaints in one batch, named `prefix`-i.
void FileCases(const std::shared_ptr<grpc::Channel>& channel, const std::string& prefix, int count) {
  v1::FileComplaintsRequest request;
  for (int i = 0; i < count; ++i) {
    v1::FileComplaintRequest& one = *request.add_filings();
    one.set_request_id(absl::StrCat(prefix, "-", i));
    one.mutable_complaint()->set_channel(v1::CHANNEL_WEB);
    one.mutable_complaint()->set_kind(v1::ITEM_KIND_COMPLAINT);
    one.mutable_complaint()->set_customer_ref(absl::StrCat("customer-", prefix, "-", i));
    one.mutable_complaint()->set_market("DE");
    one.mutable_complaint()->set_text("The parcel never came.");
  }
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(30));
  v1::FileComplaintsResponse response;
  const grpc::Status status =
      v1::ComplaintService::NewStub(channel)->FileComplaints(&context, request, &response);
  INFO(status.error_message());
  REQUIRE(status.ok());
  for (const auto& result : response.results()) REQUIRE(result.code() == 0);
}

// The positions of the log's complaint events, in order.
std::vector<uint64_t> ComplaintEventIds(const std::shared_ptr<grpc::Channel>& channel) {
  auto audit = v1::AuditService::NewStub(channel);
  std::vector<uint64_t> ids;
  v1::ReadAllRequest request;
  request.set_page_size(1000);
  request.mutable_filter()->set_stream_prefix("complaint-");
  for (;;) {
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(30));
    v1::ReadAllResponse page;
    REQUIRE(audit->ReadAll(&context, request, &page).ok());
    for (const v1::RecordedEvent& e : page.events()) ids.push_back(e.position());
    if (page.next_position() > page.head_position()) return ids;
    request.set_from_position(page.next_position());
  }
}

void Kill(Daemon& d) {
  REQUIRE(kill(d.pid, SIGKILL) == 0);
  int status = 0;
  REQUIRE(waitpid(d.pid, &status, 0) == d.pid);
  CHECK(WIFSIGNALED(status));
  close(d.stderr_fd);
}

uint64_t IdOf(const testing::ReceivedRequest& request) {
  v1::DeliveredEvent event;
  INFO(request.body);
  REQUIRE(google::protobuf::util::JsonStringToMessage(request.body, &event).ok());
  return event.id();
}

TEST_CASE("a daemon killed during delivery, twice, delivers every event in order after restarts, duplicates with the same id and body",
          "[webhooks][crash]") {
  testing::TempDir dir;
  testing::HttpReceiver receiver;
  const std::string data_dir = dir.Sub("data");
  const std::string config = WebhookConfig(dir, receiver.Url("/events"));

  // Killed while the receiver answers: some of the 300 cases' events are delivered, the
  // batch in flight possibly not yet recorded as delivered.
  Daemon first = StartDaemon(data_dir, {config});
  FileCases(ChannelTo(first), "first", 300);
  REQUIRE(receiver.WaitForRequests(100));
  Kill(first);
  const size_t before_silence = receiver.Requests().size();

  // Killed while a POST hangs on a receiver that never answers, with more cases filed.
  receiver.SetSilent(true);
  Daemon second = StartDaemon(data_dir, {config});
  auto channel = ChannelTo(second);
  // Filed first: even had the first daemon delivered everything, there is a POST to hang.
  FileCases(channel, "second", 50);
  REQUIRE(receiver.WaitForRequests(before_silence + 1));
  Kill(second);

  // The receiver answers again: the restarted daemon delivers the rest, and one more case.
  receiver.SetSilent(false);
  Daemon third = StartDaemon(data_dir, {config});
  channel = ChannelTo(third);
  FileCases(channel, "third", 1);
  const std::vector<uint64_t> expected = ComplaintEventIds(channel);
  REQUIRE(expected.size() >= 351);
  // Delivery is in order: once the last event arrived, every one before it was received.
  size_t wanted = expected.size();
  while (receiver.WaitForRequests(wanted) && IdOf(receiver.Requests().back()) != expected.back()) {
    ++wanted;
  }
  testing::Stop(third);

  const std::vector<testing::ReceivedRequest> requests = receiver.Requests();
  REQUIRE_FALSE(requests.empty());
  REQUIRE(IdOf(requests.back()) == expected.back());
  std::vector<uint64_t> first_arrivals;
  std::map<uint64_t, std::string> first_bodies;
  for (const testing::ReceivedRequest& request : requests) {
    const uint64_t id = IdOf(request);
    INFO("event " << id);
    CHECK(request.Header("Closedloop-Event-Id") == absl::StrCat(id));
    CHECK(services::VerifySignature(kSecret, request.Header("Closedloop-Signature"), request.body,
                                    absl::Now(), absl::Minutes(5))
              .ok());
    auto [first_copy, is_first] = first_bodies.emplace(id, request.body);
    if (is_first) {
      first_arrivals.push_back(id);
    } else {
      CHECK(request.body == first_copy->second);
    }
  }
  CHECK(first_arrivals == expected);
  // The POST that hung was delivered again after the restart.
  CHECK(requests.size() > expected.size());
}

}  // namespace
}  // namespace closedloop
