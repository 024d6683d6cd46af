// QueryService (and ProblemService) end to end: a real client against TestServer. The
// second-level loop through to a verified fix, as-of reads, listing and paging,
// read-your-writes bounds, the deadline board against the fake clock, and WatchBoard.
#include <catch2/catch.hpp>

#include <chrono>
#include <cstdint>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/time/time.h"
#include "domain/proto_time.h"
#include "tests/services/api_test_util.h"

namespace closedloop {
namespace {

using namespace testing;  // NOLINT: the API test helpers
using ComplaintStub = v1::ComplaintService::Stub;
using ProblemStub = v1::ProblemService::Stub;
using QueryStub = v1::QueryService::Stub;

v1::CommandResponse File(TestServer& s, v1::Channel channel, const std::string& customer = "cust-1",
                         v1::ItemKind kind = v1::ITEM_KIND_COMPLAINT) {
  v1::FileComplaintRequest request;
  v1::Filed& f = *request.mutable_complaint();
  f.set_channel(channel);
  f.set_kind(kind);
  f.set_customer_ref(customer);
  f.set_customer_contact("customer@example.com");
  f.set_text("The delivery came three days late and the box was open.");
  f.set_market("DE");
  return Ok(*s.complaints, &ComplaintStub::FileComplaint, request);
}

v1::CommandResponse Assign(TestServer& s, const std::string& id, const std::string& owner) {
  v1::AssignComplaintRequest request;
  request.set_complaint_id(id);
  request.set_owner(owner);
  return Ok(*s.complaints, &ComplaintStub::AssignComplaint, request);
}

v1::CommandResponse Comment(TestServer& s, const std::string& id, const std::string& text) {
  v1::AddCommentRequest request;
  request.set_complaint_id(id);
  request.set_visibility(v1::VISIBILITY_INTERNAL);
  request.set_author("anna");
  request.set_text(text);
  return Ok(*s.complaints, &ComplaintStub::AddComment, request);
}

std::vector<std::string> Ids(const v1::ListComplaintsResponse& page) {
  std::vector<std::string> ids;
  for (const v1::ComplaintView& view : page.complaints()) ids.push_back(view.complaint_id());
  return ids;
}

TEST_CASE("a problem links three complaints and is fixed and verified", "[api]") {
  TestServer s;
  std::vector<std::string> ids;
  for (int i = 0; i < 3; ++i) ids.push_back(File(s, v1::CHANNEL_HOTLINE, "cust-" + std::to_string(i)).complaint_id());

  v1::OpenProblemRequest open;
  open.set_department("warehouse");
  open.set_description("Parcels leave the warehouse without corner protection");
  open.set_source(v1::PROBLEM_SOURCE_COMPLAINTS);
  const v1::ProblemCommandResponse opened = Ok(*s.problems, &ProblemStub::OpenProblem, open);
  const std::string problem_id = opened.problem_id();
  uint64_t number = 0;
  CHECK((absl::StartsWith(problem_id, "PR-") && absl::SimpleAtoi(problem_id.substr(3), &number) && number > 0));
  CHECK(std::vector<std::string>(opened.event_types().begin(), opened.event_types().end()) ==
        std::vector<std::string>{"problem.opened"});

  uint64_t position = 0;
  for (const std::string& id : ids) {
    v1::LinkToProblemRequest link;
    link.set_complaint_id(id);
    link.set_problem_id(problem_id);
    const v1::CommandResponse linked = Ok(*s.complaints, &ComplaintStub::LinkToProblem, link);
    CHECK(linked.complaint_id() == id);
    REQUIRE(linked.event_types_size() == 1);
    CHECK(linked.event_types(0) == "complaint.linked_to_problem");
    position = linked.position();
  }

  v1::AddActionItemRequest item;
  item.set_problem_id(problem_id);
  item.set_description("Add corner protection to the packing instruction");
  item.set_owner("wes");
  *item.mutable_due() = domain::ToProto(s.clock.Now() + absl::Hours(24 * 7));
  const v1::ProblemCommandResponse added = Ok(*s.problems, &ProblemStub::AddActionItem, item);
  CHECK(added.item_id() == "A1");
  CHECK(added.problem_id() == problem_id);

  v1::CompleteActionItemRequest complete;
  complete.set_problem_id(problem_id);
  complete.set_item_id("A1");
  complete.set_outcome("Instruction updated, staff trained");
  CHECK(Ok(*s.problems, &ProblemStub::CompleteActionItem, complete).revision() == added.revision() + 1);
  v1::MarkFixedRequest fixed;
  fixed.set_problem_id(problem_id);
  fixed.set_summary("Corner protection on every parcel");
  const v1::ProblemCommandResponse marked = Ok(*s.problems, &ProblemStub::MarkFixed, fixed);
  REQUIRE(marked.event_types_size() == 1);
  CHECK(marked.event_types(0) == "problem.marked_fixed");
  v1::VerifyFixRequest verify;
  verify.set_problem_id(problem_id);
  verify.set_evidence("No damaged parcels in two weeks");
  const v1::ProblemCommandResponse verified = Ok(*s.problems, &ProblemStub::VerifyFix, verify);
  CHECK(verified.position() > position);

  v1::GetProblemBoardRequest board_request;
  board_request.set_min_position(verified.position());
  const v1::ProblemBoard board = Ok(*s.queries, &QueryStub::GetProblemBoard, board_request);
  REQUIRE(board.problems_size() == 1);
  const v1::ProblemView& problem = board.problems(0);
  CHECK(problem.problem_id() == problem_id);
  CHECK(problem.state() == v1::PROBLEM_STATE_VERIFIED);
  CHECK(problem.department() == "warehouse");
  CHECK(problem.source() == v1::PROBLEM_SOURCE_COMPLAINTS);
  CHECK(std::vector<std::string>(problem.linked_complaints().begin(), problem.linked_complaints().end()) == ids);
  REQUIRE(problem.action_items_size() == 1);
  CHECK(problem.action_items(0).item_id() == "A1");
  CHECK(problem.action_items(0).completed());
  CHECK(problem.action_items(0).outcome() == "Instruction updated, staff trained");
  CHECK(problem.fix_summary() == "Corner protection on every parcel");
  CHECK(problem.verification_evidence() == "No damaged parcels in two weeks");
  CHECK(problem.last_position() == verified.position());
  for (const std::string& id : ids) CHECK(View(s, id, verified.position()).problem_id() == problem_id);
}

TEST_CASE("GetComplaint as of a position or a time shows the case as it stood then", "[api]") {
  TestServer s;
  const absl::Time t0 = s.clock.Now();
  const v1::CommandResponse filed = File(s, v1::CHANNEL_HOTLINE);
  s.clock.Advance(absl::Hours(1));
  const v1::CommandResponse commented = Comment(s, filed.complaint_id(), "Called the carrier.");

  v1::GetComplaintRequest request;
  request.set_complaint_id(filed.complaint_id());
  request.set_as_of_position(filed.position());
  v1::ComplaintView then = Ok(*s.queries, &QueryStub::GetComplaint, request);
  CHECK(then.complaint_id() == filed.complaint_id());
  CHECK(then.state() == v1::COMPLAINT_STATE_OPEN);
  CHECK(then.comments_size() == 0);
  CHECK(then.revision() == filed.revision());
  CHECK(then.last_position() == filed.position());

  *request.mutable_as_of_time() = domain::ToProto(t0 + absl::Minutes(30));
  then = Ok(*s.queries, &QueryStub::GetComplaint, request);
  CHECK(then.comments_size() == 0);
  CHECK(then.revision() == filed.revision());

  *request.mutable_as_of_time() = domain::ToProto(t0 - absl::Seconds(1));
  v1::ComplaintView ignored;
  CHECK(Call(*s.queries, &QueryStub::GetComplaint, request, &ignored).error_code() ==
        grpc::StatusCode::NOT_FOUND);

  const v1::ComplaintView now = View(s, filed.complaint_id(), commented.position());
  REQUIRE(now.comments_size() == 1);
  CHECK(now.comments(0).text() == "Called the carrier.");
  CHECK(T(now.comments(0).added_at()) == t0 + absl::Hours(1));
  CHECK(now.revision() == commented.revision());
}

TEST_CASE("ListComplaints filters, and pages newest first without gaps or repeats", "[api]") {
  TestServer s;
  std::vector<std::string> ids;  // in filing order
  ids.push_back(File(s, v1::CHANNEL_HOTLINE, "c1").complaint_id());
  ids.push_back(File(s, v1::CHANNEL_HOTLINE, "c2").complaint_id());
  ids.push_back(File(s, v1::CHANNEL_WEB, "c3", v1::ITEM_KIND_RECOMMENDATION).complaint_id());
  ids.push_back(File(s, v1::CHANNEL_HOTLINE, "c4").complaint_id());
  ids.push_back(File(s, v1::CHANNEL_STORE, "c5").complaint_id());
  Assign(s, ids[0], "greta");
  Assign(s, ids[3], "greta");
  v1::RecordCustomerContactRequest contact;
  contact.set_complaint_id(ids[1]);
  contact.set_method(v1::CONTACT_METHOD_EMAIL);
  contact.set_outcome(v1::CONTACT_OUTCOME_REACHED);
  const uint64_t head = Ok(*s.complaints, &ComplaintStub::RecordCustomerContact, contact).position();

  auto list = [&](auto&& configure) {
    v1::ListComplaintsRequest request;
    request.set_min_position(head);
    configure(request);
    return Ok(*s.queries, &QueryStub::ListComplaints, request);
  };
  v1::ListComplaintsResponse r = list([](v1::ListComplaintsRequest& q) { q.set_owner("greta"); });
  CHECK(Ids(r) == std::vector<std::string>{ids[3], ids[0]});
  CHECK(r.total_size() == 2);
  r = list([](v1::ListComplaintsRequest& q) { q.set_channel(v1::CHANNEL_HOTLINE); });
  CHECK(Ids(r) == std::vector<std::string>{ids[3], ids[1], ids[0]});
  r = list([](v1::ListComplaintsRequest& q) { q.set_kind(v1::ITEM_KIND_RECOMMENDATION); });
  CHECK(Ids(r) == std::vector<std::string>{ids[2]});
  r = list([](v1::ListComplaintsRequest& q) { q.add_states(v1::COMPLAINT_STATE_IN_PROGRESS); });
  CHECK(Ids(r) == std::vector<std::string>{ids[1]});
  CHECK(r.complaints(0).state() == v1::COMPLAINT_STATE_IN_PROGRESS);
  r = list([](v1::ListComplaintsRequest& q) {
    q.add_states(v1::COMPLAINT_STATE_OPEN);
    q.set_channel(v1::CHANNEL_HOTLINE);
  });
  CHECK(Ids(r) == std::vector<std::string>{ids[3], ids[0]});
  r = list([](v1::ListComplaintsRequest& q) { q.add_states(v1::COMPLAINT_STATE_CLOSED); });
  CHECK(r.complaints_size() == 0);
  CHECK(r.total_size() == 0);

  // Pages of two: 2 + 2 + 1, newest first, the last without a token.
  std::vector<std::string> seen;
  std::string token;
  int pages = 0;
  do {
    r = list([&](v1::ListComplaintsRequest& q) {
      q.set_page_size(2);
      q.set_page_token(token);
    });
    CHECK(r.total_size() == 5);
    CHECK(r.complaints_size() == (pages < 2 ? 2 : 1));
    for (const std::string& id : Ids(r)) seen.push_back(id);
    token = r.next_page_token();
    ++pages;
  } while (!token.empty() && pages < 10);
  CHECK(pages == 3);
  CHECK(seen == std::vector<std::string>{ids[4], ids[3], ids[2], ids[1], ids[0]});
}

TEST_CASE("a min_position beyond the log's head is OUT_OF_RANGE", "[api]") {
  TestServer s;
  const v1::CommandResponse filed = File(s, v1::CHANNEL_HOTLINE);
  v1::GetComplaintRequest get;
  get.set_complaint_id(filed.complaint_id());
  get.set_min_position(filed.position() + 1000);
  v1::ComplaintView view;
  const grpc::Status status = Call(*s.queries, &QueryStub::GetComplaint, get, &view);
  CHECK(status.error_code() == grpc::StatusCode::OUT_OF_RANGE);
  v1::ListComplaintsRequest list;
  list.set_min_position(filed.position() + 1);
  v1::ListComplaintsResponse page;
  CHECK(Call(*s.queries, &QueryStub::ListComplaints, list, &page).error_code() ==
        grpc::StatusCode::OUT_OF_RANGE);
  // At the head itself it answers.
  get.set_min_position(filed.position());
  CHECK(Ok(*s.queries, &QueryStub::GetComplaint, get).complaint_id() == filed.complaint_id());
}

TEST_CASE("the deadline board shows a red-button contact due soon, then breached", "[api]") {
  TestServer s;
  const absl::Time t0 = s.clock.Now();
  const v1::CommandResponse filed = File(s, v1::CHANNEL_RED_BUTTON, "cust-red");
  v1::GetDeadlineBoardRequest request;
  *request.mutable_window() = domain::ToProto(absl::Hours(1));
  request.set_min_position(filed.position());
  v1::DeadlineBoard board = Ok(*s.queries, &QueryStub::GetDeadlineBoard, request);
  REQUIRE(board.due_soon_size() == 1);  // the 24 h resolution deadline is outside the window
  CHECK(board.due_soon(0).complaint().complaint_id() == filed.complaint_id());
  CHECK(board.due_soon(0).deadline().kind() == v1::DEADLINE_KIND_FIRST_CONTACT);
  CHECK(T(board.due_soon(0).deadline().due()) == t0 + absl::Minutes(15));
  CHECK(board.breached_size() == 0);

  s.clock.Advance(absl::Minutes(16));
  board = Ok(*s.queries, &QueryStub::GetDeadlineBoard, request);
  CHECK(board.due_soon_size() == 0);
  REQUIRE(board.breached_size() == 1);
  CHECK(board.breached(0).complaint().complaint_id() == filed.complaint_id());
  CHECK(board.breached(0).complaint().breached());
  CHECK(board.breached(0).deadline().kind() == v1::DEADLINE_KIND_FIRST_CONTACT);
  CHECK(T(board.breached(0).deadline().due()) == t0 + absl::Minutes(15));
}

TEST_CASE("a board asked for fewer entries lists the first of them and still counts them all", "[api]") {
  TestServer s;
  std::vector<std::string> ids;
  uint64_t head = 0;
  for (int i = 0; i < 3; ++i) {
    ids.push_back(File(s, v1::CHANNEL_HOTLINE, "cust-1").complaint_id());
    head = Assign(s, ids.back(), "greta").position();
    s.clock.Advance(absl::Minutes(1));
  }
  v1::GetSuperheroBoardRequest board_request;
  board_request.set_owner("greta");
  board_request.set_min_position(head);
  const v1::SuperheroBoard all = Ok(*s.queries, &QueryStub::GetSuperheroBoard, board_request);
  REQUIRE(all.cases_size() == 3);
  board_request.set_limit(2);
  const v1::SuperheroBoard two = Ok(*s.queries, &QueryStub::GetSuperheroBoard, board_request);
  REQUIRE(two.cases_size() == 2);
  CHECK(two.cases(0).complaint_id() == all.cases(0).complaint_id());
  CHECK(two.cases(1).complaint_id() == all.cases(1).complaint_id());
  CHECK(two.open() == 3);

  v1::GetDeadlineBoardRequest due_request;
  *due_request.mutable_window() = domain::ToProto(absl::Hours(30));
  due_request.set_min_position(head);
  const v1::DeadlineBoard every = Ok(*s.queries, &QueryStub::GetDeadlineBoard, due_request);
  REQUIRE(every.due_soon_size() >= 3);  // first contacts and resolutions of the three cases
  due_request.set_limit(1);
  const v1::DeadlineBoard due = Ok(*s.queries, &QueryStub::GetDeadlineBoard, due_request);
  REQUIRE(due.due_soon_size() == 1);
  CHECK(due.due_soon(0).complaint().complaint_id() == ids[0]);
  CHECK(due.due_soon(0).deadline().timer_id() == every.due_soon(0).deadline().timer_id());
  CHECK(due.due_soon_total() == every.due_soon_size());
}

TEST_CASE("WatchBoard sends the owner's board, then the board again when it changes", "[api]") {
  TestServer s;
  const v1::CommandResponse first = File(s, v1::CHANNEL_STORE, "cust-w1");
  const uint64_t position = Assign(s, first.complaint_id(), "ivan").position();
  v1::GetSuperheroBoardRequest board_request;
  board_request.set_owner("ivan");
  board_request.set_min_position(position);
  REQUIRE(Ok(*s.queries, &QueryStub::GetSuperheroBoard, board_request).open() == 1);

  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
  v1::WatchBoardRequest watch;
  watch.set_owner("ivan");
  std::unique_ptr<grpc::ClientReader<v1::BoardUpdate>> reader = s.queries->WatchBoard(&context, watch);
  v1::BoardUpdate update;
  REQUIRE(reader->Read(&update));
  REQUIRE(update.has_superhero_board());
  CHECK(update.superhero_board().owner() == "ivan");
  CHECK(update.superhero_board().open() == 1);
  REQUIRE(update.superhero_board().cases_size() == 1);
  CHECK(update.superhero_board().cases(0).complaint_id() == first.complaint_id());
  CHECK(update.superhero_board().position() >= position);

  // A hotline case goes to the hotline team; handing it to ivan changes his board.
  const v1::CommandResponse second = File(s, v1::CHANNEL_HOTLINE, "cust-w2");
  const uint64_t assigned = Assign(s, second.complaint_id(), "ivan").position();
  REQUIRE(reader->Read(&update));
  REQUIRE(update.has_superhero_board());
  CHECK(update.superhero_board().open() == 2);
  std::set<std::string> ids;
  for (const v1::BoardCase& c : update.superhero_board().cases()) ids.insert(c.complaint_id());
  CHECK(ids == std::set<std::string>{first.complaint_id(), second.complaint_id()});
  CHECK(update.superhero_board().position() >= assigned);

  context.TryCancel();
  while (reader->Read(&update)) {
  }
  CHECK(reader->Finish().error_code() == grpc::StatusCode::CANCELLED);
}

TEST_CASE("paging over closed cases continues from its token after a restart, and counts them all", "[api]") {
  TestServer s;
  std::vector<std::string> closed;  // newest first
  uint64_t head = 0;
  for (int i = 0; i < 9; ++i) {
    const std::string id = File(s, i % 2 == 0 ? v1::CHANNEL_HOTLINE : v1::CHANNEL_WEB).complaint_id();
    if (i % 3 == 2) continue;  // stays open
    Ok(*s.complaints, &ComplaintStub::RecordCustomerContact,
       Cmd<v1::RecordCustomerContactRequest>("method: CONTACT_METHOD_PHONE outcome: CONTACT_OUTCOME_REACHED", id));
    Ok(*s.complaints, &ComplaintStub::ResolveComplaint,
       Cmd<v1::ResolveComplaintRequest>("resolution: 'Refunded.' remedy { type: REMEDY_TYPE_APOLOGY }", id));
    head = Ok(*s.complaints, &ComplaintStub::CloseComplaint,
              Cmd<v1::CloseComplaintRequest>("customer_confirmed: true", id)).position();
    closed.insert(closed.begin(), id);
  }
  REQUIRE(closed.size() == 6);
  auto page = [&](const std::string& token) {
    v1::ListComplaintsRequest request;
    request.set_min_position(head);
    request.add_states(v1::COMPLAINT_STATE_CLOSED);
    request.set_page_size(4);
    request.set_page_token(token);
    return Ok(*s.queries, &QueryStub::ListComplaints, request);
  };
  const v1::ListComplaintsResponse first = page("");
  CHECK(Ids(first) == std::vector<std::string>(closed.begin(), closed.begin() + 4));
  CHECK(first.total_size() == 6);
  REQUIRE_FALSE(first.next_page_token().empty());

  s.Stop();
  s.Start();
  const v1::ListComplaintsResponse second = page(first.next_page_token());
  CHECK(Ids(second) == std::vector<std::string>(closed.begin() + 4, closed.end()));
  CHECK(second.total_size() == 6);
  CHECK(second.next_page_token().empty());
}

}  // namespace
}  // namespace closedloop
