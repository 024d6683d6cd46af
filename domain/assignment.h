// Who may own a case: the checks AssignComplaint makes of its new owner.
//
// A case is worked from its owner's board, so an owner nobody is (a typo, a person who left the
// directory) makes the case drop off every board. And an emergency must stay with the people
// on emergency duty: a red-button case is owned only by members of the red-button team.
// Pure: the directory is an input.
#ifndef CLOSEDLOOP_DOMAIN_ASSIGNMENT_H_
#define CLOSEDLOOP_DOMAIN_ASSIGNMENT_H_

#include <string>

#include "absl/status/status.h"
#include "closedloop/v1/policy.pb.h"
#include "domain/complaint.h"

namespace closedloop::domain {

// OK when `owner` is a member of some team in `directory`; otherwise INVALID_ARGUMENT naming
// `owner`. It depends on the configuration only, so it is checked before the case's state.
absl::Status RequireConfiguredPerson(const v1::Directory& directory, const std::string& owner);

// OK unless `state` is a red-button case (its team is the red-button team, or, when its team is
// no longer configured, it came in on the red button) and `owner` is not a member of the
// red-button team: then FAILED_PRECONDITION naming the rule.
absl::Status RequireRedButtonOwner(const v1::Directory& directory, const ComplaintState& state,
                                   const std::string& owner);

}  // namespace closedloop::domain

#endif  // CLOSEDLOOP_DOMAIN_ASSIGNMENT_H_
