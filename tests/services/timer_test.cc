// The timer service over a real log and gRPC server with a fake clock: the 24-hour breach to
// the microsecond, the red button's 15 minutes, the escalation chain of a silent department,
// customer-update reminders, and what boards and metrics show as timers fire.
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "domain/proto_time.h"
#include "tests/services/timer_test_util.h"

namespace closedloop {
namespace {

using namespace testing;  // NOLINT: the API test helpers
using absl::Hours;
using absl::Microseconds;
using absl::Minutes;
using ComplaintStub = v1::ComplaintService::Stub;
using QueryStub = v1::QueryService::Stub;

std::vector<std::string> Types(const std::vector<std::string>& types, const std::string& prefix) {
  std::vector<std::string> out;
  for (const std::string& t : types) {
    if (t.rfind(prefix, 0) == 0) out.push_back(t);
  }
  return out;
}

TEST_CASE("an unresolved complaint breaches at exactly 24 h, recording when it came due", "[timers]") {
  TestServer s;
  const absl::Time filed_at = s.clock.Now();
  const std::string id = FileCase(s, v1::CHANNEL_HOTLINE).complaint_id();
  Contact(s, id);

  // The warning (at 75 %) has fired, the breach not: one microsecond before the 24 h.
  AdvanceAndFire(s, Hours(24) - Microseconds(1));
  v1::ComplaintView view = View(s, id, s.log->HeadPosition());
  v1::DeadlineView resolution = DeadlineOf(view, v1::DEADLINE_KIND_RESOLUTION);
  CHECK(T(resolution.due()) == filed_at + Hours(24));
  CHECK(resolution.state() == v1::DEADLINE_STATE_WARNED);
  CHECK(T(resolution.warned_at()) == filed_at + Hours(24) - Microseconds(1));
  CHECK_FALSE(view.hanging());

  AdvanceAndFire(s, Microseconds(1));
  view = View(s, id, s.log->HeadPosition());
  resolution = DeadlineOf(view, v1::DEADLINE_KIND_RESOLUTION);
  CHECK(resolution.state() == v1::DEADLINE_STATE_BREACHED);
  CHECK(T(resolution.breached_at()) == filed_at + Hours(24));
  CHECK(view.hanging());

  // The events say both when the deadline came due and when it was processed, and who did it.
  int breaches = 0;
  for (const StreamEvent& e : StreamOf(s, id)) {
    if (!e.event.has_deadline_breached()) continue;
    ++breaches;
    CHECK(e.event.deadline_breached().timer_id() == resolution.timer_id());
    CHECK(T(e.event.deadline_breached().reached_at()) == filed_at + Hours(24));
    CHECK(T(e.event.deadline_breached().fired_at()) == filed_at + Hours(24));
    CHECK(e.principal == "timer-service");
    CHECK(e.request_id == absl::StrCat("timer/", id, "/", resolution.timer_id(), "/",
                                       absl::ToUnixMicros(filed_at + Hours(24))));
  }
  CHECK(breaches == 1);
}

TEST_CASE("a complaint resolved at 23 h 59 m never breaches", "[timers]") {
  TestServer s;
  const std::string id = FileCase(s, v1::CHANNEL_HOTLINE).complaint_id();
  Contact(s, id);
  AdvanceAndFire(s, Hours(23) + Minutes(59));
  const uint64_t resolved = Resolve(s, id).position();
  AdvanceAndFire(s, Hours(72));
  CHECK(TypesAfter(s, id, resolved).empty());
  const v1::ComplaintView view = View(s, id, s.log->HeadPosition());
  CHECK(DeadlineOf(view, v1::DEADLINE_KIND_RESOLUTION).state() == v1::DEADLINE_STATE_SATISFIED);
  CHECK(view.breach_count() == 0);
  // Nothing of the case is left in the due-time index.
  auto left = s.log->ScanIndex("due/", "due0", 10);
  REQUIRE(left.ok());
  CHECK(left->empty());
}

TEST_CASE("a red-button case warns and breaches on its 15-minute first-contact target", "[timers]") {
  TestServer s;
  const absl::Time filed_at = s.clock.Now();
  const std::string id = FileCase(s, v1::CHANNEL_RED_BUTTON).complaint_id();

  // Watch the deadline board as a dashboard would.
  grpc::ClientContext watch_context;
  v1::WatchBoardRequest watch;
  watch.mutable_deadline_window()->set_seconds(3600);
  auto stream = s.queries->WatchBoard(&watch_context, watch);
  v1::BoardUpdate update;
  REQUIRE(stream->Read(&update));
  CHECK(update.deadline_board().breached_total() == 0);

  AdvanceAndFire(s, Minutes(11) + absl::Seconds(15) - Microseconds(1));
  CHECK(DeadlineOf(View(s, id, s.log->HeadPosition()), v1::DEADLINE_KIND_FIRST_CONTACT).state() ==
        v1::DEADLINE_STATE_PENDING);
  AdvanceAndFire(s, Microseconds(1));  // 75 % of 15 minutes
  v1::DeadlineView first = DeadlineOf(View(s, id, s.log->HeadPosition()), v1::DEADLINE_KIND_FIRST_CONTACT);
  CHECK(first.state() == v1::DEADLINE_STATE_WARNED);
  CHECK(T(first.warned_at()) == filed_at + Minutes(11) + absl::Seconds(15));

  AdvanceAndFire(s, Minutes(3) + absl::Seconds(45));
  const uint64_t head = s.log->HeadPosition();
  first = DeadlineOf(View(s, id, head), v1::DEADLINE_KIND_FIRST_CONTACT);
  CHECK(first.state() == v1::DEADLINE_STATE_BREACHED);
  CHECK(T(first.breached_at()) == filed_at + Minutes(15));

  // The board shows the breach, the metrics count it against the case's department (none yet),
  // and the watcher receives it.
  const v1::DeadlineBoard board = Ok(*s.queries, &QueryStub::GetDeadlineBoard,
      Msg<v1::GetDeadlineBoardRequest>(absl::StrCat("min_position: ", head)));
  REQUIRE(board.breached_size() == 1);
  CHECK(board.breached(0).deadline().timer_id() == first.timer_id());
  const v1::Metrics metrics = Ok(*s.queries, &QueryStub::GetMetrics,
      Msg<v1::GetMetricsRequest>(absl::StrCat("min_position: ", head)));
  int breaches = 0;
  for (const auto& [department, count] : metrics.breaches_by_department()) breaches += count;
  CHECK(breaches == 1);
  bool streamed = false;
  while (!streamed && stream->Read(&update)) {
    streamed = update.deadline_board().breached_total() == 1;
  }
  CHECK(streamed);
  watch_context.TryCancel();
}

TEST_CASE("a silent department task escalates up the chain, an answer stops its reply clock but not its due time", "[timers]") {
  TestServer s;
  const absl::Time t0 = s.clock.Now();
  const std::string id = FileCase(s, v1::CHANNEL_HOTLINE).complaint_id();
  Contact(s, id);
  v1::OpenTaskRequest task = Cmd<v1::OpenTaskRequest>(
      "department: 'warehouse' description: 'Why were the hoses missing?'", id);
  *task.mutable_due() = domain::ToProto(t0 + Hours(48));
  Ok(*s.complaints, &ComplaintStub::OpenTask, task);
  // A second task in another department, answered in time but never completed: escalated only
  // when its due time passes.
  task.set_department("delivery");
  Ok(*s.complaints, &ComplaintStub::OpenTask, task);
  Ok(*s.complaints, &ComplaintStub::RespondToTask,
     Cmd<v1::RespondToTaskRequest>("task_id: 'T2' response: 'Driver had them.'", id));

  auto escalations = [&](const std::string& task_id = "T1") {
    std::vector<std::pair<int, std::string>> out;
    for (const StreamEvent& e : StreamOf(s, id)) {
      if (e.event.has_escalated() && e.event.escalated().task_id() == task_id) {
        CHECK(e.event.escalated().mode() == v1::ESCALATION_MODE_AUTOMATIC);
        out.emplace_back(e.event.escalated().level(), e.event.escalated().to());
      }
    }
    return out;
  };
  using Chain = std::vector<std::pair<int, std::string>>;

  // The task-response target is 4 h: unanswered, it goes to the director, 4 h later to the
  // chief experience officer, and then there is nobody further up.
  AdvanceAndFire(s, Hours(4) - Microseconds(1));
  CHECK(escalations().empty());
  AdvanceAndFire(s, Microseconds(1));
  CHECK(escalations() == Chain{{1, "warehouse-director"}});

  // The director sees it among the department's escalated tasks.
  v1::DepartmentCatalog catalog = Ok(*s.queries, &QueryStub::GetDepartmentCatalog,
      Msg<v1::GetDepartmentCatalogRequest>(
          absl::StrCat("department: 'warehouse' min_position: ", s.log->HeadPosition())));
  REQUIRE(catalog.departments_size() == 1);
  REQUIRE(catalog.departments(0).escalated_open_tasks_size() == 1);
  const v1::TaskRef& escalated = catalog.departments(0).escalated_open_tasks(0);
  CHECK(escalated.complaint_id() == id);
  CHECK(escalated.task().task_id() == "T1");
  CHECK(escalated.task().escalation_level() == 1);
  CHECK(escalated.task().escalated_to() == "warehouse-director");

  AdvanceAndFire(s, Hours(4));
  CHECK(escalations() == Chain{{1, "warehouse-director"}, {2, "chief-experience-officer"}});
  AdvanceAndFire(s, Hours(4));
  CHECK(escalations().size() == 2);

  // Answered: the reply clocks stop; nothing escalates until the due time, 48 h after opening.
  Ok(*s.complaints, &ComplaintStub::RespondToTask,
     Cmd<v1::RespondToTaskRequest>("task_id: 'T1' response: 'Packing station skipped them.'", id));
  AdvanceAndFire(s, Hours(36) - Microseconds(1));
  CHECK(escalations().size() == 2);
  CHECK(escalations("T2").empty());
  // Then the delivery task, answered but never completed, goes up its chain; the warehouse task
  // is already at the top of its own.
  AdvanceAndFire(s, Microseconds(1));
  CHECK(escalations().size() == 2);
  REQUIRE(escalations("T2").size() == 1);
  CHECK(escalations("T2")[0].first == 1);
}

TEST_CASE("a silent task answered after one escalation escalates no further", "[timers]") {
  TestServer s;
  const std::string id = FileCase(s, v1::CHANNEL_HOTLINE).complaint_id();
  Contact(s, id);
  v1::OpenTaskRequest task = Cmd<v1::OpenTaskRequest>(
      "department: 'payments' description: 'Refund the delivery fee'", id);
  *task.mutable_due() = domain::ToProto(s.clock.Now() + Hours(48));
  Ok(*s.complaints, &ComplaintStub::OpenTask, task);
  AdvanceAndFire(s, Hours(5));
  Ok(*s.complaints, &ComplaintStub::RespondToTask,
     Cmd<v1::RespondToTaskRequest>("task_id: 'T1' response: 'Refunded.'", id));
  AdvanceAndFire(s, Hours(20));
  int escalated = 0;
  for (const StreamEvent& e : StreamOf(s, id)) escalated += e.event.has_escalated();
  CHECK(escalated == 1);
}

TEST_CASE("a hanging case reminds its owner to update the customer every interval until resolved",
          "[timers]") {
  TestServer s;
  const absl::Time t0 = s.clock.Now();
  const std::string id = FileCase(s, v1::CHANNEL_HOTLINE).complaint_id();
  Contact(s, id);

  std::vector<absl::Time> reminders;  // the due times of the breached customer-update deadlines
  auto reminders_so_far = [&] {
    std::vector<absl::Time> due;
    const v1::ComplaintView view = View(s, id, s.log->HeadPosition());
    for (const v1::DeadlineView& d : view.deadlines()) {
      if (d.kind() == v1::DEADLINE_KIND_CUSTOMER_UPDATE && d.state() == v1::DEADLINE_STATE_BREACHED) {
        due.push_back(T(d.due()));
      }
    }
    return due;
  };
  AdvanceAndFire(s, Hours(24));  // the resolution breach: now hanging, an update due in 24 h
  CHECK(View(s, id, s.log->HeadPosition()).hanging());
  CHECK(reminders_so_far().empty());
  // Processed late, in one pass: each reminder keeps its rhythm.
  AdvanceAndFire(s, Hours(50));
  CHECK(reminders_so_far() == std::vector<absl::Time>{t0 + Hours(48), t0 + Hours(72)});
  AdvanceAndFire(s, Hours(24));
  CHECK(reminders_so_far().size() == 3);

  const uint64_t resolved = Resolve(s, id).position();
  AdvanceAndFire(s, Hours(24 * 7));
  CHECK(Types(TypesAfter(s, id, resolved), "complaint.deadline_").empty());
  CHECK(reminders_so_far().size() == 3);
}

TEST_CASE("triage raising a case to critical moves its timers, so the first contact breaches at one hour", "[timers]") {
  TestServer s;
  const absl::Time filed_at = s.clock.Now();
  const std::string id = FileCase(s, v1::CHANNEL_HOTLINE).complaint_id();
  s.clock.Advance(Minutes(10));
  const v1::CommandResponse triaged = Ok(*s.complaints, &ComplaintStub::TriageComplaint,
      Cmd<v1::TriageComplaintRequest>("severity: SEVERITY_CRITICAL", id));
  CHECK(Types({triaged.event_types().begin(), triaged.event_types().end()}, "complaint.deadline_") ==
        std::vector<std::string>{"complaint.deadline_scheduled", "complaint.deadline_scheduled"});

  // The index moved with the deadline: it fires at the critical target, not the old 2 h.
  AdvanceAndFire(s, Minutes(50) - Microseconds(1));
  CHECK(DeadlineOf(View(s, id, s.log->HeadPosition()), v1::DEADLINE_KIND_FIRST_CONTACT).state() ==
        v1::DEADLINE_STATE_WARNED);
  AdvanceAndFire(s, Microseconds(1));
  const v1::DeadlineView first =
      DeadlineOf(View(s, id, s.log->HeadPosition()), v1::DEADLINE_KIND_FIRST_CONTACT);
  CHECK(first.state() == v1::DEADLINE_STATE_BREACHED);
  CHECK(T(first.due()) == filed_at + Hours(1));
  CHECK(T(first.breached_at()) == filed_at + Hours(1));
}

}  // namespace
}  // namespace closedloop
