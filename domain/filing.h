// Filing in two steps. Everything about a new item but its owner depends only on the item, the
// directory, the policy and the time: its validation, the team and rule it is routed by, its SLA
// deadlines. The owner depends on who is free, and a service that counts the filings still in
// flight must pick owners one filing at a time. Drafting first lets the bulk of the decision run
// side by side and only the pick take turns. Decide(FileComplaint) is both steps in one, with the
// context's load.
// Pure: the context holds the time, the policy and the directory.
#ifndef CLOSEDLOOP_DOMAIN_FILING_H_
#define CLOSEDLOOP_DOMAIN_FILING_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "closedloop/v1/complaint.pb.h"
#include "domain/complaint.h"

namespace closedloop::domain {

struct FilingDraft {
  std::vector<v1::ComplaintEvent> events;  // the filing's events, its assigned one with no owner
  const v1::Team* team = nullptr;          // who may own it: a team of the context's directory
};

// The events FileComplaint decides for a new case, but for the owner; the context's load is not
// read. Errors: Decide's for a FileComplaint (INVALID_ARGUMENT, FAILED_PRECONDITION).
absl::StatusOr<FilingDraft> DraftFiling(const FileComplaint& command,
                                        const DecisionContext& context);

// The draft's events with `owner` (a member of its team, see LeastLoadedMember) as the owner.
std::vector<v1::ComplaintEvent> CompleteFiling(FilingDraft draft, const std::string& owner);

}  // namespace closedloop::domain

#endif  // CLOSEDLOOP_DOMAIN_FILING_H_
