// What the bad-input tests share: rows of (call, expected code, field named), a world of cases
// in every state to aim them at, and a runner that checks the code, the field and that the log
// did not move.
#ifndef CLOSEDLOOP_TESTS_SERVICES_BAD_INPUT_UTIL_H_
#define CLOSEDLOOP_TESTS_SERVICES_BAD_INPUT_UTIL_H_

#include <catch2/catch.hpp>

#include <chrono>
#include <functional>
#include <string>
#include <type_traits>
#include <vector>

#include "tests/services/test_server.h"

namespace closedloop::testing::bad_input {

using CS = v1::ComplaintService::Stub;
using PS = v1::ProblemService::Stub;
using QS = v1::QueryService::Stub;
using Call = std::function<grpc::Status()>;
using grpc::StatusCode;

constexpr int64_t kNow = 1793610000;  // TestServer's fake clock
inline const std::string kBadPrincipal(300, 'p');
inline const std::string kBig(16 * 1024 + 1, 'x');  // over every free-text limit
inline const std::string kName201(201, 'n');        // over every name limit
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

inline google::protobuf::Timestamp Ts(int64_t seconds, int32_t nanos = 0) {
  google::protobuf::Timestamp t;
  t.set_seconds(seconds);
  t.set_nanos(nanos);
  return t;
}

inline google::protobuf::Duration Days(int64_t days) {
  google::protobuf::Duration d;
  d.set_seconds(days * 86400);
  return d;
}

// Ids that are not "<prefix>-<positive number without leading zeros>" (prefix "CL" or "PR"):
// also a number that overflows 64 bits, a sign, and digits that are not ASCII (Arabic-Indic
// and fullwidth one).
inline std::vector<std::string> Malformed(const std::string& prefix) {
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
inline void AddIdRows(std::vector<Row>& rows, const std::string& rpc, const Build& build,
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

inline v1::Filed ValidFiling(v1::Channel channel = v1::CHANNEL_WEB) {
  v1::Filed f;
  f.set_channel(channel);
  f.set_kind(v1::ITEM_KIND_COMPLAINT);
  f.set_customer_ref("cust-1");
  f.set_text("The parcel never arrived.");
  return f;
}

// Runs every row: code, field in the message, log head unchanged.
inline void RunRows(TestServer& ts, const std::vector<Row>& rows) {
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
inline Call Batch(CS& stub, std::vector<v1::FileComplaintRequest> filings, int index = 0) {
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

inline v1::FileComplaintRequest Filing(std::function<void(v1::FileComplaintRequest&)> change) {
  v1::FileComplaintRequest request;
  *request.mutable_complaint() = ValidFiling();
  change(request);
  return request;
}

}  // namespace closedloop::testing::bad_input

#endif  // CLOSEDLOOP_TESTS_SERVICES_BAD_INPUT_UTIL_H_
