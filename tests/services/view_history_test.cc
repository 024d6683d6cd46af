// Views hold the case as it stands, not its history: the view store and the lists carry no
// history entries, a stored view does not grow with events that change little of the case, and
// GetComplaint reads the history from the log, the same entries an as-of read folds, scoped
// for each role as the rest of the view.
#include <catch2/catch.hpp>

#include <string>

#include "absl/strings/str_cat.h"
#include "google/protobuf/util/message_differencer.h"
#include "services/projections/complaint_lookup.h"
#include "services/projections/projections.h"
#include "tests/services/api_test_util.h"
#include "tests/services/secured_server.h"

namespace closedloop {
namespace {

using namespace testing;  // NOLINT: the API test helpers
using CS = v1::ComplaintService::Stub;
using QS = v1::QueryService::Stub;
using google::protobuf::util::MessageDifferencer;

std::string FileCase(TestServer& s) {
  return Ok(*s.complaints, &CS::FileComplaint,
            Msg<v1::FileComplaintRequest>(
                "complaint { channel: CHANNEL_HOTLINE kind: ITEM_KIND_COMPLAINT customer_ref: 'cust-9' "
                "customer_contact: '+49 30 1234567' text: 'The kettle leaks.' }"))
      .complaint_id();
}

// Records a customer contact that did not reach the customer: one event that changes only a
// counter and a time of the case. Its response.
v1::CommandResponse NoAnswer(TestServer& s, const std::string& id) {
  return Ok(*s.complaints, &CS::RecordCustomerContact,
            Cmd<v1::RecordCustomerContactRequest>(
                "method: CONTACT_METHOD_PHONE outcome: CONTACT_OUTCOME_NO_ANSWER summary: 'rang'", id));
}

// The view of complaint `id` as the view store holds it: the server is stopped to read the
// store's RocksDB directly, then started again.
std::string StoredView(TestServer& s, const std::string& id) {
  s.Stop();
  std::string stored;
  {
    absl::StatusOr<std::unique_ptr<storage::ViewStore>> store =
        storage::ViewStore::Open(s.dir.Sub("views"), services::Projections::Format());
    REQUIRE(store.ok());
    REQUIRE((*store)
                ->ForEach([&](absl::string_view key, absl::string_view value) {
                  if (key == services::ProjectionState::ComplaintKey(id)) stored = std::string(value);
                })
                .ok());
  }
  s.Start();
  REQUIRE_FALSE(stored.empty());
  return stored;
}

v1::ComplaintView GetAs(TestServer& s, const std::string& token, const std::string& id,
                        const std::string& more = "") {
  return OkAs(token, *s.queries, &QS::GetComplaint,
              Msg<v1::GetComplaintRequest>(absl::StrCat("complaint_id: '", id, "' ", more)));
}

TEST_CASE("a stored view holds no history, and GetComplaint returns every event as an as-of read at the head does",
          "[views]") {
  TestServer s;
  const std::string id = FileCase(s);
  NoAnswer(s, id);
  Ok(*s.complaints, &CS::AddComment,
     Cmd<v1::AddCommentRequest>("visibility: VISIBILITY_INTERNAL author: 'anna' text: 'asked the driver'", id));
  const v1::CommandResponse last = NoAnswer(s, id);

  const v1::ComplaintView now = View(s, id, last.position());
  const v1::ComplaintView at_head =
      Ok(*s.queries, &QS::GetComplaint,
         Msg<v1::GetComplaintRequest>(absl::StrCat("complaint_id: '", id, "' as_of_position: ", last.position())));
  // History and state agree with a fold of the stream: the whole view, entry for entry.
  REQUIRE(now.revision() == last.revision());
  REQUIRE(now.history_size() == static_cast<int>(now.revision()));
  CHECK(MessageDifferencer::Equals(now, at_head));
  CHECK(now.history(0).type() == "complaint.filed");
  CHECK(now.history(0).revision() == 1);
  CHECK(now.history(now.history_size() - 1).type() == "complaint.customer_contacted");
  CHECK(now.history(now.history_size() - 1).position() == last.position());

  // The history stops at the view's revision even when the log holds more of the case.
  v1::ComplaintView behind = now;
  behind.set_revision(2);
  REQUIRE(services::AddHistory(*s.log, behind).ok());
  REQUIRE(behind.history_size() == 2);
  CHECK(MessageDifferencer::Equals(behind.history(1), now.history(1)));

  // What the store holds is the same case without its history.
  v1::ComplaintView stored;
  REQUIRE(stored.ParseFromString(StoredView(s, id)));
  CHECK(stored.history_size() == 0);
  v1::ComplaintView expected = now;
  expected.clear_history();
  CHECK(MessageDifferencer::Equals(stored, expected));
  // And after the restart GetComplaint still reads the full history from the log.
  CHECK(MessageDifferencer::Equals(View(s, id, last.position()), now));
}

TEST_CASE("a stored view does not grow with events that change only a counter of the case", "[views]") {
  TestServer s;
  const std::string id = FileCase(s);
  NoAnswer(s, id);
  const size_t before = StoredView(s, id).size();
  v1::CommandResponse last;
  for (int i = 0; i < 200; ++i) last = NoAnswer(s, id);
  View(s, id, last.position());  // the views hold every attempt
  const std::string after = StoredView(s, id);
  v1::ComplaintView stored;
  REQUIRE(stored.ParseFromString(after));
  CHECK(stored.contact_attempts() == 201);
  // A larger counter, revision and position take a few bytes more; a history entry per event
  // would take some 15 KB.
  INFO("stored view: " << before << " bytes, then " << after.size());
  CHECK(after.size() <= before + 16);
  // GetComplaint still has every event.
  const v1::ComplaintView now = View(s, id, last.position());
  CHECK(now.revision() == last.revision());
  CHECK(now.history_size() == static_cast<int>(now.revision()));
  CHECK(now.history_size() >= 202);
}

TEST_CASE("ListComplaints returns views without history", "[views]") {
  TestServer s;
  const std::string id = FileCase(s);
  const v1::CommandResponse last = NoAnswer(s, id);
  const v1::ListComplaintsResponse list =
      Ok(*s.queries, &QS::ListComplaints,
         Msg<v1::ListComplaintsRequest>(absl::StrCat("min_position: ", last.position())));
  REQUIRE(list.complaints_size() == 1);
  CHECK(list.complaints(0).complaint_id() == id);
  CHECK(list.complaints(0).revision() == last.revision());
  CHECK(list.complaints(0).history_size() == 0);
  CHECK(View(s, id).history_size() == static_cast<int>(last.revision()));
}

TEST_CASE("every role that may read a case gets its whole history, with the view scoped as before",
          "[views]") {
  std::unique_ptr<TestServer> s = SecuredServer();
  const std::string integrator = TokenOf("integrator");
  const std::string id =
      OkAs(integrator, *s->complaints, &CS::FileComplaint,
           Msg<v1::FileComplaintRequest>(
               "complaint { channel: CHANNEL_WEB kind: ITEM_KIND_COMPLAINT customer_ref: 'cust-1' "
               "customer_contact: 'mia@example.com' text: 'The sofa leg broke.' }"))
          .complaint_id();
  const v1::CommandResponse last =
      OkAs(TokenOf("superhero"), *s->complaints, &CS::AddComment,
           Cmd<v1::AddCommentRequest>("visibility: VISIBILITY_INTERNAL author: 'anna' text: 'dropped'", id));
  const std::string at = absl::StrCat("min_position: ", last.position());
  const v1::ComplaintView full = GetAs(*s, TokenOf("superhero"), id, at);
  REQUIRE(full.history_size() == static_cast<int>(full.revision()));
  CHECK(full.history(0).actor().principal() == "system:webshop");
  CHECK(full.comments_size() == 1);

  // The integrator that filed it: no internal comment, but the history of every event, as before.
  const v1::ComplaintView filer = GetAs(*s, integrator, id, at);
  CHECK(filer.comments_size() == 0);
  CHECK(filer.filing().customer_contact() == "mia@example.com");
  REQUIRE(filer.history_size() == full.history_size());
  for (int i = 0; i < full.history_size(); ++i) {
    CHECK(MessageDifferencer::Equals(filer.history(i), full.history(i)));
  }
  // A dashboard: no contact data, the same history.
  const v1::ComplaintView dashboard = GetAs(*s, TokenOf("dashboard"), id, at);
  CHECK(dashboard.filing().customer_contact().empty());
  CHECK(dashboard.history_size() == full.history_size());
  // Another integrator learns nothing, history included.
  v1::ComplaintView other;
  const grpc::Status denied =
      CallAs("token-for-app", *s->queries, &QS::GetComplaint,
             Msg<v1::GetComplaintRequest>(absl::StrCat("complaint_id: '", id, "'")), &other);
  CHECK(denied.error_code() == grpc::StatusCode::NOT_FOUND);
  CHECK(other.history_size() == 0);
}

}  // namespace
}  // namespace closedloop
