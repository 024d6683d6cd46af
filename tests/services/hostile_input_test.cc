// Hostile bytes in the text fields of every RPC, sent as raw wire bytes so that nothing on the
// client side cleans them: a control character, a line break in a one-line field, and bytes
// that are not UTF-8. Each is refused, the field is named where our checks see it, and the
// log does not move.
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "absl/synchronization/notification.h"
#include "grpcpp/generic/generic_stub.h"
#include "tests/services/api_test_util.h"

namespace closedloop {
namespace {

using namespace testing;  // NOLINT: the API test helpers
using CS = v1::ComplaintService::Stub;
using PS = v1::ProblemService::Stub;

// Marks the field under attack in a request written in text format; replaced in the wire
// bytes by hostile bytes of the same length, so every length prefix stays right.
constexpr char kMark[] = "@@@@";

struct Target {
  std::string method;   // "/closedloop.v1.ComplaintService/AddComment"
  std::string request;  // text format, with kMark in the field under attack
  std::string field;    // what the error must name
  const google::protobuf::Message* prototype;
};

// Sends `wire` to `method`; the status, and the response bytes.
grpc::Status SendRaw(TestServer& s, const std::string& method, const std::string& wire,
                     std::string* response_bytes = nullptr) {
  grpc::GenericStub stub(s.channel);
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
  grpc::Slice slice(wire);
  grpc::ByteBuffer request(&slice, 1);
  grpc::ByteBuffer response;
  grpc::Status status;
  absl::Notification done;
  stub.UnaryCall(&context, method, grpc::StubOptions(), &request, &response, [&](grpc::Status st) {
    status = std::move(st);
    done.Notify();
  });
  done.WaitForNotification();
  if (response_bytes != nullptr) {
    std::vector<grpc::Slice> slices;
    if (response.Dump(&slices).ok()) {
      for (const grpc::Slice& piece : slices) {
        response_bytes->append(reinterpret_cast<const char*>(piece.begin()), piece.size());
      }
    }
  }
  return status;
}

// The request's wire bytes with the mark replaced by `hostile` (4 bytes).
std::string Wire(const Target& target, const std::string& hostile) {
  std::unique_ptr<google::protobuf::Message> message(target.prototype->New());
  INFO(target.request);
  REQUIRE(google::protobuf::TextFormat::ParseFromString(target.request, message.get()));
  std::string wire = message->SerializeAsString();
  REQUIRE(hostile.size() == 4);
  REQUIRE(wire.find(kMark) != std::string::npos);
  return absl::StrReplaceAll(wire, {{kMark, hostile}});
}

// A FileComplaints call answers OK with a result per item: the first item's status.
grpc::Status ItemStatus(TestServer& s, const std::string& wire) {
  std::string bytes;
  grpc::Status status = SendRaw(s, "/closedloop.v1.ComplaintService/FileComplaints", wire, &bytes);
  if (!status.ok()) return status;
  v1::FileComplaintsResponse response;
  REQUIRE(response.ParseFromString(bytes));
  REQUIRE(response.results_size() == 1);
  return grpc::Status(static_cast<grpc::StatusCode>(response.results(0).code()),
                      response.results(0).message());
}

TEST_CASE("hostile bytes in any RPC's text fields are refused with the field named, and nothing is written", "[bad-input][hostile]") {
  TestServer s;
  const std::string due = absl::StrCat(" due { seconds: ", absl::ToUnixSeconds(s.clock.Now() + absl::Hours(8)), " }");
  // CL-1 open; CL-2 reached with task T1; CL-3 resolved; CL-4 red-button; PR-1 open.
  for (const char* channel : {"CHANNEL_WEB", "CHANNEL_WEB", "CHANNEL_WEB", "CHANNEL_RED_BUTTON"}) {
    Ok(*s.complaints, &CS::FileComplaint, Msg<v1::FileComplaintRequest>(absl::StrCat(
        "complaint { channel: ", channel, " kind: ITEM_KIND_COMPLAINT customer_ref: 'c1' text: 'late' }")));
  }
  for (const char* id : {"CL-2", "CL-3"}) {
    Ok(*s.complaints, &CS::RecordCustomerContact, Cmd<v1::RecordCustomerContactRequest>(
        "method: CONTACT_METHOD_PHONE outcome: CONTACT_OUTCOME_REACHED", id));
  }
  Ok(*s.complaints, &CS::OpenTask, Cmd<v1::OpenTaskRequest>("department: 'warehouse' description: 'd'" + due, "CL-2"));
  Ok(*s.complaints, &CS::ResolveComplaint, Cmd<v1::ResolveComplaintRequest>("resolution: 'r' remedy { type: REMEDY_TYPE_APOLOGY }", "CL-3"));
  Ok(*s.problems, &PS::OpenProblem, Msg<v1::OpenProblemRequest>("department: 'delivery' description: 'd' source: PROBLEM_SOURCE_COMPLAINTS"));

  const std::string cs = "/closedloop.v1.ComplaintService/";
  const std::string ps = "/closedloop.v1.ProblemService/";
  const std::string qs = "/closedloop.v1.QueryService/";
  const std::string as = "/closedloop.v1.AuditService/";
  const std::vector<Target> targets = {
      {cs + "FileComplaint", "complaint { channel: CHANNEL_WEB kind: ITEM_KIND_COMPLAINT customer_ref: 'c' text: '@@@@' }", "complaint.text", &v1::FileComplaintRequest::default_instance()},
      {cs + "FileComplaint", "complaint { channel: CHANNEL_WEB kind: ITEM_KIND_COMPLAINT customer_ref: 'c' text: 't' market: '@@@@' }", "complaint.market", &v1::FileComplaintRequest::default_instance()},
      {cs + "FileComplaint", "complaint { channel: CHANNEL_WEB kind: ITEM_KIND_COMPLAINT customer_ref: '@@@@' text: 't' }", "complaint.customer_ref", &v1::FileComplaintRequest::default_instance()},
      {cs + "FileComplaints", "filings { complaint { channel: CHANNEL_WEB kind: ITEM_KIND_COMPLAINT customer_ref: 'c' text: '@@@@' } }", "complaint.text", &v1::FileComplaintsRequest::default_instance()},
      {cs + "TriageComplaint", "complaint_id: 'CL-1' category: '@@@@'", "category", &v1::TriageComplaintRequest::default_instance()},
      {cs + "AssignComplaint", "complaint_id: 'CL-1' owner: '@@@@'", "owner", &v1::AssignComplaintRequest::default_instance()},
      {cs + "RecordCustomerContact", "complaint_id: 'CL-1' method: CONTACT_METHOD_PHONE outcome: CONTACT_OUTCOME_REACHED summary: '@@@@'", "summary", &v1::RecordCustomerContactRequest::default_instance()},
      {cs + "AddComment", "complaint_id: 'CL-1' visibility: VISIBILITY_PUBLIC author: 'anna' text: '@@@@'", "text", &v1::AddCommentRequest::default_instance()},
      {cs + "AddComment", "complaint_id: 'CL-1' visibility: VISIBILITY_PUBLIC author: '@@@@' text: 't'", "author", &v1::AddCommentRequest::default_instance()},
      {cs + "OpenTask", "complaint_id: 'CL-1' department: 'warehouse' description: '@@@@'" + due, "description", &v1::OpenTaskRequest::default_instance()},
      {cs + "RespondToTask", "complaint_id: 'CL-2' task_id: 'T1' response: '@@@@'", "response", &v1::RespondToTaskRequest::default_instance()},
      {cs + "CompleteTask", "complaint_id: 'CL-2' task_id: 'T1' outcome: '@@@@'", "outcome", &v1::CompleteTaskRequest::default_instance()},
      {cs + "Escalate", "complaint_id: 'CL-1' to: 'boss' reason: '@@@@'", "reason", &v1::EscalateRequest::default_instance()},
      {cs + "Escalate", "complaint_id: 'CL-1' to: '@@@@' reason: 'slow'", "to", &v1::EscalateRequest::default_instance()},
      {cs + "ResolveComplaint", "complaint_id: 'CL-2' resolution: '@@@@' remedy { type: REMEDY_TYPE_APOLOGY }", "resolution", &v1::ResolveComplaintRequest::default_instance()},
      {cs + "CloseComplaint", "complaint_id: 'CL-3' request_id: '@@@@'", "request_id", &v1::CloseComplaintRequest::default_instance()},
      {cs + "ReopenComplaint", "complaint_id: 'CL-3' reason: '@@@@'", "reason", &v1::ReopenComplaintRequest::default_instance()},
      {cs + "RedirectToSupport", "complaint_id: 'CL-4' reason: '@@@@'", "reason", &v1::RedirectToSupportRequest::default_instance()},
      {cs + "LinkToProblem", "complaint_id: 'CL-1' problem_id: '@@@@'", "problem_id", &v1::LinkToProblemRequest::default_instance()},
      {cs + "RecordSurvey", "complaint_id: 'CL-3' nps: 9 csat: 5 comment: '@@@@'", "comment", &v1::RecordSurveyRequest::default_instance()},
      {ps + "OpenProblem", "department: 'delivery' description: '@@@@' source: PROBLEM_SOURCE_COMPLAINTS", "description", &v1::OpenProblemRequest::default_instance()},
      {ps + "AddActionItem", "problem_id: 'PR-1' description: 'd' owner: '@@@@'" + due, "owner", &v1::AddActionItemRequest::default_instance()},
      {ps + "CompleteActionItem", "problem_id: 'PR-1' item_id: '@@@@' outcome: 'o'", "item_id", &v1::CompleteActionItemRequest::default_instance()},
      {ps + "MarkFixed", "problem_id: 'PR-1' summary: '@@@@'", "summary", &v1::MarkFixedRequest::default_instance()},
      {ps + "VerifyFix", "problem_id: 'PR-1' evidence: '@@@@'", "evidence", &v1::VerifyFixRequest::default_instance()},
      {qs + "GetComplaint", "complaint_id: '@@@@'", "complaint_id", &v1::GetComplaintRequest::default_instance()},
      {qs + "ListComplaints", "owner: '@@@@'", "owner", &v1::ListComplaintsRequest::default_instance()},
      {qs + "ListComplaints", "customer_ref: '@@@@'", "customer_ref", &v1::ListComplaintsRequest::default_instance()},
      {qs + "GetSuperheroBoard", "owner: '@@@@'", "owner", &v1::GetSuperheroBoardRequest::default_instance()},
      {qs + "GetDepartmentCatalog", "department: '@@@@'", "department", &v1::GetDepartmentCatalogRequest::default_instance()},
      {qs + "GetCustomerHistory", "customer_ref: '@@@@'", "customer_ref", &v1::GetCustomerHistoryRequest::default_instance()},
      {as + "ReadStream", "stream: '@@@@'", "stream", &v1::ReadStreamRequest::default_instance()},
      {as + "ReadAll", "filter { stream_prefix: '@@@@' }", "stream_prefix", &v1::ReadAllRequest::default_instance()},
  };
  struct Hostile {
    const char* what;
    std::string bytes;
    bool utf8;  // valid UTF-8 (then our checks see it and name the field)
  };
  const std::vector<Hostile> hostile = {{"a bell", "a\acd", true},
                                        {"an escape sequence", "\x1B[2J", true},
                                        {"a C1 control", "a\xC2\x85z", true},
                                        {"not UTF-8", "ab\xFF\xFE", false},
                                        {"a lone continuation byte", "\x80xyz", false}};
  int refused = 0;
  for (const Target& target : targets) {
    for (const Hostile& h : hostile) {
      INFO(target.method << " " << target.field << " with " << h.what);
      const uint64_t head = s.log->HeadPosition();
      const std::string wire = Wire(target, h.bytes);
      const grpc::Status status = target.method == cs + "FileComplaints"
                                      ? ItemStatus(s, wire)
                                      : SendRaw(s, target.method, wire);
      INFO(status.error_code() << ": " << status.error_message());
      CHECK(s.log->HeadPosition() == head);
      if (h.utf8) {
        CHECK(status.error_code() == grpc::StatusCode::INVALID_ARGUMENT);
        CHECK_THAT(status.error_message(), Catch::Contains(target.field));
      } else {
        // proto3 strings must be UTF-8: the request does not decode, so gRPC refuses it before
        // any handler runs, as INTERNAL (UNIMPLEMENTED for FileComplaint, on gRPC's callback
        // API), without naming the field.
        CHECK(status.error_code() == (target.method == cs + "FileComplaint"
                                          ? grpc::StatusCode::UNIMPLEMENTED
                                          : grpc::StatusCode::INTERNAL));
      }
      refused += !status.ok();
    }
  }
  CHECK(refused == static_cast<int>(targets.size() * hostile.size()));
  // Nothing it was sent harmed the server: it still answers, and the open case is as it was.
  const v1::ComplaintView view = View(s, "CL-1", s.log->HeadPosition());
  CHECK(view.state() == v1::COMPLAINT_STATE_OPEN);
  CHECK(view.comments_size() == 0);
}

}  // namespace
}  // namespace closedloop
