// Bad input to every command of ProblemService and every query of QueryService: each row checks
// the exact status code, that the message names the field, and that the log did not move.
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "tests/services/bad_input_util.h"

namespace closedloop::testing::bad_input {
namespace {

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
  add("GetSuperheroBoard: limit -1", Rpc(qs, &QS::GetSuperheroBoard, [](auto& r) { r.set_owner("anna"); r.set_limit(-1); }), kInvalid, "limit");
  add("GetDeadlineBoard: limit -1", Rpc(qs, &QS::GetDeadlineBoard, [](auto& r) { r.set_limit(-1); }), kInvalid, "limit");
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
}  // namespace closedloop::testing::bad_input
