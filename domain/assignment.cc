#include "domain/assignment.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "domain/routing.h"
#include "domain/validation.h"

namespace closedloop::domain {
namespace {

bool IsMember(const v1::Team& team, const std::string& person) {
  return std::find(team.members().begin(), team.members().end(), person) != team.members().end();
}

// The directory allows at most one red-button team (ValidateDirectory).
const v1::Team* RedButtonTeam(const v1::Directory& directory) {
  for (const v1::Team& team : directory.teams()) {
    if (team.red_button()) return &team;
  }
  return nullptr;
}

}  // namespace

absl::Status RequireConfiguredPerson(const v1::Directory& directory, const std::string& owner) {
  for (const v1::Team& team : directory.teams()) {
    if (IsMember(team, owner)) return absl::OkStatus();
  }
  return absl::InvalidArgumentError(absl::StrCat(
      "owner: '", Quote(owner), "' is not a member of any configured team"));
}

absl::Status RequireRedButtonOwner(const v1::Directory& directory, const ComplaintState& state,
                                   const std::string& owner) {
  const v1::Team* team = FindTeam(directory, state.team);
  // A case re-routed away from the red button (to ordinary support) is no longer one; a case
  // whose team left the configuration is judged by the channel it came in on.
  const bool red_button_case = team != nullptr ? team->red_button()
                                               : state.filed.channel() == v1::CHANNEL_RED_BUTTON;
  if (!red_button_case) return absl::OkStatus();
  const v1::Team* red_button = RedButtonTeam(directory);
  if (red_button != nullptr && IsMember(*red_button, owner)) return absl::OkStatus();
  return absl::FailedPreconditionError(absl::StrCat(
      "owner: '", Quote(owner), "' cannot own complaint ", state.filed.complaint_id(),
      ": a red-button case stays with the members of the red-button team",
      red_button == nullptr ? "" : absl::StrCat(" \"", red_button->name(), "\"")));
}

}  // namespace closedloop::domain
