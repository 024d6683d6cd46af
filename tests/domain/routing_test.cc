// Routing: given a directory and the owners' open cases, when an item is routed, then the team,
// the rule that matched and the owner are decided, or the directory is shown to be unable to.
#include <string>
#include <utility>
#include <vector>

#include <catch2/catch.hpp>

#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "closedloop/v1/complaint.pb.h"
#include "closedloop/v1/policy.pb.h"
#include "domain/routing.h"
#include "google/protobuf/text_format.h"

namespace closedloop::domain {
namespace {

// Text format keeps each test's directory readable next to its expectations.
v1::Directory ParseDirectory(const std::string& text) {
  v1::Directory directory;
  REQUIRE(google::protobuf::TextFormat::ParseFromString(text, &directory));
  return directory;
}

v1::Filed ParseFiled(const std::string& text) {
  v1::Filed item;
  REQUIRE(google::protobuf::TextFormat::ParseFromString(text, &item));
  return item;
}

// A realistic directory: a red-button team, specialised rules and a catch-all last.
const char kDirectory[] = R"pb(
  teams { name: "red" members: "rita" members: "ruben" red_button: true }
  teams { name: "social" members: "sam" }
  teams { name: "cross-border" members: "chloe" members: "carl" }
  teams { name: "german-delivery" members: "dora" }
  teams { name: "support" members: "bob" members: "alice" members: "carol" }
  departments { name: "logistics" responsible: "lena" escalation_chain: "dir-ops" }
  departments { name: "stores" responsible: "stan" }
  routing_rules { name: "public-posts" channel: CHANNEL_SOCIAL team: "social" }
  routing_rules { name: "de-to-fr" seller_country: "DE" buyer_country: "FR" team: "cross-border" }
  routing_rules {
    name: "german-delivery" category: "delivery" language: "de" team: "german-delivery"
  }
  routing_rules { name: "everything-else" team: "support" }
)pb";

const char kWebComplaint[] = R"pb(
  complaint_id: "c-1" channel: CHANNEL_WEB kind: ITEM_KIND_COMPLAINT market: "eu"
  site: "shop.example" seller_country: "DE" buyer_country: "DE" language: "en"
)pb";

TEST_CASE("Given two matching rules, when routing, then the first one wins and is named",
          "[routing]") {
  v1::Filed item = ParseFiled(kWebComplaint);
  item.set_channel(v1::CHANNEL_SOCIAL);

  auto decision = Route(item, "delivery", ParseDirectory(kDirectory), {});

  REQUIRE(decision.ok());
  CHECK(decision->team == "social");
  CHECK(decision->rule == "public-posts");
  CHECK(decision->owner == "sam");
}

TEST_CASE("Given a cross-border rule, when the seller and buyer countries match, then it routes "
          "there, whatever the case of the codes",
          "[routing]") {
  const v1::Directory directory = ParseDirectory(kDirectory);
  v1::Filed item = ParseFiled(kWebComplaint);
  item.set_seller_country("de");
  item.set_buyer_country("Fr");

  auto cross_border = Route(item, "", directory, {});
  REQUIRE(cross_border.ok());
  CHECK(cross_border->team == "cross-border");
  CHECK(cross_border->rule == "de-to-fr");

  // The reverse direction is another kind of case and is not caught by the rule.
  item.set_seller_country("FR");
  item.set_buyer_country("DE");
  auto reverse = Route(item, "", directory, {});
  REQUIRE(reverse.ok());
  CHECK(reverse->rule == "everything-else");
}

TEST_CASE("Given a language and category rule, when both match, then it decides, when either "
          "differs, then the catch-all does",
          "[routing]") {
  const v1::Directory directory = ParseDirectory(kDirectory);
  v1::Filed item = ParseFiled(kWebComplaint);
  item.set_language("DE");

  auto german_delivery = Route(item, "delivery", directory, {});
  REQUIRE(german_delivery.ok());
  CHECK(german_delivery->team == "german-delivery");
  CHECK(german_delivery->rule == "german-delivery");
  CHECK(german_delivery->owner == "dora");

  // Categories are codes chosen at triage, compared exactly.
  auto other_category = Route(item, "Delivery", directory, {});
  REQUIRE(other_category.ok());
  CHECK(other_category->rule == "everything-else");

  item.set_language("en");
  auto other_language = Route(item, "delivery", directory, {});
  REQUIRE(other_language.ok());
  CHECK(other_language->rule == "everything-else");
}

TEST_CASE("Given rules on channel and kind, when routing, then unspecified matches any and a "
          "set value only its own",
          "[routing]") {
  const v1::Directory directory = ParseDirectory(R"pb(
    teams { name: "ideas" members: "ian" }
    teams { name: "support" members: "sue" }
    routing_rules { name: "store-ideas" channel: CHANNEL_STORE kind: ITEM_KIND_RECOMMENDATION
                    team: "ideas" }
    routing_rules { name: "rest" team: "support" }
  )pb");
  v1::Filed item = ParseFiled(kWebComplaint);
  item.set_channel(v1::CHANNEL_STORE);
  item.set_kind(v1::ITEM_KIND_RECOMMENDATION);
  auto idea = Route(item, "", directory, {});
  REQUIRE(idea.ok());
  CHECK(idea->rule == "store-ideas");

  item.set_kind(v1::ITEM_KIND_COMPLAINT);
  auto complaint = Route(item, "", directory, {});
  REQUIRE(complaint.ok());
  CHECK(complaint->rule == "rest");
}

TEST_CASE("Given members with different loads, when routing, then the one with the fewest open "
          "cases owns it",
          "[routing]") {
  const OpenCaseLoad load = {{"alice", 4}, {"bob", 2}, {"carol", 3}, {"sam", 0}};

  auto decision = Route(ParseFiled(kWebComplaint), "", ParseDirectory(kDirectory), load);

  REQUIRE(decision.ok());
  CHECK(decision->team == "support");
  CHECK(decision->owner == "bob");
}

TEST_CASE("Given members with equal loads, when routing, then the smallest name owns it, and a "
          "member missing from the load counts as having none",
          "[routing]") {
  const v1::Directory directory = ParseDirectory(kDirectory);
  const v1::Filed item = ParseFiled(kWebComplaint);

  // Members are listed bob, alice, carol: the order of the list must not matter.
  auto all_idle = Route(item, "", directory, {});
  REQUIRE(all_idle.ok());
  CHECK(all_idle->owner == "alice");

  auto tie = Route(item, "", directory, {{"alice", 2}, {"bob", 1}, {"carol", 1}});
  REQUIRE(tie.ok());
  CHECK(tie->owner == "bob");

  auto missing = Route(item, "", directory, {{"alice", 1}, {"bob", 1}});
  REQUIRE(missing.ok());
  CHECK(missing->owner == "carol");
}

TEST_CASE("Given a red-button item, when routing, then it goes to the red-button team whatever "
          "the ordinary rules say",
          "[routing]") {
  // Even a catch-all first rule must not capture an emergency.
  const v1::Directory directory = ParseDirectory(R"pb(
    teams { name: "support" members: "sue" }
    teams { name: "red" members: "rita" members: "ruben" red_button: true }
    routing_rules { name: "catch-all-first" team: "support" }
  )pb");
  v1::Filed item = ParseFiled(kWebComplaint);
  item.set_channel(v1::CHANNEL_RED_BUTTON);

  auto decision = Route(item, "", directory, {{"rita", 3}, {"ruben", 1}});

  REQUIRE(decision.ok());
  CHECK(decision->team == "red");
  CHECK(decision->rule == kRedButtonRule);
  CHECK(decision->rule == "red-button");
  CHECK(decision->owner == "ruben");
}

TEST_CASE("Given no red-button team, when a red-button item is routed, then it is refused rather "
          "than sent to ordinary support",
          "[routing]") {
  const v1::Directory directory = ParseDirectory(R"pb(
    teams { name: "support" members: "sue" }
    routing_rules { name: "rest" team: "support" }
  )pb");
  v1::Filed item = ParseFiled(kWebComplaint);
  item.set_channel(v1::CHANNEL_RED_BUTTON);

  auto decision = Route(item, "", directory, {});

  REQUIRE(decision.status().code() == absl::StatusCode::kFailedPrecondition);
  CHECK(decision.status().message() == "no red-button team is configured");
}

TEST_CASE("Given no rule matches, when routing, then FAILED_PRECONDITION describes the item",
          "[routing]") {
  const v1::Directory directory = ParseDirectory(R"pb(
    teams { name: "social" members: "sam" }
    routing_rules { name: "public-posts" channel: CHANNEL_SOCIAL team: "social" }
  )pb");

  auto decision = Route(ParseFiled(kWebComplaint), "billing", directory, {});

  REQUIRE(decision.status().code() == absl::StatusCode::kFailedPrecondition);
  const std::string message(decision.status().message());
  CHECK(absl::StartsWith(message, "no routing rule matches"));
  CHECK(absl::StrContains(message, "CHANNEL_WEB"));
  CHECK(absl::StrContains(message, "category \"billing\""));
}

TEST_CASE("Given the matching rule's team has no members, when routing, then FAILED_PRECONDITION "
          "names the team",
          "[routing]") {
  const v1::Directory directory = ParseDirectory(R"pb(
    teams { name: "empty" }
    routing_rules { name: "rest" team: "empty" }
  )pb");

  auto decision = Route(ParseFiled(kWebComplaint), "", directory, {});

  REQUIRE(decision.status().code() == absl::StatusCode::kFailedPrecondition);
  CHECK(absl::StrContains(decision.status().message(), "\"empty\""));
}

TEST_CASE("Given a misconfigured matching rule, when routing, then FAILED_PRECONDITION names the "
          "rule",
          "[routing]") {
  SECTION("the rule names a team that does not exist") {
    auto decision = Route(ParseFiled(kWebComplaint), "",
                          ParseDirectory(R"pb(routing_rules { name: "rest" team: "ghosts" })pb"),
                          {});
    REQUIRE(decision.status().code() == absl::StatusCode::kFailedPrecondition);
    CHECK(absl::StrContains(decision.status().message(), "\"rest\""));
    CHECK(absl::StrContains(decision.status().message(), "\"ghosts\""));
  }
  SECTION("the rule sends ordinary items to the red-button team") {
    auto decision = Route(ParseFiled(kWebComplaint), "", ParseDirectory(R"pb(
      teams { name: "red" members: "rita" red_button: true }
      routing_rules { name: "misrouted" team: "red" }
    )pb"),
                          {});
    REQUIRE(decision.status().code() == absl::StatusCode::kFailedPrecondition);
    CHECK(absl::StrContains(decision.status().message(), "\"misrouted\""));
  }
}

TEST_CASE("Given a directory, when looking up teams and departments by name, then the match or "
          "nullptr is returned",
          "[routing]") {
  const v1::Directory directory = ParseDirectory(kDirectory);
  REQUIRE(FindTeam(directory, "social") != nullptr);
  CHECK(FindTeam(directory, "social")->members(0) == "sam");
  CHECK(FindTeam(directory, "Social") == nullptr);
  REQUIRE(FindDepartment(directory, "logistics") != nullptr);
  CHECK(FindDepartment(directory, "logistics")->responsible() == "lena");
  CHECK(FindDepartment(directory, "finance") == nullptr);
}

TEST_CASE("Given a well-formed directory, when validated, then it is accepted", "[routing]") {
  CHECK(ValidateDirectory(ParseDirectory(kDirectory)).ok());
  CHECK(ValidateDirectory(v1::Directory()).ok());
}

TEST_CASE("Given a malformed directory, when validated, then INVALID_ARGUMENT names the field",
          "[routing]") {
  const std::string base = R"pb(
    teams { name: "red" members: "rita" red_button: true }
    teams { name: "support" members: "sue" members: "sid" }
    departments { name: "logistics" responsible: "lena" escalation_chain: "dir-ops" }
  )pb";
  // Each case: what is appended to the base directory, and the field the error must name.
  const std::vector<std::pair<std::string, std::string>> cases = {
      {R"pb(teams { members: "x" })pb", "teams[2].name: required"},
      {R"pb(teams { name: "support" members: "x" })pb", "teams[2].name: duplicate \"support\""},
      {R"pb(teams { name: "t" })pb", "teams[2].members: required"},
      {R"pb(teams { name: "t" members: "a" members: "" })pb", "teams[2].members[1]: required"},
      {R"pb(teams { name: "t" members: "a" members: "a" })pb",
       "teams[2].members[1]: duplicate \"a\""},
      {R"pb(teams { name: "red2" members: "a" red_button: true })pb", "teams[2].red_button"},
      {R"pb(departments { responsible: "x" })pb", "departments[1].name: required"},
      {R"pb(departments { name: "logistics" responsible: "x" })pb",
       "departments[1].name: duplicate \"logistics\""},
      {R"pb(departments { name: "stores" })pb", "departments[1].responsible: required"},
      {R"pb(departments { name: "stores" responsible: "s" escalation_chain: "d"
                          escalation_chain: "" })pb",
       "departments[1].escalation_chain[1]: required"},
      {R"pb(routing_rules { team: "support" })pb", "routing_rules[0].name: required"},
      {R"pb(routing_rules { name: "r" team: "support" }
            routing_rules { name: "r" team: "support" })pb",
       "routing_rules[1].name: duplicate \"r\""},
      {R"pb(routing_rules { name: "r" })pb", "routing_rules[0].team: required"},
      {R"pb(routing_rules { name: "r" team: "ghosts" })pb", "routing_rules[0].team: no team"},
      {R"pb(routing_rules { name: "r" team: "red" })pb", "routing_rules[0].team: \"red\""},
      {R"pb(routing_rules { name: "r" channel: CHANNEL_RED_BUTTON team: "support" })pb",
       "routing_rules[0].channel"},
      {R"pb(routing_rules { name: "r" channel: 99 team: "support" })pb",
       "routing_rules[0].channel: unknown value 99"},
      {R"pb(routing_rules { name: "r" kind: 42 team: "support" })pb",
       "routing_rules[0].kind: unknown value 42"},
      {"routing_rules { name: \"r\" team: \"support\" market: \"" + std::string(201, 'm') +
           "\" }",
       "routing_rules[0].market: longer than 200 bytes"},
  };
  for (const auto& [addition, field] : cases) {
    INFO(addition);
    const absl::Status status = ValidateDirectory(ParseDirectory(base + addition));
    CHECK(status.code() == absl::StatusCode::kInvalidArgument);
    CHECK_THAT(std::string(status.message()), Catch::Matchers::StartsWith(field));
  }
}

}  // namespace
}  // namespace closedloop::domain
