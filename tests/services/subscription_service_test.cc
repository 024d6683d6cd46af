// Consumer groups through a real server: resuming from the acknowledged position after a
// disconnect and a restart, independent groups, and each role receiving exactly the events of
// the cases it may read, redacted as it reads them.
#include <catch2/catch.hpp>

#include <set>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "tests/services/secured_server.h"

namespace closedloop {
namespace {

using namespace testing;  // NOLINT: the API test helpers
using CS = v1::ComplaintService::Stub;
using SS = v1::SubscriptionService::Stub;

// What one stream delivered up to its caught_up marker.
struct Drained {
  std::vector<v1::DeliveredEvent> events;
  v1::GroupCaughtUp caught_up;
  std::vector<uint64_t> Ids() const {
    std::vector<uint64_t> ids;
    for (const auto& e : events) ids.push_back(e.id());
    return ids;
  }
};

// Opens `group` as `token` and reads until the stream has caught up, then hangs up.
Drained Drain(TestServer& s, const std::string& token, const std::string& group,
              const std::string& more = "") {
  grpc::ClientContext context;
  Authenticate(context, token);
  auto reader = s.subscriptions->SubscribeGroup(
      &context, Msg<v1::SubscribeGroupRequest>(absl::StrCat("group: '", group, "' ", more)));
  Drained drained;
  v1::SubscribeGroupResponse message;
  while (reader->Read(&message)) {
    if (message.has_caught_up()) {
      drained.caught_up = message.caught_up();
      context.TryCancel();
      reader->Finish().ok();
      return drained;
    }
    drained.events.push_back(message.event());
  }
  const grpc::Status status = reader->Finish();
  FAIL("the stream ended before catching up: " << status.error_message());
  return drained;
}

uint64_t Ack(TestServer& s, const std::string& token, const std::string& group, uint64_t position) {
  return OkAs(token, *s.subscriptions, &SS::Acknowledge,
              Msg<v1::AcknowledgeRequest>(absl::StrCat("group: '", group, "' position: ", position)))
      .acknowledged_position();
}

std::string File(TestServer& s, const std::string& token, const std::string& channel = "CHANNEL_WEB") {
  return OkAs(token, *s.complaints, &CS::FileComplaint,
              Msg<v1::FileComplaintRequest>(absl::StrCat(
                  "complaint { channel: ", channel, " kind: ITEM_KIND_COMPLAINT customer_ref: 'c-1' "
                  "customer_contact: 'mia@example.com' market: 'DE' text: 'The sofa leg broke.' }")))
      .complaint_id();
}

uint64_t Comment(TestServer& s, const std::string& id, const std::string& visibility) {
  return OkAs(TokenOf("superhero"), *s.complaints, &CS::AddComment,
              Cmd<v1::AddCommentRequest>(absl::StrCat("visibility: ", visibility,
                                                      " author: 'anna' text: 'note'"),
                                         id))
      .position();
}

uint64_t OpenTask(TestServer& s, const std::string& id, const std::string& department) {
  return OkAs(TokenOf("superhero"), *s.complaints, &CS::OpenTask,
              Cmd<v1::OpenTaskRequest>(
                  absl::StrCat("department: '", department, "' description: 'check' due { seconds: ",
                               absl::ToUnixSeconds(s.clock.Now() + absl::Hours(8)), " }"),
                  id))
      .position();
}

// Every event of the log, as an auditor reads it.
std::vector<v1::RecordedEvent> WholeLog(TestServer& s) {
  v1::ReadAllResponse page = OkAs(TokenOf("auditor"), *s.audit, &v1::AuditService::Stub::ReadAll,
                                  Msg<v1::ReadAllRequest>("page_size: 1000"));
  REQUIRE(page.events_size() < 1000);
  return {page.events().begin(), page.events().end()};
}

TEST_CASE("a consumer group resumes after its acknowledged position, after a disconnect and after a restart",
          "[subscriptions]") {
  auto s = SecuredServer();
  const std::string hero = TokenOf("superhero");
  File(*s, TokenOf("integrator"));
  File(*s, TokenOf("integrator"));
  const Drained first = Drain(*s, hero, "crm");
  REQUIRE(first.events.size() >= 2);
  CHECK(first.caught_up.resumed_after() == 0);
  CHECK(first.caught_up.head_position() == s->log->HeadPosition());
  // Ids are the log's positions, increasing.
  for (size_t i = 1; i < first.events.size(); ++i) CHECK(first.events[i].id() > first.events[i - 1].id());

  // Nothing acknowledged: the next stream delivers the same events again, with the same ids.
  CHECK(Drain(*s, hero, "crm").Ids() == first.Ids());

  const uint64_t middle = first.events[first.events.size() / 2].id();
  CHECK(Ack(*s, hero, "crm", middle) == middle);
  // An older acknowledgement never moves the group back.
  CHECK(Ack(*s, hero, "crm", 1) == middle);
  File(*s, TokenOf("integrator"));
  const Drained resumed = Drain(*s, hero, "crm");
  REQUIRE_FALSE(resumed.events.empty());
  CHECK(resumed.caught_up.resumed_after() == middle);
  CHECK(resumed.events.front().id() == middle + 1);
  CHECK(resumed.events.back().id() == s->log->HeadPosition());

  s->Stop();
  s->Start();
  const Drained restarted = Drain(*s, hero, "crm");
  CHECK(restarted.caught_up.resumed_after() == middle);
  CHECK(restarted.Ids() == resumed.Ids());
}

TEST_CASE("consumer groups are independent, also of another principal's group of the same name",
          "[subscriptions]") {
  auto s = SecuredServer();
  File(*s, TokenOf("integrator"));
  const uint64_t head = s->log->HeadPosition();
  Drain(*s, TokenOf("superhero"), "sync");
  Ack(*s, TokenOf("superhero"), "sync", head);
  CHECK(Drain(*s, TokenOf("superhero"), "sync").events.empty());
  // Another group of the same principal, and the same group name of another principal.
  CHECK(Drain(*s, TokenOf("superhero"), "reports").events.size() == Drain(*s, TokenOf("agent"), "sync").events.size());
  CHECK_FALSE(Drain(*s, TokenOf("agent"), "sync").events.empty());
}

TEST_CASE("a new group starts where it asks, and keeps that start until it acknowledges", "[subscriptions]") {
  auto s = SecuredServer();
  File(*s, TokenOf("integrator"));
  const uint64_t head = s->log->HeadPosition();
  const std::string from_now = absl::StrCat("start_position: ", head + 1);
  CHECK(Drain(*s, TokenOf("superhero"), "live", from_now).events.empty());
  File(*s, TokenOf("integrator"));
  // The group exists now: its start is kept, whatever a later request asks.
  const Drained again = Drain(*s, TokenOf("superhero"), "live", "start_position: 1");
  REQUIRE_FALSE(again.events.empty());
  CHECK(again.events.front().id() == head + 1);
  CHECK(again.caught_up.resumed_after() == head);
}

TEST_CASE("a stream goes on live after catching up", "[subscriptions]") {
  auto s = SecuredServer();
  grpc::ClientContext context;
  Authenticate(context, TokenOf("dashboard"));
  auto reader = s->subscriptions->SubscribeGroup(&context, Msg<v1::SubscribeGroupRequest>("group: 'wall'"));
  v1::SubscribeGroupResponse message;
  REQUIRE(reader->Read(&message));
  REQUIRE(message.has_caught_up());
  const std::string id = File(*s, TokenOf("integrator"));
  REQUIRE(reader->Read(&message));
  REQUIRE(message.has_event());
  CHECK(message.event().type() == "complaint.filed");
  CHECK(message.event().summary().complaint_id() == id);
  CHECK(message.event().complaint().filed().customer_contact().empty());  // a dashboard's
  context.TryCancel();
  reader->Finish().ok();
}

TEST_CASE("each role receives exactly the events of the cases it may read, redacted as it reads them",
          "[subscriptions]") {
  auto s = SecuredServer();
  const std::string webshop_case = File(*s, TokenOf("integrator"));
  const std::string app_case = File(*s, "token-for-app", "CHANNEL_APP");
  OpenTask(*s, webshop_case, "warehouse");
  OpenTask(*s, app_case, "delivery");
  Comment(*s, webshop_case, "VISIBILITY_INTERNAL");
  Comment(*s, webshop_case, "VISIBILITY_PUBLIC");
  const std::vector<v1::RecordedEvent> log = WholeLog(*s);

  // The reference: which cases' streams each receives, and whether internal comments.
  auto expected = [&](const std::set<std::string>& cases, bool internal_comments) {
    std::vector<uint64_t> ids;
    for (const v1::RecordedEvent& e : log) {
      if (!absl::StartsWith(e.stream(), "complaint-")) continue;
      if (!cases.contains(e.stream().substr(std::string("complaint-").size()))) continue;
      if (e.type() == "complaint.comment_added" && !internal_comments) {
        v1::ComplaintEvent event;
        REQUIRE(event.ParseFromString(e.payload()));
        if (event.comment_added().visibility() != v1::VISIBILITY_PUBLIC) continue;
      }
      ids.push_back(e.position());
    }
    return ids;
  };
  auto contacts = [](const Drained& d) {
    int n = 0;
    for (const auto& e : d.events) n += !e.complaint().filed().customer_contact().empty();
    return n;
  };
  const std::set<std::string> both = {webshop_case, app_case};

  const Drained webshop = Drain(*s, TokenOf("integrator"), "g");
  CHECK(webshop.Ids() == expected({webshop_case}, false));
  CHECK(contacts(webshop) == 1);
  const Drained app = Drain(*s, "token-for-app", "g");
  CHECK(app.Ids() == expected({app_case}, false));

  const Drained warehouse = Drain(*s, TokenOf("department"), "g");
  CHECK(warehouse.Ids() == expected({webshop_case}, true));
  CHECK(contacts(warehouse) == 0);
  const Drained delivery = Drain(*s, "token-for-delivery", "g");
  CHECK(delivery.Ids() == expected({app_case}, true));

  const Drained dashboard = Drain(*s, TokenOf("dashboard"), "g");
  CHECK(dashboard.Ids() == expected(both, true));
  CHECK(contacts(dashboard) == 0);
  const Drained hero = Drain(*s, TokenOf("superhero"), "g");
  CHECK(hero.Ids() == expected(both, true));
  CHECK(contacts(hero) == 2);

  // Filters narrow further: by type, and by the case's channel.
  const Drained filings = Drain(*s, TokenOf("superhero"), "filings",
                                "filter { event_types: 'complaint.filed' channels: CHANNEL_APP }");
  REQUIRE(filings.events.size() == 1);
  CHECK(filings.events[0].summary().complaint_id() == app_case);
}

TEST_CASE("bad group requests get a precise error", "[subscriptions]") {
  auto s = SecuredServer();
  const std::string hero = TokenOf("superhero");
  auto subscribe_error = [&](const std::string& token, const std::string& request) {
    grpc::ClientContext context;
    Authenticate(context, token);
    auto reader = s->subscriptions->SubscribeGroup(&context, Msg<v1::SubscribeGroupRequest>(request));
    v1::SubscribeGroupResponse message;
    while (reader->Read(&message)) {
    }
    return reader->Finish();
  };
  grpc::Status bad_name = subscribe_error(hero, "group: 'a/b'");
  CHECK(bad_name.error_code() == grpc::StatusCode::INVALID_ARGUMENT);
  CHECK(absl::StartsWith(bad_name.error_message(), "group:"));
  CHECK(subscribe_error(hero, "").error_code() == grpc::StatusCode::INVALID_ARGUMENT);
  grpc::Status bad_channel = subscribe_error(hero, "group: 'g' filter { channels: CHANNEL_UNSPECIFIED }");
  CHECK(bad_channel.error_code() == grpc::StatusCode::INVALID_ARGUMENT);
  CHECK(absl::StartsWith(bad_channel.error_message(), "filter.channels[0]"));
  CHECK(subscribe_error(hero, "group: 'g' start_position: 99").error_code() ==
        grpc::StatusCode::OUT_OF_RANGE);
  CHECK(subscribe_error(TokenOf("admin"), "group: 'g'").error_code() ==
        grpc::StatusCode::PERMISSION_DENIED);
  CHECK(subscribe_error("", "group: 'g'").error_code() == grpc::StatusCode::UNAUTHENTICATED);

  v1::AcknowledgeResponse response;
  grpc::Status unknown = CallAs(hero, *s->subscriptions, &SS::Acknowledge,
                                Msg<v1::AcknowledgeRequest>("group: 'never' position: 0"), &response);
  CHECK(unknown.error_code() == grpc::StatusCode::NOT_FOUND);
  Drain(*s, hero, "g");
  grpc::Status past = CallAs(hero, *s->subscriptions, &SS::Acknowledge,
                             Msg<v1::AcknowledgeRequest>("group: 'g' position: 99"), &response);
  CHECK(past.error_code() == grpc::StatusCode::OUT_OF_RANGE);
  // Another principal's group of that name does not exist for this one.
  grpc::Status other = CallAs(TokenOf("agent"), *s->subscriptions, &SS::Acknowledge,
                              Msg<v1::AcknowledgeRequest>("group: 'g' position: 0"), &response);
  CHECK(other.error_code() == grpc::StatusCode::NOT_FOUND);
}

}  // namespace
}  // namespace closedloop
