// The rules that act, through the API: filings without a customer, who may own a case, links
// to verified problems, and one-call resolution in the metrics. Real server, fake clock.
#include <catch2/catch.hpp>

#include <string>

#include "absl/strings/str_cat.h"
#include "tests/services/api_test_util.h"

namespace closedloop::testing {
namespace {

using ComplaintStub = v1::ComplaintService::Stub;
using ProblemStub = v1::ProblemService::Stub;
using QueryStub = v1::QueryService::Stub;

v1::CommandResponse File(TestServer& s, v1::Channel channel, const std::string& customer) {
  v1::FileComplaintRequest request =
      Msg<v1::FileComplaintRequest>("complaint { kind: ITEM_KIND_COMPLAINT text: 'Nobody came.' }");
  request.mutable_complaint()->set_channel(channel);
  request.mutable_complaint()->set_customer_ref(customer);
  return Ok(*s.complaints, &ComplaintStub::FileComplaint, request);
}

v1::CommandResponse Reach(TestServer& s, const std::string& id) {
  return Ok(*s.complaints, &ComplaintStub::RecordCustomerContact,
            Cmd<v1::RecordCustomerContactRequest>(
                "method: CONTACT_METHOD_PHONE outcome: CONTACT_OUTCOME_REACHED", id));
}

v1::CommandResponse Resolve(TestServer& s, const std::string& id) {
  return Ok(*s.complaints, &ComplaintStub::ResolveComplaint,
            Cmd<v1::ResolveComplaintRequest>(
                "resolution: 'apologised' remedy { type: REMEDY_TYPE_APOLOGY }", id));
}

uint64_t Head(TestServer& s) { return s.log->HeadPosition(); }

TEST_CASE("a filing without a customer is filed, listed and on its owner's board, and is no customer's case", "[api][rules]") {
  TestServer s;
  const v1::CommandResponse social = File(s, v1::CHANNEL_SOCIAL, "");
  const v1::CommandResponse emergency = File(s, v1::CHANNEL_RED_BUTTON, "");
  const v1::CommandResponse other = File(s, v1::CHANNEL_SOCIAL, "");
  const v1::ComplaintView view = View(s, social.complaint_id(), other.position());
  CHECK(view.filing().customer_ref().empty());
  CHECK(view.team() == "cx-social");
  CHECK(View(s, emergency.complaint_id()).team() == "red-button");

  v1::ListComplaintsResponse all = Ok(*s.queries, &QueryStub::ListComplaints, v1::ListComplaintsRequest());
  CHECK(all.total_size() == 3);
  v1::GetSuperheroBoardRequest board;
  board.set_owner(view.owner());
  CHECK(Ok(*s.queries, &QueryStub::GetSuperheroBoard, board).open() >= 1);
  // Two cases without a customer are not one customer complaining twice.
  CHECK(Ok(*s.queries, &QueryStub::GetMetrics, v1::GetMetricsRequest()).repeat_complainers() == 0);
}

TEST_CASE("a complaint resolved without remedy.type is refused naming it, and records nothing", "[api][rules]") {
  TestServer s;
  const std::string id = File(s, v1::CHANNEL_HOTLINE, "cust-1").complaint_id();
  Reach(s, id);
  const uint64_t head = Head(s);
  v1::CommandResponse ignored;
  const grpc::Status status = Call(*s.complaints, &ComplaintStub::ResolveComplaint,
                                   Cmd<v1::ResolveComplaintRequest>("resolution: 'fixed'", id), &ignored);
  CHECK(status.error_code() == grpc::StatusCode::INVALID_ARGUMENT);
  CHECK(status.error_message().find("remedy.type") != std::string::npos);
  CHECK(Head(s) == head);
}

TEST_CASE("AssignComplaint takes only a configured person, and keeps a red-button case with its team", "[api][rules]") {
  TestServer s;
  const std::string hotline = File(s, v1::CHANNEL_HOTLINE, "cust-1").complaint_id();
  const std::string emergency = File(s, v1::CHANNEL_RED_BUTTON, "cust-2").complaint_id();
  const uint64_t head = Head(s);
  v1::CommandResponse ignored;
  const grpc::Status nobody = Call(*s.complaints, &ComplaintStub::AssignComplaint,
                                   Cmd<v1::AssignComplaintRequest>("owner: 'nobody-such'", hotline), &ignored);
  CHECK(nobody.error_code() == grpc::StatusCode::INVALID_ARGUMENT);
  CHECK(nobody.error_message().find("owner") != std::string::npos);
  const grpc::Status to_support = Call(*s.complaints, &ComplaintStub::AssignComplaint,
                                       Cmd<v1::AssignComplaintRequest>("owner: 'anna'", emergency), &ignored);
  CHECK(to_support.error_code() == grpc::StatusCode::FAILED_PRECONDITION);
  CHECK(to_support.error_message().find("red-button") != std::string::npos);
  CHECK(Head(s) == head);

  const std::string current = View(s, emergency, head).owner();
  const std::string colleague = current == "rita" ? "sam" : "rita";
  const v1::CommandResponse handed = Ok(*s.complaints, &ComplaintStub::AssignComplaint,
                                        Cmd<v1::AssignComplaintRequest>(absl::StrCat("owner: '", colleague, "'"), emergency));
  CHECK(View(s, emergency, handed.position()).owner() == colleague);
}

TEST_CASE("LinkToProblem refuses a problem whose fix is verified, recording nothing on either side", "[api][rules]") {
  TestServer s;
  const std::string id = File(s, v1::CHANNEL_HOTLINE, "cust-1").complaint_id();
  const std::string problem =
      Ok(*s.problems, &ProblemStub::OpenProblem,
         Msg<v1::OpenProblemRequest>("department: 'delivery' description: 'late parcels' source: PROBLEM_SOURCE_COMPLAINTS"))
          .problem_id();
  v1::AddActionItemRequest item = Msg<v1::AddActionItemRequest>("description: 'retrain' owner: 'dina'");
  item.set_problem_id(problem);
  *item.mutable_due() = domain::ToProto(s.clock.Now() + absl::Hours(24));
  const std::string item_id = Ok(*s.problems, &ProblemStub::AddActionItem, item).item_id();
  v1::CompleteActionItemRequest complete = Msg<v1::CompleteActionItemRequest>("outcome: 'done'");
  complete.set_problem_id(problem);
  complete.set_item_id(item_id);
  Ok(*s.problems, &ProblemStub::CompleteActionItem, complete);
  v1::MarkFixedRequest fixed = Msg<v1::MarkFixedRequest>("summary: 'fixed'");
  fixed.set_problem_id(problem);
  Ok(*s.problems, &ProblemStub::MarkFixed, fixed);
  v1::VerifyFixRequest verify = Msg<v1::VerifyFixRequest>("evidence: 'quiet for a month'");
  verify.set_problem_id(problem);
  Ok(*s.problems, &ProblemStub::VerifyFix, verify);

  const uint64_t head = Head(s);
  v1::LinkToProblemRequest link;
  link.set_complaint_id(id);
  link.set_problem_id(problem);
  v1::CommandResponse ignored;
  const grpc::Status status = Call(*s.complaints, &ComplaintStub::LinkToProblem, link, &ignored);
  CHECK(status.error_code() == grpc::StatusCode::FAILED_PRECONDITION);
  CHECK(status.error_message().find("verified") != std::string::npos);
  CHECK(Head(s) == head);
}

TEST_CASE("GetMetrics reports one-call resolution overall, by channel and by team", "[api][rules]") {
  TestServer s;
  const std::string once = File(s, v1::CHANNEL_HOTLINE, "cust-1").complaint_id();
  Reach(s, once);
  Resolve(s, once);
  const std::string twice = File(s, v1::CHANNEL_WEB, "cust-2").complaint_id();
  Reach(s, twice);
  Reach(s, twice);
  const uint64_t last = Resolve(s, twice).position();

  v1::GetMetricsRequest request;
  request.set_min_position(last);
  const v1::Metrics m = Ok(*s.queries, &QueryStub::GetMetrics, request);
  CHECK(m.one_call_resolution().resolved() == 2);
  CHECK(m.one_call_resolution().one_call() == 1);
  CHECK(m.one_call_resolution().rate() == Approx(0.5));
  CHECK(m.one_call_resolution_by_channel().at("CHANNEL_HOTLINE").one_call() == 1);
  CHECK(m.one_call_resolution_by_channel().at("CHANNEL_WEB").one_call() == 0);
  CHECK(m.one_call_resolution_by_team().at("cx-hotline").rate() == Approx(1.0));
  CHECK(m.one_call_resolution_by_team().at("cx-digital").rate() == Approx(0.0));
}

}  // namespace
}  // namespace closedloop::testing
