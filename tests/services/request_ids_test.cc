// Request ids over the real API: whose they are (the principal that sent them), what they
// cover (what the caller sent, not what the server chose), a retry that arrives while the first
// request is still in flight, and internal ids (the timer's) that no caller can reach.
#include <catch2/catch.hpp>

#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "tests/services/secured_server.h"
#include "tests/services/timer_test_util.h"

namespace closedloop {
namespace {

using namespace testing;  // NOLINT: the API test helpers
using CS = v1::ComplaintService::Stub;
using PS = v1::ProblemService::Stub;
using QS = v1::QueryService::Stub;

v1::FileComplaintRequest Filing(const std::string& request_id, const std::string& text,
                                const std::string& customer, v1::Channel channel = v1::CHANNEL_WEB) {
  v1::FileComplaintRequest request;
  request.set_request_id(request_id);
  v1::Filed& f = *request.mutable_complaint();
  f.set_channel(channel);
  f.set_kind(v1::ITEM_KIND_COMPLAINT);
  f.set_customer_ref(customer);
  f.set_text(text);
  return request;
}

grpc::StatusCode FileCode(TestServer& s, const v1::FileComplaintRequest& request,
                          v1::CommandResponse* response) {
  return Call(*s.complaints, &CS::FileComplaint, request, response).error_code();
}

TEST_CASE("a request id reused with other content is ALREADY_EXISTS and records nothing, also after a restart", "[api][request_id]") {
  TestServer s;
  const v1::CommandResponse first =
      Ok(*s.complaints, &CS::FileComplaint, Filing("same-1", "Wrong size delivered", "c1"));
  const uint64_t head = s.log->HeadPosition();
  v1::CommandResponse response;
  // Another text, customer and channel under the same id: another customer's complaint, which
  // must not be answered with the first one's case.
  CHECK(FileCode(s, Filing("same-1", "Parcel never came", "c2", v1::CHANNEL_EMAIL), &response) ==
        grpc::StatusCode::ALREADY_EXISTS);
  CHECK(response.complaint_id().empty());
  CHECK(s.log->HeadPosition() == head);

  const auto comment = [&](const std::string& text) {
    return Cmd<v1::AddCommentRequest>(
        absl::StrCat("request_id: 'comment-1' visibility: VISIBILITY_INTERNAL author: 'anna' text: '",
                     text, "'"),
        first.complaint_id());
  };
  const v1::CommandResponse commented = Ok(*s.complaints, &CS::AddComment, comment("Called the carrier."));
  CHECK(Call(*s.complaints, &CS::AddComment, comment("Something else."), &response).error_code() ==
        grpc::StatusCode::ALREADY_EXISTS);

  const auto problem = [](const std::string& description) {
    return Msg<v1::OpenProblemRequest>(absl::StrCat(
        "request_id: 'problem-1' department: 'warehouse' source: PROBLEM_SOURCE_COMPLAINTS "
        "description: '", description, "'"));
  };
  const v1::ProblemCommandResponse opened = Ok(*s.problems, &PS::OpenProblem, problem("Sizes mixed up"));
  v1::ProblemCommandResponse problem_response;
  CHECK(Call(*s.problems, &PS::OpenProblem, problem("Labels missing"), &problem_response).error_code() ==
        grpc::StatusCode::ALREADY_EXISTS);
  const uint64_t head_before_restart = s.log->HeadPosition();

  s.Stop();
  s.Start();
  CHECK(FileCode(s, Filing("same-1", "Parcel never came", "c2", v1::CHANNEL_EMAIL), &response) ==
        grpc::StatusCode::ALREADY_EXISTS);
  CHECK(Call(*s.complaints, &CS::AddComment, comment("Something else."), &response).error_code() ==
        grpc::StatusCode::ALREADY_EXISTS);
  CHECK(Call(*s.problems, &PS::OpenProblem, problem("Labels missing"), &problem_response).error_code() ==
        grpc::StatusCode::ALREADY_EXISTS);
  CHECK(s.log->HeadPosition() == head_before_restart);
  // The very same requests are still retries, answered with the original results.
  const v1::CommandResponse again =
      Ok(*s.complaints, &CS::FileComplaint, Filing("same-1", "Wrong size delivered", "c1"));
  CHECK(again.deduplicated());
  CHECK(again.complaint_id() == first.complaint_id());
  CHECK(Ok(*s.complaints, &CS::AddComment, comment("Called the carrier.")).position() ==
        commented.position());
  CHECK(Ok(*s.problems, &PS::OpenProblem, problem("Sizes mixed up")).problem_id() ==
        opened.problem_id());
}

TEST_CASE("two callers may use the same request id independently, and neither reaches the other's request", "[api][request_id]") {
  std::unique_ptr<TestServer> s = SecuredServer();
  const auto request = Filing("order-4711", "The lamp arrived broken", "c-lamp");
  const v1::CommandResponse webshop = OkAs(TokenOf("integrator"), *s->complaints, &CS::FileComplaint, request);
  const v1::CommandResponse app = OkAs("token-for-app", *s->complaints, &CS::FileComplaint, request);
  CHECK_FALSE(app.deduplicated());
  CHECK(app.complaint_id() != webshop.complaint_id());
  // Each one's retry gets its own case back.
  CHECK(OkAs("token-for-app", *s->complaints, &CS::FileComplaint, request).complaint_id() ==
        app.complaint_id());
  CHECK(OkAs(TokenOf("integrator"), *s->complaints, &CS::FileComplaint, request).complaint_id() ==
        webshop.complaint_id());
  // An id another caller used with other content is still free for this one.
  const v1::CommandResponse other = OkAs(
      "token-for-app", *s->complaints, &CS::FileComplaint, Filing("order-4712", "Late", "c-late"));
  CHECK_FALSE(other.deduplicated());
  const v1::CommandResponse mine = OkAs(TokenOf("integrator"), *s->complaints, &CS::FileComplaint,
                                        Filing("order-4712", "Scratched table", "c-table"));
  CHECK_FALSE(mine.deduplicated());
  CHECK(mine.complaint_id() != other.complaint_id());
}

TEST_CASE("a retry of a filing still in flight joins it and spends no second number", "[api][request_id]") {
  TestServer s;
  const uint64_t before = std::stoull(
      Ok(*s.complaints, &CS::FileComplaint, Filing("", "First", "c0")).complaint_id().substr(3));
  // Both requests go to the log before either is acknowledged: whichever way they interleave,
  // one case is filed, both get it, and the next filing takes the very next number.
  constexpr int kRetries = 8;
  std::vector<v1::CommandResponse> responses(kRetries);
  std::vector<grpc::Status> statuses(kRetries);
  {
    std::vector<std::thread> callers;
    for (int i = 0; i < kRetries; ++i) {
      callers.emplace_back([&, i] {
        statuses[i] = Call(*s.complaints, &CS::FileComplaint, Filing("slow-1", "Retried", "c1"),
                           &responses[i]);
      });
    }
    for (std::thread& t : callers) t.join();
  }
  int originals = 0;
  for (int i = 0; i < kRetries; ++i) {
    INFO(statuses[i].error_message());
    REQUIRE(statuses[i].ok());
    CHECK(responses[i].complaint_id() == absl::StrCat("CL-", before + 1));
    originals += responses[i].deduplicated() ? 0 : 1;
  }
  CHECK(originals == 1);
  CHECK(Ok(*s.complaints, &CS::FileComplaint, Filing("", "Next", "c2")).complaint_id() ==
        absl::StrCat("CL-", before + 2));
}

TEST_CASE("a caller's request id shaped like the timer's cannot stop a deadline from firing", "[api][request_id][timers]") {
  TestServer s;
  const v1::CommandResponse filed = FileCase(s, v1::CHANNEL_HOTLINE);
  const std::vector<StreamEvent> events = StreamOf(s, filed.complaint_id());
  std::string timer_id;
  int64_t due_micros = 0;
  for (const StreamEvent& e : events) {
    if (e.event.has_deadline_scheduled() &&
        e.event.deadline_scheduled().kind() == v1::DEADLINE_KIND_FIRST_CONTACT) {
      timer_id = e.event.deadline_scheduled().timer_id();
      due_micros = absl::ToUnixMicros(T(e.event.deadline_scheduled().warn_at()));
    }
  }
  REQUIRE_FALSE(timer_id.empty());
  // The id the timer service will use for the warning, taken first by a caller.
  const std::string timer_request = absl::StrCat("timer/", filed.complaint_id(), "/", timer_id, "/", due_micros);
  Ok(*s.complaints, &CS::AddComment,
     Cmd<v1::AddCommentRequest>(absl::StrCat("request_id: '", timer_request,
                                             "' visibility: VISIBILITY_INTERNAL author: 'x' text: 'hi'"),
                                filed.complaint_id()));
  AdvanceAndFire(s, absl::Hours(3));
  int warned = 0, breached = 0;
  for (const StreamEvent& e : StreamOf(s, filed.complaint_id())) {
    warned += e.event.has_deadline_warned();
    breached += e.event.has_deadline_breached();
  }
  CHECK(warned == 1);
  CHECK(breached >= 1);
}

TEST_CASE("a batch of filings to a team of two splits evenly, as does a burst of single filings", "[api][routing]") {
  TestServer s;
  auto to_social = [](int i) {
    return Filing(absl::StrCat("social-", i), "Public post about a late parcel",
                  absl::StrCat("c", i), v1::CHANNEL_SOCIAL);
  };
  v1::FileComplaintsRequest batch;
  for (int i = 0; i < 100; ++i) *batch.add_filings() = to_social(i);
  const v1::FileComplaintsResponse filed = Ok(*s.complaints, &CS::FileComplaints, batch);
  uint64_t position = 0;
  for (const auto& result : filed.results()) {
    REQUIRE(result.code() == 0);
    position = std::max(position, result.response().position());
  }
  auto open_of = [&](const std::string& owner) {
    return Ok(*s.queries, &QS::GetSuperheroBoard,
              Msg<v1::GetSuperheroBoardRequest>(
                  absl::StrCat("owner: '", owner, "' min_position: ", position)))
        .open();
  };
  // The default configuration routes social posts to cx-social: dave and erin.
  CHECK(open_of("dave") == 50);
  CHECK(open_of("erin") == 50);

  // Catch's assertions are not thread-safe: the callers keep their outcomes for the test's
  // thread to check.
  const uint64_t head_before_burst = s.log->HeadPosition();
  std::vector<std::thread> callers;
  std::vector<grpc::Status> statuses(20);
  std::vector<v1::CommandResponse> responses(20);
  for (int i = 0; i < 20; ++i) {
    callers.emplace_back([&, i] {
      statuses[i] = Call(*s.complaints, &CS::FileComplaint, to_social(100 + i), &responses[i]);
    });
  }
  for (std::thread& t : callers) t.join();
  // Should a call fail, whether the log grew by the burst's filings tells a lost
  // answer from a filing that never reached the log.
  INFO("log head " << s.log->HeadPosition() << ", before the burst " << head_before_burst);
  for (int i = 0; i < 20; ++i) {
    INFO(statuses[i].error_message());
    REQUIRE(statuses[i].error_code() == grpc::StatusCode::OK);
    position = std::max(position, responses[i].position());
  }
  CHECK(open_of("dave") == 60);
  CHECK(open_of("erin") == 60);
}

}  // namespace
}  // namespace closedloop
