// Hostile input to every RPC of ComplaintService, ProblemService, QueryService and AuditService,
// sent as raw wire bytes so that nothing on the client side cleans it:
//   - bytes in text fields: control characters (C0, DEL, C1, an escape sequence), a line break
//     in a one-line field, and bytes that are not UTF-8;
//   - values: unknown enum values, ids of the wrong shape, times before the year 1 or after
//     9999, amounts and scores out of range, page sizes and tokens, repeated-field counts,
//     positions past the head.
// Each is refused with the exact code, the field is named where our checks see it, and the log
// does not move.
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "absl/synchronization/notification.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/dynamic_message.h"
#include "grpcpp/generic/generic_stub.h"
#include "tests/services/api_test_util.h"

namespace closedloop {
namespace {

using namespace testing;  // NOLINT: the API test helpers
using CS = v1::ComplaintService::Stub;
using PS = v1::ProblemService::Stub;
using grpc::StatusCode;

// Marks the field under attack in a request written in text format; replaced in the wire
// bytes by hostile bytes of the same length, so every length prefix stays right.
constexpr char kMark[] = "@@@@";

// One hostile request: `method` is "ComplaintService/AddComment", `request` its text format.
struct Case {
  std::string method;
  std::string request;
  StatusCode code;    // for bytes: the code when they are UTF-8
  std::string field;  // what the error must name
};

const google::protobuf::MethodDescriptor& MethodOf(const std::string& method) {
  const google::protobuf::MethodDescriptor* found =
      google::protobuf::DescriptorPool::generated_pool()->FindMethodByName(
          "closedloop.v1." + absl::StrReplaceAll(method, {{"/", "."}}));
  INFO(method);
  REQUIRE(found != nullptr);
  return *found;
}

// The wire bytes of `method`'s request written as `text`.
std::string WireOf(const std::string& method, const std::string& text) {
  const google::protobuf::Message* prototype =
      google::protobuf::MessageFactory::generated_factory()->GetPrototype(MethodOf(method).input_type());
  std::unique_ptr<google::protobuf::Message> message(prototype->New());
  INFO(method << " { " << text.substr(0, 300) << " }");
  REQUIRE(google::protobuf::TextFormat::ParseFromString(text, message.get()));
  return message->SerializeAsString();
}

grpc::ByteBuffer Buffer(const std::string& wire) {
  grpc::Slice slice(wire);
  return grpc::ByteBuffer(&slice, 1);
}

std::string BytesOf(grpc::ByteBuffer& buffer) {
  std::string bytes;
  std::vector<grpc::Slice> slices;
  if (buffer.Dump(&slices).ok()) {
    for (const grpc::Slice& piece : slices) bytes.append(reinterpret_cast<const char*>(piece.begin()), piece.size());
  }
  return bytes;
}

// A server-streaming call: sends `wire`, reads until the end; the status it ends with.
grpc::Status SendStreaming(TestServer& s, const std::string& path, const std::string& wire) {
  grpc::GenericStub stub(s.channel);
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(5));
  grpc::CompletionQueue cq;
  std::unique_ptr<grpc::GenericClientAsyncReaderWriter> call = stub.PrepareCall(&context, path, &cq);
  void* tag = nullptr;
  bool ok = false;
  // One operation at a time, so the next event on the queue is the operation just started.
  auto await = [&] { REQUIRE(cq.Next(&tag, &ok)); return ok; };
  call->StartCall(nullptr);
  await();
  const grpc::ByteBuffer request = Buffer(wire);
  call->WriteLast(request, grpc::WriteOptions(), nullptr);
  await();
  grpc::ByteBuffer response;
  do {
    call->Read(&response, nullptr);
  } while (await());
  grpc::Status status;
  call->Finish(&status, nullptr);
  await();
  cq.Shutdown();
  while (cq.Next(&tag, &ok)) {
  }
  return status;
}

// Sends `wire` to `method`; its status. FileComplaints answers OK with a result per item: then
// the first item's status.
grpc::Status Send(TestServer& s, const std::string& method, const std::string& wire) {
  const std::string path = "/closedloop.v1." + method;
  if (MethodOf(method).server_streaming()) return SendStreaming(s, path, wire);
  grpc::GenericStub stub(s.channel);
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
  const grpc::ByteBuffer request = Buffer(wire);
  grpc::ByteBuffer response;
  grpc::Status status;
  absl::Notification done;
  stub.UnaryCall(&context, path, grpc::StubOptions(), &request, &response, [&](grpc::Status st) {
    status = std::move(st);
    done.Notify();
  });
  done.WaitForNotification();
  if (!status.ok() || method != "ComplaintService/FileComplaints") return status;
  v1::FileComplaintsResponse batch;
  REQUIRE(batch.ParseFromString(BytesOf(response)));
  REQUIRE(batch.results_size() >= 1);
  return grpc::Status(static_cast<StatusCode>(batch.results(0).code()), batch.results(0).message());
}

// The world every case runs against: CL-1 open; CL-2 reached with task T1; CL-3 resolved;
// CL-4 red-button; CL-5 a recommendation; PR-1 open. Returns a due time 8 h ahead, as text.
std::string Setup(TestServer& s) {
  const std::string due = absl::StrCat(" due { seconds: ", absl::ToUnixSeconds(s.clock.Now() + absl::Hours(8)), " }");
  for (const char* channel : {"CHANNEL_WEB", "CHANNEL_WEB", "CHANNEL_WEB", "CHANNEL_RED_BUTTON"}) {
    Ok(*s.complaints, &CS::FileComplaint, Msg<v1::FileComplaintRequest>(absl::StrCat(
        "complaint { channel: ", channel, " kind: ITEM_KIND_COMPLAINT customer_ref: 'c1' text: 'late' }")));
  }
  Ok(*s.complaints, &CS::FileComplaint, Msg<v1::FileComplaintRequest>(
      "complaint { channel: CHANNEL_APP kind: ITEM_KIND_RECOMMENDATION customer_ref: 'c1' text: 'idea' }"));
  for (const char* id : {"CL-2", "CL-3"}) {
    Ok(*s.complaints, &CS::RecordCustomerContact, Cmd<v1::RecordCustomerContactRequest>(
        "method: CONTACT_METHOD_PHONE outcome: CONTACT_OUTCOME_REACHED", id));
  }
  Ok(*s.complaints, &CS::OpenTask, Cmd<v1::OpenTaskRequest>("department: 'warehouse' description: 'd'" + due, "CL-2"));
  Ok(*s.complaints, &CS::ResolveComplaint, Cmd<v1::ResolveComplaintRequest>("resolution: 'r' remedy { type: REMEDY_TYPE_APOLOGY }", "CL-3"));
  Ok(*s.problems, &PS::OpenProblem, Msg<v1::OpenProblemRequest>("department: 'delivery' description: 'd' source: PROBLEM_SOURCE_COMPLAINTS"));
  return due;
}

// Runs `c` with its wire bytes `wire`: the code, the field named, the log's head unchanged.
void Expect(TestServer& s, const Case& c, const std::string& wire, StatusCode code, bool names_field) {
  const uint64_t head = s.log->HeadPosition();
  const grpc::Status status = Send(s, c.method, wire);
  INFO(c.method << " { " << c.request.substr(0, 120) << " } -> " << status.error_code() << ": " << status.error_message());
  CHECK(status.error_code() == code);
  if (names_field) CHECK_THAT(status.error_message(), Catch::Contains(c.field));
  CHECK(s.log->HeadPosition() == head);
}

TEST_CASE("hostile bytes in any RPC's text fields are refused with the field named, and nothing is written", "[bad-input][hostile]") {
  TestServer s;
  const std::string due = Setup(s);
  const StatusCode kInvalid = StatusCode::INVALID_ARGUMENT;
  const std::string filing = "complaint { channel: CHANNEL_WEB kind: ITEM_KIND_COMPLAINT customer_ref: 'c' text: 't' ";
  std::vector<Case> targets = {
      {"ComplaintService/FileComplaint", "complaint { channel: CHANNEL_WEB kind: ITEM_KIND_COMPLAINT customer_ref: 'c' text: '@@@@' }", kInvalid, "complaint.text"},
      {"ComplaintService/FileComplaint", "complaint { channel: CHANNEL_WEB kind: ITEM_KIND_COMPLAINT customer_ref: '@@@@' text: 't' }", kInvalid, "complaint.customer_ref"},
      {"ComplaintService/FileComplaints", "filings { complaint { channel: CHANNEL_WEB kind: ITEM_KIND_COMPLAINT customer_ref: 'c' text: '@@@@' } }", kInvalid, "complaint.text"},
      {"ComplaintService/TriageComplaint", "complaint_id: 'CL-1' category: '@@@@'", kInvalid, "category"},
      {"ComplaintService/TriageComplaint", "complaint_id: 'CL-1' department: '@@@@'", kInvalid, "department"},
      {"ComplaintService/TriageComplaint", "complaint_id: 'CL-1' root_cause_code: '@@@@'", kInvalid, "root_cause_code"},
      {"ComplaintService/AssignComplaint", "complaint_id: 'CL-1' owner: '@@@@'", kInvalid, "owner"},
      {"ComplaintService/RecordCustomerContact", "complaint_id: 'CL-1' method: CONTACT_METHOD_PHONE outcome: CONTACT_OUTCOME_REACHED summary: '@@@@'", kInvalid, "summary"},
      {"ComplaintService/AddComment", "complaint_id: 'CL-1' visibility: VISIBILITY_PUBLIC author: 'anna' text: '@@@@'", kInvalid, "text"},
      {"ComplaintService/AddComment", "complaint_id: 'CL-1' visibility: VISIBILITY_PUBLIC author: '@@@@' text: 't'", kInvalid, "author"},
      {"ComplaintService/OpenTask", "complaint_id: 'CL-1' department: 'warehouse' description: '@@@@'" + due, kInvalid, "description"},
      {"ComplaintService/OpenTask", "complaint_id: 'CL-1' department: '@@@@' description: 'd'" + due, kInvalid, "department"},
      {"ComplaintService/OpenTask", "complaint_id: 'CL-1' department: 'warehouse' responsible: '@@@@' description: 'd'" + due, kInvalid, "responsible"},
      {"ComplaintService/RespondToTask", "complaint_id: 'CL-2' task_id: 'T1' response: '@@@@'", kInvalid, "response"},
      {"ComplaintService/RespondToTask", "complaint_id: 'CL-2' task_id: '@@@@' response: 'ok'", kInvalid, "task_id"},
      {"ComplaintService/CompleteTask", "complaint_id: 'CL-2' task_id: 'T1' outcome: '@@@@'", kInvalid, "outcome"},
      {"ComplaintService/CompleteTask", "complaint_id: 'CL-2' task_id: '@@@@' outcome: 'done'", kInvalid, "task_id"},
      {"ComplaintService/Escalate", "complaint_id: 'CL-1' to: 'boss' reason: '@@@@'", kInvalid, "reason"},
      {"ComplaintService/Escalate", "complaint_id: 'CL-1' to: '@@@@' reason: 'slow'", kInvalid, "to"},
      {"ComplaintService/ResolveComplaint", "complaint_id: 'CL-2' resolution: '@@@@' remedy { type: REMEDY_TYPE_APOLOGY }", kInvalid, "resolution"},
      {"ComplaintService/ResolveComplaint", "complaint_id: 'CL-2' resolution: 'r' root_cause: '@@@@' remedy { type: REMEDY_TYPE_APOLOGY }", kInvalid, "root_cause"},
      {"ComplaintService/ResolveComplaint", "complaint_id: 'CL-2' resolution: 'r' remedy { type: REMEDY_TYPE_REFUND amount { amount_minor: 500 currency: '@@@@' } }", kInvalid, "remedy.amount.currency"},
      {"ComplaintService/CloseComplaint", "complaint_id: 'CL-3' request_id: '@@@@'", kInvalid, "request_id"},
      {"ComplaintService/ReopenComplaint", "complaint_id: 'CL-3' reason: '@@@@'", kInvalid, "reason"},
      {"ComplaintService/RedirectToSupport", "complaint_id: 'CL-4' reason: '@@@@'", kInvalid, "reason"},
      {"ComplaintService/LinkToProblem", "complaint_id: 'CL-1' problem_id: '@@@@'", kInvalid, "problem_id"},
      {"ComplaintService/RecordSurvey", "complaint_id: 'CL-3' nps: 9 csat: 5 comment: '@@@@'", kInvalid, "comment"},
      {"ProblemService/OpenProblem", "department: 'delivery' description: '@@@@' source: PROBLEM_SOURCE_COMPLAINTS", kInvalid, "description"},
      {"ProblemService/OpenProblem", "department: '@@@@' description: 'd' source: PROBLEM_SOURCE_COMPLAINTS", kInvalid, "department"},
      {"ProblemService/AddActionItem", "problem_id: 'PR-1' description: 'd' owner: '@@@@'" + due, kInvalid, "owner"},
      {"ProblemService/AddActionItem", "problem_id: 'PR-1' description: '@@@@' owner: 'o'" + due, kInvalid, "description"},
      {"ProblemService/CompleteActionItem", "problem_id: 'PR-1' item_id: '@@@@' outcome: 'o'", kInvalid, "item_id"},
      {"ProblemService/CompleteActionItem", "problem_id: 'PR-1' item_id: 'A1' outcome: '@@@@'", kInvalid, "outcome"},
      {"ProblemService/MarkFixed", "problem_id: 'PR-1' summary: '@@@@'", kInvalid, "summary"},
      {"ProblemService/VerifyFix", "problem_id: 'PR-1' evidence: '@@@@'", kInvalid, "evidence"},
      {"QueryService/GetComplaint", "complaint_id: '@@@@'", kInvalid, "complaint_id"},
      {"QueryService/ListComplaints", "owner: '@@@@'", kInvalid, "owner"},
      {"QueryService/ListComplaints", "team: '@@@@'", kInvalid, "team"},
      {"QueryService/ListComplaints", "department: '@@@@'", kInvalid, "department"},
      {"QueryService/ListComplaints", "customer_ref: '@@@@'", kInvalid, "customer_ref"},
      {"QueryService/ListComplaints", "order_ref: '@@@@'", kInvalid, "order_ref"},
      {"QueryService/ListComplaints", "external_ref: '@@@@'", kInvalid, "external_ref"},
      {"QueryService/ListComplaints", "customer_contact: '@@@@'", kInvalid, "customer_contact"},
      {"QueryService/ListComplaints", "market: '@@@@'", kInvalid, "market"},
      {"QueryService/ListComplaints", "page_token: '@@@@'", kInvalid, "page_token"},
      {"QueryService/GetSuperheroBoard", "owner: '@@@@'", kInvalid, "owner"},
      {"QueryService/GetDepartmentCatalog", "department: '@@@@'", kInvalid, "department"},
      {"QueryService/GetCustomerHistory", "customer_ref: '@@@@'", kInvalid, "customer_ref"},
      {"QueryService/WatchBoard", "owner: '@@@@'", kInvalid, "owner"},
      {"AuditService/ReadStream", "stream: '@@@@'", kInvalid, "stream"},
      {"AuditService/ReadAll", "filter { stream_prefix: '@@@@' }", kInvalid, "stream_prefix"},
      {"AuditService/ReadAll", "filter { event_types: 'complaint.filed' event_types: '@@@@' }", kInvalid, "filter.event_types[1]"},
      {"AuditService/Subscribe", "filter { stream_prefix: '@@@@' }", kInvalid, "stream_prefix"},
      {"AuditService/Subscribe", "filter { event_types: '@@@@' }", kInvalid, "filter.event_types[0]"},
  };
  for (const char* field : {"customer_contact", "market", "site", "seller_country", "buyer_country", "language",
                            "store", "order_ref", "external_ref"}) {
    targets.push_back({"ComplaintService/FileComplaint", absl::StrCat(filing, field, ": '@@@@' }"), kInvalid,
                       absl::StrCat("complaint.", field)});
  }
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
  for (const Case& target : targets) {
    const std::string wire = WireOf(target.method, target.request);
    REQUIRE(wire.find(kMark) != std::string::npos);
    for (const Hostile& h : hostile) {
      INFO(target.field << " with " << h.what);
      // proto3 strings must be UTF-8: a request with other bytes does not decode, so gRPC
      // refuses it before any handler runs, without naming the field: INTERNAL, or
      // UNIMPLEMENTED for FileComplaint (served on gRPC's callback API).
      const StatusCode undecodable = target.method == "ComplaintService/FileComplaint"
                                         ? StatusCode::UNIMPLEMENTED
                                         : StatusCode::INTERNAL;
      Expect(s, target, absl::StrReplaceAll(wire, {{kMark, h.bytes}}), h.utf8 ? target.code : undecodable, h.utf8);
    }
  }
  // A line break is free text's, not a name's.
  Expect(s, targets[6], absl::StrReplaceAll(WireOf(targets[6].method, targets[6].request), {{kMark, "a\nbc"}}), kInvalid, true);
  // Nothing it was sent harmed the server: it still answers, and the open case is as it was.
  const v1::ComplaintView view = View(s, "CL-1", s.log->HeadPosition());
  CHECK(view.state() == v1::COMPLAINT_STATE_OPEN);
  CHECK(view.comments_size() == 0);
}

// A text-format string of `n` bytes of 'x'.
std::string Long(size_t n) { return absl::StrCat("'", std::string(n, 'x'), "'"); }

// `times` copies of `entry`, for repeated fields over their limit.
std::string Repeat(const std::string& entry, int times) {
  std::string text;
  for (int i = 0; i < times; ++i) absl::StrAppend(&text, entry, " ");
  return text;
}

TEST_CASE("hostile values in every RPC are refused with the field named, and nothing is written", "[bad-input][hostile]") {
  TestServer s;
  Setup(s);
  const StatusCode kInvalid = StatusCode::INVALID_ARGUMENT, kRange = StatusCode::OUT_OF_RANGE;
  auto filing = [](const std::string& channel, const std::string& kind, const std::string& extra = "") {
    return "complaint { channel: " + channel + " kind: " + kind + " customer_ref: 'c' text: 't' " + extra + "}";
  };
  const std::string web = "CHANNEL_WEB", complaint = "ITEM_KIND_COMPLAINT";
  // Seconds just outside 0001-01-01T00:00:00Z..9999-12-31T23:59:59Z, and the extremes of int64.
  const std::vector<std::string> bad_times = {"seconds: -62135596801", "seconds: 253402300800",
                                              "seconds: -9223372036854775808", "seconds: 9223372036854775807",
                                              "seconds: 1893456000 nanos: -1", "seconds: 1893456000 nanos: 1000000000"};
  const std::string refund = "complaint_id: 'CL-2' resolution: 'r' remedy { type: REMEDY_TYPE_REFUND amount { ";
  const std::string max_u64 = "18446744073709551615";
  std::vector<Case> cases = {
      {"ComplaintService/FileComplaint", filing("-1", complaint), kInvalid, "complaint.channel"},
      {"ComplaintService/FileComplaint", filing("99", complaint), kInvalid, "complaint.channel"},
      {"ComplaintService/FileComplaint", filing(web, "-1"), kInvalid, "complaint.kind"},
      {"ComplaintService/FileComplaint", filing(web, complaint, "severity: -1"), kInvalid, "complaint.severity"},
      {"ComplaintService/FileComplaint", filing(web, complaint, "severity: 2147483647"), kInvalid, "complaint.severity"},
      {"ComplaintService/FileComplaint", filing(web, complaint, "filed_at { seconds: -62135596801 }"), kInvalid, "complaint.filed_at"},
      {"ComplaintService/FileComplaints", "filings { " + filing(web, "-1") + " }", kInvalid, "complaint.kind"},
      {"ComplaintService/FileComplaints", Repeat("filings { " + filing(web, complaint) + " }", 501), StatusCode::RESOURCE_EXHAUSTED, "filings"},
      {"ComplaintService/TriageComplaint", "complaint_id: 'CL-1' kind: -1", kInvalid, "kind"},
      {"ComplaintService/TriageComplaint", "complaint_id: 'CL-1' severity: -1", kInvalid, "severity"},
      {"ComplaintService/TriageComplaint", "complaint_id: 'CL-99999999999999999999999' category: 'c'", kInvalid, "complaint_id"},
      {"ComplaintService/AssignComplaint", R"(complaint_id: 'CL-\331\241' owner: 'zoe')", kInvalid, "complaint_id"},
      {"ComplaintService/AssignComplaint", R"(complaint_id: 'CL-1' owner: 'zo\te')", kInvalid, "owner"},
      {"ComplaintService/RecordCustomerContact", "complaint_id: 'CL-1' method: -1 outcome: CONTACT_OUTCOME_REACHED", kInvalid, "method"},
      {"ComplaintService/RecordCustomerContact", "complaint_id: 'CL-1' method: CONTACT_METHOD_PHONE outcome: 2147483647", kInvalid, "outcome"},
      {"ComplaintService/RecordCustomerContact", "complaint_id: 'CL--1' method: CONTACT_METHOD_PHONE outcome: CONTACT_OUTCOME_REACHED", kInvalid, "complaint_id"},
      {"ComplaintService/AddComment", "complaint_id: 'CL-1' visibility: -1 author: 'a' text: 't'", kInvalid, "visibility"},
      {"ComplaintService/AddComment", "complaint_id: 'CL-1' visibility: 3 author: 'a' text: 't'", kInvalid, "visibility"},
      // A time that is valid but not in the future, where the future is required.
      {"ComplaintService/OpenTask", "complaint_id: 'CL-1' department: 'warehouse' description: 'd' due { seconds: -1 }", kInvalid, "due"},
      {"ComplaintService/OpenTask", "complaint_id: 'CL-1' department: 'warehouse' description: 'd' due { }", kInvalid, "due"},
      {"ComplaintService/RespondToTask", "complaint_id: 'CL-2' task_id: 'T01' response: 'ok'", kInvalid, "task_id"},
      {"ComplaintService/RespondToTask", "complaint_id: 'CL-2' task_id: 't1' response: 'ok'", kInvalid, "task_id"},
      {"ComplaintService/RespondToTask", "complaint_id: 'CL-2' task_id: 'T99999999999999999999' response: 'ok'", kInvalid, "task_id"},
      {"ComplaintService/CompleteTask", "complaint_id: 'CL-2' task_id: 'T0' outcome: 'done'", kInvalid, "task_id"},
      {"ComplaintService/CompleteTask", "complaint_id: 'CL-2' task_id: 'A1' outcome: 'done'", kInvalid, "task_id"},
      {"ComplaintService/Escalate", "complaint_id: 'CL-x' to: 'boss' reason: 'slow'", kInvalid, "complaint_id"},
      {"ComplaintService/Escalate", R"(complaint_id: 'CL-1' to: 'bo\nss' reason: 'slow')", kInvalid, "to"},
      {"ComplaintService/ResolveComplaint", "complaint_id: 'CL-2' resolution: 'r' remedy { type: -1 }", kInvalid, "remedy.type"},
      {"ComplaintService/ResolveComplaint", refund + "amount_minor: -1 currency: 'EUR' } }", kInvalid, "remedy.amount.amount_minor"},
      {"ComplaintService/ResolveComplaint", refund + "amount_minor: -9223372036854775808 currency: 'EUR' } }", kInvalid, "remedy.amount.amount_minor"},
      {"ComplaintService/ResolveComplaint", refund + "amount_minor: 9223372036854775807 currency: 'EUR' } }", kInvalid, "remedy.amount.amount_minor"},
      {"ComplaintService/ResolveComplaint", refund + "amount_minor: 100000000001 currency: 'EUR' } }", kInvalid, "remedy.amount.amount_minor"},
      {"ComplaintService/ResolveComplaint", refund + "amount_minor: 500 currency: 'eur' } }", kInvalid, "remedy.amount.currency"},
      {"ComplaintService/ResolveComplaint", refund + "amount_minor: 500 } }", kInvalid, "remedy.amount.currency"},
      {"ComplaintService/ResolveComplaint", "complaint_id: 'CL-2' resolution: 'r' remedy { type: REMEDY_TYPE_COMPENSATION amount { currency: 'EUR' } }", kInvalid, "remedy.amount.amount_minor"},
      {"ComplaintService/ResolveComplaint", "complaint_id: 'CL-2' resolution: 'r' remedy { type: REMEDY_TYPE_APOLOGY amount { amount_minor: 500 currency: 'EUR' } }", kInvalid, "remedy.amount"},
      // A recommendation needs no remedy, but an amount needs a type to say what it pays for.
      {"ComplaintService/ResolveComplaint", "complaint_id: 'CL-5' resolution: 'r' remedy { amount { amount_minor: -1 } }", kInvalid, "remedy.type"},
      {"ComplaintService/CloseComplaint", "complaint_id: 'CL-0'", kInvalid, "complaint_id"},
      {"ComplaintService/CloseComplaint", "complaint_id: 'cl-3'", kInvalid, "complaint_id"},
      {"ComplaintService/ReopenComplaint", "complaint_id: 'CL-+3' reason: 'again'", kInvalid, "complaint_id"},
      // Malformed beats the case's state: CL-1 is open, yet the reason is what is named.
      {"ComplaintService/ReopenComplaint", R"(complaint_id: 'CL-1' reason: 'again\302\205')", kInvalid, "reason"},
      {"ComplaintService/RedirectToSupport", "complaint_id: 'CL-4 ' reason: 'no emergency'", kInvalid, "complaint_id"},
      {"ComplaintService/LinkToProblem", "complaint_id: 'CL-1' problem_id: 'PR-x'", kInvalid, "problem_id"},
      {"ComplaintService/LinkToProblem", "complaint_id: 'CL-1' problem_id: 'PR-99999999999999999999999'", kInvalid, "problem_id"},
      {"ComplaintService/LinkToProblem", R"(complaint_id: 'CL-1' problem_id: 'PR-\357\274\221')", kInvalid, "problem_id"},
      {"ComplaintService/LinkToProblem", "complaint_id: 'CL-1' problem_id: 'CL-1'", kInvalid, "problem_id"},
      {"ComplaintService/RecordSurvey", "complaint_id: 'CL-3' nps: -2147483648 csat: 5", kInvalid, "nps"},
      {"ComplaintService/RecordSurvey", "complaint_id: 'CL-3' nps: 11 csat: 5", kInvalid, "nps"},
      {"ComplaintService/RecordSurvey", "complaint_id: 'CL-3' nps: 9 csat: 2147483647", kInvalid, "csat"},
      {"ComplaintService/RecordSurvey", "complaint_id: 'CL-3' nps: 9 csat: 0", kInvalid, "csat"},
      {"ProblemService/OpenProblem", "department: 'delivery' description: 'd' source: -1", kInvalid, "source"},
      {"ProblemService/OpenProblem", "department: 'delivery' description: 'd' source: 99", kInvalid, "source"},
      {"ProblemService/AddActionItem", "problem_id: 'PR-01' description: 'd' owner: 'o' due { seconds: 1893456000 }", kInvalid, "problem_id"},
      {"ProblemService/AddActionItem", "problem_id: 'PR-1' description: 'd' owner: 'o' due { seconds: 0 }", kInvalid, "due"},
      {"ProblemService/CompleteActionItem", "problem_id: 'PR-1' item_id: 'A01' outcome: 'o'", kInvalid, "item_id"},
      {"ProblemService/CompleteActionItem", "problem_id: 'PR-1' item_id: 'a1' outcome: 'o'", kInvalid, "item_id"},
      {"ProblemService/CompleteActionItem", "problem_id: 'PR-1' item_id: 'A-1' outcome: 'o'", kInvalid, "item_id"},
      {"ProblemService/MarkFixed", "problem_id: 'pr-1' summary: 's'", kInvalid, "problem_id"},
      {"ProblemService/VerifyFix", R"(problem_id: 'PR-\357\274\221' evidence: 'e')", kInvalid, "problem_id"},
      {"QueryService/GetComplaint", "complaint_id: 'CL-99999999999999999999999'", kInvalid, "complaint_id"},
      {"QueryService/ListComplaints", "states: -1", kInvalid, "states[0]"},
      {"QueryService/ListComplaints", "states: 99", kInvalid, "states[0]"},
      {"QueryService/ListComplaints", Repeat("states: COMPLAINT_STATE_OPEN", 6), kInvalid, "states"},
      {"QueryService/ListComplaints", "channel: -1", kInvalid, "channel"},
      {"QueryService/ListComplaints", "kind: -1", kInvalid, "kind"},
      {"QueryService/ListComplaints", "severity: -1", kInvalid, "severity"},
      {"QueryService/ListComplaints", "page_size: -2147483648", kInvalid, "page_size"},
      {"QueryService/ListComplaints", "page_token: 'garbage'", kInvalid, "page_token"},
      {"QueryService/ListComplaints", "page_token: 'CL-0'", kInvalid, "page_token"},
      {"QueryService/ListComplaints", R"(page_token: 'CL-1\000')", kInvalid, "page_token"},
      // Documented: larger than 1000 means 1000, and a token of the right shape is a place.
      {"QueryService/ListComplaints", "page_size: 2147483647", StatusCode::OK, ""},
      {"QueryService/ListComplaints", "page_token: 'CL-999999'", StatusCode::OK, ""},
      {"QueryService/GetSuperheroBoard", R"(owner: 'an\tna')", kInvalid, "owner"},
      {"QueryService/GetSuperheroBoard", "owner: " + Long(201), kInvalid, "owner"},
      {"QueryService/GetSuperheroBoard", "owner: 'anna' min_position: " + max_u64, kRange, "min_position"},
      {"QueryService/GetDeadlineBoard", "window { seconds: -1 }", kInvalid, "window"},
      {"QueryService/GetDeadlineBoard", "window { seconds: 315576000001 }", kInvalid, "window"},
      {"QueryService/GetDeadlineBoard", "window { seconds: 9223372036854775807 }", kInvalid, "window"},
      {"QueryService/GetDeadlineBoard", "window { seconds: 3600 nanos: 1000000000 }", kInvalid, "window"},
      {"QueryService/GetDepartmentCatalog", "department: " + Long(201), kInvalid, "department"},
      {"QueryService/GetDepartmentCatalog", "min_position: " + max_u64, kRange, "min_position"},
      {"QueryService/GetCustomerHistory", R"(customer_ref: 'c\n1')", kInvalid, "customer_ref"},
      {"QueryService/GetCustomerHistory", "customer_ref: " + Long(201), kInvalid, "customer_ref"},
      {"QueryService/GetProblemBoard", "min_position: " + max_u64, kRange, "min_position"},
      {"QueryService/WatchBoard", "deadline_window { seconds: -86400 }", kInvalid, "deadline_window"},
      {"QueryService/WatchBoard", "deadline_window { seconds: 9223372036854775807 }", kInvalid, "deadline_window"},
      {"QueryService/WatchBoard", R"(owner: 'an\x7Fna')", kInvalid, "owner"},
      {"AuditService/ReadStream", "stream: ''", kInvalid, "stream"},
      {"AuditService/ReadStream", "stream: '$all'", kInvalid, "stream"},
      {"AuditService/ReadStream", "stream: 'complaint CL-1'", kInvalid, "stream"},
      {"AuditService/ReadStream", "stream: " + Long(201), kInvalid, "stream"},
      {"AuditService/ReadStream", "stream: 'complaint-CL-1' direction: -1", kInvalid, "direction"},
      {"AuditService/ReadStream", "stream: 'complaint-CL-1' direction: 3", kInvalid, "direction"},
      {"AuditService/ReadStream", "stream: 'complaint-CL-1' page_size: -2147483648", kInvalid, "page_size"},
      {"AuditService/ReadAll", "page_size: -1", kInvalid, "page_size"},
      {"AuditService/ReadAll", "filter { stream_prefix: " + Long(201) + " }", kInvalid, "filter.stream_prefix"},
      {"AuditService/ReadAll", "filter { " + Repeat("event_types: 'complaint.filed'", 101) + " }", kInvalid, "filter.event_types"},
      {"AuditService/Subscribe", "from_position: " + max_u64, kRange, "from_position"},
      {"AuditService/Subscribe", "filter { " + Repeat("event_types: 'complaint.filed'", 101) + " }", kInvalid, "filter.event_types"},
      {"AuditService/Subscribe", R"(filter { event_types: 'complaint.\tfiled' })", kInvalid, "filter.event_types[0]"},
      {"AuditService/VerifyChain", "to_position: " + max_u64, kRange, "to_position"},
      {"AuditService/VerifyChain", "from_position: 5 to_position: 3", kInvalid, "from_position"},
  };
  // Every malformed time, wherever a request has a time.
  for (const std::string& t : bad_times) {
    cases.push_back({"ComplaintService/OpenTask", "complaint_id: 'CL-1' department: 'warehouse' description: 'd' due { " + t + " }", kInvalid, "due"});
    cases.push_back({"ProblemService/AddActionItem", "problem_id: 'PR-1' description: 'd' owner: 'o' due { " + t + " }", kInvalid, "due"});
    cases.push_back({"QueryService/GetComplaint", "complaint_id: 'CL-1' as_of_time { " + t + " }", kInvalid, "as_of_time"});
    cases.push_back({"QueryService/ListComplaints", "filed_after { " + t + " }", kInvalid, "filed_after"});
    cases.push_back({"QueryService/ListComplaints", "filed_before { " + t + " }", kInvalid, "filed_before"});
    cases.push_back({"QueryService/GetMetrics", "filed_after { " + t + " }", kInvalid, "filed_after"});
    cases.push_back({"QueryService/GetMetrics", "filed_before { " + t + " }", kInvalid, "filed_before"});
  }
  for (const Case& c : cases) Expect(s, c, WireOf(c.method, c.request), c.code, true);
  // Every RPC of the four services got at least one.
  for (const char* service : {"ComplaintService", "ProblemService", "QueryService", "AuditService"}) {
    const google::protobuf::ServiceDescriptor* descriptor =
        google::protobuf::DescriptorPool::generated_pool()->FindServiceByName(absl::StrCat("closedloop.v1.", service));
    REQUIRE(descriptor != nullptr);
    for (int i = 0; i < descriptor->method_count(); ++i) {
      const std::string method = absl::StrCat(service, "/", descriptor->method(i)->name());
      INFO(method);
      CHECK(std::any_of(cases.begin(), cases.end(), [&](const Case& c) { return c.method == method; }));
    }
  }
  INFO(cases.size() << " cases");
  const v1::ComplaintView view = View(s, "CL-1", s.log->HeadPosition());
  CHECK(view.state() == v1::COMPLAINT_STATE_OPEN);
}

}  // namespace
}  // namespace closedloop
