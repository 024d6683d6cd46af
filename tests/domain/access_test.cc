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

TEST_CASE("Given a warehouse task, when another department answers it, then it is denied", "[access]") {
  const Caller delivery = As("department", "delivery");
  RequireError(WhenOnWarehouseCase(delivery, RespondToTask{"T1", "not ours"}),
               absl::StatusCode::kPermissionDenied, "addressed to department warehouse, not delivery");
  RequireError(WhenOnWarehouseCase(delivery, CompleteTask{"T1", "done"}),
               absl::StatusCode::kPermissionDenied, "task T1");
  // An unknown task is NOT_FOUND for everyone, so the answer reveals nothing.
  RequireError(WhenOnWarehouseCase(delivery, RespondToTask{"T9", "x"}),
               absl::StatusCode::kNotFound, "T9");
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
  view.add_history()->mutable_actor()->set_principal(principal);
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
  CHECK(CheckMayRead(webshop, view).ok());
  Caller app = As("integrator");
  app.principal = "system:app";
  const absl::Status denied = CheckMayRead(app, view);
  CHECK(denied.code() == absl::StatusCode::kPermissionDenied);
  CHECK(std::string(denied.message()).find("filed by another system") != std::string::npos);
}

TEST_CASE("Given a case, then a department reads it if attributed to it or holding its task", "[access]") {
  v1::ComplaintView view = CaseFiledBy("system:webshop");
  CHECK(CheckMayRead(As("department", "warehouse"), view).ok());
  CHECK(CheckMayRead(As("department", "delivery"), view).code() ==
        absl::StatusCode::kPermissionDenied);
  view.add_tasks()->set_department("delivery");
  CHECK(CheckMayRead(As("department", "delivery"), view).ok());
  CHECK(CheckMayRead(As("dashboard"), view).ok());
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

}  // namespace
}  // namespace closedloop::domain
