// Bad input to every RPC of ComplaintService, ProblemService and QueryService: each row checks
// the exact status code, that the message names the field, and that the log did not move.
#include <catch2/catch.hpp>

#include <chrono>
#include <functional>
#include <string>
#include <type_traits>
#include <vector>

#include "tests/services/test_server.h"

namespace closedloop::testing {
namespace {

using CS = v1::ComplaintService::Stub;
using PS = v1::ProblemService::Stub;
using QS = v1::QueryService::Stub;
using Call = std::function<grpc::Status()>;
using grpc::StatusCode;

constexpr int64_t kNow = 1793610000;  // TestServer's fake clock
const std::string kBadPrincipal(300, 'p');
const std::string kBig(16 * 1024 + 1, 'x');  // over every free-text limit
const std::string kName201(201, 'n');        // over every name limit
constexpr StatusCode kInvalid = StatusCode::INVALID_ARGUMENT;
constexpr StatusCode kNotFound = StatusCode::NOT_FOUND;
constexpr StatusCode kPrecondition = StatusCode::FAILED_PRECONDITION;

struct Row {
  std::string name;
  Call call;
  StatusCode code;
  std::string field;  // the message must contain this
};

template <typename Stub, typename Req, typename Resp>
using Method = grpc::Status (Stub::*)(grpc::ClientContext*, const Req&, Resp*);

// One unary call with a 10 s deadline, as `principal` when set.
template <typename Stub, typename Req, typename Resp>
grpc::Status Send(Stub& stub, Method<Stub, Req, Resp> method, const Req& request, Resp* response,
                  const std::string& principal = "") {
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
  if (!principal.empty()) context.AddMetadata("x-closedloop-principal", principal);
  return (stub.*method)(&context, request, response);
}

// A row's call: `method` with the request `fill` builds.
template <typename Stub, typename Req, typename Resp>
Call Rpc(Stub& stub, Method<Stub, Req, Resp> method,
         std::type_identity_t<std::function<void(Req&)>> fill, std::string principal = "") {
  Req request;
  fill(request);
  return [&stub, method, request, principal] {
    Resp response;
    return Send(stub, method, request, &response, principal);
  };
}

// Setup: `method` with the request `fill` builds must succeed; the response.
template <typename Stub, typename Req, typename Resp>
Resp Must(Stub& stub, Method<Stub, Req, Resp> method,
          std::type_identity_t<std::function<void(Req&)>> fill) {
  Req request;
  fill(request);
  Resp response;
  const grpc::Status status = Send(stub, method, request, &response);
  INFO(status.error_message());
  REQUIRE(status.ok());
  return response;
}

google::protobuf::Timestamp Ts(int64_t seconds, int32_t nanos = 0) {
  google::protobuf::Timestamp t;
  t.set_seconds(seconds);
  t.set_nanos(nanos);
  return t;
}

google::protobuf::Duration Days(int64_t days) {
  google::protobuf::Duration d;
  d.set_seconds(days * 86400);
  return d;
}

// Ids that are not "<prefix>-<positive number without leading zeros>" (prefix "CL" or "PR"):
// also a number that overflows 64 bits, a sign, and digits that are not ASCII (Arabic-Indic
// and fullwidth one).
std::vector<std::string> Malformed(const std::string& prefix) {
  const std::string lower = prefix == "CL" ? "cl" : "pr";
  return {"", lower + "-1", prefix + "-", prefix + "-01", prefix + "-abc", prefix + "-0",
          prefix + "-1 ", " " + prefix + "-1", prefix + "-" + std::string(297, '1'),
          prefix + "-99999999999999999999999", prefix + "-x", prefix + "-+1",
          prefix + "-\xD9\xA1", prefix + "-\xEF\xBC\x91"};
}

// A command as a function of its (complaint or problem) id and request id, other fields valid.
using Build = std::function<Call(const std::string& id, const std::string& rid)>;

// Rows for ids and request ids: malformed ids, an unknown well-formed id (NOT_FOUND), bad
// request ids on `valid_id`, and `used_rid`, a request id already used on another stream.
void AddIdRows(std::vector<Row>& rows, const std::string& rpc, const Build& build,
               const std::string& prefix, const std::string& valid_id, const std::string& used_rid) {
  const std::string field = prefix == "CL" ? "complaint_id" : "problem_id";
  for (const std::string& id : Malformed(prefix)) {
    rows.push_back({rpc + ": " + field + " '" + id.substr(0, 12) + "'", build(id, ""),
                    kInvalid, field});
  }
  rows.push_back({rpc + ": unknown " + prefix + "-999999", build(prefix + "-999999", ""),
                  kNotFound, prefix == "CL" ? "complaint" : "problem"});
  rows.push_back({rpc + ": request_id of 129 bytes", build(valid_id, std::string(129, 'r')), kInvalid, "request_id"});
  rows.push_back({rpc + ": request_id with a space", build(valid_id, "a b"), kInvalid, "request_id"});
  rows.push_back({rpc + ": request_id not ASCII", build(valid_id, "r\xC3\xA9"), kInvalid, "request_id"});
  rows.push_back({rpc + ": request_id used on another stream", build(valid_id, used_rid), StatusCode::ALREADY_EXISTS, "request_id"});
}

v1::Filed ValidFiling(v1::Channel channel = v1::CHANNEL_WEB) {
  v1::Filed f;
  f.set_channel(channel);
  f.set_kind(v1::ITEM_KIND_COMPLAINT);
  f.set_customer_ref("cust-1");
  f.set_text("The parcel never arrived.");
  return f;
}

// Runs every row: code, field in the message, log head unchanged.
void RunRows(TestServer& ts, const std::vector<Row>& rows) {
  for (const Row& row : rows) {
    const uint64_t head_before = ts.log->HeadPosition();
    const grpc::Status status = row.call();
    INFO(row.name << " -> code " << status.error_code() << ": " << status.error_message());
    CHECK(status.error_code() == row.code);
    CHECK_THAT(status.error_message(), Catch::Contains(row.field));
    CHECK(ts.log->HeadPosition() == head_before);
  }
}

// The world every row runs against.
struct World {
  TestServer ts;
  std::string open_id;      // filed, not contacted
  std::string progress_id;  // customer reached, task T1 open
  std::string resolved_id;  // resolved
  std::string red_id;       // a red-button case, open
  std::string problem_id;   // opened, no action items
  uint64_t open_revision = 0;
  uint64_t last_position = 0;

  World() {
    CS& cs = *ts.complaints;
    auto file = [&](v1::Channel channel, const std::string& rid) {
      return Must(cs, &CS::FileComplaint, [&](auto& r) { r.set_request_id(rid); *r.mutable_complaint() = ValidFiling(channel); });
    };
    const v1::CommandResponse filed = file(v1::CHANNEL_WEB, "setup-file-open");
    open_id = filed.complaint_id();
    open_revision = filed.revision();
    progress_id = file(v1::CHANNEL_WEB, "").complaint_id();
    resolved_id = file(v1::CHANNEL_WEB, "").complaint_id();
    red_id = file(v1::CHANNEL_RED_BUTTON, "").complaint_id();
    for (const std::string& id : {progress_id, resolved_id}) {
      Must(cs, &CS::RecordCustomerContact, [&](auto& r) { r.set_request_id("setup-contact-" + id); r.set_complaint_id(id); r.set_method(v1::CONTACT_METHOD_PHONE); r.set_outcome(v1::CONTACT_OUTCOME_REACHED); });
    }
    Must(cs, &CS::OpenTask, [&](auto& r) { r.set_complaint_id(progress_id); r.set_department("warehouse"); r.set_description("Where is it?"); *r.mutable_due() = Ts(kNow + 86400); });
    Must(cs, &CS::ResolveComplaint, [&](auto& r) { r.set_complaint_id(resolved_id); r.set_resolution("Re-sent it."); r.mutable_remedy()->set_type(v1::REMEDY_TYPE_APOLOGY); });
    problem_id = Must(*ts.problems, &PS::OpenProblem, [](auto& r) { r.set_department("delivery"); r.set_description("Parcels go missing."); r.set_source(v1::PROBLEM_SOURCE_COMPLAINTS); }).problem_id();
    last_position = ts.log->HeadPosition();
  }

  // The server still answers, and the open case is as it was set up.
  void CheckStillServing() {
    const v1::ComplaintView view = Must(*ts.queries, &QS::GetComplaint, [&](auto& r) { r.set_complaint_id(open_id); r.set_min_position(last_position); });
    CHECK(view.state() == v1::COMPLAINT_STATE_OPEN);
    CHECK(view.revision() == open_revision);
  }
};

// A FileComplaints call; its status is the batch's, or item `index`'s when the batch is OK.
Call Batch(CS& stub, std::vector<v1::FileComplaintRequest> filings, int index = 0) {
  return [&stub, filings, index] {
    grpc::ClientContext context;
    v1::FileComplaintsRequest request;
    for (const auto& f : filings) *request.add_filings() = f;
    v1::FileComplaintsResponse response;
    grpc::Status status = stub.FileComplaints(&context, request, &response);
    if (!status.ok() || index >= response.results_size()) return status;
    const auto& result = response.results(index);
    return grpc::Status(static_cast<StatusCode>(result.code()), result.message());
  };
}

v1::FileComplaintRequest Filing(std::function<void(v1::FileComplaintRequest&)> change) {
  v1::FileComplaintRequest request;
  *request.mutable_complaint() = ValidFiling();
  change(request);
  return request;
}

TEST_CASE("every complaint command rejects bad input and records nothing", "[bad-input]") {
  World w;
  CS& cs = *w.ts.complaints;
  const std::string open_id = w.open_id, prog = w.progress_id, res = w.resolved_id, pr = w.problem_id;
  std::vector<Row> rows;

  // Each complaint command with otherwise valid fields, for the id and request id rows.
  const std::vector<std::pair<std::string, Build>> commands = {
      {"TriageComplaint", [&](auto id, auto rid) { return Rpc(cs, &CS::TriageComplaint, [=](auto& r) { r.set_request_id(rid); r.set_complaint_id(id); r.set_category("late"); }); }},
      {"AssignComplaint", [&](auto id, auto rid) { return Rpc(cs, &CS::AssignComplaint, [=](auto& r) { r.set_request_id(rid); r.set_complaint_id(id); r.set_owner("zoe"); }); }},
      {"RecordCustomerContact", [&](auto id, auto rid) { return Rpc(cs, &CS::RecordCustomerContact, [=](auto& r) { r.set_request_id(rid); r.set_complaint_id(id); r.set_method(v1::CONTACT_METHOD_PHONE); r.set_outcome(v1::CONTACT_OUTCOME_NO_ANSWER); }); }},
      {"AddComment", [&](auto id, auto rid) { return Rpc(cs, &CS::AddComment, [=](auto& r) { r.set_request_id(rid); r.set_complaint_id(id); r.set_visibility(v1::VISIBILITY_INTERNAL); r.set_author("anna"); r.set_text("hi"); }); }},
      {"OpenTask", [&](auto id, auto rid) { return Rpc(cs, &CS::OpenTask, [=](auto& r) { r.set_request_id(rid); r.set_complaint_id(id); r.set_department("warehouse"); r.set_description("d"); *r.mutable_due() = Ts(kNow + 86400); }); }},
      {"RespondToTask", [&](auto id, auto rid) { return Rpc(cs, &CS::RespondToTask, [=](auto& r) { r.set_request_id(rid); r.set_complaint_id(id); r.set_task_id("T1"); r.set_response("ok"); }); }},
      {"CompleteTask", [&](auto id, auto rid) { return Rpc(cs, &CS::CompleteTask, [=](auto& r) { r.set_request_id(rid); r.set_complaint_id(id); r.set_task_id("T1"); r.set_outcome("done"); }); }},
      {"Escalate", [&](auto id, auto rid) { return Rpc(cs, &CS::Escalate, [=](auto& r) { r.set_request_id(rid); r.set_complaint_id(id); r.set_to("boss"); r.set_reason("slow"); }); }},
      {"ResolveComplaint", [&](auto id, auto rid) { return Rpc(cs, &CS::ResolveComplaint, [=](auto& r) { r.set_request_id(rid); r.set_complaint_id(id); r.set_resolution("fixed"); r.mutable_remedy()->set_type(v1::REMEDY_TYPE_APOLOGY); }); }},
      {"CloseComplaint", [&](auto id, auto rid) { return Rpc(cs, &CS::CloseComplaint, [=](auto& r) { r.set_request_id(rid); r.set_complaint_id(id); }); }},
      {"ReopenComplaint", [&](auto id, auto rid) { return Rpc(cs, &CS::ReopenComplaint, [=](auto& r) { r.set_request_id(rid); r.set_complaint_id(id); r.set_reason("again"); }); }},
      {"RedirectToSupport", [&](auto id, auto rid) { return Rpc(cs, &CS::RedirectToSupport, [=](auto& r) { r.set_request_id(rid); r.set_complaint_id(id); r.set_reason("no emergency"); }); }},
      {"LinkToProblem", [&](auto id, auto rid) { return Rpc(cs, &CS::LinkToProblem, [=](auto& r) { r.set_request_id(rid); r.set_complaint_id(id); r.set_problem_id(pr); }); }},
      {"RecordSurvey", [&](auto id, auto rid) { return Rpc(cs, &CS::RecordSurvey, [=](auto& r) { r.set_request_id(rid); r.set_complaint_id(id); r.set_nps(9); r.set_csat(5); }); }},
  };
  for (const auto& [rpc, build] : commands) AddIdRows(rows, rpc, build, "CL", open_id, "setup-contact-" + prog);

  // FileComplaint / FileComplaints.
  auto file = [&](std::string name, std::function<void(v1::FileComplaintRequest&)> change, StatusCode code, std::string field) {
    rows.push_back({"FileComplaint: " + name, Rpc(cs, &CS::FileComplaint, [&](auto& r) { r = Filing(change); }), code, field});
    rows.push_back({"FileComplaints item: " + name, Batch(cs, {Filing(change)}), code, field});
  };
  file("no complaint", [](auto& r) { r.clear_complaint(); }, kInvalid, "complaint");
  file("complaint_id set", [](auto& r) { r.mutable_complaint()->set_complaint_id("CL-5"); }, kInvalid, "complaint.complaint_id");
  file("filed_at set", [](auto& r) { *r.mutable_complaint()->mutable_filed_at() = Ts(kNow); }, kInvalid, "complaint.filed_at");
  file("channel 0", [](auto& r) { r.mutable_complaint()->set_channel(v1::CHANNEL_UNSPECIFIED); }, kInvalid, "complaint.channel");
  file("channel 99", [](auto& r) { r.mutable_complaint()->set_channel(static_cast<v1::Channel>(99)); }, kInvalid, "complaint.channel");
  file("kind 0", [](auto& r) { r.mutable_complaint()->set_kind(v1::ITEM_KIND_UNSPECIFIED); }, kInvalid, "complaint.kind");
  file("kind 99", [](auto& r) { r.mutable_complaint()->set_kind(static_cast<v1::ItemKind>(99)); }, kInvalid, "complaint.kind");
  file("severity 99", [](auto& r) { r.mutable_complaint()->set_severity(static_cast<v1::Severity>(99)); }, kInvalid, "complaint.severity");
  file("no customer_ref", [](auto& r) { r.mutable_complaint()->clear_customer_ref(); }, kInvalid, "complaint.customer_ref");
  file("empty text", [](auto& r) { r.mutable_complaint()->clear_text(); }, kInvalid, "complaint.text");
  file("text over 16 KiB", [&](auto& r) { r.mutable_complaint()->set_text(kBig); }, kInvalid, "complaint.text");
  file("store of 201 bytes", [&](auto& r) { r.mutable_complaint()->set_store(kName201); }, kInvalid, "complaint.store");
  file("request_id of 129 bytes", [](auto& r) { r.set_request_id(std::string(129, 'r')); }, kInvalid, "request_id");
  file("request_id with a space", [](auto& r) { r.set_request_id("a b"); }, kInvalid, "request_id");
  file("request_id used by a contact", [&](auto& r) { r.set_request_id("setup-contact-" + prog); }, StatusCode::ALREADY_EXISTS, "request_id");
  rows.push_back({"FileComplaints: 0 filings", Batch(cs, {}), kInvalid, "filings"});
  rows.push_back({"FileComplaints: 501 filings", Batch(cs, std::vector<v1::FileComplaintRequest>(501, Filing([](auto&) {}))), StatusCode::RESOURCE_EXHAUSTED, "filings"});
  const auto no_text = Filing([](auto& r) { r.set_request_id("dup"); r.mutable_complaint()->clear_text(); });
  rows.push_back({"FileComplaints: request_id twice in a batch", Batch(cs, {no_text, no_text}, 1), kInvalid, "request_id"});

  // Fields of each complaint command on a case where the field is what is wrong.
  auto add = [&](std::string name, Call call, StatusCode code, std::string field) { rows.push_back({name, call, code, field}); };
  add("Triage: kind 99", Rpc(cs, &CS::TriageComplaint, [&](auto& r) { r.set_complaint_id(open_id); r.set_kind(static_cast<v1::ItemKind>(99)); }), kInvalid, "kind");
  add("Triage: severity 99", Rpc(cs, &CS::TriageComplaint, [&](auto& r) { r.set_complaint_id(open_id); r.set_severity(static_cast<v1::Severity>(99)); }), kInvalid, "severity");
  add("Triage: unknown department", Rpc(cs, &CS::TriageComplaint, [&](auto& r) { r.set_complaint_id(open_id); r.set_department("nowhere"); }), kInvalid, "department");
  add("Triage: category of 201 bytes", Rpc(cs, &CS::TriageComplaint, [&](auto& r) { r.set_complaint_id(open_id); r.set_category(kName201); }), kInvalid, "category");
  add("Assign: empty owner", Rpc(cs, &CS::AssignComplaint, [&](auto& r) { r.set_complaint_id(open_id); }), kInvalid, "owner");
  add("Assign: owner of 201 bytes", Rpc(cs, &CS::AssignComplaint, [&](auto& r) { r.set_complaint_id(open_id); r.set_owner(kName201); }), kInvalid, "owner");
  // A request id reused for another command on the same case is not a retry.
  add("Assign: request_id of the same case's filing", Rpc(cs, &CS::AssignComplaint, [&](auto& r) { r.set_request_id("setup-file-open"); r.set_complaint_id(open_id); }), StatusCode::ALREADY_EXISTS, "request_id");
  add("Assign: bad principal", Rpc(cs, &CS::AssignComplaint, [&](auto& r) { r.set_complaint_id(open_id); r.set_owner("zoe"); }, kBadPrincipal), StatusCode::UNAUTHENTICATED, "x-closedloop-principal");
  add("Contact: no method", Rpc(cs, &CS::RecordCustomerContact, [&](auto& r) { r.set_complaint_id(open_id); r.set_outcome(v1::CONTACT_OUTCOME_REACHED); }), kInvalid, "method");
  add("Contact: outcome 99", Rpc(cs, &CS::RecordCustomerContact, [&](auto& r) { r.set_complaint_id(open_id); r.set_method(v1::CONTACT_METHOD_PHONE); r.set_outcome(static_cast<v1::ContactOutcome>(99)); }), kInvalid, "outcome");
  add("Contact: summary over 16 KiB", Rpc(cs, &CS::RecordCustomerContact, [&](auto& r) { r.set_complaint_id(open_id); r.set_method(v1::CONTACT_METHOD_PHONE); r.set_outcome(v1::CONTACT_OUTCOME_REACHED); r.set_summary(kBig); }), kInvalid, "summary");
  auto comment = [&](int visibility, std::string author, std::string text) { return Rpc(cs, &CS::AddComment, [=](auto& r) { r.set_complaint_id(open_id); r.set_visibility(static_cast<v1::Visibility>(visibility)); r.set_author(author); r.set_text(text); }); };
  add("AddComment: visibility 0", comment(0, "anna", "hi"), kInvalid, "visibility");
  add("AddComment: visibility 99", comment(99, "anna", "hi"), kInvalid, "visibility");
  add("AddComment: empty author", comment(1, "", "hi"), kInvalid, "author");
  add("AddComment: empty text", comment(1, "anna", ""), kInvalid, "text");
  add("AddComment: text over 16 KiB", comment(2, "anna", kBig), kInvalid, "text");
  auto task = [&](std::string department, std::string description, std::function<void(v1::OpenTaskRequest&)> due, std::string principal = "") {
    return Rpc(cs, &CS::OpenTask, [=](auto& r) { r.set_complaint_id(open_id); r.set_department(department); r.set_description(description); due(r); }, principal);
  };
  auto due_in = [](int64_t seconds, int32_t nanos = 0) { return [=](v1::OpenTaskRequest& r) { *r.mutable_due() = Ts(kNow + seconds, nanos); }; };
  add("OpenTask: no due", task("warehouse", "d", [](auto&) {}), kInvalid, "due");
  add("OpenTask: due in the past", task("warehouse", "d", due_in(-3600)), kInvalid, "due");
  add("OpenTask: due now", task("warehouse", "d", due_in(0)), kInvalid, "due");
  add("OpenTask: due seconds 1e15", task("warehouse", "d", [](auto& r) { *r.mutable_due() = Ts(1000000000000000); }), kInvalid, "due");
  add("OpenTask: due nanos -1", task("warehouse", "d", due_in(86400, -1)), kInvalid, "due");
  add("OpenTask: due nanos 1e9", task("warehouse", "d", due_in(86400, 1000000000)), kInvalid, "due");
  add("OpenTask: empty department", task("", "d", due_in(86400)), kInvalid, "department");
  add("OpenTask: unknown department", task("nowhere", "d", due_in(86400)), kInvalid, "department");
  add("OpenTask: empty description", task("warehouse", "", due_in(86400)), kInvalid, "description");
  // Who is calling is settled before any field.
  add("OpenTask: bad principal, no due", task("warehouse", "d", [](auto&) {}, kBadPrincipal), StatusCode::UNAUTHENTICATED, "x-closedloop-principal");
  add("RespondToTask: unknown task T9", Rpc(cs, &CS::RespondToTask, [&](auto& r) { r.set_complaint_id(prog); r.set_task_id("T9"); r.set_response("ok"); }), kNotFound, "task_id");
  add("RespondToTask: empty task_id", Rpc(cs, &CS::RespondToTask, [&](auto& r) { r.set_complaint_id(prog); r.set_response("ok"); }), kInvalid, "task_id");
  add("RespondToTask: empty response", Rpc(cs, &CS::RespondToTask, [&](auto& r) { r.set_complaint_id(prog); r.set_task_id("T1"); }), kInvalid, "response");
  add("CompleteTask: unknown task T9", Rpc(cs, &CS::CompleteTask, [&](auto& r) { r.set_complaint_id(prog); r.set_task_id("T9"); r.set_outcome("done"); }), kNotFound, "task_id");
  add("CompleteTask: outcome over 16 KiB", Rpc(cs, &CS::CompleteTask, [&](auto& r) { r.set_complaint_id(prog); r.set_task_id("T1"); r.set_outcome(kBig); }), kInvalid, "outcome");
  add("Escalate: empty to", Rpc(cs, &CS::Escalate, [&](auto& r) { r.set_complaint_id(open_id); r.set_reason("slow"); }), kInvalid, "to");
  add("Escalate: empty reason", Rpc(cs, &CS::Escalate, [&](auto& r) { r.set_complaint_id(open_id); r.set_to("boss"); }), kInvalid, "reason");
  auto resolve = [&](std::string id, std::string resolution, int type, int64_t amount, std::string currency) {
    return Rpc(cs, &CS::ResolveComplaint, [=](auto& r) { r.set_complaint_id(id); r.set_resolution(resolution); r.mutable_remedy()->set_type(static_cast<v1::RemedyType>(type)); if (amount == 0 && currency.empty()) return; r.mutable_remedy()->mutable_amount()->set_amount_minor(amount); r.mutable_remedy()->mutable_amount()->set_currency(currency); });
  };
  add("Resolve: customer not reached", resolve(open_id, "fixed", 5, 0, ""), kPrecondition, "not been reached");
  add("Resolve: empty resolution", resolve(prog, "", 5, 0, ""), kInvalid, "resolution");
  add("Resolve: no remedy", resolve(prog, "fixed", 0, 0, ""), kInvalid, "remedy.type");
  add("Resolve: remedy 99", resolve(prog, "fixed", 99, 0, ""), kInvalid, "remedy.type");
  add("Resolve: refund of 0", resolve(prog, "fixed", 2, 0, "EUR"), kInvalid, "remedy.amount.amount_minor");
  add("Resolve: refund in 'eur'", resolve(prog, "fixed", 2, 500, "eur"), kInvalid, "remedy.amount.currency");
  add("Close: open, unresolved", Rpc(cs, &CS::CloseComplaint, [&](auto& r) { r.set_complaint_id(open_id); }), kPrecondition, "it is open");
  add("Reopen: open case", Rpc(cs, &CS::ReopenComplaint, [&](auto& r) { r.set_complaint_id(open_id); r.set_reason("again"); }), kPrecondition, "it is open");
  add("Reopen: empty reason", Rpc(cs, &CS::ReopenComplaint, [&](auto& r) { r.set_complaint_id(res); }), kInvalid, "reason");
  add("Redirect: not red-button", Rpc(cs, &CS::RedirectToSupport, [&](auto& r) { r.set_complaint_id(open_id); r.set_reason("x"); }), kPrecondition, "red-button");
  add("Redirect: empty reason", Rpc(cs, &CS::RedirectToSupport, [&](auto& r) { r.set_complaint_id(w.red_id); }), kInvalid, "reason");
  for (const std::string& id : Malformed("PR")) {
    add("LinkToProblem: problem_id '" + id.substr(0, 12) + "'", Rpc(cs, &CS::LinkToProblem, [&](auto& r) { r.set_complaint_id(open_id); r.set_problem_id(id); }), kInvalid, "problem_id");
  }
  add("LinkToProblem: problem_id 'CL-1'", Rpc(cs, &CS::LinkToProblem, [&](auto& r) { r.set_complaint_id(open_id); r.set_problem_id("CL-1"); }), kInvalid, "problem_id");
  add("LinkToProblem: unknown PR-999999", Rpc(cs, &CS::LinkToProblem, [&](auto& r) { r.set_complaint_id(open_id); r.set_problem_id("PR-999999"); }), kNotFound, "problem");
  // An unauthenticated caller cannot probe whether a problem exists.
  add("LinkToProblem: bad principal, unknown problem", Rpc(cs, &CS::LinkToProblem, [&](auto& r) { r.set_complaint_id(open_id); r.set_problem_id("PR-999999"); }, kBadPrincipal), StatusCode::UNAUTHENTICATED, "x-closedloop-principal");
  auto survey = [&](std::string id, int nps, int csat, std::string text) { return Rpc(cs, &CS::RecordSurvey, [=](auto& r) { r.set_complaint_id(id); r.set_nps(nps); r.set_csat(csat); r.set_comment(text); }); };
  add("RecordSurvey: open case", survey(open_id, 9, 5, ""), kPrecondition, "it is open");
  add("RecordSurvey: nps 11", survey(res, 11, 5, ""), kInvalid, "nps");
  add("RecordSurvey: nps -1", survey(res, -1, 5, ""), kInvalid, "nps");
  add("RecordSurvey: csat 0", survey(res, 9, 0, ""), kInvalid, "csat");
  add("RecordSurvey: csat 6", survey(res, 9, 6, ""), kInvalid, "csat");
  add("RecordSurvey: comment over 16 KiB", survey(res, 9, 5, kBig), kInvalid, "comment");

  // Rows that would record something if the check were missing.
  add("CompleteTask: empty outcome", Rpc(cs, &CS::CompleteTask, [&](auto& r) { r.set_complaint_id(prog); r.set_task_id("T1"); }), kInvalid, "outcome");
  // Refused filings spend no ids, so not even a sequence block is reserved for them.
  rows.push_back({"FileComplaints: 500 filings without text", Batch(cs, std::vector<v1::FileComplaintRequest>(500, Filing([](auto& r) { r.mutable_complaint()->clear_text(); }))), kInvalid, "complaint.text"});

  INFO(rows.size() << " command rows");
  RunRows(w.ts, rows);
  w.CheckStillServing();
}

TEST_CASE("every problem command rejects bad input and records nothing", "[bad-input]") {
  World w;
  PS& ps = *w.ts.problems;
  const std::string pr = w.problem_id, prog = w.progress_id;
  std::vector<Row> rows;
  auto add = [&](std::string name, Call call, StatusCode code, std::string field) { rows.push_back({name, call, code, field}); };
  const std::vector<std::pair<std::string, Build>> problem_commands = {
      {"AddActionItem", [&](auto id, auto rid) { return Rpc(ps, &PS::AddActionItem, [=](auto& r) { r.set_request_id(rid); r.set_problem_id(id); r.set_description("d"); r.set_owner("o"); *r.mutable_due() = Ts(kNow + 86400); }); }},
      {"CompleteActionItem", [&](auto id, auto rid) { return Rpc(ps, &PS::CompleteActionItem, [=](auto& r) { r.set_request_id(rid); r.set_problem_id(id); r.set_item_id("A1"); r.set_outcome("done"); }); }},
      {"MarkFixed", [&](auto id, auto rid) { return Rpc(ps, &PS::MarkFixed, [=](auto& r) { r.set_request_id(rid); r.set_problem_id(id); r.set_summary("s"); }); }},
      {"VerifyFix", [&](auto id, auto rid) { return Rpc(ps, &PS::VerifyFix, [=](auto& r) { r.set_request_id(rid); r.set_problem_id(id); r.set_evidence("e"); }); }},
  };
  for (const auto& [rpc, build] : problem_commands) AddIdRows(rows, rpc, build, "PR", pr, "setup-contact-" + prog);
  auto open_problem = [&](std::string rid, std::string department, std::string description, int source) {
    return Rpc(ps, &PS::OpenProblem, [=](auto& r) { r.set_request_id(rid); r.set_department(department); r.set_description(description); r.set_source(static_cast<v1::ProblemSource>(source)); });
  };
  add("OpenProblem: request_id of 129 bytes", open_problem(std::string(129, 'r'), "delivery", "d", 1), kInvalid, "request_id");
  add("OpenProblem: request_id with a space", open_problem("a b", "delivery", "d", 1), kInvalid, "request_id");
  add("OpenProblem: request_id used on a complaint", open_problem("setup-contact-" + prog, "delivery", "d", 1), StatusCode::ALREADY_EXISTS, "request_id");
  add("OpenProblem: empty department", open_problem("", "", "d", 1), kInvalid, "department");
  add("OpenProblem: department of 201 bytes", open_problem("", kName201, "d", 1), kInvalid, "department");
  add("OpenProblem: unknown department", open_problem("", "nowhere", "d", 1), kInvalid, "department");
  add("OpenProblem: empty description", open_problem("", "delivery", "", 1), kInvalid, "description");
  add("OpenProblem: description over 16 KiB", open_problem("", "delivery", kBig, 1), kInvalid, "description");
  add("OpenProblem: source 0", open_problem("", "delivery", "d", 0), kInvalid, "source");
  add("OpenProblem: source 99", open_problem("", "delivery", "d", 99), kInvalid, "source");
  auto item = [&](std::string description, std::string owner, std::function<void(v1::AddActionItemRequest&)> due, std::string principal = "") {
    return Rpc(ps, &PS::AddActionItem, [=](auto& r) { r.set_problem_id(pr); r.set_description(description); r.set_owner(owner); due(r); }, principal);
  };
  auto item_due = [](int64_t seconds, int32_t nanos = 0) { return [=](v1::AddActionItemRequest& r) { *r.mutable_due() = Ts(seconds, nanos); }; };
  add("AddActionItem: no due", item("d", "o", [](auto&) {}), kInvalid, "due");
  add("AddActionItem: due in the past", item("d", "o", item_due(kNow - 1)), kInvalid, "due");
  add("AddActionItem: due seconds 1e15", item("d", "o", item_due(1000000000000000)), kInvalid, "due");
  add("AddActionItem: due nanos -1", item("d", "o", item_due(kNow + 86400, -1)), kInvalid, "due");
  add("AddActionItem: empty description", item("", "o", item_due(kNow + 86400)), kInvalid, "description");
  add("AddActionItem: empty owner", item("d", "", item_due(kNow + 86400)), kInvalid, "owner");
  // Who is calling is settled before any field.
  add("AddActionItem: bad principal, no due", item("d", "o", [](auto&) {}, kBadPrincipal), StatusCode::UNAUTHENTICATED, "x-closedloop-principal");
  auto complete_item = [&](std::string item_id, std::string outcome) { return Rpc(ps, &PS::CompleteActionItem, [=](auto& r) { r.set_problem_id(pr); r.set_item_id(item_id); r.set_outcome(outcome); }); };
  add("CompleteActionItem: unknown A9", complete_item("A9", "done"), kNotFound, "A9");
  add("CompleteActionItem: empty item_id", complete_item("", "done"), kInvalid, "item_id");
  add("CompleteActionItem: empty outcome", complete_item("A1", ""), kInvalid, "outcome");
  add("MarkFixed: empty summary", Rpc(ps, &PS::MarkFixed, [&](auto& r) { r.set_problem_id(pr); }), kInvalid, "summary");
  add("MarkFixed: no action items", Rpc(ps, &PS::MarkFixed, [&](auto& r) { r.set_problem_id(pr); r.set_summary("s"); }), kPrecondition, "no action items");
  add("VerifyFix: empty evidence", Rpc(ps, &PS::VerifyFix, [&](auto& r) { r.set_problem_id(pr); }), kInvalid, "evidence");
  add("VerifyFix: before MarkFixed", Rpc(ps, &PS::VerifyFix, [&](auto& r) { r.set_problem_id(pr); r.set_evidence("e"); }), kPrecondition, "not fixed");


  INFO(rows.size() << " problem rows");
  RunRows(w.ts, rows);
  w.CheckStillServing();
}

TEST_CASE("every query rejects bad input", "[bad-input]") {
  World w;
  QS& qs = *w.ts.queries;
  const uint64_t beyond = w.ts.log->HeadPosition() + 1000000;
  std::vector<Row> rows;
  auto add = [&](std::string name, Call call, StatusCode code, std::string field) { rows.push_back({name, call, code, field}); };

  for (const std::string& id : Malformed("CL")) {
    add("GetComplaint: complaint_id '" + id.substr(0, 12) + "'", Rpc(qs, &QS::GetComplaint, [&](auto& r) { r.set_complaint_id(id); }), kInvalid, "complaint_id");
  }
  add("GetComplaint: unknown CL-999999", Rpc(qs, &QS::GetComplaint, [&](auto& r) { r.set_complaint_id("CL-999999"); }), StatusCode::NOT_FOUND, "CL-999999");
  add("GetComplaint: unknown, as of position", Rpc(qs, &QS::GetComplaint, [&](auto& r) { r.set_complaint_id("CL-999999"); r.set_as_of_position(1); }), StatusCode::NOT_FOUND, "CL-999999");
  add("GetComplaint: as_of_time nanos -1", Rpc(qs, &QS::GetComplaint, [&](auto& r) { r.set_complaint_id(w.open_id); *r.mutable_as_of_time() = Ts(kNow, -1); }), kInvalid, "as_of_time");
  add("GetComplaint: as_of_time seconds 1e15", Rpc(qs, &QS::GetComplaint, [&](auto& r) { r.set_complaint_id(w.open_id); *r.mutable_as_of_time() = Ts(1000000000000000); }), kInvalid, "as_of_time");
  auto list = [&](std::function<void(v1::ListComplaintsRequest&)> fill) { return Rpc(qs, &QS::ListComplaints, fill); };
  add("ListComplaints: page_size -1", list([](auto& r) { r.set_page_size(-1); }), kInvalid, "page_size");
  add("ListComplaints: page_token garbage", list([](auto& r) { r.set_page_token("garbage"); }), kInvalid, "page_token");
  add("ListComplaints: states 99", list([](auto& r) { r.add_states(static_cast<v1::ComplaintState>(99)); }), kInvalid, "states[0]");
  add("ListComplaints: states 0", list([](auto& r) { r.add_states(v1::COMPLAINT_STATE_OPEN); r.add_states(v1::COMPLAINT_STATE_UNSPECIFIED); }), kInvalid, "states[1]");
  add("ListComplaints: channel 99", list([](auto& r) { r.set_channel(static_cast<v1::Channel>(99)); }), kInvalid, "channel");
  add("ListComplaints: kind 99", list([](auto& r) { r.set_kind(static_cast<v1::ItemKind>(99)); }), kInvalid, "kind");
  add("ListComplaints: severity 99", list([](auto& r) { r.set_severity(static_cast<v1::Severity>(99)); }), kInvalid, "severity");
  add("ListComplaints: filed_after nanos -1", list([](auto& r) { *r.mutable_filed_after() = Ts(kNow, -1); }), kInvalid, "filed_after");
  add("ListComplaints: filed_before seconds 1e15", list([](auto& r) { *r.mutable_filed_before() = Ts(1000000000000000); }), kInvalid, "filed_before");
  add("GetSuperheroBoard: empty owner", Rpc(qs, &QS::GetSuperheroBoard, [](auto&) {}), kInvalid, "owner");
  add("GetSuperheroBoard: bad principal", Rpc(qs, &QS::GetSuperheroBoard, [](auto& r) { r.set_owner("anna"); }, kBadPrincipal), StatusCode::UNAUTHENTICATED, "x-closedloop-principal");
  for (int days : {0, 31, -1}) {
    add("GetDeadlineBoard: window of days " + std::to_string(days), Rpc(qs, &QS::GetDeadlineBoard, [&](auto& r) { *r.mutable_window() = Days(days); }), kInvalid, "window");
  }
  add("GetDeadlineBoard: window of 1 h minus 5 ns with mixed signs", Rpc(qs, &QS::GetDeadlineBoard, [](auto& r) { r.mutable_window()->set_seconds(3600); r.mutable_window()->set_nanos(-5); }), kInvalid, "window");
  add("GetCustomerHistory: empty customer_ref", Rpc(qs, &QS::GetCustomerHistory, [](auto&) {}), kInvalid, "customer_ref");
  add("GetMetrics: filed_after nanos -1", Rpc(qs, &QS::GetMetrics, [](auto& r) { *r.mutable_filed_after() = Ts(kNow, -1); }), kInvalid, "filed_after");
  add("GetMetrics: filed_before seconds 1e15", Rpc(qs, &QS::GetMetrics, [](auto& r) { *r.mutable_filed_before() = Ts(1000000000000000); }), kInvalid, "filed_before");
  // min_position beyond the head: OUT_OF_RANGE at once, for every query that has it.
  const StatusCode kRange = StatusCode::OUT_OF_RANGE;
  add("GetComplaint: min_position beyond head", Rpc(qs, &QS::GetComplaint, [&](auto& r) { r.set_complaint_id(w.open_id); r.set_min_position(beyond); }), kRange, "min_position");
  add("ListComplaints: min_position beyond head", list([&](auto& r) { r.set_min_position(beyond); }), kRange, "min_position");
  add("GetSuperheroBoard: min_position beyond head", Rpc(qs, &QS::GetSuperheroBoard, [&](auto& r) { r.set_owner("anna"); r.set_min_position(beyond); }), kRange, "min_position");
  add("GetDeadlineBoard: min_position beyond head", Rpc(qs, &QS::GetDeadlineBoard, [&](auto& r) { r.set_min_position(beyond); }), kRange, "min_position");
  add("GetDepartmentCatalog: min_position beyond head", Rpc(qs, &QS::GetDepartmentCatalog, [&](auto& r) { r.set_min_position(beyond); }), kRange, "min_position");
  add("GetCustomerHistory: min_position beyond head", Rpc(qs, &QS::GetCustomerHistory, [&](auto& r) { r.set_customer_ref("cust-1"); r.set_min_position(beyond); }), kRange, "min_position");
  add("GetMetrics: min_position beyond head", Rpc(qs, &QS::GetMetrics, [&](auto& r) { r.set_min_position(beyond); }), kRange, "min_position");
  add("GetProblemBoard: min_position beyond head", Rpc(qs, &QS::GetProblemBoard, [&](auto& r) { r.set_min_position(beyond); }), kRange, "min_position");
  // WatchBoard: a stream; its status comes with Finish().
  auto watch = [&](std::function<void(v1::WatchBoardRequest&)> fill, std::string principal = "") -> Call {
    v1::WatchBoardRequest request;
    fill(request);
    return [&qs, request, principal] {
      grpc::ClientContext context;
      context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(5));
      if (!principal.empty()) context.AddMetadata("x-closedloop-principal", principal);
      auto reader = qs.WatchBoard(&context, request);
      v1::BoardUpdate update;
      while (reader->Read(&update)) {
      }
      return reader->Finish();
    };
  };
  add("WatchBoard: no board", watch([](auto&) {}), kInvalid, "board");
  add("WatchBoard: empty owner", watch([](auto& r) { r.set_owner(""); }), kInvalid, "owner");
  add("WatchBoard: deadline_window 0", watch([](auto& r) { *r.mutable_deadline_window() = Days(0); }), kInvalid, "deadline_window");
  add("WatchBoard: deadline_window 31 days", watch([](auto& r) { *r.mutable_deadline_window() = Days(31); }), kInvalid, "deadline_window");
  add("WatchBoard: bad principal", watch([](auto& r) { r.set_owner("anna"); }, kBadPrincipal), StatusCode::UNAUTHENTICATED, "x-closedloop-principal");

  INFO(rows.size() << " query rows");
  RunRows(w.ts, rows);
  w.CheckStillServing();
}

}  // namespace
}  // namespace closedloop::testing
