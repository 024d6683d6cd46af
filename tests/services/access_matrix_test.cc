// Every RPC × every role, over a real server that authenticates with bearer tokens: exactly
// the calls the roles table allows get past authorization; every other one is
// PERMISSION_DENIED and appends nothing; without a valid token every call is UNAUTHENTICATED.
#include <catch2/catch.hpp>

#include <functional>
#include <set>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "tests/services/secured_server.h"

namespace closedloop {
namespace {

using namespace testing;  // NOLINT: the API test helpers
using CS = v1::ComplaintService::Stub;
using PS = v1::ProblemService::Stub;
using QS = v1::QueryService::Stub;
using AS = v1::AuditService::Stub;

using Caller = std::function<grpc::Status(TestServer&, const std::string& token)>;

// A unary RPC with the request in text format; the response is dropped.
template <typename Stub, typename Request, typename Response>
Caller Unary(std::unique_ptr<Stub> TestServer::*stub,
             grpc::Status (Stub::*method)(grpc::ClientContext*, const Request&, Response*),
             std::string text) {
  return [=](TestServer& s, const std::string& token) {
    Response response;
    return CallAs(token, *(s.*stub), method, Msg<Request>(text), &response);
  };
}

// A server stream: OK once the first message arrives (then cancelled), else how it ended.
template <typename Stub, typename Request, typename Message>
Caller Streaming(std::unique_ptr<Stub> TestServer::*stub,
                 std::unique_ptr<grpc::ClientReader<Message>> (Stub::*method)(grpc::ClientContext*,
                                                                            const Request&),
                 std::string text) {
  return [=](TestServer& s, const std::string& token) {
    grpc::ClientContext context;
    Authenticate(context, token);
    std::unique_ptr<grpc::ClientReader<Message>> reader =
        ((*(s.*stub)).*method)(&context, Msg<Request>(text));
    Message first;
    if (reader->Read(&first)) {
      context.TryCancel();
      reader->Finish().IgnoreError();
      return grpc::Status::OK;
    }
    return reader->Finish();
  };
}

struct Rpc {
  const char* name;
  const char* allowed;  // the roles that may call it, space-separated
  Caller call;
};

const char* kFiling =
    "complaint { channel: CHANNEL_WEB kind: ITEM_KIND_COMPLAINT customer_ref: 'cust-1' "
    "customer_contact: '+49 30 1234567' market: 'DE' language: 'de' text: 'The sofa leg broke.' }";

std::vector<Rpc> AllRpcs(const std::string& due) {
  const std::string task_due = absl::StrCat(" due { seconds: ", due, " }");
  return {
      {"FileComplaint", "integrator agent superhero",
       Unary(&TestServer::complaints, &CS::FileComplaint, kFiling)},
      {"FileComplaints", "integrator agent superhero",
       Unary(&TestServer::complaints, &CS::FileComplaints, absl::StrCat("filings { ", kFiling, " }"))},
      {"TriageComplaint", "superhero",
       Unary(&TestServer::complaints, &CS::TriageComplaint,
             "complaint_id: 'CL-1' kind: ITEM_KIND_COMPLAINT category: 'furniture' "
             "severity: SEVERITY_HIGH department: 'warehouse' root_cause_code: 'RC-1'")},
      {"AssignComplaint", "superhero",
       Unary(&TestServer::complaints, &CS::AssignComplaint, "complaint_id: 'CL-1' owner: 'bob'")},
      {"RecordCustomerContact", "superhero",
       Unary(&TestServer::complaints, &CS::RecordCustomerContact,
             "complaint_id: 'CL-1' method: CONTACT_METHOD_PHONE outcome: CONTACT_OUTCOME_REACHED "
             "summary: 'called back'")},
      {"AddComment", "agent superhero department internal",
       Unary(&TestServer::complaints, &CS::AddComment,
             "complaint_id: 'CL-1' visibility: VISIBILITY_INTERNAL author: 'x' text: 'a note'")},
      {"OpenTask", "superhero",
       Unary(&TestServer::complaints, &CS::OpenTask,
             "complaint_id: 'CL-1' department: 'warehouse' description: 'a leg'" + task_due)},
      {"RespondToTask", "superhero department",
       Unary(&TestServer::complaints, &CS::RespondToTask,
             "complaint_id: 'CL-1' task_id: 'T1' response: 'in stock'")},
      {"CompleteTask", "superhero department",
       Unary(&TestServer::complaints, &CS::CompleteTask,
             "complaint_id: 'CL-1' task_id: 'T1' outcome: 'sent'")},
      {"Escalate", "superhero",
       Unary(&TestServer::complaints, &CS::Escalate, "complaint_id: 'CL-1' to: 'cxo' reason: 'slow'")},
      {"ResolveComplaint", "superhero",
       Unary(&TestServer::complaints, &CS::ResolveComplaint,
             "complaint_id: 'CL-1' resolution: 'new leg' remedy { type: REMEDY_TYPE_REPLACEMENT }")},
      {"CloseComplaint", "superhero",
       Unary(&TestServer::complaints, &CS::CloseComplaint, "complaint_id: 'CL-1' customer_confirmed: true")},
      {"ReopenComplaint", "superhero",
       Unary(&TestServer::complaints, &CS::ReopenComplaint, "complaint_id: 'CL-1' reason: 'again'")},
      {"RedirectToSupport", "superhero",
       Unary(&TestServer::complaints, &CS::RedirectToSupport, "complaint_id: 'CL-1' reason: 'misuse'")},
      {"LinkToProblem", "superhero",
       Unary(&TestServer::complaints, &CS::LinkToProblem, "complaint_id: 'CL-1' problem_id: 'PR-1'")},
      {"RecordSurvey", "integrator superhero",
       Unary(&TestServer::complaints, &CS::RecordSurvey, "complaint_id: 'CL-1' nps: 9 csat: 5")},
      {"OpenProblem", "superhero",
       Unary(&TestServer::problems, &PS::OpenProblem,
             "department: 'warehouse' description: 'legs break' source: PROBLEM_SOURCE_COMPLAINTS")},
      {"AddActionItem", "superhero",
       Unary(&TestServer::problems, &PS::AddActionItem,
             "problem_id: 'PR-1' description: 'pad the legs' owner: 'wes'" + task_due)},
      {"CompleteActionItem", "superhero",
       Unary(&TestServer::problems, &PS::CompleteActionItem, "problem_id: 'PR-1' item_id: 'A1' outcome: 'done'")},
      {"MarkFixed", "superhero",
       Unary(&TestServer::problems, &PS::MarkFixed, "problem_id: 'PR-1' summary: 'padded'")},
      {"VerifyFix", "superhero",
       Unary(&TestServer::problems, &PS::VerifyFix, "problem_id: 'PR-1' evidence: 'no breaks'")},
      {"GetComplaint", "integrator agent superhero department internal dashboard auditor",
       Unary(&TestServer::queries, &QS::GetComplaint, "complaint_id: 'CL-1'")},
      {"ListComplaints", "agent superhero department internal dashboard auditor",
       Unary(&TestServer::queries, &QS::ListComplaints, "")},
      {"GetSuperheroBoard", "agent superhero internal dashboard auditor",
       Unary(&TestServer::queries, &QS::GetSuperheroBoard, "owner: 'anna'")},
      {"GetDeadlineBoard", "agent superhero internal dashboard auditor",
       Unary(&TestServer::queries, &QS::GetDeadlineBoard, "")},
      {"GetDepartmentCatalog", "agent superhero department internal dashboard auditor",
       Unary(&TestServer::queries, &QS::GetDepartmentCatalog, "")},
      {"GetCustomerHistory", "agent superhero internal dashboard auditor",
       Unary(&TestServer::queries, &QS::GetCustomerHistory, "customer_ref: 'cust-1'")},
      {"GetMetrics", "agent superhero internal dashboard auditor",
       Unary(&TestServer::queries, &QS::GetMetrics, "")},
      {"GetProblemBoard", "agent superhero internal dashboard auditor",
       Unary(&TestServer::queries, &QS::GetProblemBoard, "")},
      {"WatchBoard", "agent superhero internal dashboard auditor",
       Streaming(&TestServer::queries, &QS::WatchBoard, "deadline_window { seconds: 3600 }")},
      {"ReadStream", "superhero auditor",
       Unary(&TestServer::audit, &AS::ReadStream, "stream: 'complaint-CL-1'")},
      {"ReadAll", "superhero auditor", Unary(&TestServer::audit, &AS::ReadAll, "")},
      {"Subscribe", "superhero auditor", Streaming(&TestServer::audit, &AS::Subscribe, "")},
      {"VerifyChain", "superhero auditor", Unary(&TestServer::audit, &AS::VerifyChain, "")},
      {"GetConfig", "admin", Unary(&TestServer::admin, &v1::AdminService::Stub::GetConfig, "")},
      {"Backup", "admin",
       [](TestServer& s, const std::string& token) {
         v1::BackupRequest request;
         request.set_directory(s.dir.Sub(absl::StrCat("backup-", s.log->HeadPosition(), "-", token)));
         v1::BackupResponse response;
         return CallAs(token, *s.admin, &v1::AdminService::Stub::Backup, request, &response);
       }},
  };
}

// CL-1, filed by the web shop, attributed to the warehouse with an open warehouse task T1;
// PR-1, a problem.
void GivenACaseAndAProblem(TestServer& s) {
  const std::string hero = TokenOf("superhero");
  OkAs(TokenOf("integrator"), *s.complaints, &CS::FileComplaint, Msg<v1::FileComplaintRequest>(kFiling));
  OkAs(hero, *s.complaints, &CS::TriageComplaint,
       Msg<v1::TriageComplaintRequest>("complaint_id: 'CL-1' kind: ITEM_KIND_COMPLAINT "
                                       "category: 'furniture' severity: SEVERITY_HIGH "
                                       "department: 'warehouse'"));
  OkAs(hero, *s.complaints, &CS::OpenTask,
       Msg<v1::OpenTaskRequest>(absl::StrCat(
           "complaint_id: 'CL-1' department: 'warehouse' description: 'check the legs' due { seconds: ",
           absl::ToUnixSeconds(s.clock.Now() + absl::Hours(8)), " }")));
  OkAs(hero, *s.problems, &PS::OpenProblem,
       Msg<v1::OpenProblemRequest>("department: 'warehouse' description: 'legs break' "
                                   "source: PROBLEM_SOURCE_COMPLAINTS"));
}

TEST_CASE("every RPC admits exactly the roles allowed to call it, and denies the others without writing", "[access]") {
  std::unique_ptr<TestServer> s = SecuredServer();
  GivenACaseAndAProblem(*s);
  const std::vector<Rpc> rpcs =
      AllRpcs(std::to_string(absl::ToUnixSeconds(s->clock.Now() + absl::Hours(8))));
  REQUIRE(rpcs.size() == 36);  // 16 complaint, 5 problem, 9 query, 4 audit and 2 admin RPCs
  int admitted = 0;
  int denied = 0;
  for (const Rpc& rpc : rpcs) {
    const std::vector<std::string> allowed = absl::StrSplit(rpc.allowed, ' ');
    const std::set<std::string> may(allowed.begin(), allowed.end());
    for (const std::string& role : Roles()) {
      INFO(rpc.name << " as " << role);
      const uint64_t head = s->log->HeadPosition();
      const grpc::Status status = rpc.call(*s, TokenOf(role));
      INFO(status.error_code() << ": " << status.error_message());
      if (may.contains(role)) {
        CHECK(status.error_code() != grpc::StatusCode::PERMISSION_DENIED);
        CHECK(status.error_code() != grpc::StatusCode::UNAUTHENTICATED);
        ++admitted;
      } else {
        CHECK(status.error_code() == grpc::StatusCode::PERMISSION_DENIED);
        CHECK(status.error_message().find(absl::StrCat("role ", role, " (")) == 0);
        CHECK(absl::EndsWith(status.error_message(), absl::StrCat(") may not call ", rpc.name)));
        CHECK(s->log->HeadPosition() == head);
        ++denied;
      }
    }
  }
  CHECK(admitted + denied == 36 * 8);
  CHECK(admitted == 90);
}

TEST_CASE("without a valid bearer token every RPC is UNAUTHENTICATED and writes nothing", "[access]") {
  std::unique_ptr<TestServer> s = SecuredServer();
  GivenACaseAndAProblem(*s);
  const uint64_t head = s->log->HeadPosition();
  const std::vector<Rpc> rpcs = AllRpcs("1893456000");
  for (const char* token : {"", "not-a-token", "token-for-superhero-x"}) {
    for (const Rpc& rpc : rpcs) {
      INFO(rpc.name << " with token '" << token << "'");
      const grpc::Status status = rpc.call(*s, token);
      INFO(status.error_message());
      CHECK(status.error_code() == grpc::StatusCode::UNAUTHENTICATED);
      CHECK(status.error_message().find("authorization: ") == 0);
    }
  }
  // A token sent as something other than a bearer token.
  grpc::ClientContext context;
  context.AddMetadata("authorization", "Basic " + TokenOf("superhero"));
  v1::ComplaintView view;
  const grpc::Status basic =
      s->queries->GetComplaint(&context, Msg<v1::GetComplaintRequest>("complaint_id: 'CL-1'"), &view);
  CHECK(basic.error_code() == grpc::StatusCode::UNAUTHENTICATED);
  CHECK(basic.error_message() == "authorization: expected \"Bearer <token>\"");
  CHECK(s->log->HeadPosition() == head);
}

}  // namespace
}  // namespace closedloop
