// SLA policy as data: which targets apply to a case, and when its deadlines fall.
//
// Deadlines are computed once, when a case is filed (or a task opened), with the policy in force
// then, and written into the log; nothing here reads a clock. A market with a business calendar
// in the policy counts working time; every other market counts calendar hours.
#ifndef CLOSEDLOOP_DOMAIN_SLA_POLICY_H_
#define CLOSEDLOOP_DOMAIN_SLA_POLICY_H_

#include <optional>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "closedloop/v1/complaint.pb.h"
#include "closedloop/v1/policy.pb.h"

namespace closedloop::domain {

// The rule name TargetsFor reports when the policy had no matching rule and the built-in
// defaults answered instead. Reserved: ValidateSlaPolicy rejects a rule of this name.
inline constexpr char kDefaultRuleName[] = "default";

// The targets for one case. An empty optional means "no such deadline".
struct SlaTargets {
  std::optional<absl::Duration> first_contact;
  std::optional<absl::Duration> resolution;
  std::optional<absl::Duration> task_response;
  std::optional<absl::Duration> customer_update;
  double warn_at_fraction = 0;  // 0 = no warning
  std::string rule;             // the SlaRule that matched, or kDefaultRuleName
  // Calendar hours even in a market with a business calendar: the rule's around_the_clock, or
  // when it leaves that unset, whether the case came by the red button (emergencies run 24/7).
  bool around_the_clock = false;
};

// The built-in policy, version "default-1": red button, social fast track, critical, complaint,
// recommendation (in that order; first match wins). No calendars: calendar hours everywhere
// (and the red-button rule says around_the_clock, should a policy copy it and add calendars).
v1::SlaPolicy DefaultSlaPolicy();

// The targets of the first rule of `policy` that matches (a rule's UNSPECIFIED field matches
// anything). Without a match, the targets DefaultSlaPolicy() gives, with rule kDefaultRuleName;
// if even the defaults do not match (kind UNSPECIFIED), no targets at all.
SlaTargets TargetsFor(const v1::SlaPolicy& policy, v1::Channel channel, v1::ItemKind kind,
                      v1::Severity severity);

struct Deadline {
  absl::Time due;
  std::optional<absl::Time> warn_at;  // set when 0 < warn_at_fraction < 1
};

// `target` of working time after `start` in `market`'s calendar (policy.calendars()), or of
// calendar hours when the market has none; the warning at `warn_at_fraction` of the target.
// Errors as AddWorkingTime (INVALID_ARGUMENT for a bad target or calendar, FAILED_PRECONDITION
// for a calendar without opening hours).
absl::StatusOr<Deadline> ComputeDeadline(absl::Time start, absl::Duration target,
                                         double warn_at_fraction, const v1::SlaPolicy& policy,
                                         const std::string& market);

// OK, or INVALID_ARGUMENT naming the first bad field, e.g.
// "rules[1].targets.warn_at_fraction: must be in [0, 1), got 1" or
// "calendars[DE].days[0].weekday: ...". An empty rule list is valid (the defaults apply).
absl::Status ValidateSlaPolicy(const v1::SlaPolicy& policy);

}  // namespace closedloop::domain

#endif  // CLOSEDLOOP_DOMAIN_SLA_POLICY_H_
