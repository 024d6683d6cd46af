#include "domain/routing.h"

#include <string>
#include <utility>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "domain/validation.h"

namespace closedloop::domain {
namespace {

// An empty rule field matches anything; otherwise the values must be equal.
bool Matches(const std::string& rule_value, const std::string& item_value) {
  return rule_value.empty() || rule_value == item_value;
}

// Country codes and language tags arrive in whatever case the channel produced ("de", "DE").
bool MatchesIgnoringCase(const std::string& rule_value, const std::string& item_value) {
  return rule_value.empty() || absl::EqualsIgnoreCase(rule_value, item_value);
}

bool RuleMatches(const v1::RoutingRule& rule, const v1::Filed& item,
                 const std::string& category) {
  return (rule.channel() == v1::CHANNEL_UNSPECIFIED || rule.channel() == item.channel()) &&
         (rule.kind() == v1::ITEM_KIND_UNSPECIFIED || rule.kind() == item.kind()) &&
         Matches(rule.market(), item.market()) && Matches(rule.site(), item.site()) &&
         MatchesIgnoringCase(rule.seller_country(), item.seller_country()) &&
         MatchesIgnoringCase(rule.buyer_country(), item.buyer_country()) &&
         Matches(rule.category(), category) &&
         MatchesIgnoringCase(rule.language(), item.language());
}

// What the item looked like to the rules, so an operator can see which rule is missing.
std::string DescribeItem(const v1::Filed& item, const std::string& category) {
  return absl::StrCat("channel ", v1::Channel_Name(item.channel()), ", kind ",
                      v1::ItemKind_Name(item.kind()), ", market \"", item.market(),
                      "\", site \"", item.site(), "\", seller_country \"", item.seller_country(),
                      "\", buyer_country \"", item.buyer_country(), "\", category \"", category,
                      "\", language \"", item.language(), "\"");
}

const v1::Team* FindRedButtonTeam(const v1::Directory& directory) {
  for (const v1::Team& team : directory.teams()) {
    if (team.red_button()) return &team;
  }
  return nullptr;
}

// Checks `value` is unique among the names already in `seen`, recording it.
absl::Status RequireUnique(absl::string_view field, const std::string& value,
                           absl::flat_hash_set<std::string>& seen) {
  if (!seen.insert(value).second) {
    return absl::InvalidArgumentError(absl::StrCat(field, ": duplicate \"", value, "\""));
  }
  return absl::OkStatus();
}

absl::Status ValidateTeams(const v1::Directory& directory) {
  absl::flat_hash_set<std::string> names;
  const v1::Team* red_button = nullptr;
  for (int i = 0; i < directory.teams_size(); ++i) {
    const v1::Team& team = directory.teams(i);
    const std::string field = absl::StrCat("teams[", i, "]");
    if (auto s = RequireName(absl::StrCat(field, ".name"), team.name()); !s.ok()) return s;
    if (auto s = RequireUnique(absl::StrCat(field, ".name"), team.name(), names); !s.ok()) {
      return s;
    }
    // Route would fail for every item sent here; better to refuse the configuration at load.
    if (team.members().empty()) {
      return absl::InvalidArgumentError(absl::StrCat(field, ".members: required"));
    }
    absl::flat_hash_set<std::string> members;
    for (int j = 0; j < team.members_size(); ++j) {
      const std::string member_field = absl::StrCat(field, ".members[", j, "]");
      if (auto s = RequireName(member_field, team.members(j)); !s.ok()) return s;
      if (auto s = RequireUnique(member_field, team.members(j), members); !s.ok()) return s;
    }
    // Only the first red-button team ever receives items; a second one is a silent mistake.
    if (team.red_button()) {
      if (red_button != nullptr) {
        return absl::InvalidArgumentError(
            absl::StrCat(field, ".red_button: only one red-button team is allowed, \"",
                         red_button->name(), "\" already is one"));
      }
      red_button = &team;
    }
  }
  return absl::OkStatus();
}

absl::Status ValidateDepartments(const v1::Directory& directory) {
  absl::flat_hash_set<std::string> names;
  for (int i = 0; i < directory.departments_size(); ++i) {
    const v1::Department& department = directory.departments(i);
    const std::string field = absl::StrCat("departments[", i, "]");
    if (auto s = RequireName(absl::StrCat(field, ".name"), department.name()); !s.ok()) return s;
    if (auto s = RequireUnique(absl::StrCat(field, ".name"), department.name(), names);
        !s.ok()) {
      return s;
    }
    if (auto s = RequireName(absl::StrCat(field, ".responsible"), department.responsible());
        !s.ok()) {
      return s;
    }
    for (int j = 0; j < department.escalation_chain_size(); ++j) {
      if (auto s = RequireName(absl::StrCat(field, ".escalation_chain[", j, "]"),
                               department.escalation_chain(j));
          !s.ok()) {
        return s;
      }
    }
  }
  return absl::OkStatus();
}

absl::Status ValidateRule(const v1::Directory& directory, const v1::RoutingRule& rule,
                          const std::string& field) {
  // UNSPECIFIED (0) means "any", so only unknown values are wrong here.
  if (!v1::Channel_IsValid(rule.channel())) {
    return absl::InvalidArgumentError(
        absl::StrCat(field, ".channel: unknown value ", static_cast<int>(rule.channel())));
  }
  // Red-button items never consult the rules, so such a rule could never match.
  if (rule.channel() == v1::CHANNEL_RED_BUTTON) {
    return absl::InvalidArgumentError(absl::StrCat(
        field, ".channel: red-button items go to the red-button team, not through rules"));
  }
  if (!v1::ItemKind_IsValid(rule.kind())) {
    return absl::InvalidArgumentError(
        absl::StrCat(field, ".kind: unknown value ", static_cast<int>(rule.kind())));
  }
  const std::pair<const char*, const std::string*> optional_fields[] = {
      {"market", &rule.market()},
      {"site", &rule.site()},
      {"seller_country", &rule.seller_country()},
      {"buyer_country", &rule.buyer_country()},
      {"category", &rule.category()},
      {"language", &rule.language()},
  };
  for (const auto& [name, value] : optional_fields) {
    if (auto s = LimitText(absl::StrCat(field, ".", name), *value, kMaxNameBytes); !s.ok()) {
      return s;
    }
  }
  const std::string team_field = absl::StrCat(field, ".team");
  if (auto s = RequireName(team_field, rule.team()); !s.ok()) return s;
  const v1::Team* team = FindTeam(directory, rule.team());
  if (team == nullptr) {
    return absl::InvalidArgumentError(
        absl::StrCat(team_field, ": no team named \"", rule.team(), "\""));
  }
  // Ordinary items must not reach the red-button owners, or the emergency channel drowns.
  if (team->red_button()) {
    return absl::InvalidArgumentError(absl::StrCat(
        team_field, ": \"", rule.team(), "\" is the red-button team; rules must not route there"));
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<TeamChoice> ChooseTeam(const v1::Filed& item, const std::string& category,
                                      const v1::Directory& directory) {
  TeamChoice choice;
  if (item.channel() == v1::CHANNEL_RED_BUTTON) {
    choice.team = FindRedButtonTeam(directory);
    if (choice.team == nullptr) {
      return absl::FailedPreconditionError("no red-button team is configured");
    }
    choice.rule = kRedButtonRule;
  } else {
    for (const v1::RoutingRule& rule : directory.routing_rules()) {
      if (!RuleMatches(rule, item, category)) continue;
      const v1::Team* team = FindTeam(directory, rule.team());
      if (team == nullptr) {
        return absl::FailedPreconditionError(absl::StrCat(
            "routing rule \"", rule.name(), "\" names unknown team \"", rule.team(), "\""));
      }
      if (team->red_button()) {
        return absl::FailedPreconditionError(
            absl::StrCat("routing rule \"", rule.name(), "\" routes to the red-button team \"",
                         team->name(), "\"; only red-button items may go there"));
      }
      choice.team = team;
      choice.rule = rule.name();
      break;
    }
    if (choice.team == nullptr) {
      return absl::FailedPreconditionError(
          absl::StrCat("no routing rule matches ", DescribeItem(item, category)));
    }
  }
  // Whoever is free, a team without members can take nothing: refuse it with the team.
  if (auto owner = LeastLoadedMember(*choice.team, {}); !owner.ok()) return owner.status();
  return choice;
}

// Ties go to the smallest name so that the same inputs always pick the same owner, whatever
// order the members are listed in.
absl::StatusOr<std::string> LeastLoadedMember(const v1::Team& team, const OpenCaseLoad& load) {
  const std::string* best = nullptr;
  int best_load = 0;
  for (const std::string& member : team.members()) {
    if (member.empty()) continue;  // an unvalidated directory may hold blanks; never pick one
    auto it = load.find(member);
    const int member_load = it == load.end() ? 0 : it->second;
    if (best == nullptr || member_load < best_load ||
        (member_load == best_load && member < *best)) {
      best = &member;
      best_load = member_load;
    }
  }
  if (best == nullptr) {
    return absl::FailedPreconditionError(
        absl::StrCat("team \"", team.name(), "\" has no members to own the case"));
  }
  return *best;
}

absl::StatusOr<RoutingDecision> Route(const v1::Filed& item, const std::string& category,
                                      const v1::Directory& directory, const OpenCaseLoad& load) {
  absl::StatusOr<TeamChoice> choice = ChooseTeam(item, category, directory);
  if (!choice.ok()) return choice.status();
  absl::StatusOr<std::string> owner = LeastLoadedMember(*choice->team, load);
  if (!owner.ok()) return owner.status();
  return RoutingDecision{choice->team->name(), std::move(choice->rule), *std::move(owner)};
}

absl::Status ValidateDirectory(const v1::Directory& directory) {
  if (auto s = ValidateTeams(directory); !s.ok()) return s;
  if (auto s = ValidateDepartments(directory); !s.ok()) return s;
  absl::flat_hash_set<std::string> names;
  for (int i = 0; i < directory.routing_rules_size(); ++i) {
    const v1::RoutingRule& rule = directory.routing_rules(i);
    const std::string field = absl::StrCat("routing_rules[", i, "]");
    if (auto s = RequireName(absl::StrCat(field, ".name"), rule.name()); !s.ok()) return s;
    if (auto s = RequireUnique(absl::StrCat(field, ".name"), rule.name(), names); !s.ok()) {
      return s;
    }
    if (auto s = ValidateRule(directory, rule, field); !s.ok()) return s;
  }
  return absl::OkStatus();
}

const v1::Department* FindDepartment(const v1::Directory& directory, const std::string& name) {
  for (const v1::Department& department : directory.departments()) {
    if (department.name() == name) return &department;
  }
  return nullptr;
}

const v1::Team* FindTeam(const v1::Directory& directory, const std::string& name) {
  for (const v1::Team& team : directory.teams()) {
    if (team.name() == name) return &team;
  }
  return nullptr;
}

}  // namespace closedloop::domain
