// AuditService end to end: a real log in a temp dir, the real server on 127.0.0.1 port 0,
// the real generated client. Events are seeded through the storage API.
#include <catch2/catch.hpp>

#include <memory>
#include <string>
#include <thread>

#include "closedloop/v1/audit_service.grpc.pb.h"
#include "grpcpp/create_channel.h"
#include "grpcpp/security/credentials.h"
#include "services/api/server.h"
#include "storage/event_log.h"
#include "tests/services/test_server.h"
#include "tests/temp_dir.h"
#include "tools/health_client.h"

namespace closedloop {
namespace {

using storage::AppendRequest;
using storage::EventLog;

struct Running {
  testing::TempDir dir;
  std::unique_ptr<EventLog> log;
  std::unique_ptr<services::ClosedLoopServer> server;
  std::shared_ptr<grpc::Channel> channel;
  std::unique_ptr<v1::AuditService::Stub> stub;
};

std::unique_ptr<Running> Start() {
  auto r = std::make_unique<Running>();
  storage::EventLogOptions options;
  options.path = r->dir.Sub("db");
  r->log = *EventLog::Open(options);
  r->server = *services::ClosedLoopServer::Start(*r->log, testing::Options(r->dir));
  r->channel = grpc::CreateChannel("127.0.0.1:" + std::to_string(r->server->port()),
                                   grpc::InsecureChannelCredentials());
  r->stub = v1::AuditService::NewStub(r->channel);
  return r;
}

storage::AppendResult Seed(EventLog& log, const std::string& stream, int count,
                           const std::string& type = "complaint.commented") {
  AppendRequest request;
  request.stream = stream;
  for (int i = 0; i < count; ++i) {
    auto& event = request.events.emplace_back();
    event.set_type(type);
    event.set_payload("payload " + std::to_string(i));
    event.mutable_actor()->set_principal("user:anna");
    event.mutable_actor()->set_role("superhero");
  }
  absl::StatusOr<storage::AppendResult> result = log.Append(std::move(request));
  REQUIRE(result.ok());
  return *result;
}

std::unique_ptr<grpc::ClientContext> Context() {
  auto context = std::make_unique<grpc::ClientContext>();
  context->set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(30));
  return context;
}

TEST_CASE("health reports SERVING for a running daemon") {
  auto r = Start();
  absl::StatusOr<std::string> health = tools::CheckHealth(r->channel, absl::Seconds(30));
  REQUIRE(health.ok());
  CHECK(*health == "SERVING");
}

TEST_CASE("ReadStream returns a stream's events forwards and backwards with positions and hashes") {
  auto r = Start();
  Seed(*r->log, "case-CL-1", 3);
  Seed(*r->log, "case-CL-2", 2);
  Seed(*r->log, "case-CL-1", 2);

  v1::ReadStreamRequest request;
  request.set_stream("case-CL-1");
  v1::ReadStreamResponse response;
  REQUIRE(r->stub->ReadStream(Context().get(), request, &response).ok());
  REQUIRE(response.events_size() == 5);
  CHECK(response.stream_revision() == 5);
  CHECK(response.events(0).position() == 1);
  CHECK(response.events(3).position() == 6);
  CHECK(response.events(3).revision() == 4);
  CHECK(response.events(0).actor().role() == "superhero");
  CHECK(response.events(0).hash().size() == 32);
  CHECK(response.next_revision() == 0);

  request.set_direction(v1::READ_DIRECTION_BACKWARD);
  request.set_page_size(2);
  response.Clear();
  REQUIRE(r->stub->ReadStream(Context().get(), request, &response).ok());
  REQUIRE(response.events_size() == 2);
  CHECK(response.events(0).revision() == 5);
  CHECK(response.events(1).revision() == 4);
  CHECK(response.next_revision() == 3);
}

TEST_CASE("ReadStream errors name the problem: unknown stream, bad name, bad page size, bad direction") {
  auto r = Start();
  Seed(*r->log, "case-CL-1", 1);
  v1::ReadStreamResponse response;

  v1::ReadStreamRequest unknown;
  unknown.set_stream("case-CL-404");
  grpc::Status s = r->stub->ReadStream(Context().get(), unknown, &response);
  CHECK(s.error_code() == grpc::StatusCode::NOT_FOUND);

  v1::ReadStreamRequest bad_name;
  bad_name.set_stream("has space");
  s = r->stub->ReadStream(Context().get(), bad_name, &response);
  CHECK(s.error_code() == grpc::StatusCode::INVALID_ARGUMENT);
  CHECK(s.error_message().find("stream") != std::string::npos);

  v1::ReadStreamRequest bad_page;
  bad_page.set_stream("case-CL-1");
  bad_page.set_page_size(-1);
  s = r->stub->ReadStream(Context().get(), bad_page, &response);
  CHECK(s.error_code() == grpc::StatusCode::INVALID_ARGUMENT);
  CHECK(s.error_message().find("page_size") != std::string::npos);

  v1::ReadStreamRequest bad_direction;
  bad_direction.set_stream("case-CL-1");
  bad_direction.set_direction(static_cast<v1::ReadDirection>(42));
  s = r->stub->ReadStream(Context().get(), bad_direction, &response);
  CHECK(s.error_code() == grpc::StatusCode::INVALID_ARGUMENT);
  CHECK(s.error_message().find("direction") != std::string::npos);
}

TEST_CASE("ReadAll pages through the whole log and filters by stream prefix and event type") {
  auto r = Start();
  Seed(*r->log, "case-CL-1", 3, "complaint.filed");
  Seed(*r->log, "problem-P-1", 2, "problem.opened");
  Seed(*r->log, "case-CL-2", 3, "complaint.filed");

  v1::ReadAllRequest request;
  request.set_page_size(5);
  v1::ReadAllResponse first;
  REQUIRE(r->stub->ReadAll(Context().get(), request, &first).ok());
  CHECK(first.events_size() == 5);
  CHECK(first.head_position() == 8);
  CHECK(first.next_position() == 6);
  request.set_from_position(first.next_position());
  v1::ReadAllResponse second;
  REQUIRE(r->stub->ReadAll(Context().get(), request, &second).ok());
  REQUIRE(second.events_size() == 3);
  CHECK(second.events(0).position() == 6);
  CHECK(second.next_position() == 9);

  v1::ReadAllRequest filtered;
  filtered.mutable_filter()->set_stream_prefix("problem-");
  v1::ReadAllResponse problems;
  REQUIRE(r->stub->ReadAll(Context().get(), filtered, &problems).ok());
  REQUIRE(problems.events_size() == 2);
  CHECK(problems.events(0).position() == 4);

  v1::ReadAllRequest by_type;
  by_type.mutable_filter()->add_event_types("complaint.filed");
  v1::ReadAllResponse filed;
  REQUIRE(r->stub->ReadAll(Context().get(), by_type, &filed).ok());
  CHECK(filed.events_size() == 6);
}

TEST_CASE("VerifyChain reports ok and the head hash, and rejects a range past the head") {
  auto r = Start();
  storage::AppendResult last = Seed(*r->log, "case-CL-1", 10);
  v1::VerifyChainResponse response;
  REQUIRE(r->stub->VerifyChain(Context().get(), v1::VerifyChainRequest(), &response).ok());
  CHECK(response.ok());
  CHECK(response.verified_from() == 1);
  CHECK(response.verified_to() == last.last_position);
  auto events = r->log->ReadStream("case-CL-1", 0, storage::Direction::kBackward, 1);
  REQUIRE(events.ok());
  CHECK(response.head_hash() == events->front().hash());

  v1::VerifyChainRequest past;
  past.set_to_position(last.last_position + 1);
  grpc::Status s = r->stub->VerifyChain(Context().get(), past, &response);
  CHECK(s.error_code() == grpc::StatusCode::OUT_OF_RANGE);
}

TEST_CASE("Subscribe delivers the history, then a caught-up marker, then live events") {
  auto r = Start();
  Seed(*r->log, "case-CL-1", 3);
  Seed(*r->log, "problem-P-1", 1);

  grpc::ClientContext context;
  v1::SubscribeRequest request;
  request.mutable_filter()->set_stream_prefix("case-");
  auto reader = r->stub->Subscribe(&context, request);
  v1::SubscribeResponse message;
  for (uint64_t expected = 1; expected <= 3; ++expected) {
    REQUIRE(reader->Read(&message));
    REQUIRE(message.has_event());
    CHECK(message.event().position() == expected);
  }
  REQUIRE(reader->Read(&message));
  REQUIRE(message.has_caught_up());
  CHECK(message.caught_up().head_position() == 4);

  Seed(*r->log, "problem-P-1", 1);  // filtered out
  Seed(*r->log, "case-CL-9", 2);
  for (uint64_t expected = 6; expected <= 7; ++expected) {
    REQUIRE(reader->Read(&message));
    REQUIRE(message.has_event());
    CHECK(message.event().position() == expected);
    CHECK(message.event().stream() == "case-CL-9");
  }
  context.TryCancel();
  while (reader->Read(&message)) {
  }
  CHECK(reader->Finish().error_code() == grpc::StatusCode::CANCELLED);
}

}  // namespace
}  // namespace closedloop
