// Boards: given case views as the projections hold them, when a board is computed at `now`, then
// it shows the right cases, in the right order, with the right flags and counts.
#include "domain/boards.h"

#include <catch2/catch.hpp>

#include <algorithm>
#include <random>
#include <string>
#include <tuple>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "domain/proto_time.h"

namespace closedloop::domain {
namespace {

// Monday 2026-11-23 09:00 UTC.
const absl::Time kNow = absl::FromCivil(absl::CivilSecond(2026, 11, 23, 9, 0, 0), absl::UTCTimeZone());

v1::ComplaintView Case(const std::string& id, absl::Time filed_at,
                       v1::ComplaintState state = v1::COMPLAINT_STATE_OPEN,
                       const std::string& owner = "anna") {
  v1::ComplaintView v;
  v.set_complaint_id(id);
  v.set_state(state);
  v.set_owner(owner);
  v.set_kind(v1::ITEM_KIND_COMPLAINT);
  v.mutable_filing()->set_complaint_id(id);
  v.mutable_filing()->set_customer_ref("customer-7");
  *v.mutable_filing()->mutable_filed_at() = ToProto(filed_at);
  return v;
}

v1::DeadlineView& AddDeadline(v1::ComplaintView& v, const std::string& timer_id, absl::Time due,
                              v1::DeadlineState state = v1::DEADLINE_STATE_PENDING) {
  v1::DeadlineView& d = *v.add_deadlines();
  d.set_timer_id(timer_id);
  d.set_kind(v1::DEADLINE_KIND_RESOLUTION);
  *d.mutable_due() = ToProto(due);
  d.set_state(state);
  return d;
}

v1::TaskView& AddTask(v1::ComplaintView& v, const std::string& task_id, const std::string& department,
                      absl::Time due) {
  v1::TaskView& t = *v.add_tasks();
  t.set_task_id(task_id);
  t.set_department(department);
  *t.mutable_due() = ToProto(due);
  *t.mutable_opened_at() = ToProto(kNow - absl::Hours(24));
  return t;
}

using Ids = std::vector<std::string>;

std::vector<const v1::ComplaintView*> Ptrs(const std::vector<v1::ComplaintView>& views) {
  std::vector<const v1::ComplaintView*> out;
  for (const v1::ComplaintView& v : views) out.push_back(&v);
  return out;
}

template <typename Repeated>
std::vector<std::string> CaseIds(const Repeated& cases) {
  std::vector<std::string> ids;
  for (const v1::BoardCase& c : cases) ids.push_back(c.complaint_id());
  return ids;
}

std::vector<std::string> DueIds(const google::protobuf::RepeatedPtrField<v1::DueDeadline>& entries) {
  std::vector<std::string> ids;
  for (const v1::DueDeadline& e : entries) {
    ids.push_back(absl::StrCat(e.complaint().complaint_id(), "/", e.deadline().timer_id()));
  }
  return ids;
}

std::vector<std::string> TaskIds(const google::protobuf::RepeatedPtrField<v1::TaskRef>& refs) {
  std::vector<std::string> ids;
  for (const v1::TaskRef& r : refs) {
    ids.push_back(absl::StrCat(r.complaint_id(), "/", r.task().task_id()));
  }
  return ids;
}

TEST_CASE("Given ids with numbers, then they compare by prefix, then numerically, then as strings",
          "[boards]") {
  CHECK(IdLess("CL-9", "CL-10"));
  CHECK_FALSE(IdLess("CL-10", "CL-9"));
  CHECK_FALSE(IdLess("CL-10", "CL-10"));
  CHECK(IdLess("CL-10", "PR-2"));
  CHECK(IdLess("CL-99", "CL-x"));    // numeric before non-numeric of the same prefix
  CHECK(IdLess("CL-010", "CL-10"));  // same number: plain string decides
  CHECK(IdLess("PR-2", "PR-11"));
  CHECK(IdLess("CL-0099", "CL-1000"));
  CHECK_FALSE(IdLess("CL-1-5", "CL-125"));  // prefix "CL-" before "CL-1-"
  CHECK(IdLess("CL-125", "CL-1-5"));
}

TEST_CASE("Given random ids, then IdLess orders them as prefix, then number, then string",
          "[boards]") {
  // The order spelled out: split at the last '-', numeric suffixes (compared as numbers) before
  // the others of the same prefix, ties by plain string.
  auto reference = [](const std::string& a, const std::string& b) {
    auto split = [](const std::string& id) {
      const size_t dash = id.rfind('-');
      const std::string prefix = dash == std::string::npos ? id : id.substr(0, dash + 1);
      const std::string suffix = dash == std::string::npos ? "" : id.substr(dash + 1);
      const bool numeric = dash != std::string::npos && !suffix.empty() &&
                           suffix.find_first_not_of("0123456789") == std::string::npos;
      std::string digits = numeric ? suffix.substr(std::min(suffix.find_first_not_of('0'), suffix.size())) : "";
      return std::make_tuple(prefix, !numeric, digits.size(), digits);
    };
    const auto ka = split(a);
    const auto kb = split(b);
    if (ka != kb) return ka < kb;
    return a < b;
  };
  std::mt19937 random(20261206);
  const std::string alphabet = "0019-CLx";
  auto id = [&] {
    std::string s;
    const int length = 1 + static_cast<int>(random() % 7);
    for (int i = 0; i < length; ++i) s += alphabet[random() % alphabet.size()];
    return s;
  };
  for (int i = 0; i < 200000; ++i) {
    const std::string a = id();
    const std::string b = i % 2 == 0 ? id() : a.substr(0, a.size() / 2) + id().substr(0, a.size() - a.size() / 2);
    INFO(a << " vs " << b);
    REQUIRE(IdLess(a, b) == reference(a, b));
  }
}

TEST_CASE("Given durations, then percentiles are nearest-rank", "[boards]") {
  std::vector<absl::Duration> d;
  for (int i = 10; i >= 1; --i) d.push_back(absl::Minutes(i));
  CHECK(Percentile(d, 50) == absl::Minutes(5));
  CHECK(Percentile(d, 90) == absl::Minutes(9));
  CHECK(Percentile(d, 100) == absl::Minutes(10));
  CHECK(Percentile(d, 1) == absl::Minutes(1));
  CHECK(Percentile({absl::Seconds(7)}, 90) == absl::Seconds(7));
  CHECK(Percentile({}, 50) == absl::ZeroDuration());
}

TEST_CASE("Given a case, when shown on a board, then it carries its fields, nearest open deadline "
          "and open tasks", "[boards]") {
  v1::ComplaintView v = Case("CL-3", kNow - absl::Hours(2), v1::COMPLAINT_STATE_IN_PROGRESS);
  v.mutable_filing()->set_channel(v1::CHANNEL_STORE);
  v.set_severity(v1::SEVERITY_HIGH);
  v.set_team("cx");
  v.set_department("warehouse");
  v.set_hanging(true);
  AddDeadline(v, "T1", kNow - absl::Hours(1), v1::DEADLINE_STATE_SATISFIED);
  AddDeadline(v, "T2", kNow + absl::Hours(5));
  AddDeadline(v, "T3", kNow + absl::Hours(3), v1::DEADLINE_STATE_WARNED);
  AddDeadline(v, "T4", kNow + absl::Hours(3));  // same due as T3: the one scheduled first wins
  AddTask(v, "K1", "warehouse", kNow + absl::Hours(1));
  *AddTask(v, "K2", "warehouse", kNow).mutable_completed_at() = ToProto(kNow);
  AddTask(v, "K3", "delivery", kNow);

  const v1::BoardCase c = ToBoardCase(v, kNow);
  CHECK(c.complaint_id() == "CL-3");
  CHECK(c.state() == v1::COMPLAINT_STATE_IN_PROGRESS);
  CHECK(c.channel() == v1::CHANNEL_STORE);
  CHECK(c.kind() == v1::ITEM_KIND_COMPLAINT);
  CHECK(c.severity() == v1::SEVERITY_HIGH);
  CHECK(c.owner() == "anna");
  CHECK(c.team() == "cx");
  CHECK(c.department() == "warehouse");
  CHECK(c.customer_ref() == "customer-7");
  CHECK(FromProto(c.filed_at()) == kNow - absl::Hours(2));
  CHECK(c.hanging());
  REQUIRE(c.has_next_deadline());
  CHECK(c.next_deadline().timer_id() == "T3");
  CHECK(c.at_risk());
  CHECK_FALSE(c.breached());
  CHECK(c.open_tasks() == 2);

  v1::ComplaintView quiet = Case("CL-4", kNow);
  AddDeadline(quiet, "T1", kNow - absl::Hours(1), v1::DEADLINE_STATE_SATISFIED);
  const v1::BoardCase q = ToBoardCase(quiet, kNow);
  CHECK_FALSE(q.has_next_deadline());
  CHECK_FALSE(q.at_risk());
  CHECK_FALSE(q.breached());
  CHECK(q.open_tasks() == 0);
}

TEST_CASE("Given deadlines warned or past their warning time, then the case is at risk", "[boards]") {
  v1::ComplaintView warned = Case("CL-1", kNow);
  AddDeadline(warned, "T1", kNow + absl::Hours(2), v1::DEADLINE_STATE_WARNED);
  CHECK(ToBoardCase(warned, kNow).at_risk());

  v1::ComplaintView passed = Case("CL-2", kNow);
  *AddDeadline(passed, "T1", kNow + absl::Hours(2)).mutable_warn_at() = ToProto(kNow);  // exactly now
  CHECK(ToBoardCase(passed, kNow).at_risk());
  CHECK_FALSE(ToBoardCase(passed, kNow - absl::Seconds(1)).at_risk());

  v1::ComplaintView calm = Case("CL-3", kNow);
  *AddDeadline(calm, "T1", kNow + absl::Hours(2)).mutable_warn_at() = ToProto(kNow + absl::Hours(1));
  AddDeadline(calm, "T2", kNow + absl::Hours(3));  // no warning due at all
  CHECK_FALSE(ToBoardCase(calm, kNow).at_risk());
  CHECK_FALSE(ToBoardCase(calm, kNow).breached());
}

TEST_CASE("Given a breach recorded or an open deadline past due, then the case is breached",
          "[boards]") {
  v1::ComplaintView fired = Case("CL-1", kNow);
  AddDeadline(fired, "T1", kNow - absl::Hours(1), v1::DEADLINE_STATE_BREACHED);
  AddDeadline(fired, "T2", kNow + absl::Hours(20));
  const v1::BoardCase f = ToBoardCase(fired, kNow);
  CHECK(f.breached());
  CHECK(f.next_deadline().timer_id() == "T2");

  v1::ComplaintView overdue = Case("CL-2", kNow);
  AddDeadline(overdue, "T1", kNow);  // due exactly now, the timer has not fired yet
  CHECK(ToBoardCase(overdue, kNow).breached());
  CHECK_FALSE(ToBoardCase(overdue, kNow - absl::Seconds(1)).breached());

  v1::ComplaintView met = Case("CL-3", kNow);
  AddDeadline(met, "T1", kNow - absl::Hours(1), v1::DEADLINE_STATE_SATISFIED);
  CHECK_FALSE(ToBoardCase(met, kNow).breached());
}

TEST_CASE("Given an owner's cases, when the superhero board is computed, then only open cases show, "
          "nearest deadline first, with counts", "[boards]") {
  std::vector<v1::ComplaintView> v;
  v.push_back(Case("CL-10", kNow - absl::Hours(9)));
  AddDeadline(v.back(), "T1", kNow + absl::Hours(3));
  v.push_back(Case("CL-9", kNow - absl::Hours(1), v1::COMPLAINT_STATE_IN_PROGRESS));
  AddDeadline(v.back(), "T1", kNow + absl::Hours(1));
  v.push_back(Case("CL-2", kNow - absl::Hours(1)));  // same deadline, same filing: by id
  AddDeadline(v.back(), "T1", kNow + absl::Hours(1), v1::DEADLINE_STATE_WARNED);
  v.push_back(Case("CL-4", kNow - absl::Hours(5)));  // no open deadline: last, by filing
  v.back().set_hanging(true);
  v.push_back(Case("CL-3", kNow - absl::Hours(6)));
  AddDeadline(v.back(), "T1", kNow - absl::Hours(1), v1::DEADLINE_STATE_BREACHED);
  v.push_back(Case("CL-1", kNow - absl::Hours(30)));  // past due: first
  AddDeadline(v.back(), "T1", kNow - absl::Minutes(5));
  // Excluded: closed, resolved, redirected, someone else's.
  v.push_back(Case("CL-5", kNow, v1::COMPLAINT_STATE_CLOSED));
  AddDeadline(v.back(), "T1", kNow + absl::Minutes(1));
  v.push_back(Case("CL-6", kNow, v1::COMPLAINT_STATE_RESOLVED));
  v.push_back(Case("CL-7", kNow, v1::COMPLAINT_STATE_REDIRECTED));
  v.push_back(Case("CL-8", kNow, v1::COMPLAINT_STATE_OPEN, "bob"));
  AddDeadline(v.back(), "T1", kNow + absl::Minutes(1));

  const v1::SuperheroBoard board = SuperheroBoardOf("anna", Ptrs(v), kNow);
  CHECK(board.owner() == "anna");
  CHECK(CaseIds(board.cases()) == Ids{"CL-1", "CL-2", "CL-9", "CL-10", "CL-3", "CL-4"});
  CHECK(board.open() == 6);
  CHECK(board.at_risk() == 1);   // CL-2
  CHECK(board.breached() == 2);  // CL-1 (overdue), CL-3 (fired)
  CHECK(board.hanging() == 1);   // CL-4
  CHECK(board.position() == 0);

  const v1::SuperheroBoard bobs = SuperheroBoardOf("bob", Ptrs(v), kNow);
  CHECK(CaseIds(bobs.cases()) == Ids{"CL-8"});
  CHECK(bobs.open() == 1);
  CHECK(SuperheroBoardOf("nobody", Ptrs(v), kNow).cases_size() == 0);
}

TEST_CASE("Given deadlines around the window, when the deadline board is computed, then due-soon "
          "ends exactly at now + window and breached holds the overdue and the fired", "[boards]") {
  const absl::Duration window = absl::Hours(4);
  std::vector<v1::ComplaintView> v;
  v.push_back(Case("CL-1", kNow));
  AddDeadline(v.back(), "edge", kNow + window);                       // due soon (inclusive)
  AddDeadline(v.back(), "beyond", kNow + window + absl::Seconds(1));  // not shown
  AddDeadline(v.back(), "now", kNow);                                 // breached: due <= now
  AddDeadline(v.back(), "met", kNow + absl::Hours(1), v1::DEADLINE_STATE_SATISFIED);
  v.push_back(Case("CL-2", kNow, v1::COMPLAINT_STATE_IN_PROGRESS, "bob"));
  AddDeadline(v.back(), "soon", kNow + absl::Minutes(10), v1::DEADLINE_STATE_WARNED);
  AddDeadline(v.back(), "fired", kNow - absl::Hours(3), v1::DEADLINE_STATE_BREACHED);
  v.push_back(Case("CL-10", kNow));
  AddDeadline(v.back(), "edge", kNow + window);  // ties with CL-1/edge: by complaint id
  v.push_back(Case("CL-3", kNow, v1::COMPLAINT_STATE_RESOLVED));  // not open: nothing shown
  AddDeadline(v.back(), "soon", kNow + absl::Minutes(1));
  AddDeadline(v.back(), "fired", kNow - absl::Hours(5), v1::DEADLINE_STATE_BREACHED);

  const v1::DeadlineBoard board = DeadlineBoardOf(Ptrs(v), kNow, window);
  CHECK(DueIds(board.due_soon()) == Ids{"CL-2/soon", "CL-1/edge", "CL-10/edge"});
  CHECK(DueIds(board.breached()) == Ids{"CL-2/fired", "CL-1/now"});
  REQUIRE(board.due_soon_size() == 3);
  CHECK(board.due_soon(0).complaint().owner() == "bob");
  CHECK(board.due_soon(0).complaint().at_risk());
  CHECK(board.breached(1).complaint().breached());
  CHECK(FromProto(board.breached(1).deadline().due()) == kNow);
  CHECK(board.position() == 0);

  // A later `now` moves the edge along.
  const v1::DeadlineBoard later = DeadlineBoardOf(Ptrs(v), kNow + absl::Seconds(1), window);
  CHECK(DueIds(later.due_soon()) ==
        Ids{"CL-2/soon", "CL-1/edge", "CL-10/edge", "CL-1/beyond"});
}

TEST_CASE("Given cases and tasks across departments, when the catalog is computed, then each "
          "department counts its cases, open and overdue tasks and response times", "[boards]") {
  std::vector<v1::ComplaintView> v;
  v.push_back(Case("CL-1", kNow));
  v.back().set_department("warehouse");
  v.back().set_root_cause_code("damaged");
  AddTask(v.back(), "K2", "warehouse", kNow + absl::Hours(2));
  AddTask(v.back(), "K1", "warehouse", kNow);  // due exactly now: overdue
  *AddTask(v.back(), "K3", "warehouse", kNow - absl::Hours(9)).mutable_completed_at() = ToProto(kNow);
  AddTask(v.back(), "K4", "service-partner", kNow - absl::Hours(1)).set_escalation_level(2);
  v.push_back(Case("CL-2", kNow, v1::COMPLAINT_STATE_CLOSED));
  v.back().set_department("warehouse");
  v.back().set_root_cause_code("damaged");
  v.push_back(Case("CL-3", kNow));
  v.back().set_department("warehouse");  // root cause not known yet: ""
  AddTask(v.back(), "K1", "warehouse", kNow - absl::Hours(1));
  v.push_back(Case("CL-4", kNow));  // no department yet: no entry
  AddTask(v.back(), "K1", "", kNow);
  // Ten answered delivery tasks, 1..10 hours to respond.
  v.push_back(Case("CL-5", kNow, v1::COMPLAINT_STATE_RESOLVED));
  v.back().set_department("delivery");
  v.back().set_root_cause_code("late");
  for (int h = 10; h >= 1; --h) {
    v1::TaskView& t = AddTask(v.back(), absl::StrCat("K", h), "delivery", kNow + absl::Hours(h));
    *t.mutable_responded_at() = ToProto(FromProto(t.opened_at()) + absl::Hours(h));
    *t.mutable_completed_at() = ToProto(kNow);
  }

  const v1::DepartmentCatalog catalog = CatalogOf(Ptrs(v), "", kNow);
  REQUIRE(catalog.departments_size() == 3);
  const v1::DepartmentEntry& delivery = catalog.departments(0);
  const v1::DepartmentEntry& partner = catalog.departments(1);
  const v1::DepartmentEntry& warehouse = catalog.departments(2);
  CHECK(delivery.department() == "delivery");
  CHECK(partner.department() == "service-partner");
  CHECK(warehouse.department() == "warehouse");

  CHECK(warehouse.total_cases() == 3);
  CHECK(warehouse.open_cases() == 2);
  CHECK(warehouse.cases_by_root_cause().size() == 2);
  CHECK(warehouse.cases_by_root_cause().at("damaged") == 2);
  CHECK(warehouse.cases_by_root_cause().at("") == 1);
  CHECK(TaskIds(warehouse.open_tasks()) == Ids{"CL-3/K1", "CL-1/K1", "CL-1/K2"});
  CHECK(TaskIds(warehouse.overdue_tasks()) == Ids{"CL-3/K1", "CL-1/K1"});
  CHECK(warehouse.tasks_answered() == 0);
  CHECK_FALSE(warehouse.has_response_time_p50());
  CHECK(warehouse.escalated_tasks() == 0);

  CHECK(partner.total_cases() == 0);
  CHECK(partner.open_cases() == 0);
  CHECK(TaskIds(partner.overdue_tasks()) == Ids{"CL-1/K4"});
  CHECK(partner.escalated_tasks() == 1);

  CHECK(delivery.total_cases() == 1);
  CHECK(delivery.open_cases() == 0);
  CHECK(delivery.cases_by_root_cause().at("late") == 1);
  CHECK(delivery.open_tasks_size() == 0);
  CHECK(delivery.tasks_answered() == 10);
  CHECK(FromProto(delivery.response_time_p50()) == absl::Hours(5));
  CHECK(FromProto(delivery.response_time_p90()) == absl::Hours(9));

  const v1::DepartmentCatalog only = CatalogOf(Ptrs(v), "service-partner", kNow);
  REQUIRE(only.departments_size() == 1);
  CHECK(only.departments(0).department() == "service-partner");
  CHECK(CatalogOf(Ptrs(v), "legal", kNow).departments_size() == 0);
}

TEST_CASE("Given escalated tasks, when the catalog is computed, then each department lists its "
          "open escalated tasks, highest level first, then by due", "[boards]") {
  std::vector<v1::ComplaintView> v;
  v.push_back(Case("CL-1", kNow));
  v.back().set_department("warehouse");
  AddTask(v.back(), "K1", "warehouse", kNow + absl::Hours(2)).set_escalation_level(1);
  v1::TaskView& top = AddTask(v.back(), "K2", "warehouse", kNow + absl::Hours(5));
  top.set_escalation_level(2);
  top.set_escalated_to("director-w");
  AddTask(v.back(), "K3", "warehouse", kNow - absl::Hours(1)).set_escalation_level(1);
  v1::TaskView& done = AddTask(v.back(), "K4", "warehouse", kNow - absl::Hours(3));
  done.set_escalation_level(3);  // completed: no longer on the director's list
  *done.mutable_completed_at() = ToProto(kNow);
  AddTask(v.back(), "K5", "warehouse", kNow - absl::Hours(9));  // never escalated
  AddTask(v.back(), "K6", "delivery", kNow - absl::Hours(9)).set_escalation_level(4);
  v.push_back(Case("CL-2", kNow));
  AddTask(v.back(), "K1", "warehouse", kNow + absl::Hours(2)).set_escalation_level(1);
  v1::TaskView& undated = AddTask(v.back(), "K7", "warehouse", kNow);
  undated.clear_due();  // no due: last within its level
  undated.set_escalation_level(1);

  const v1::DepartmentCatalog mine = CatalogOf(Ptrs(v), "warehouse", kNow);
  REQUIRE(mine.departments_size() == 1);
  const v1::DepartmentEntry& warehouse = mine.departments(0);
  CHECK(TaskIds(warehouse.escalated_open_tasks()) ==
        Ids{"CL-1/K2", "CL-1/K3", "CL-1/K1", "CL-2/K1", "CL-2/K7"});
  CHECK(warehouse.escalated_open_tasks(0).task().escalation_level() == 2);
  CHECK(warehouse.escalated_open_tasks(0).task().escalated_to() == "director-w");
  CHECK(warehouse.escalated_tasks() == 6);  // the count includes the completed one

  const v1::DepartmentCatalog all = CatalogOf(Ptrs(v), "", kNow);
  REQUIRE(all.departments_size() == 2);
  CHECK(all.departments(0).department() == "delivery");
  CHECK(TaskIds(all.departments(0).escalated_open_tasks()) == Ids{"CL-1/K6"});
  CHECK(TaskIds(all.departments(1).escalated_open_tasks()) ==
        TaskIds(warehouse.escalated_open_tasks()));
}

TEST_CASE("Given a customer's cases, when their history is read, then it is newest filing first",
          "[boards]") {
  std::vector<v1::ComplaintView> v;
  v.push_back(Case("CL-1", kNow - absl::Hours(48), v1::COMPLAINT_STATE_CLOSED));
  v.push_back(Case("CL-9", kNow));
  v.push_back(Case("CL-12", kNow));  // same filing time: the larger id is the newer
  v.push_back(Case("CL-5", kNow - absl::Hours(1)));
  v.back().mutable_filing()->set_customer_ref("customer-8");

  const v1::CustomerHistory history = CustomerHistoryOf("customer-7", Ptrs(v), kNow);
  CHECK(history.customer_ref() == "customer-7");
  CHECK(CaseIds(history.cases()) == Ids{"CL-12", "CL-9", "CL-1"});
  CHECK(history.cases(2).state() == v1::COMPLAINT_STATE_CLOSED);
  CHECK(CustomerHistoryOf("customer-0", Ptrs(v), kNow).cases_size() == 0);
}

TEST_CASE("Given problems in every state, then the problem board lists open, fixed, verified, by id",
          "[boards]") {
  std::vector<v1::ProblemView> p(5);
  p[0].set_problem_id("PR-10");
  p[0].set_state(v1::PROBLEM_STATE_VERIFIED);
  p[1].set_problem_id("PR-11");
  p[1].set_state(v1::PROBLEM_STATE_OPEN);
  p[2].set_problem_id("PR-2");
  p[2].set_state(v1::PROBLEM_STATE_OPEN);
  p[3].set_problem_id("PR-3");
  p[3].set_state(v1::PROBLEM_STATE_FIXED);
  p[4].set_problem_id("PR-1");
  p[4].set_state(v1::PROBLEM_STATE_VERIFIED);
  std::vector<const v1::ProblemView*> ptrs;
  for (const v1::ProblemView& x : p) ptrs.push_back(&x);

  const v1::ProblemBoard board = ProblemBoardOf(ptrs);
  std::vector<std::string> ids;
  for (const v1::ProblemView& x : board.problems()) ids.push_back(x.problem_id());
  CHECK(ids == Ids{"PR-2", "PR-11", "PR-3", "PR-1", "PR-10"});
  CHECK(board.problems(0).state() == v1::PROBLEM_STATE_OPEN);
}

}  // namespace
}  // namespace closedloop::domain
