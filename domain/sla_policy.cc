#include "domain/sla_policy.h"

#include "domain/proto_time.h"

#include <algorithm>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "domain/business_calendar.h"
#include "domain/validation.h"
#include "google/protobuf/duration.pb.h"

namespace closedloop::domain {
namespace {

// google.protobuf.Duration's documented range: about 10,000 years either way.
constexpr int64_t kMaxProtoDurationSeconds = 315'576'000'000;
constexpr int32_t kNanosPerSecond = 1'000'000'000;

std::optional<absl::Duration> OptionalDuration(bool present,
                                               const google::protobuf::Duration& duration) {
  if (!present) return std::nullopt;
  return FromProto(duration);
}

// One built-in rule; a zero duration leaves the target unset ("no such deadline").
void AddRule(v1::SlaPolicy& policy, absl::string_view name, v1::Channel channel, v1::ItemKind kind,
             v1::Severity severity, absl::Duration first_contact, absl::Duration resolution,
             absl::Duration task_response, absl::Duration customer_update, double warn_at) {
  v1::SlaRule* rule = policy.add_rules();
  rule->set_name(std::string(name));
  rule->set_channel(channel);
  rule->set_kind(kind);
  rule->set_severity(severity);
  v1::SlaTargets* targets = rule->mutable_targets();
  const absl::Duration zero = absl::ZeroDuration();
  if (first_contact > zero) *targets->mutable_first_contact() = ToProto(first_contact);
  if (resolution > zero) *targets->mutable_resolution() = ToProto(resolution);
  if (task_response > zero) *targets->mutable_task_response() = ToProto(task_response);
  if (customer_update > zero) {
    *targets->mutable_customer_update() = ToProto(customer_update);
  }
  targets->set_warn_at_fraction(warn_at);
}

bool Matches(const v1::SlaRule& rule, v1::Channel channel, v1::ItemKind kind,
             v1::Severity severity) {
  return (rule.channel() == v1::CHANNEL_UNSPECIFIED || rule.channel() == channel) &&
         (rule.kind() == v1::ITEM_KIND_UNSPECIFIED || rule.kind() == kind) &&
         (rule.severity() == v1::SEVERITY_UNSPECIFIED || rule.severity() == severity);
}

const v1::SlaRule* FirstMatch(const v1::SlaPolicy& policy, v1::Channel channel, v1::ItemKind kind,
                              v1::Severity severity) {
  for (const v1::SlaRule& rule : policy.rules()) {
    if (Matches(rule, channel, kind, severity)) return &rule;
  }
  return nullptr;
}

SlaTargets ToTargets(const v1::SlaRule& matched, std::string rule, v1::Channel channel) {
  const v1::SlaTargets& targets = matched.targets();
  SlaTargets out;
  out.around_the_clock = matched.has_around_the_clock() ? matched.around_the_clock()
                                                        : channel == v1::CHANNEL_RED_BUTTON;
  out.first_contact = OptionalDuration(targets.has_first_contact(), targets.first_contact());
  out.resolution = OptionalDuration(targets.has_resolution(), targets.resolution());
  out.task_response = OptionalDuration(targets.has_task_response(), targets.task_response());
  out.customer_update = OptionalDuration(targets.has_customer_update(), targets.customer_update());
  out.warn_at_fraction = targets.warn_at_fraction();
  out.rule = std::move(rule);
  return out;
}

// 0 (UNSPECIFIED, "any") is allowed in a rule; a value this build does not know is not.
absl::Status KnownEnum(absl::string_view field, int value, bool (*is_valid)(int)) {
  if (is_valid(value)) return absl::OkStatus();
  return absl::InvalidArgumentError(absl::StrCat(field, ": unknown value ", value));
}

// An unset target is fine; a set one must be a well-formed, positive duration.
absl::Status CheckTarget(absl::string_view field, bool present,
                         const google::protobuf::Duration& duration) {
  if (!present) return absl::OkStatus();
  const int64_t seconds = duration.seconds();
  const int32_t nanos = duration.nanos();
  if (seconds < -kMaxProtoDurationSeconds || seconds > kMaxProtoDurationSeconds ||
      nanos <= -kNanosPerSecond || nanos >= kNanosPerSecond || (seconds > 0 && nanos < 0) ||
      (seconds < 0 && nanos > 0)) {
    return absl::InvalidArgumentError(
        absl::StrCat(field, ": not a valid duration (", seconds, " s, ", nanos, " ns)"));
  }
  // A zero target would breach the moment it is scheduled; "no deadline" is an unset field.
  if (FromProto(duration) <= absl::ZeroDuration()) {
    return absl::InvalidArgumentError(absl::StrCat(
        field, ": must be positive, got ", absl::FormatDuration(FromProto(duration))));
  }
  return absl::OkStatus();
}

absl::Status CheckRule(const v1::SlaRule& rule, const std::string& field) {
  if (absl::Status s = RequireName(absl::StrCat(field, ".name"), rule.name()); !s.ok()) return s;
  if (rule.name() == kDefaultRuleName) {
    return absl::InvalidArgumentError(absl::StrCat(field, ".name: '", kDefaultRuleName,
                                                   "' is reserved for the built-in fallback"));
  }
  if (absl::Status s =
          KnownEnum(absl::StrCat(field, ".channel"), rule.channel(), v1::Channel_IsValid);
      !s.ok()) {
    return s;
  }
  if (absl::Status s = KnownEnum(absl::StrCat(field, ".kind"), rule.kind(), v1::ItemKind_IsValid);
      !s.ok()) {
    return s;
  }
  if (absl::Status s =
          KnownEnum(absl::StrCat(field, ".severity"), rule.severity(), v1::Severity_IsValid);
      !s.ok()) {
    return s;
  }
  const v1::SlaTargets& t = rule.targets();
  const std::string prefix = absl::StrCat(field, ".targets.");
  if (absl::Status s = FirstError(
          {CheckTarget(absl::StrCat(prefix, "first_contact"), t.has_first_contact(),
                    t.first_contact()),
        CheckTarget(absl::StrCat(prefix, "resolution"), t.has_resolution(), t.resolution()),
        CheckTarget(absl::StrCat(prefix, "task_response"), t.has_task_response(),
                    t.task_response()),
        CheckTarget(absl::StrCat(prefix, "customer_update"), t.has_customer_update(),
                    t.customer_update())});
      !s.ok()) {
    return s;
  }
  // Written so that NaN fails too.
  if (!(t.warn_at_fraction() >= 0 && t.warn_at_fraction() < 1)) {
    return absl::InvalidArgumentError(
        absl::StrCat(prefix, "warn_at_fraction: must be in [0, 1), got ", t.warn_at_fraction()));
  }
  return absl::OkStatus();
}

}  // namespace

v1::SlaPolicy DefaultSlaPolicy() {
  using absl::Hours;
  using absl::Minutes;
  const absl::Duration none = absl::ZeroDuration();
  v1::SlaPolicy policy;
  policy.set_version("default-1");
  // The red button is for customers who no longer trust ordinary support: fastest contact.
  AddRule(policy, "red-button", v1::CHANNEL_RED_BUTTON, v1::ITEM_KIND_COMPLAINT,
          v1::SEVERITY_UNSPECIFIED, Minutes(15), Hours(24), Hours(2), Hours(12), 0.75);
  // An emergency does not wait for opening hours.
  policy.mutable_rules(policy.rules_size() - 1)->set_around_the_clock(true);
  // A critical complaint gets the tightest targets on every ordinary channel, social included.
  AddRule(policy, "critical", v1::CHANNEL_UNSPECIFIED, v1::ITEM_KIND_COMPLAINT,
          v1::SEVERITY_CRITICAL, Hours(1), Hours(12), Hours(2), Hours(12), 0.75);
  // An unanswered public post costs most: the fast track shortens first contact.
  AddRule(policy, "social-fast-track", v1::CHANNEL_SOCIAL, v1::ITEM_KIND_COMPLAINT,
          v1::SEVERITY_UNSPECIFIED, Hours(1), Hours(24), Hours(4), Hours(24), 0.75);
  AddRule(policy, "complaint", v1::CHANNEL_UNSPECIFIED, v1::ITEM_KIND_COMPLAINT,
          v1::SEVERITY_UNSPECIFIED, Hours(2), Hours(24), Hours(4), Hours(24), 0.75);
  // Recommendations are answered, not resolved: no resolution clock, no tasks, no updates.
  AddRule(policy, "recommendation", v1::CHANNEL_UNSPECIFIED, v1::ITEM_KIND_RECOMMENDATION,
          v1::SEVERITY_UNSPECIFIED, Hours(72), none, none, none, 0);
  return policy;
}

SlaTargets TargetsFor(const v1::SlaPolicy& policy, v1::Channel channel, v1::ItemKind kind,
                      v1::Severity severity) {
  if (const v1::SlaRule* rule = FirstMatch(policy, channel, kind, severity)) {
    return ToTargets(*rule, rule->name(), channel);
  }
  const v1::SlaPolicy defaults = DefaultSlaPolicy();
  if (const v1::SlaRule* rule = FirstMatch(defaults, channel, kind, severity)) {
    return ToTargets(*rule, kDefaultRuleName, channel);
  }
  SlaTargets none;
  none.rule = kDefaultRuleName;
  none.around_the_clock = channel == v1::CHANNEL_RED_BUTTON;
  return none;
}

absl::StatusOr<Deadline> ComputeDeadline(absl::Time start, absl::Duration target,
                                         double warn_at_fraction, const v1::SlaPolicy& policy,
                                         const std::string& market) {
  const auto it = policy.calendars().find(market);
  const v1::BusinessCalendar* calendar = it == policy.calendars().end() ? nullptr : &it->second;
  // Load the zone once for both points.
  absl::TimeZone zone;
  if (calendar != nullptr) {
    absl::StatusOr<absl::TimeZone> loaded = LoadCalendarZone(*calendar);
    if (!loaded.ok()) return loaded.status();
    zone = *loaded;
  }
  auto add = [&](absl::Duration duration) {
    return calendar == nullptr ? AddWorkingTime(start, duration, nullptr)
                               : AddWorkingTime(start, duration, *calendar, zone);
  };
  absl::StatusOr<absl::Time> due = add(target);
  if (!due.ok()) return due.status();
  Deadline deadline{*due, std::nullopt};
  if (warn_at_fraction > 0 && warn_at_fraction < 1) {
    absl::StatusOr<absl::Time> warn_at = add(target * warn_at_fraction);
    if (!warn_at.ok()) return warn_at.status();
    deadline.warn_at = *warn_at;
  }
  return deadline;
}

absl::Status ValidateSlaPolicy(const v1::SlaPolicy& policy) {
  if (absl::Status s = RequireName("version", policy.version()); !s.ok()) return s;
  absl::flat_hash_set<std::string> names;
  for (int i = 0; i < policy.rules_size(); ++i) {
    const std::string field = absl::StrCat("rules[", i, "]");
    if (absl::Status s = CheckRule(policy.rules(i), field); !s.ok()) return s;
    // The rule name is recorded with every deadline; two rules of one name would be ambiguous.
    if (!names.insert(policy.rules(i).name()).second) {
      return absl::InvalidArgumentError(
          absl::StrCat(field, ".name: duplicate rule name '", policy.rules(i).name(), "'"));
    }
  }
  // Map order is unspecified; sorted markets make the first error reported deterministic.
  std::vector<std::string> markets;
  for (const auto& [market, calendar] : policy.calendars()) markets.push_back(market);
  std::sort(markets.begin(), markets.end());
  for (const std::string& market : markets) {
    const std::string field = absl::StrCat("calendars[", market, "]");
    if (absl::Status s = RequireName(field, market); !s.ok()) return s;
    if (absl::Status s = ValidateCalendar(policy.calendars().at(market)); !s.ok()) {
      return absl::InvalidArgumentError(absl::StrCat(field, ".", s.message()));
    }
  }
  return absl::OkStatus();
}

}  // namespace closedloop::domain
