// SLA policy: which rule applies to a case, and when its deadlines fall.
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include <catch2/catch.hpp>

#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "domain/sla_policy.h"

namespace closedloop::domain {
namespace {

absl::Time Berlin(int year, int month, int day, int hour, int minute) {
  absl::TimeZone zone;
  REQUIRE(absl::LoadTimeZone("Europe/Berlin", &zone));
  return absl::FromCivil(absl::CivilMinute(year, month, day, hour, minute), zone);
}

google::protobuf::Duration ProtoHours(int64_t hours) {
  google::protobuf::Duration out;
  out.set_seconds(hours * 3600);
  return out;
}

v1::SlaRule Rule(const std::string& name, v1::Channel channel, int first_contact_hours) {
  v1::SlaRule rule;
  rule.set_name(name);
  rule.set_channel(channel);
  *rule.mutable_targets()->mutable_first_contact() = ProtoHours(first_contact_hours);
  return rule;
}

// The default policy plus a Mon-Fri 09:00-18:00 calendar for market "DE".
v1::SlaPolicy PolicyWithGermanCalendar() {
  v1::SlaPolicy policy = DefaultSlaPolicy();
  v1::BusinessCalendar& de = (*policy.mutable_calendars())["DE"];
  de.set_time_zone("Europe/Berlin");
  for (int weekday = 1; weekday <= 5; ++weekday) {
    v1::BusinessDay* day = de.add_days();
    day->set_weekday(weekday);
    day->set_open_minute(9 * 60);
    day->set_close_minute(18 * 60);
  }
  return policy;
}

TEST_CASE(
    "Given the default policy, when a red-button complaint comes in, then first contact is "
    "due in 15 minutes",
    "[sla]") {
  const SlaTargets targets = TargetsFor(DefaultSlaPolicy(), v1::CHANNEL_RED_BUTTON,
                                        v1::ITEM_KIND_COMPLAINT, v1::SEVERITY_NORMAL);
  CHECK(targets.rule == "red-button");
  CHECK(targets.first_contact == absl::Minutes(15));
  CHECK(targets.resolution == absl::Hours(24));
  CHECK(targets.task_response == absl::Hours(2));
  CHECK(targets.customer_update == absl::Hours(12));
  CHECK(targets.warn_at_fraction == 0.75);
}

TEST_CASE(
    "Given the default policy, when a complaint is posted on a social network, then it "
    "takes the fast track",
    "[sla]") {
  const SlaTargets social = TargetsFor(DefaultSlaPolicy(), v1::CHANNEL_SOCIAL,
                                       v1::ITEM_KIND_COMPLAINT, v1::SEVERITY_NORMAL);
  const SlaTargets hotline = TargetsFor(DefaultSlaPolicy(), v1::CHANNEL_HOTLINE,
                                        v1::ITEM_KIND_COMPLAINT, v1::SEVERITY_NORMAL);
  CHECK(social.rule == "social-fast-track");
  CHECK(social.first_contact == absl::Hours(1));
  CHECK(hotline.rule == "complaint");
  CHECK(hotline.first_contact == absl::Hours(2));
  CHECK(*social.first_contact < *hotline.first_contact);
}

TEST_CASE(
    "Given the default policy, when a critical complaint comes in by phone, then it is "
    "resolved within 12 h",
    "[sla]") {
  const SlaTargets targets = TargetsFor(DefaultSlaPolicy(), v1::CHANNEL_HOTLINE,
                                        v1::ITEM_KIND_COMPLAINT, v1::SEVERITY_CRITICAL);
  CHECK(targets.rule == "critical");
  CHECK(targets.first_contact == absl::Hours(1));
  CHECK(targets.resolution == absl::Hours(12));
}

TEST_CASE("Given two matching rules, then the first one wins", "[sla]") {
  v1::SlaPolicy policy;
  policy.set_version("test-1");
  *policy.add_rules() = Rule("web-first", v1::CHANNEL_WEB, 3);
  *policy.add_rules() = Rule("any-channel", v1::CHANNEL_UNSPECIFIED, 5);
  CHECK(TargetsFor(policy, v1::CHANNEL_WEB, v1::ITEM_KIND_COMPLAINT, v1::SEVERITY_LOW).rule ==
        "web-first");
  CHECK(TargetsFor(policy, v1::CHANNEL_EMAIL, v1::ITEM_KIND_COMPLAINT, v1::SEVERITY_LOW).rule ==
        "any-channel");
  // In the defaults, "critical" comes before the social fast track: a critical public post
  // gets 12 h to resolution, an ordinary one the fast track.
  CHECK(TargetsFor(DefaultSlaPolicy(), v1::CHANNEL_SOCIAL, v1::ITEM_KIND_COMPLAINT,
                   v1::SEVERITY_CRITICAL)
            .rule == "critical");
  CHECK(TargetsFor(DefaultSlaPolicy(), v1::CHANNEL_SOCIAL, v1::ITEM_KIND_COMPLAINT,
                   v1::SEVERITY_NORMAL)
            .rule == "social-fast-track");
}

TEST_CASE("Given an empty policy, when a complaint comes in, then the built-in defaults apply",
          "[sla]") {
  const SlaTargets targets = TargetsFor(v1::SlaPolicy(), v1::CHANNEL_HOTLINE,
                                        v1::ITEM_KIND_COMPLAINT, v1::SEVERITY_NORMAL);
  CHECK(targets.rule == kDefaultRuleName);
  CHECK(targets.first_contact == absl::Hours(2));
  CHECK(targets.resolution == absl::Hours(24));
  CHECK(targets.task_response == absl::Hours(4));
  CHECK(targets.customer_update == absl::Hours(24));
  // A policy whose rules all miss falls back the same way.
  v1::SlaPolicy web_only;
  *web_only.add_rules() = Rule("web", v1::CHANNEL_WEB, 3);
  CHECK(TargetsFor(web_only, v1::CHANNEL_RED_BUTTON, v1::ITEM_KIND_COMPLAINT, v1::SEVERITY_LOW)
            .first_contact == absl::Minutes(15));
}

TEST_CASE("Given rules silent on around_the_clock, when targets are looked up, then red-button cases run around the clock and others on the calendar, unless a rule says otherwise",
          "[sla]") {
  v1::SlaPolicy policy;
  *policy.add_rules() = Rule("any", v1::CHANNEL_UNSPECIFIED, 3);
  CHECK(TargetsFor(policy, v1::CHANNEL_RED_BUTTON, v1::ITEM_KIND_COMPLAINT, v1::SEVERITY_LOW)
            .around_the_clock);
  CHECK_FALSE(TargetsFor(policy, v1::CHANNEL_HOTLINE, v1::ITEM_KIND_COMPLAINT, v1::SEVERITY_LOW)
                  .around_the_clock);
  policy.mutable_rules(0)->set_around_the_clock(false);
  CHECK_FALSE(TargetsFor(policy, v1::CHANNEL_RED_BUTTON, v1::ITEM_KIND_COMPLAINT, v1::SEVERITY_LOW)
                  .around_the_clock);
  policy.mutable_rules(0)->set_around_the_clock(true);
  CHECK(TargetsFor(policy, v1::CHANNEL_HOTLINE, v1::ITEM_KIND_COMPLAINT, v1::SEVERITY_LOW)
            .around_the_clock);
  CHECK(DefaultSlaPolicy().rules(0).name() == "red-button");
  CHECK(DefaultSlaPolicy().rules(0).around_the_clock());
}

TEST_CASE(
    "Given the default policy, when a recommendation comes in, then it has an answer "
    "target and no resolution clock",
    "[sla]") {
  const SlaTargets targets = TargetsFor(DefaultSlaPolicy(), v1::CHANNEL_SOCIAL,
                                        v1::ITEM_KIND_RECOMMENDATION, v1::SEVERITY_LOW);
  CHECK(targets.rule == "recommendation");
  CHECK(targets.first_contact == absl::Hours(72));
  CHECK_FALSE(targets.resolution.has_value());
  CHECK_FALSE(targets.task_response.has_value());
  CHECK_FALSE(targets.customer_update.has_value());
  CHECK(targets.warn_at_fraction == 0);
}

TEST_CASE("Given a 24 h target warned at 75 %, then the warning is due after 18 h", "[sla]") {
  const absl::Time filed = Berlin(2026, 1, 9, 17, 0);
  auto deadline = ComputeDeadline(filed, absl::Hours(24), 0.75, DefaultSlaPolicy(), "DE");
  REQUIRE(deadline.ok());
  CHECK(deadline->due == filed + absl::Hours(24));
  REQUIRE(deadline->warn_at.has_value());
  CHECK(*deadline->warn_at == filed + absl::Hours(18));
}

TEST_CASE("Given a warning fraction of 0 or 1, then there is no warning", "[sla]") {
  const absl::Time filed = Berlin(2026, 1, 9, 17, 0);
  for (double fraction : {0.0, 1.0}) {
    auto deadline = ComputeDeadline(filed, absl::Hours(24), fraction, DefaultSlaPolicy(), "DE");
    REQUIRE(deadline.ok());
    CHECK_FALSE(deadline->warn_at.has_value());
  }
}

TEST_CASE(
    "Given a market with a business calendar, when a case is filed on Friday afternoon, "
    "then its deadlines count working hours across the weekend",
    "[sla]") {
  const v1::SlaPolicy policy = PolicyWithGermanCalendar();
  // Friday 16:00 + 4 working hours: 2 h on Friday, 2 h on Monday -> Monday 11:00. The warning
  // at 75 % (3 h) -> Monday 10:00.
  auto deadline = ComputeDeadline(Berlin(2026, 1, 9, 16, 0), absl::Hours(4), 0.75, policy, "DE");
  REQUIRE(deadline.ok());
  CHECK(deadline->due == Berlin(2026, 1, 12, 11, 0));
  REQUIRE(deadline->warn_at.has_value());
  CHECK(*deadline->warn_at == Berlin(2026, 1, 12, 10, 0));
  // A market without a calendar runs on calendar hours.
  auto austria = ComputeDeadline(Berlin(2026, 1, 9, 16, 0), absl::Hours(4), 0.75, policy, "AT");
  REQUIRE(austria.ok());
  CHECK(austria->due == Berlin(2026, 1, 9, 20, 0));
}

TEST_CASE("Given a market whose calendar is broken, then computing a deadline fails", "[sla]") {
  v1::SlaPolicy policy = PolicyWithGermanCalendar();
  (*policy.mutable_calendars())["DE"].set_time_zone("Europe/Atlantis");
  auto deadline = ComputeDeadline(Berlin(2026, 1, 9, 16, 0), absl::Hours(4), 0.75, policy, "DE");
  CHECK(deadline.status().code() == absl::StatusCode::kInvalidArgument);
  (*policy.mutable_calendars())["DE"].set_time_zone("Europe/Berlin");
  (*policy.mutable_calendars())["DE"].clear_days();
  deadline = ComputeDeadline(Berlin(2026, 1, 9, 16, 0), absl::Hours(4), 0.75, policy, "DE");
  CHECK(deadline.status().code() == absl::StatusCode::kFailedPrecondition);
}

TEST_CASE("Given an invalid policy, then validation names the field", "[sla]") {
  using Mutation = std::function<void(v1::SlaPolicy&)>;
  const std::vector<std::pair<Mutation, std::string>> cases = {
      {[](auto& p) { p.clear_version(); }, "version: required"},
      {[](auto& p) { p.mutable_rules(2)->clear_name(); }, "rules[2].name: required"},
      {[](auto& p) { p.mutable_rules(2)->set_name("red-button"); },
       "rules[2].name: duplicate rule name 'red-button'"},
      {[](auto& p) { p.mutable_rules(0)->set_name("default"); }, "rules[0].name: 'default'"},
      {[](auto& p) { p.mutable_rules(1)->set_channel(static_cast<v1::Channel>(99)); },
       "rules[1].channel: unknown value 99"},
      {[](auto& p) { p.mutable_rules(1)->set_severity(static_cast<v1::Severity>(-3)); },
       "rules[1].severity: unknown value -3"},
      {[](auto& p) { p.mutable_rules(1)->mutable_targets()->set_warn_at_fraction(1); },
       "rules[1].targets.warn_at_fraction: must be in [0, 1)"},
      {[](auto& p) { p.mutable_rules(1)->mutable_targets()->set_warn_at_fraction(-0.5); },
       "rules[1].targets.warn_at_fraction: must be in [0, 1)"},
      {[](auto& p) {
         *p.mutable_rules(3)->mutable_targets()->mutable_resolution() = ProtoHours(-2);
       },
       "rules[3].targets.resolution: must be positive"},
      {[](auto& p) { p.mutable_rules(3)->mutable_targets()->mutable_task_response()->Clear(); },
       "rules[3].targets.task_response: must be positive"},
      {[](auto& p) {
         p.mutable_rules(0)->mutable_targets()->mutable_first_contact()->set_nanos(-1);
       },
       "rules[0].targets.first_contact: not a valid duration"},
      {[](auto& p) { (*p.mutable_calendars())["DE"].set_time_zone("Mars/Base"); },
       "calendars[DE].time_zone: unknown time zone 'Mars/Base'"},
      {[](auto& p) { (*p.mutable_calendars())["DE"].mutable_days(0)->set_close_minute(60); },
       "calendars[DE].days[0].close_minute: must be after open_minute"},
      {[](auto& p) { (*p.mutable_calendars())["AT"].set_time_zone("Europe/Vienna"); },
       "calendars[AT].days: required"},
      {[](auto& p) {
         const v1::BusinessCalendar de = p.calendars().at("DE");
         (*p.mutable_calendars())[""] = de;
       },
       "calendars[]: required"},
  };
  const v1::SlaPolicy valid = PolicyWithGermanCalendar();
  REQUIRE(ValidateSlaPolicy(valid).ok());
  CHECK(ValidateSlaPolicy(DefaultSlaPolicy()).ok());
  v1::SlaPolicy no_rules;
  no_rules.set_version("empty-1");
  CHECK(ValidateSlaPolicy(no_rules).ok());
  for (const auto& [mutate, expected] : cases) {
    v1::SlaPolicy policy = valid;
    mutate(policy);
    const absl::Status status = ValidateSlaPolicy(policy);
    CAPTURE(expected, status.ToString());
    CHECK(status.code() == absl::StatusCode::kInvalidArgument);
    CHECK_THAT(std::string(status.message()), Catch::Matchers::StartsWith(expected));
  }
}

}  // namespace
}  // namespace closedloop::domain
