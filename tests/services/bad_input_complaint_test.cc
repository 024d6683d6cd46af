// Bad input to every command of ComplaintService: each row checks the exact status code, that
// the message names the field, and that the log did not move.
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "tests/services/bad_input_util.h"

namespace closedloop::testing::bad_input {
namespace {

TEST_CASE("every complaint command rejects bad input and records nothing", "[bad-input]") {
  World w;
  CS& cs = *w.ts.complaints;
  const std::string open_id = w.open_id, prog = w.progress_id, res = w.resolved_id, pr = w.problem_id;
  std::vector<Row> rows;

  // Each complaint command with otherwise valid fields, for the id and request id rows.
  const std::vector<std::pair<std::string, Build>> commands = {
      {"TriageComplaint", [&](auto id, auto rid) { return Rpc(cs, &CS::TriageComplaint, [=](auto& r) { r.set_request_id(rid); r.set_complaint_id(id); r.set_category("late"); }); }},
      {"AssignComplaint", [&](auto id, auto rid) { return Rpc(cs, &CS::AssignComplaint, [=](auto& r) { r.set_request_id(rid); r.set_complaint_id(id); r.set_owner("bob"); }); }},
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
  file("customer_ref of 201 bytes", [&](auto& r) { r.mutable_complaint()->set_customer_ref(kName201); }, kInvalid, "complaint.customer_ref");
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
  add("Assign: owner in no team", Rpc(cs, &CS::AssignComplaint, [&](auto& r) { r.set_complaint_id(open_id); r.set_owner("nobody-such"); }), kInvalid, "owner");
  // A request id reused for another command on the same case is not a retry.
  add("Assign: request_id of the same case's filing", Rpc(cs, &CS::AssignComplaint, [&](auto& r) { r.set_request_id("setup-file-open"); r.set_complaint_id(open_id); }), StatusCode::ALREADY_EXISTS, "request_id");
  add("Assign: bad principal", Rpc(cs, &CS::AssignComplaint, [&](auto& r) { r.set_complaint_id(open_id); r.set_owner("bob"); }, kBadPrincipal), StatusCode::UNAUTHENTICATED, "x-closedloop-principal");
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

}  // namespace
}  // namespace closedloop::testing::bad_input
