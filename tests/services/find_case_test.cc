// Finding a case by what a caller has on a repeat call: ListComplaints by order_ref,
// external_ref and customer_contact (phone numbers in E.164 through libphonenumber, read in a
// market), through the case finder's indexes, within the caller's role.
#include <catch2/catch.hpp>

#include <filesystem>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "tests/services/secured_server.h"

namespace closedloop {
namespace {

using namespace testing;  // NOLINT: the API test helpers
using CS = v1::ComplaintService::Stub;
using QS = v1::QueryService::Stub;

const std::string kAgent = TokenOf("agent");

// Files a case as an agent; its id, once the views hold it.
std::string GivenFiled(TestServer& s, const std::string& contact, const std::string& market = "DE",
                       const std::string& order_ref = "", const std::string& external_ref = "") {
  v1::FileComplaintRequest request;
  v1::Filed& filed = *request.mutable_complaint();
  filed.set_channel(v1::CHANNEL_HOTLINE);
  filed.set_kind(v1::ITEM_KIND_COMPLAINT);
  filed.set_customer_ref("cust-1");
  filed.set_customer_contact(contact);
  filed.set_market(market);
  filed.set_order_ref(order_ref);
  filed.set_external_ref(external_ref);
  filed.set_text("The sofa arrived with a broken leg.");
  const v1::CommandResponse filing = OkAs(kAgent, *s.complaints, &CS::FileComplaint, request);
  OkAs(kAgent, *s.queries, &QS::GetComplaint,
       Msg<v1::GetComplaintRequest>(absl::StrCat("complaint_id: '", filing.complaint_id(),
                                                 "' min_position: ", filing.position())));
  return filing.complaint_id();
}

grpc::Status ListAs(TestServer& s, const std::string& token, const std::string& text,
                    v1::ListComplaintsResponse* page) {
  return CallAs(token, *s.queries, &QS::ListComplaints, Msg<v1::ListComplaintsRequest>(text), page);
}

// Every case `text` lists, newest first, followed through pages of `page_size`.
std::vector<std::string> Found(TestServer& s, const std::string& text, int page_size = 50) {
  v1::ListComplaintsRequest request = Msg<v1::ListComplaintsRequest>(text);
  request.set_page_size(page_size);
  std::vector<std::string> ids;
  for (int pages = 0; pages < 100; ++pages) {
    const v1::ListComplaintsResponse page = OkAs(kAgent, *s.queries, &QS::ListComplaints, request);
    for (const v1::ComplaintView& view : page.complaints()) ids.push_back(view.complaint_id());
    CHECK(page.total_size() >= static_cast<int>(ids.size()));
    if (page.next_page_token().empty()) {
      CHECK(page.total_size() == static_cast<int>(ids.size()));
      return ids;
    }
    request.set_page_token(page.next_page_token());
  }
  FAIL("the pages never ended");
  return ids;
}

using Ids = std::vector<std::string>;

TEST_CASE("a number filed in national form in market DE is found in international form, and in national form with market DE",
          "[find]") {
  std::unique_ptr<TestServer> s = SecuredServer();
  const std::string berlin = GivenFiled(*s, "030 1234567");
  GivenFiled(*s, "030 7654321");
  GivenFiled(*s, "+43 1 2345678", "AT");

  CHECK(Found(*s, "customer_contact: '+49 30 1234567'") == Ids{berlin});
  CHECK(Found(*s, "customer_contact: '+49301234567'") == Ids{berlin});
  CHECK(Found(*s, "customer_contact: '030 1234567' market: 'DE'") == Ids{berlin});
  CHECK(Found(*s, "customer_contact: '(030) 123-4567' market: 'DE'") == Ids{berlin});
  CHECK(Found(*s, "customer_contact: '+49 30 1234568'").empty());
  // The market also filters: the Berlin number is a DE case.
  CHECK(Found(*s, "customer_contact: '+49 30 1234567' market: 'AT'").empty());
}

TEST_CASE("an e-mail address is found whatever its case and surrounding spaces, and other text only exactly",
          "[find]") {
  std::unique_ptr<TestServer> s = SecuredServer();
  const std::string mail = GivenFiled(*s, "Mia.Weber@Example.com");
  const std::string other = GivenFiled(*s, "ask for Mia");

  CHECK(Found(*s, "customer_contact: ' mia.weber@example.COM '") == Ids{mail});
  CHECK(Found(*s, "customer_contact: 'ask for Mia'") == Ids{other});
  CHECK(Found(*s, "customer_contact: 'ask for mia'").empty());
}

TEST_CASE("order_ref and external_ref find exactly their cases, newest first, page by page", "[find]") {
  std::unique_ptr<TestServer> s = SecuredServer();
  Ids order_cases;
  Ids external_cases;
  for (int n = 0; n < 7; ++n) {
    const std::string id = GivenFiled(*s, "", "DE", n % 2 == 0 ? "O-4711" : "O-4712",
                                      n % 3 == 0 ? "zendesk-9" : "zendesk-10");
    if (n % 2 == 0) order_cases.insert(order_cases.begin(), id);
    if (n % 3 == 0) external_cases.insert(external_cases.begin(), id);
  }

  CHECK(Found(*s, "order_ref: 'O-4711'", 1) == order_cases);
  CHECK(Found(*s, "order_ref: 'O-4711'", 3) == order_cases);
  CHECK(Found(*s, "external_ref: 'zendesk-9'", 2) == external_cases);
  CHECK(Found(*s, "order_ref: 'O-4711' external_ref: 'zendesk-9'", 1) ==
        Ids{order_cases.front(), order_cases.back()});  // cases 6 and 0
  CHECK(Found(*s, "order_ref: 'o-4711'").empty());
  CHECK(Found(*s, "external_ref: 'zendesk'").empty());
}

TEST_CASE("a case found by order, reference or contact is listed as it stands after it changed", "[find]") {
  std::unique_ptr<TestServer> s = SecuredServer();
  const std::string id = GivenFiled(*s, "030 1234567", "DE", "O-4711", "zendesk-9");
  uint64_t position = 0;
  for (int n = 0; n < 3; ++n) {  // each change replaces the case's view in both copies of the state
    v1::AddCommentRequest comment;
    comment.set_complaint_id(id);
    comment.set_visibility(v1::VISIBILITY_INTERNAL);
    comment.set_author("agent");
    comment.set_text(absl::StrCat("called back ", n));
    position = OkAs(kAgent, *s->complaints, &CS::AddComment, comment).position();
  }
  const v1::ComplaintView now = OkAs(kAgent, *s->queries, &QS::GetComplaint,
                                     Msg<v1::GetComplaintRequest>(absl::StrCat(
                                         "complaint_id: '", id, "' min_position: ", position)));
  REQUIRE(now.comments_size() == 3);
  for (const char* filter : {"order_ref: 'O-4711'", "external_ref: 'zendesk-9'",
                             "customer_contact: '+49 30 1234567'"}) {
    INFO(filter);
    const v1::ListComplaintsResponse page = OkAs(
        kAgent, *s->queries, &QS::ListComplaints,
        Msg<v1::ListComplaintsRequest>(absl::StrCat(filter, " min_position: ", position)));
    REQUIRE(page.complaints_size() == 1);
    CHECK(page.complaints(0).revision() == now.revision());
    CHECK(page.complaints(0).comments_size() == 3);
  }
}

TEST_CASE("after a restart, the cases restored from the views are found by contact and order as before",
          "[find]") {
  std::unique_ptr<TestServer> s = SecuredServer();
  const std::string berlin = GivenFiled(*s, "030 1234567", "DE", "O-4711");
  GivenFiled(*s, "030 7654321", "DE", "O-4712");
  s->Stop();
  s->Start();
  CHECK(Found(*s, "customer_contact: '+49 30 1234567'") == Ids{berlin});
  CHECK(Found(*s, "order_ref: 'O-4711'") == Ids{berlin});
}

TEST_CASE("after the views are rebuilt from the log, the cases are found by contact, order, reference and customer as before",
          "[find]") {
  std::unique_ptr<TestServer> s = SecuredServer();
  const std::string berlin = GivenFiled(*s, "030 1234567", "DE", "O-4711");
  const std::string other = GivenFiled(*s, "030 7654321", "DE", "O-4712", "X-9");
  const std::vector<std::string> queries = {
      "customer_contact: '+49 30 1234567'", "order_ref: 'O-4711'", "external_ref: 'X-9'",
      "customer_contact: '030 7654321' market: 'DE'", "customer_ref: 'cust-1'"};
  std::vector<Ids> before;
  for (const std::string& query : queries) before.push_back(Found(*s, query));
  s->Stop();
  std::filesystem::remove_all(s->dir.Sub("views"));
  s->Start();
  for (size_t i = 0; i < queries.size(); ++i) {
    CAPTURE(queries[i]);
    CHECK(Found(*s, absl::StrCat(queries[i], " min_position: ", s->log->HeadPosition())) == before[i]);
  }
  CHECK(before == std::vector<Ids>{{berlin}, {berlin}, {other}, {other}, {other, berlin}});
}

TEST_CASE("roles that do not see contact data may not search by it, the others may", "[find]") {
  std::unique_ptr<TestServer> s = SecuredServer();
  GivenFiled(*s, "030 1234567", "DE", "O-1");
  for (const char* role : {"dashboard", "department", "internal"}) {
    INFO(role);
    v1::ListComplaintsResponse page;
    const grpc::Status denied = ListAs(*s, TokenOf(role), "customer_contact: '+49 30 1234567'", &page);
    CHECK(denied.error_code() == grpc::StatusCode::PERMISSION_DENIED);
    CHECK(absl::StrContains(denied.error_message(), "customer_contact"));
    // The references are no contact data.
    CHECK(ListAs(*s, TokenOf(role), "order_ref: 'O-1'", &page).ok());
  }
  for (const char* role : {"agent", "superhero", "auditor"}) {
    INFO(role);
    v1::ListComplaintsResponse page;
    CHECK(ListAs(*s, TokenOf(role), "customer_contact: '+49 30 1234567'", &page).ok());
    CHECK(page.complaints_size() == 1);
  }
}

TEST_CASE("a contact that cannot be read as a phone number is an invalid argument naming customer_contact",
          "[find]") {
  std::unique_ptr<TestServer> s = SecuredServer();
  for (const char* text : {"customer_contact: '030 1234567'",  // national, without a market
                           "customer_contact: '12' market: 'DE'",
                           "customer_contact: '   '"}) {
    INFO(text);
    v1::ListComplaintsResponse page;
    const grpc::Status status = ListAs(*s, kAgent, text, &page);
    CHECK(status.error_code() == grpc::StatusCode::INVALID_ARGUMENT);
    CHECK(absl::StartsWith(status.error_message(), "customer_contact:"));
  }
  for (const char* field : {"order_ref", "external_ref", "customer_contact", "market"}) {
    INFO(field);
    v1::ListComplaintsResponse page;
    const grpc::Status status =
        ListAs(*s, kAgent, absl::StrCat(field, ": '", std::string(201, '1'), "'"), &page);
    CHECK(status.error_code() == grpc::StatusCode::INVALID_ARGUMENT);
    CHECK(absl::StartsWith(status.error_message(), field));
  }
}

}  // namespace
}  // namespace closedloop
