// What each role sees and may touch beyond the method table: contact data and internal
// comments, a department's own cases and tasks, an integrator's own filings; who is recorded
// on events; the limits on streams and message sizes; the token file; insecure local mode.
#include <catch2/catch.hpp>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "services/api/stream_limiter.h"
#include "tests/services/secured_server.h"

namespace closedloop {
namespace {

using namespace testing;  // NOLINT: the API test helpers
using CS = v1::ComplaintService::Stub;
using QS = v1::QueryService::Stub;
using AS = v1::AuditService::Stub;

std::string FilingText(const std::string& customer) {
  return absl::StrCat(
      "complaint { channel: CHANNEL_WEB kind: ITEM_KIND_COMPLAINT customer_ref: '", customer,
      "' customer_contact: 'mia@example.com' market: 'DE' language: 'de' "
      "text: 'The sofa leg broke.' }");
}

// Files a case as `filer`, attributes it to `department` with a task there, and adds an
// internal and a public comment; its id.
std::string GivenCase(TestServer& s, const std::string& filer, const std::string& department) {
  const std::string hero = TokenOf("superhero");
  const std::string id = OkAs(filer, *s.complaints, &CS::FileComplaint,
                              Msg<v1::FileComplaintRequest>(FilingText("cust-" + department)))
                             .complaint_id();
  OkAs(hero, *s.complaints, &CS::TriageComplaint,
       Cmd<v1::TriageComplaintRequest>(absl::StrCat("kind: ITEM_KIND_COMPLAINT category: 'sofa' "
                                                    "severity: SEVERITY_HIGH department: '",
                                                    department, "'"),
                                       id));
  OkAs(hero, *s.complaints, &CS::OpenTask,
       Cmd<v1::OpenTaskRequest>(
           absl::StrCat("department: '", department, "' description: 'check' due { seconds: ",
                        absl::ToUnixSeconds(s.clock.Now() + absl::Hours(8)), " }"),
           id));
  OkAs(hero, *s.complaints, &CS::AddComment,
       Cmd<v1::AddCommentRequest>("visibility: VISIBILITY_INTERNAL author: 'anna' text: 'driver dropped it'", id));
  const v1::CommandResponse last = OkAs(hero, *s.complaints, &CS::AddComment,
      Cmd<v1::AddCommentRequest>("visibility: VISIBILITY_PUBLIC author: 'anna' text: 'a new leg is coming'", id));
  // Read your writes: the views hold the whole case before any test reads it.
  OkAs(hero, *s.queries, &v1::QueryService::Stub::GetComplaint,
       Msg<v1::GetComplaintRequest>(absl::StrCat("complaint_id: '", id, "' min_position: ", last.position())));
  return last.complaint_id();
}

v1::ComplaintView ViewAs(TestServer& s, const std::string& token, const std::string& id,
                         const std::string& as_of = "") {
  return OkAs(token, *s.queries, &QS::GetComplaint,
              Msg<v1::GetComplaintRequest>(absl::StrCat("complaint_id: '", id, "' ", as_of)));
}

int InternalComments(const v1::ComplaintView& view) {
  int n = 0;
  for (const v1::CommentView& c : view.comments()) n += c.visibility() == v1::VISIBILITY_INTERNAL;
  return n;
}

TEST_CASE("contact data and internal comments reach exactly the roles that may see them", "[access]") {
  std::unique_ptr<TestServer> s = SecuredServer();
  const std::string id = GivenCase(*s, TokenOf("integrator"), "warehouse");
  struct Expect {
    const char* role;
    bool contact;
    bool internal;
  };
  for (const Expect& e : {Expect{"integrator", true, false}, Expect{"agent", true, true},
                          Expect{"superhero", true, true}, Expect{"department", false, true},
                          Expect{"internal", false, true}, Expect{"dashboard", false, true},
                          Expect{"auditor", true, true}}) {
    INFO(e.role);
    const v1::ComplaintView view = ViewAs(*s, TokenOf(e.role), id);
    CHECK(view.filing().customer_contact().empty() == !e.contact);
    CHECK(InternalComments(view) == (e.internal ? 1 : 0));
    CHECK(view.comments_size() == (e.internal ? 2 : 1));
  }
  // The same in lists: a dashboard never sees the contact.
  const auto list = OkAs(TokenOf("dashboard"), *s->queries, &QS::ListComplaints,
                         Msg<v1::ListComplaintsRequest>(""));
  REQUIRE(list.complaints_size() == 1);
  CHECK(list.complaints(0).filing().customer_contact().empty());
  CHECK(InternalComments(list.complaints(0)) == 1);
  // As of a position: folded from the log, redacted the same way.
  const v1::ComplaintView then = ViewAs(*s, TokenOf("dashboard"), id, "as_of_position: 3");
  CHECK(then.revision() >= 1);
  CHECK(then.filing().customer_contact().empty());
  const v1::ComplaintView filed = ViewAs(*s, TokenOf("integrator"), id, "as_of_position: 3");
  CHECK(filed.filing().customer_contact() == "mia@example.com");
}

TEST_CASE("an integrator reads only the cases it filed", "[access]") {
  std::unique_ptr<TestServer> s = SecuredServer();
  const std::string id = GivenCase(*s, TokenOf("integrator"), "warehouse");
  CHECK(ViewAs(*s, TokenOf("integrator"), id).complaint_id() == id);
  v1::ComplaintView view;
  const grpc::Status other = CallAs("token-for-app", *s->queries, &QS::GetComplaint,
                                    Msg<v1::GetComplaintRequest>(absl::StrCat("complaint_id: '", id, "'")), &view);
  // Exactly the answer an unknown case gets, so the error tells nothing of which cases exist.
  const grpc::Status unknown = CallAs("token-for-app", *s->queries, &QS::GetComplaint,
                                      Msg<v1::GetComplaintRequest>("complaint_id: 'CL-999'"), &view);
  CHECK(other.error_code() == grpc::StatusCode::NOT_FOUND);
  CHECK(other.error_message() == absl::StrCat("complaint ", id, " not found"));
  CHECK(unknown.error_code() == grpc::StatusCode::NOT_FOUND);
  CHECK(unknown.error_message() == "complaint CL-999 not found");
  CHECK(view.complaint_id().empty());
  // The same as of a past position.
  const grpc::Status then = CallAs(
      "token-for-app", *s->queries, &QS::GetComplaint,
      Msg<v1::GetComplaintRequest>(absl::StrCat("complaint_id: '", id, "' as_of_position: 3")), &view);
  CHECK(then.error_code() == grpc::StatusCode::NOT_FOUND);
  CHECK(then.error_message() == absl::StrCat("complaint ", id, " had not been filed at that point"));
  CHECK(view.complaint_id().empty());
}

TEST_CASE("an integrator records a survey only on a case it filed, and learns nothing of others", "[access]") {
  std::unique_ptr<TestServer> s = SecuredServer();
  const std::string hero = TokenOf("superhero");
  const std::string ours = GivenCase(*s, TokenOf("integrator"), "warehouse");
  const std::string staff = GivenCase(*s, hero, "warehouse");
  for (const std::string& id : {ours, staff}) {
    OkAs(hero, *s->complaints, &CS::RecordCustomerContact,
         Cmd<v1::RecordCustomerContactRequest>(
             "method: CONTACT_METHOD_PHONE outcome: CONTACT_OUTCOME_REACHED summary: 'called'", id));
    OkAs(hero, *s->complaints, &CS::ResolveComplaint,
         Cmd<v1::ResolveComplaintRequest>("resolution: 'new leg' remedy { type: REMEDY_TYPE_REPLACEMENT }", id));
  }
  const auto survey = [](const std::string& id) {
    return Cmd<v1::RecordSurveyRequest>("nps: 9 csat: 5", id);
  };
  const uint64_t head = s->log->HeadPosition();
  v1::CommandResponse response;
  const grpc::Status others = CallAs(TokenOf("integrator"), *s->complaints, &CS::RecordSurvey, survey(staff), &response);
  const grpc::Status unknown = CallAs(TokenOf("integrator"), *s->complaints, &CS::RecordSurvey, survey("CL-999"), &response);
  CHECK(others.error_code() == grpc::StatusCode::NOT_FOUND);
  CHECK(others.error_message() == unknown.error_message());
  CHECK(CallAs("token-for-app", *s->complaints, &CS::RecordSurvey, survey(ours), &response).error_code() ==
        grpc::StatusCode::NOT_FOUND);
  CHECK(s->log->HeadPosition() == head);
  CHECK(OkAs(TokenOf("integrator"), *s->complaints, &CS::RecordSurvey, survey(ours)).event_types(0) ==
        "complaint.survey_recorded");
}

TEST_CASE("a department lists the cases holding its task though attributed elsewhere, and may not comment on others", "[access]") {
  std::unique_ptr<TestServer> s = SecuredServer();
  const std::string hero = TokenOf("superhero");
  const std::string wes = TokenOf("department");  // warehouse
  const std::string theirs = GivenCase(*s, hero, "delivery");
  const std::string shared = GivenCase(*s, hero, "delivery");
  const v1::CommandResponse tasked = OkAs(hero, *s->complaints, &CS::OpenTask,
      Cmd<v1::OpenTaskRequest>(absl::StrCat("department: 'warehouse' description: 'legs?' due { seconds: ",
                                            absl::ToUnixSeconds(s->clock.Now() + absl::Hours(8)), " }"),
                               shared));
  const auto list = OkAs(wes, *s->queries, &QS::ListComplaints,
                         Msg<v1::ListComplaintsRequest>(absl::StrCat("min_position: ", tasked.position())));
  REQUIRE(list.complaints_size() == 1);
  CHECK(list.complaints(0).complaint_id() == shared);
  CHECK(list.total_size() == 1);
  CHECK(ViewAs(*s, wes, shared).complaint_id() == shared);

  const uint64_t head = s->log->HeadPosition();
  v1::CommandResponse response;
  const grpc::Status comment = CallAs(wes, *s->complaints, &CS::AddComment,
      Cmd<v1::AddCommentRequest>("visibility: VISIBILITY_INTERNAL author: 'wes' text: 'hm'", theirs), &response);
  const grpc::Status unknown = CallAs(wes, *s->complaints, &CS::AddComment,
      Cmd<v1::AddCommentRequest>("visibility: VISIBILITY_INTERNAL author: 'wes' text: 'hm'", "CL-999"), &response);
  CHECK(comment.error_code() == grpc::StatusCode::NOT_FOUND);
  CHECK(comment.error_message() == unknown.error_message());
  CHECK(s->log->HeadPosition() == head);
  OkAs(wes, *s->complaints, &CS::AddComment,
       Cmd<v1::AddCommentRequest>("visibility: VISIBILITY_INTERNAL author: 'wes' text: 'on it'", shared));
}

TEST_CASE("a department reads and answers only its own department's cases and tasks", "[access]") {
  std::unique_ptr<TestServer> s = SecuredServer();
  const std::string ours = GivenCase(*s, TokenOf("superhero"), "warehouse");
  const std::string theirs = GivenCase(*s, TokenOf("superhero"), "delivery");
  const std::string wes = TokenOf("department");  // warehouse

  v1::ComplaintView view;
  CHECK(ViewAs(*s, wes, ours).complaint_id() == ours);
  const grpc::Status read = CallAs(wes, *s->queries, &QS::GetComplaint,
                                   Msg<v1::GetComplaintRequest>(absl::StrCat("complaint_id: '", theirs, "'")), &view);
  CHECK(read.error_code() == grpc::StatusCode::NOT_FOUND);

  // Lists and the catalog are narrowed to the warehouse; asking for another is denied.
  const auto list = OkAs(wes, *s->queries, &QS::ListComplaints, Msg<v1::ListComplaintsRequest>(""));
  REQUIRE(list.complaints_size() == 1);
  CHECK(list.complaints(0).complaint_id() == ours);
  CHECK(list.complaints(0).filing().customer_contact().empty());
  const auto catalog = OkAs(wes, *s->queries, &QS::GetDepartmentCatalog, Msg<v1::GetDepartmentCatalogRequest>(""));
  REQUIRE(catalog.departments_size() == 1);
  CHECK(catalog.departments(0).department() == "warehouse");
  v1::ListComplaintsResponse denied_list;
  CHECK(CallAs(wes, *s->queries, &QS::ListComplaints, Msg<v1::ListComplaintsRequest>("department: 'delivery'"),
               &denied_list).error_code() == grpc::StatusCode::PERMISSION_DENIED);

  // Its own task: answered, and recorded as done by wes in the department role.
  const uint64_t head = s->log->HeadPosition();
  v1::CommandResponse response;
  const grpc::Status foreign = CallAs(wes, *s->complaints, &CS::RespondToTask,
                                      Cmd<v1::RespondToTaskRequest>("task_id: 'T1' response: 'mine?'", theirs), &response);
  // A case the warehouse may not see: answered as an unfiled one, revealing nothing of it.
  CHECK(foreign.error_code() == grpc::StatusCode::NOT_FOUND);
  CHECK(foreign.error_message() == "complaint: not filed");
  const grpc::Status public_comment = CallAs(wes, *s->complaints, &CS::AddComment,
      Cmd<v1::AddCommentRequest>("visibility: VISIBILITY_PUBLIC author: 'wes' text: 'hello'", ours), &response);
  CHECK(public_comment.error_code() == grpc::StatusCode::PERMISSION_DENIED);
  CHECK(s->log->HeadPosition() == head);

  const v1::CommandResponse answered = OkAs(wes, *s->complaints, &CS::RespondToTask,
                                            Cmd<v1::RespondToTaskRequest>("task_id: 'T1' response: 'in stock'", ours));
  const auto events = OkAs(TokenOf("auditor"), *s->audit, &AS::ReadAll,
                           Msg<v1::ReadAllRequest>(absl::StrCat(
                               "from_position: ", answered.position() + 1 - answered.event_types_size())));
  REQUIRE(events.events_size() >= 1);
  CHECK(events.events(0).type() == "complaint.task_responded");
  CHECK(events.events(0).actor().principal() == "user:wes");
  CHECK(events.events(0).actor().role() == "department");
}

TEST_CASE("a principal holds at most its limit of open streams, a closed one frees its place", "[access][limits]") {
  std::unique_ptr<TestServer> s =
      SecuredServer([](services::ServerOptions& o) { o.max_streams_per_principal = 2; });
  const auto request = Msg<v1::WatchBoardRequest>("deadline_window { seconds: 3600 }");
  struct Open {
    grpc::ClientContext context;
    std::unique_ptr<grpc::ClientReader<v1::BoardUpdate>> reader;
  };
  auto open = [&](Open& o) {
    Authenticate(o.context, TokenOf("dashboard"));
    o.reader = s->queries->WatchBoard(&o.context, request);
    v1::BoardUpdate first;
    return o.reader->Read(&first);  // the snapshot: the stream holds its place from here
  };
  Open a, b, c;
  REQUIRE(open(a));
  REQUIRE(open(b));
  CHECK_FALSE(open(c));
  const grpc::Status refused = c.reader->Finish();
  CHECK(refused.error_code() == grpc::StatusCode::RESOURCE_EXHAUSTED);
  CHECK(refused.error_message() ==
        "streams: system:wallboard already holds 2 open streams, the most one principal may");
  // Another principal is not affected.
  Open other;
  Authenticate(other.context, TokenOf("auditor"));
  other.reader = s->queries->WatchBoard(&other.context, request);
  v1::BoardUpdate update;
  CHECK(other.reader->Read(&update));
  other.context.TryCancel();
  other.reader->Finish().IgnoreError();

  for (Open* held : {&a, &b}) {
    held->context.TryCancel();
    held->reader->Finish().IgnoreError();
  }
}

TEST_CASE("a stream's place is given back when it ends", "[access][limits]") {
  services::StreamLimiter limiter(1);
  {
    absl::StatusOr<services::StreamLimiter::Slot> held = limiter.Acquire("system:wallboard");
    REQUIRE(held.ok());
    CHECK(limiter.Open("system:wallboard") == 1);
    CHECK(limiter.Acquire("system:wallboard").status().code() == absl::StatusCode::kResourceExhausted);
    CHECK(limiter.Acquire("user:audra").ok());
    services::StreamLimiter::Slot moved = *std::move(held);
    CHECK(limiter.Open("system:wallboard") == 1);
  }
  CHECK(limiter.Open("system:wallboard") == 0);
  CHECK(limiter.Acquire("system:wallboard").ok());
}

TEST_CASE("a request over the message size limit is RESOURCE_EXHAUSTED and writes nothing", "[access][limits]") {
  std::unique_ptr<TestServer> s =
      SecuredServer([](services::ServerOptions& o) { o.max_message_bytes = 64 * 1024; });
  v1::FileComplaintsRequest batch;
  for (int i = 0; i < 10; ++i) {
    *batch.add_filings() = Msg<v1::FileComplaintRequest>(FilingText("cust-big"));
    batch.mutable_filings(i)->mutable_complaint()->set_text(std::string(10 * 1024, 'x'));
  }
  v1::FileComplaintsResponse response;
  const uint64_t head = s->log->HeadPosition();
  const grpc::Status status =
      CallAs(TokenOf("superhero"), *s->complaints, &CS::FileComplaints, batch, &response);
  CHECK(status.error_code() == grpc::StatusCode::RESOURCE_EXHAUSTED);
  CHECK(s->log->HeadPosition() == head);
  // The same batch with short texts is taken.
  for (auto& filing : *batch.mutable_filings()) filing.mutable_complaint()->set_text("short");
  CHECK(CallAs(TokenOf("superhero"), *s->complaints, &CS::FileComplaints, batch, &response).ok());
}

}  // namespace
}  // namespace closedloop

namespace closedloop {
namespace {

TEST_CASE("an admin reads the configuration in force, with the hash the log records", "[access]") {
  std::unique_ptr<testing::TestServer> s = testing::SecuredServer();
  const v1::ConfigApplied applied = testing::OkAs(
      testing::TokenOf("admin"), *s->admin, &v1::AdminService::Stub::GetConfig, v1::GetConfigRequest());
  const v1::Config expected = services::DefaultConfig();
  CHECK(applied.version() == expected.sla_policy().version());
  CHECK(applied.sha256() == services::ConfigHash(expected));
  CHECK(applied.config().directory().departments_size() == expected.directory().departments_size());
}

}  // namespace
}  // namespace closedloop
