// ComplaintService end to end: a real client against TestServer (RocksDB log, view store, gRPC
// on 127.0.0.1, fake clock). The full loop of DESIGN.md section 2, the red button,
// recommendations, idempotent retries, batches and id numbering across a restart.
#include <catch2/catch.hpp>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "domain/proto_time.h"
#include "google/protobuf/text_format.h"
#include "tests/services/api_test_util.h"

namespace closedloop {
namespace {

using namespace testing;  // NOLINT: the API test helpers
using ComplaintStub = v1::ComplaintService::Stub;
using QueryStub = v1::QueryService::Stub;
using AuditStub = v1::AuditService::Stub;
using Strings = std::vector<std::string>;

v1::FileComplaintRequest Filing(v1::Channel channel, const std::string& customer = "cust-1",
                                v1::ItemKind kind = v1::ITEM_KIND_COMPLAINT,
                                const std::string& request_id = "") {
  v1::FileComplaintRequest request = Msg<v1::FileComplaintRequest>(
      "complaint { customer_contact: '+49 30 1234567' market: 'DE' language: 'de' "
      "text: 'The washing machine arrived with a dented door.' order_ref: 'order-981' }");
  request.set_request_id(request_id);
  request.mutable_complaint()->set_channel(channel);
  request.mutable_complaint()->set_kind(kind);
  request.mutable_complaint()->set_customer_ref(customer);
  return request;
}

v1::CommandResponse File(TestServer& s, v1::Channel channel, const std::string& customer = "cust-1",
                         v1::ItemKind kind = v1::ITEM_KIND_COMPLAINT, const std::string& request_id = "") {
  return Ok(*s.complaints, &ComplaintStub::FileComplaint, Filing(channel, customer, kind, request_id));
}

v1::Metrics Metrics(TestServer& s, uint64_t min_position) {
  return Ok(*s.queries, &QueryStub::GetMetrics,
            Msg<v1::GetMetricsRequest>(absl::StrCat("min_position: ", min_position)));
}

// The log's head position, as the audit service reports it.
uint64_t Head(TestServer& s) {
  return Ok(*s.audit, &AuditStub::ReadAll, Msg<v1::ReadAllRequest>("page_size: 1")).head_position();
}

// n of "CL-<n>".
uint64_t Number(const std::string& id) {
  uint64_t n = 0;
  INFO(id);
  REQUIRE(absl::StartsWith(id, "CL-"));
  REQUIRE(absl::SimpleAtoi(id.substr(3), &n));
  return n;
}

Strings Types(const v1::CommandResponse& r) { return {r.event_types().begin(), r.event_types().end()}; }

TEST_CASE("a hotline complaint runs the whole loop from filing to survey", "[api]") {
  TestServer s;
  const absl::Time t0 = s.clock.Now();

  const v1::CommandResponse filed = File(s, v1::CHANNEL_HOTLINE, "cust-42");
  const std::string id = filed.complaint_id();
  CHECK(Number(id) >= 1);
  CHECK(filed.revision() == 5);
  CHECK(filed.position() >= filed.revision());
  CHECK_FALSE(filed.deduplicated());
  CHECK(Types(filed) == Strings{"complaint.filed", "complaint.routed", "complaint.assigned",
                                "complaint.deadline_scheduled", "complaint.deadline_scheduled"});

  v1::ComplaintView view = View(s, id, filed.position());
  CHECK(view.state() == v1::COMPLAINT_STATE_OPEN);
  CHECK(view.team() == "cx-hotline");
  CHECK(view.routing_rule() == "everything-else");
  const std::string owner = view.owner();
  CHECK((owner == "anna" || owner == "bob" || owner == "carla"));
  CHECK(view.filing().customer_contact() == "+49 30 1234567");
  CHECK(T(view.filing().filed_at()) == t0);
  CHECK(view.severity() == v1::SEVERITY_NORMAL);
  REQUIRE(view.deadlines_size() == 2);
  CHECK(view.deadlines(0).kind() == v1::DEADLINE_KIND_FIRST_CONTACT);
  CHECK(T(view.deadlines(0).due()) == t0 + absl::Hours(2));
  CHECK(view.deadlines(1).kind() == v1::DEADLINE_KIND_RESOLUTION);
  CHECK(T(view.deadlines(1).due()) == t0 + absl::Hours(24));
  CHECK(view.last_position() == filed.position());

  // First-level loop: the owner reaches the customer 30 minutes after filing.
  s.clock.Advance(absl::Minutes(30));
  v1::CommandResponse r = Ok(*s.complaints, &ComplaintStub::RecordCustomerContact,
                             Cmd<v1::RecordCustomerContactRequest>(
                                 "method: CONTACT_METHOD_PHONE outcome: CONTACT_OUTCOME_REACHED "
                                 "summary: 'door dented in transport'", id));
  CHECK(Types(r) == Strings{"complaint.customer_contacted", "complaint.deadline_satisfied"});
  view = View(s, id, r.position());
  CHECK(view.state() == v1::COMPLAINT_STATE_IN_PROGRESS);
  CHECK(view.customer_reached());
  CHECK(view.contact_attempts() == 1);
  CHECK(T(view.first_contact_at()) == t0 + absl::Minutes(30));
  CHECK(view.deadlines(0).state() == v1::DEADLINE_STATE_SATISFIED);

  r = Ok(*s.complaints, &ComplaintStub::AddComment,
         Cmd<v1::AddCommentRequest>("visibility: VISIBILITY_INTERNAL author: 'anna' "
                                    "text: 'Asked the warehouse for photos.'", id));
  CHECK(Types(r) == Strings{"complaint.comment_added"});

  // A task for the warehouse, due in a day.
  v1::OpenTaskRequest task = Cmd<v1::OpenTaskRequest>(
      "department: 'warehouse' description: 'Check how order-981 was packed'", id);
  *task.mutable_due() = domain::ToProto(s.clock.Now() + absl::Hours(24));
  r = Ok(*s.complaints, &ComplaintStub::OpenTask, task);
  // Two clocks: the department's reply, and the task's own due time.
  CHECK(Types(r) == Strings{"complaint.task_opened", "complaint.deadline_scheduled",
                            "complaint.deadline_scheduled"});
  view = View(s, id, r.position());
  REQUIRE(view.tasks_size() == 1);
  CHECK(view.tasks(0).task_id() == "T1");
  CHECK(view.tasks(0).responsible() == "wes");
  CHECK(T(view.tasks(0).due()) == t0 + absl::Minutes(30) + absl::Hours(24));
  CHECK_FALSE(view.tasks(0).has_responded_at());

  const v1::DepartmentCatalog catalog =
      Ok(*s.queries, &QueryStub::GetDepartmentCatalog,
         Msg<v1::GetDepartmentCatalogRequest>(absl::StrCat("department: 'warehouse' min_position: ", r.position())));
  REQUIRE(catalog.departments_size() == 1);
  CHECK(catalog.departments(0).department() == "warehouse");
  REQUIRE(catalog.departments(0).open_tasks_size() == 1);
  CHECK(catalog.departments(0).open_tasks(0).complaint_id() == id);
  CHECK(catalog.departments(0).open_tasks(0).task().task_id() == "T1");
  CHECK(catalog.departments(0).overdue_tasks_size() == 0);

  // The warehouse answers two hours later; the owner completes the task, resolves and closes.
  s.clock.Advance(absl::Hours(2));
  const absl::Time t_answer = s.clock.Now();
  r = Ok(*s.complaints, &ComplaintStub::RespondToTask,
         Cmd<v1::RespondToTaskRequest>("task_id: 'T1' response: 'No corner protection.'", id));
  CHECK(Types(r) == Strings{"complaint.task_responded", "complaint.deadline_satisfied"});
  r = Ok(*s.complaints, &ComplaintStub::CompleteTask,
         Cmd<v1::CompleteTaskRequest>("task_id: 'T1' outcome: 'Instruction updated.'", id));
  // The reply met the response deadline; completion meets the task's due time.
  CHECK(Types(r) == Strings{"complaint.task_completed", "complaint.deadline_satisfied"});
  r = Ok(*s.complaints, &ComplaintStub::ResolveComplaint,
         Cmd<v1::ResolveComplaintRequest>(
             "resolution: 'Refunded the door repair.' root_cause: 'packing' "
             "remedy { type: REMEDY_TYPE_REFUND amount { amount_minor: 4999 currency: 'EUR' } }", id));
  CHECK(Types(r) == Strings{"complaint.resolved", "complaint.deadline_satisfied"});
  r = Ok(*s.complaints, &ComplaintStub::CloseComplaint,
         Cmd<v1::CloseComplaintRequest>("customer_confirmed: true", id));
  CHECK(Types(r) == Strings{"complaint.closed"});
  const v1::CommandResponse last = Ok(*s.complaints, &ComplaintStub::RecordSurvey,
                                      Cmd<v1::RecordSurveyRequest>("nps: 9 csat: 5", id));
  CHECK(Types(last) == Strings{"complaint.survey_recorded"});

  view = View(s, id, last.position());
  CHECK(view.state() == v1::COMPLAINT_STATE_CLOSED);
  REQUIRE(view.comments_size() == 1);
  CHECK(view.comments(0).comment_id() == "C1");
  CHECK(view.comments(0).visibility() == v1::VISIBILITY_INTERNAL);
  CHECK(view.comments(0).text() == "Asked the warehouse for photos.");
  REQUIRE(view.tasks_size() == 1);
  CHECK(T(view.tasks(0).responded_at()) == t_answer);
  CHECK(view.tasks(0).response() == "No corner protection.");
  CHECK(T(view.tasks(0).completed_at()) == t_answer);
  CHECK(view.tasks(0).outcome() == "Instruction updated.");
  CHECK(view.resolution().remedy().ShortDebugString() ==
        "type: REMEDY_TYPE_REFUND amount { amount_minor: 4999 currency: \"EUR\" }");
  CHECK(T(view.first_resolved_at()) == t_answer);
  CHECK(T(view.closed_at()) == t_answer);
  CHECK(view.customer_confirmed());
  CHECK(view.surveyed());
  CHECK((view.survey().nps() == 9 && view.survey().csat() == 5));
  for (const v1::DeadlineView& d : view.deadlines()) CHECK(d.state() == v1::DEADLINE_STATE_SATISFIED);
  CHECK(view.history_size() == static_cast<int>(view.revision()));
  CHECK(view.revision() == last.revision());

  const v1::SuperheroBoard board =
      Ok(*s.queries, &QueryStub::GetSuperheroBoard,
         Msg<v1::GetSuperheroBoardRequest>(absl::StrCat("owner: '", owner, "' min_position: ", last.position())));
  CHECK(board.open() == 0);
  CHECK(board.cases_size() == 0);

  const v1::Metrics m = Metrics(s, last.position());
  CHECK(m.complaints() == 1);
  CHECK(m.recommendations() == 0);
  // Percentiles come from log-bucketed histograms, within 1/128 of the exact value.
  CHECK(absl::ToDoubleMinutes(domain::FromProto(m.first_contact_p50())) == Approx(30).epsilon(1.0 / 128));
  CHECK(absl::ToDoubleMinutes(domain::FromProto(m.resolution_p50())) == Approx(150).epsilon(1.0 / 128));
  CHECK(m.resolved() == 1);
  CHECK(m.resolved_within_target() == Approx(1.0));
  CHECK(m.satisfaction().responses() == 1);
  CHECK(m.satisfaction().nps() == Approx(100.0));
  CHECK(m.satisfaction().csat() == Approx(5.0));
  REQUIRE(m.by_channel().count("CHANNEL_HOTLINE") == 1);
  CHECK(m.by_channel().at("CHANNEL_HOTLINE").complaints() == 1);
  CHECK(m.red_button_cases() == 0);

  const v1::CustomerHistory history =
      Ok(*s.queries, &QueryStub::GetCustomerHistory,
         Msg<v1::GetCustomerHistoryRequest>(absl::StrCat("customer_ref: 'cust-42' min_position: ", last.position())));
  REQUIRE(history.cases_size() == 1);
  CHECK(history.cases(0).complaint_id() == id);
  CHECK(history.cases(0).state() == v1::COMPLAINT_STATE_CLOSED);

  // The audit trail holds exactly the events of the case's history, in order.
  const v1::ReadStreamResponse stream =
      Ok(*s.audit, &AuditStub::ReadStream, Msg<v1::ReadStreamRequest>("stream: 'complaint-" + id + "'"));
  CHECK(stream.stream_revision() == view.revision());
  REQUIRE(stream.events_size() == view.history_size());
  for (int i = 0; i < stream.events_size(); ++i) {
    CHECK(stream.events(i).type() == view.history(i).type());
    CHECK(stream.events(i).position() == view.history(i).position());
  }
}

TEST_CASE("a red-button case goes to the red-button team and can be redirected", "[api]") {
  TestServer s;
  const absl::Time t0 = s.clock.Now();
  const v1::CommandResponse filed = File(s, v1::CHANNEL_RED_BUTTON, "cust-7");
  v1::ComplaintView view = View(s, filed.complaint_id(), filed.position());
  CHECK(view.team() == "red-button");
  CHECK(view.routing_rule() == "red-button");
  CHECK((view.owner() == "rita" || view.owner() == "sam"));
  REQUIRE(view.deadlines_size() == 2);
  CHECK(T(view.deadlines(0).due()) == t0 + absl::Minutes(15));

  // Only red-button cases can be redirected.
  const v1::CommandResponse hotline = File(s, v1::CHANNEL_HOTLINE, "cust-8");
  auto redirect = Cmd<v1::RedirectToSupportRequest>("reason: 'not an emergency'", hotline.complaint_id());
  v1::CommandResponse ignored;
  CHECK(Call(*s.complaints, &ComplaintStub::RedirectToSupport, redirect, &ignored).error_code() ==
        grpc::StatusCode::FAILED_PRECONDITION);

  redirect.set_complaint_id(filed.complaint_id());
  const v1::CommandResponse r = Ok(*s.complaints, &ComplaintStub::RedirectToSupport, redirect);
  // It lands in ordinary support: routed by the ordinary rules to an owner there, on ordinary
  // clocks.
  CHECK(Types(r) == Strings{"complaint.redirected_to_support", "complaint.deadline_satisfied",
                            "complaint.deadline_satisfied", "complaint.routed", "complaint.assigned",
                            "complaint.deadline_scheduled", "complaint.deadline_scheduled"});
  view = View(s, filed.complaint_id(), r.position());
  CHECK(view.state() == v1::COMPLAINT_STATE_OPEN);
  CHECK(view.team() != "red-button");
  CHECK_FALSE(view.owner().empty());
  CHECK(view.owner() != "rita");
  CHECK(view.owner() != "sam");
  CHECK(view.redirect_reason() == "not an emergency");

  const v1::Metrics m = Metrics(s, r.position());
  CHECK(m.red_button_cases() == 1);
  CHECK(m.red_button_redirect_rate() == Approx(1.0));
  CHECK(m.complaints() == 2);
}

TEST_CASE("a recommendation is filed and counted as one", "[api]") {
  TestServer s;
  const absl::Time t0 = s.clock.Now();
  const v1::CommandResponse filed = File(s, v1::CHANNEL_WEB, "cust-9", v1::ITEM_KIND_RECOMMENDATION);
  // No resolution clock: only the first-contact deadline.
  CHECK(Types(filed) == Strings{"complaint.filed", "complaint.routed", "complaint.assigned",
                                "complaint.deadline_scheduled"});
  const v1::ComplaintView view = View(s, filed.complaint_id(), filed.position());
  CHECK(view.kind() == v1::ITEM_KIND_RECOMMENDATION);
  CHECK(view.team() == "cx-digital");
  REQUIRE(view.deadlines_size() == 1);
  CHECK(view.deadlines(0).kind() == v1::DEADLINE_KIND_FIRST_CONTACT);
  CHECK(T(view.deadlines(0).due()) == t0 + absl::Hours(72));

  const v1::Metrics m = Metrics(s, filed.position());
  CHECK(m.recommendations() == 1);
  CHECK(m.complaints() == 0);
  REQUIRE(m.by_channel().count("CHANNEL_WEB") == 1);
  CHECK(m.by_channel().at("CHANNEL_WEB").recommendations() == 1);
  CHECK(m.by_channel().at("CHANNEL_WEB").complaints() == 0);
}

TEST_CASE("a retried filing is deduplicated, its request id cannot be reused elsewhere", "[api]") {
  TestServer s;
  const v1::CommandResponse first = File(s, v1::CHANNEL_HOTLINE, "cust-1", v1::ITEM_KIND_COMPLAINT, "req-1");
  CHECK_FALSE(first.deduplicated());
  const uint64_t head = Head(s);
  CHECK(head == first.position());

  const v1::CommandResponse retry = File(s, v1::CHANNEL_HOTLINE, "cust-1", v1::ITEM_KIND_COMPLAINT, "req-1");
  CHECK(retry.complaint_id() == first.complaint_id());
  CHECK(retry.position() == first.position());
  CHECK(retry.revision() == first.revision());
  CHECK(retry.deduplicated());
  // The original answer, events included.
  CHECK(std::vector<std::string>(retry.event_types().begin(), retry.event_types().end()) ==
        std::vector<std::string>(first.event_types().begin(), first.event_types().end()));
  CHECK(Head(s) == head);

  const v1::CommandResponse other = File(s, v1::CHANNEL_HOTLINE, "cust-2");
  const uint64_t head_after_other = Head(s);
  const auto comment = Cmd<v1::AddCommentRequest>(
      "request_id: 'req-1' visibility: VISIBILITY_PUBLIC author: 'bob' text: 'On it.'", other.complaint_id());
  v1::CommandResponse ignored;
  const grpc::Status status = Call(*s.complaints, &ComplaintStub::AddComment, comment, &ignored);
  CHECK(status.error_code() == grpc::StatusCode::ALREADY_EXISTS);
  CHECK(Head(s) == head_after_other);
  CHECK(View(s, other.complaint_id(), head_after_other).comments_size() == 0);
}

TEST_CASE("FileComplaints files a batch, reports bad items in place and dedupes retries", "[api]") {
  TestServer s;
  v1::FileComplaintsRequest batch;
  for (int i = 0; i < 100; ++i) {
    *batch.add_filings() = Filing(i % 2 ? v1::CHANNEL_EMAIL : v1::CHANNEL_HOTLINE, "cust-" + std::to_string(i),
                                  v1::ITEM_KIND_COMPLAINT, "batch-" + std::to_string(i));
  }
  const v1::FileComplaintsResponse filed = Ok(*s.complaints, &ComplaintStub::FileComplaints, batch);
  REQUIRE(filed.results_size() == 100);
  std::set<std::string> ids;
  uint64_t max_position = 0;
  const uint64_t first = Number(filed.results(0).response().complaint_id());
  for (int i = 0; i < 100; ++i) {
    const auto& result = filed.results(i);
    CHECK((result.code() == 0 && result.message().empty()));
    CHECK(Number(result.response().complaint_id()) == first + i);  // in request order
    ids.insert(result.response().complaint_id());
    max_position = std::max(max_position, result.response().position());
  }
  CHECK(ids.size() == 100);
  auto list = Msg<v1::ListComplaintsRequest>(absl::StrCat("page_size: 1000 min_position: ", max_position));
  const v1::ListComplaintsResponse listed = Ok(*s.queries, &QueryStub::ListComplaints, list);
  CHECK(listed.total_size() == 100);
  std::set<std::string> listed_ids;
  for (const v1::ComplaintView& view : listed.complaints()) listed_ids.insert(view.complaint_id());
  CHECK(listed_ids == ids);

  // One bad item in the middle fails alone, with the field named.
  v1::FileComplaintsRequest mixed;
  for (int i = 0; i < 5; ++i) *mixed.add_filings() = Filing(v1::CHANNEL_APP, "mixed-" + std::to_string(i));
  mixed.mutable_filings(2)->mutable_complaint()->clear_text();
  const v1::FileComplaintsResponse mixed_result = Ok(*s.complaints, &ComplaintStub::FileComplaints, mixed);
  REQUIRE(mixed_result.results_size() == 5);
  CHECK(mixed_result.results(2).code() == 3);
  CHECK_THAT(mixed_result.results(2).message(), Catch::Contains("complaint.text"));
  CHECK(mixed_result.results(2).response().complaint_id().empty());
  for (int i : {0, 1, 3, 4}) {
    CHECK(mixed_result.results(i).code() == 0);
    CHECK(Number(mixed_result.results(i).response().complaint_id()) > first + 99);
    max_position = std::max(max_position, mixed_result.results(i).response().position());
  }
  list.set_min_position(max_position);
  CHECK(Ok(*s.queries, &QueryStub::ListComplaints, list).total_size() == 104);

  // Over the limit: refused whole, nothing appended.
  const uint64_t head = Head(s);
  v1::FileComplaintsRequest too_many;
  for (int i = 0; i < 501; ++i) *too_many.add_filings() = Filing(v1::CHANNEL_HOTLINE);
  v1::FileComplaintsResponse ignored;
  CHECK(Call(*s.complaints, &ComplaintStub::FileComplaints, too_many, &ignored).error_code() ==
        grpc::StatusCode::RESOURCE_EXHAUSTED);
  CHECK(ignored.results_size() == 0);
  CHECK(Head(s) == head);

  // The first batch again: the same ids, deduplicated, nothing appended.
  const v1::FileComplaintsResponse retried = Ok(*s.complaints, &ComplaintStub::FileComplaints, batch);
  REQUIRE(retried.results_size() == 100);
  for (int i = 0; i < 100; ++i) {
    const v1::CommandResponse& again = retried.results(i).response();
    CHECK(retried.results(i).code() == 0);
    CHECK(again.complaint_id() == filed.results(i).response().complaint_id());
    CHECK(again.position() == filed.results(i).response().position());
    CHECK(again.deduplicated());
  }
  CHECK(Head(s) == head);
}

TEST_CASE("complaint ids are sequential and survive a restart with the views", "[api]") {
  TestServer s;
  const v1::CommandResponse a = File(s, v1::CHANNEL_HOTLINE, "cust-a");
  const v1::CommandResponse b = File(s, v1::CHANNEL_STORE, "cust-b");
  const v1::CommandResponse c = File(s, v1::CHANNEL_SOCIAL, "cust-c");
  const uint64_t n = Number(a.complaint_id());
  CHECK(Number(b.complaint_id()) == n + 1);
  CHECK(Number(c.complaint_id()) == n + 2);

  // A rejected filing is not a filing: the next one gets the next number.
  v1::FileComplaintRequest bad = Filing(v1::CHANNEL_HOTLINE);
  bad.mutable_complaint()->clear_text();
  v1::CommandResponse ignored;
  const grpc::Status rejected = Call(*s.complaints, &ComplaintStub::FileComplaint, bad, &ignored);
  CHECK(rejected.error_code() == grpc::StatusCode::INVALID_ARGUMENT);
  CHECK_THAT(rejected.error_message(), Catch::Contains("complaint.text"));
  const v1::CommandResponse d = File(s, v1::CHANNEL_HOTLINE, "cust-d");
  // A refused filing spends no number.
  CHECK(Number(d.complaint_id()) == n + 3);
  REQUIRE(View(s, d.complaint_id(), d.position()).state() == v1::COMPLAINT_STATE_OPEN);

  s.Stop();
  s.Start();
  const v1::CommandResponse e = File(s, v1::CHANNEL_HOTLINE, "cust-e");
  CHECK(Number(e.complaint_id()) > Number(d.complaint_id()));
  // The views of earlier cases are still there, without waiting for any position.
  const v1::ComplaintView view = View(s, b.complaint_id());
  CHECK(view.filing().customer_ref() == "cust-b");
  CHECK(view.team() == "cx-stores");
  CHECK(view.state() == v1::COMPLAINT_STATE_OPEN);
  CHECK(View(s, e.complaint_id(), e.position()).filing().customer_ref() == "cust-e");
}

}  // namespace
}  // namespace closedloop
