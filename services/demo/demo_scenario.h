// The demo's script: a month in the life of a retail chain's customer-experience team, as the
// requests its systems and people would send, each at the time they would send it. Pure: the
// same options give the same script.
//
// About 80 items a day across the channels, about 12 % of them complaints; a handful of
// red-button calls (some of them misuses sent back to support); triage, first contacts (some
// late), department tasks (some answered late or only after escalations), resolutions (most
// within 24 hours, some late, some hanging for days at a partner), closures, surveys, a few
// reopened cases, and three problems with action items. What would happen after `end` is left
// out, so the last day's cases are still open on the boards.
#ifndef CLOSEDLOOP_SERVICES_DEMO_DEMO_SCENARIO_H_
#define CLOSEDLOOP_SERVICES_DEMO_DEMO_SCENARIO_H_

#include <cstdint>
#include <string>
#include <variant>
#include <vector>

#include "absl/time/time.h"
#include "closedloop/v1/complaint_service.pb.h"
#include "closedloop/v1/problem_service.pb.h"

namespace closedloop::services::demo {

using DemoRequest =
    std::variant<v1::FileComplaintRequest, v1::TriageComplaintRequest, v1::AssignComplaintRequest,
                 v1::RecordCustomerContactRequest, v1::AddCommentRequest, v1::OpenTaskRequest,
                 v1::RespondToTaskRequest, v1::CompleteTaskRequest, v1::EscalateRequest,
                 v1::ResolveComplaintRequest, v1::CloseComplaintRequest,
                 v1::ReopenComplaintRequest, v1::RedirectToSupportRequest,
                 v1::LinkToProblemRequest, v1::RecordSurveyRequest, v1::OpenProblemRequest,
                 v1::AddActionItemRequest, v1::CompleteActionItemRequest, v1::MarkFixedRequest,
                 v1::VerifyFixRequest>;

struct DemoStep {
  absl::Time at;
  // The request; its complaint_id and problem_id are left empty, to be filled in with the ids
  // the service assigned to item `item` and problem `problem` (indexes into the items filed and
  // problems opened by earlier steps; -1 for none). Request ids are left empty too.
  DemoRequest request;
  int item = -1;
  int problem = -1;
  // AddComment's author and AssignComplaint's owner, when empty, are the case's owner and
  // another member of its team: the runner knows them once the case is filed.
};

struct DemoScenarioOptions {
  uint64_t seed = 1;
  // The present: the month ends here and nothing after it is in the script.
  absl::Time end;
  int days = 30;
  // The configured departments; categories whose usual department is missing use one of
  // these instead. Empty: no tasks, problems or department triage.
  std::vector<std::string> departments;
};

// The script, in time order.
std::vector<DemoStep> RetailMonth(const DemoScenarioOptions& options);

}  // namespace closedloop::services::demo

#endif  // CLOSEDLOOP_SERVICES_DEMO_DEMO_SCENARIO_H_
