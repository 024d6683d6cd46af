// Routing: which team a filed item goes to, by which rule, and which member owns it.
//
// The rule that matched is part of the decision so that anyone can later see *why* a case went
// where it went (DESIGN.md §2.2). Red-button items bypass the ordinary rules entirely: they go
// only to the dedicated red-button team, so an emergency never turns into ordinary support.
// Pure: the directory and the current load are inputs; nothing is read or remembered.
#ifndef CLOSEDLOOP_DOMAIN_ROUTING_H_
#define CLOSEDLOOP_DOMAIN_ROUTING_H_

#include <string>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "closedloop/v1/complaint.pb.h"
#include "closedloop/v1/policy.pb.h"

namespace closedloop::domain {

// The rule name recorded for red-button items, which no routing rule decides.
inline constexpr char kRedButtonRule[] = "red-button";

// Owner -> number of open cases they hold; an owner missing from the map holds none.
using OpenCaseLoad = absl::flat_hash_map<std::string, int>;

struct RoutingDecision {
  std::string team;   // the team the item goes to
  std::string rule;   // the routing rule that matched, or kRedButtonRule
  std::string owner;  // the member of `team` who owns the case
};

// Routes `item` (with its triaged `category`) through `directory` and picks the least-loaded
// member of the chosen team, ties broken by the smallest name so the result is deterministic.
// FAILED_PRECONDITION when the directory cannot route it: no red-button team for a red-button
// item, no rule matches, the rule names a missing or red-button team, or the team has no members.
absl::StatusOr<RoutingDecision> Route(const v1::Filed& item, const std::string& category,
                                      const v1::Directory& directory, const OpenCaseLoad& load);

// Route in two steps, for a caller that must pick owners one at a time but may choose teams
// side by side (services/commands/owner_picker.h): the team and the rule depend only on the
// item and the directory, the owner on who is free. `team` points into `directory`.
struct TeamChoice {
  const v1::Team* team = nullptr;
  std::string rule;
};
// Route's team and rule, with Route's errors (a team without members included).
absl::StatusOr<TeamChoice> ChooseTeam(const v1::Filed& item, const std::string& category,
                                      const v1::Directory& directory);
// The member of `team` with the fewest open cases, ties broken by the smallest name.
// FAILED_PRECONDITION when the team has no members.
absl::StatusOr<std::string> LeastLoadedMember(const v1::Team& team, const OpenCaseLoad& load);

// OK, or INVALID_ARGUMENT naming the first offending field (e.g. "routing_rules[2].team").
// A directory that passes never makes Route fail except for an item no rule matches, or a
// red-button item when no red-button team is configured.
absl::Status ValidateDirectory(const v1::Directory& directory);

// The first department / team named `name`, or nullptr if there is none.
const v1::Department* FindDepartment(const v1::Directory& directory, const std::string& name);
const v1::Team* FindTeam(const v1::Directory& directory, const std::string& name);

}  // namespace closedloop::domain

#endif  // CLOSEDLOOP_DOMAIN_ROUTING_H_
