// Roles: which methods each may call, what a department or internal caller may do to a case,
// and what each sees of it.
#include <catch2/catch.hpp>

#include "domain/access.h"
#include "tests/domain/complaint_test_util.h"

namespace closedloop::domain {
namespace {

using namespace testing;  // NOLINT: test helpers

Caller As(absl::string_view role, std::string department = "") {
  return Caller{absl::StrCat("user:", role), std::string(role), "", std::move(department)};
}

// Given a case with a warehouse task T1, when `caller` runs `command`: the decision.
absl::StatusOr<std::vector<v1::ComplaintEvent>> WhenOnWarehouseCase(const Caller& caller,
                                                                    const ComplaintCommand& command) {
  History h;
  h.Run(Filing()).Run(Reached()).Run(OpenTask{"warehouse", "", "check the legs", T0() + absl::Hours(8)});
  DecisionContext context = h.Context(T0() + absl::Hours(1));
  context.caller = &caller;
  return Decide(command, h.state(), context);
}

TEST_CASE("Given the roles, then each may call exactly its methods", "[access]") {
  CHECK(MayCall("integrator", "FileComplaint"));
  CHECK(MayCall("integrator", "RecordSurvey"));
  CHECK(MayCall("integrator", "GetComplaint"));
  CHECK_FALSE(MayCall("integrator", "ListComplaints"));
  CHECK_FALSE(MayCall("integrator", "AddComment"));
  CHECK(MayCall("agent", "AddComment"));
  CHECK(MayCall("agent", "GetDeadlineBoard"));
  CHECK_FALSE(MayCall("agent", "ResolveComplaint"));
  CHECK(MayCall("superhero", "ResolveComplaint"));
  CHECK(MayCall("superhero", "VerifyFix"));
  CHECK(MayCall("superhero", "ReadAll"));
  CHECK_FALSE(MayCall("superhero", "Backup"));
  CHECK(MayCall("department", "RespondToTask"));
  CHECK(MayCall("department", "GetDepartmentCatalog"));
  CHECK_FALSE(MayCall("department", "GetMetrics"));
  CHECK_FALSE(MayCall("department", "OpenTask"));
  CHECK(MayCall("internal", "AddComment"));
  CHECK_FALSE(MayCall("internal", "RespondToTask"));
  CHECK(MayCall("dashboard", "WatchBoard"));
  CHECK_FALSE(MayCall("dashboard", "AddComment"));
  CHECK_FALSE(MayCall("dashboard", "ReadAll"));
  CHECK(MayCall("auditor", "VerifyChain"));
  CHECK(MayCall("auditor", "GetComplaint"));
  CHECK_FALSE(MayCall("auditor", "FileComplaint"));
  CHECK(MayCall("admin", "Backup"));
  CHECK_FALSE(MayCall("admin", "GetComplaint"));
  CHECK(MayCall("local", "FileComplaint"));
  CHECK_FALSE(MayCall("system", "FileComplaint"));
  CHECK_FALSE(MayCall("superhero", "NoSuchMethod"));
}

TEST_CASE("Given a warehouse task, when the warehouse answers it, then it is recorded", "[access]") {
  const Caller warehouse = As("department", "warehouse");
  auto responded = WhenOnWarehouseCase(warehouse, RespondToTask{"T1", "two legs in stock"});
  INFO(responded.status().ToString());
  REQUIRE(responded.ok());
  CHECK(Types(*responded).front() == "complaint.task_responded");
  CHECK(WhenOnWarehouseCase(warehouse, CompleteTask{"T1", "sent"}).ok());
}

TEST_CASE("Given a warehouse task and a delivery task, when delivery answers the warehouse's, then it is denied", "[access]") {
  const Caller delivery = As("department", "delivery");
  History h;
  h.directory().add_departments()->set_name("delivery");
  h.Run(Filing()).Run(Reached()).Run(OpenTask{"warehouse", "", "check the legs", T0() + absl::Hours(8)});
  h.Run(OpenTask{"delivery", "", "collect the sofa", T0() + absl::Hours(8)});
  DecisionContext context = h.Context(T0() + absl::Hours(1));
  context.caller = &delivery;
  RequireError(Decide(RespondToTask{"T1", "not ours"}, h.state(), context),
               absl::StatusCode::kPermissionDenied, "addressed to department warehouse, not delivery");
  RequireError(Decide(CompleteTask{"T1", "done"}, h.state(), context),
               absl::StatusCode::kPermissionDenied, "task T1");
  CHECK(Decide(RespondToTask{"T2", "on our way"}, h.state(), context).ok());
  // An unknown task is NOT_FOUND for everyone, so the answer reveals nothing.
  RequireError(Decide(RespondToTask{"T9", "x"}, h.state(), context), absl::StatusCode::kNotFound,
               "T9");
}

// What any command on a case that was never filed gets.
absl::Status UnfiledAnswer(const Caller& caller, const ComplaintCommand& command) {
  History none;
  DecisionContext context = none.Context(T0());
  context.caller = &caller;
  return Decide(command, none.state(), context).status();
}

TEST_CASE("Given a case of another department, when a department comments or answers, then it is not found like an unfiled case", "[access]") {
  const Caller delivery = As("department", "delivery");
  for (const ComplaintCommand& command :
       std::vector<ComplaintCommand>{AddComment{v1::VISIBILITY_INTERNAL, "dan", "seen"},
                                     RespondToTask{"T1", "x"}, CompleteTask{"T9", "x"}}) {
    const absl::Status refused = WhenOnWarehouseCase(delivery, command).status();
    CHECK(refused.code() == absl::StatusCode::kNotFound);
    CHECK(refused == UnfiledAnswer(delivery, command));
  }
}

TEST_CASE("Given a closed case of another department, when a department acts on it, then the answer reveals nothing of its state", "[access]") {
  const Caller delivery = As("department", "delivery");
  History h;
  h.Run(Filing()).Run(Reached()).Run(OpenTask{"warehouse", "", "check the legs", T0() + absl::Hours(8)});
  h.Run(Resolution()).Run(CloseComplaint{true});
  DecisionContext context = h.Context(T0() + absl::Hours(2));
  context.caller = &delivery;
  const absl::Status refused = Decide(RespondToTask{"T1", "x"}, h.state(), context).status();
  CHECK(refused == UnfiledAnswer(delivery, RespondToTask{"T1", "x"}));
  // The warehouse itself learns the state, as it may.
  const Caller warehouse = As("department", "warehouse");
  context.caller = &warehouse;
  CHECK(Decide(RespondToTask{"T1", "x"}, h.state(), context).status().code() ==
        absl::StatusCode::kFailedPrecondition);
}

TEST_CASE("Given a resolved case, when an integrator records a survey, then only on a case it filed", "[access]") {
  FileComplaint filing = Filing(v1::CHANNEL_WEB);
  filing.filing.set_filed_by("system:webshop");
  History h;
  h.Run(filing).Run(Reached()).Run(Resolution());
  Caller webshop = As("integrator");
  webshop.principal = "system:webshop";
  Caller app = As("integrator");
  app.principal = "system:app";
  const RecordSurvey survey{9, 5, "quick and kind"};
  DecisionContext context = h.Context(T0() + absl::Hours(3));
  context.caller = &app;
  const absl::Status refused = Decide(survey, h.state(), context).status();
  CHECK(refused == UnfiledAnswer(app, survey));
  context.caller = &webshop;
  auto recorded = Decide(survey, h.state(), context);
  INFO(recorded.status().ToString());
  REQUIRE(recorded.ok());
  CHECK(Types(*recorded) == std::vector<std::string>{"complaint.survey_recorded"});
}

TEST_CASE("Given a case, when a department or internal caller comments, then only internally", "[access]") {
  for (const Caller& caller : {As("department", "warehouse"), As("internal")}) {
    INFO(caller.role);
    CHECK(WhenOnWarehouseCase(caller, AddComment{v1::VISIBILITY_INTERNAL, "wes", "legs found"}).ok());
    RequireError(WhenOnWarehouseCase(caller, AddComment{v1::VISIBILITY_PUBLIC, "wes", "hello"}),
                 absl::StatusCode::kPermissionDenied, "internal comments only");
  }
  CHECK(WhenOnWarehouseCase(As("agent"), AddComment{v1::VISIBILITY_PUBLIC, "ann", "called"}).ok());
}

TEST_CASE("Given a case, when a department or internal caller runs another command, then it is denied", "[access]") {
  RequireError(WhenOnWarehouseCase(As("department", "warehouse"), Resolution()),
               absl::StatusCode::kPermissionDenied, "may not run this command");
  RequireError(WhenOnWarehouseCase(As("internal"), RespondToTask{"T1", "x"}),
               absl::StatusCode::kPermissionDenied, "role internal");
  CHECK(WhenOnWarehouseCase(As("superhero"), Resolution()).ok());
}

v1::ComplaintView CaseFiledBy(const std::string& principal) {
  v1::ComplaintView view;
  view.set_complaint_id("CL-1");
  view.set_department("warehouse");
  view.mutable_filing()->set_customer_contact("+49 30 1234567");
  view.mutable_filing()->set_filed_by(principal);
  v1::CommentView* internal = view.add_comments();
  internal->set_visibility(v1::VISIBILITY_INTERNAL);
  internal->set_text("the driver dropped it");
  v1::CommentView* visible = view.add_comments();
  visible->set_visibility(v1::VISIBILITY_PUBLIC);
  visible->set_text("a new leg is on its way");
  return view;
}

TEST_CASE("Given a case, then an integrator reads it only if it filed it", "[access]") {
  const v1::ComplaintView view = CaseFiledBy("system:webshop");
  Caller webshop = As("integrator");
  webshop.principal = "system:webshop";
  CHECK(MayRead(webshop, view));
  Caller app = As("integrator");
  app.principal = "system:app";
  CHECK_FALSE(MayRead(app, view));
}

TEST_CASE("Given a case, then a department reads it if attributed to it or holding its task", "[access]") {
  v1::ComplaintView view = CaseFiledBy("system:webshop");
  CHECK(MayRead(As("department", "warehouse"), view));
  CHECK_FALSE(MayRead(As("department", "delivery"), view));
  view.add_tasks()->set_department("delivery");
  CHECK(MayRead(As("department", "delivery"), view));
  CHECK(MayRead(As("dashboard"), view));
}

TEST_CASE("Given a case, when redacted for each role, then contact data and internal comments show only where allowed", "[access]") {
  struct Expect {
    const char* role;
    bool contact;
    int comments;
  };
  for (const Expect& e : {Expect{"integrator", true, 1}, Expect{"agent", true, 2},
                          Expect{"superhero", true, 2}, Expect{"department", false, 2},
                          Expect{"internal", false, 2}, Expect{"dashboard", false, 2},
                          Expect{"auditor", true, 2}, Expect{"local", true, 2}}) {
    INFO(e.role);
    v1::ComplaintView view = CaseFiledBy("system:webshop");
    Redact(ScopeOf(e.role), view);
    CHECK(view.filing().customer_contact().empty() == !e.contact);
    CHECK(view.comments_size() == e.comments);
    if (e.comments == 1) CHECK(view.comments(0).visibility() == v1::VISIBILITY_PUBLIC);
  }
}

TEST_CASE("Given a department caller, then its queries are narrowed to its department", "[access]") {
  const Caller warehouse = As("department", "warehouse");
  CHECK(*DepartmentFilter(warehouse, "") == "warehouse");
  CHECK(*DepartmentFilter(warehouse, "warehouse") == "warehouse");
  CHECK(DepartmentFilter(warehouse, "delivery").status().code() ==
        absl::StatusCode::kPermissionDenied);
  CHECK(*DepartmentFilter(As("dashboard"), "delivery") == "delivery");
  CHECK(DepartmentFilter(As("dashboard"), "")->empty());
}

TEST_CASE("Given each role, when it searches by a customer contact, then only roles that see contact data may", "[access]") {
  for (absl::string_view role : {"integrator", "agent", "superhero", "auditor", "local"}) {
    INFO(role);
    CHECK(CheckContactSearch(As(role)).ok());
  }
  for (absl::string_view role : {"department", "internal", "dashboard"}) {
    INFO(role);
    const absl::Status denied = CheckContactSearch(As(role, "warehouse"));
    CHECK(denied.code() == absl::StatusCode::kPermissionDenied);
    CHECK_THAT(std::string(denied.message()), Catch::Contains("customer_contact"));
  }
}

}  // namespace
}  // namespace closedloop::domain
