// Alerts up the chain: what a warning, a breach or an escalation tells the people it
// concerns, and who they are. Pure: the case as it stands is the input, so the recipients are
// who stand there when the alert is sent (the owner now, not the owner when the deadline was
// scheduled).
//
//   event                                  recipients
//   -------------------------------------  ------------------------------------------------
//   a case deadline warned or breached     the owner, the owner's team
//   (first contact, resolution, update)
//   a task deadline warned or breached     the department's responsible for the task, the owner
//   an escalation                          the next level it went to (director, then the chief
//                                          experience officer), the task's responsible, the
//                                          owner, the owner's team
#ifndef CLOSEDLOOP_DOMAIN_ALERTS_H_
#define CLOSEDLOOP_DOMAIN_ALERTS_H_

#include <optional>

#include "absl/strings/string_view.h"

#include "closedloop/v1/complaint.pb.h"
#include "closedloop/v1/delivery.pb.h"
#include "closedloop/v1/views.pb.h"

namespace closedloop::domain {

// The alert `event` raises on the case `view`, or nullopt when it raises none (every event but
// a warning, a breach or an escalation; a warning or breach of a deadline the case lacks).
std::optional<v1::Alert> AlertOf(const v1::ComplaintEvent& event, const v1::ComplaintView& view);

// Whether an alert endpoint with `filter` receives `alert` raised by an event of `type`: the
// types test the raising event; the teams and departments test the recipients' (an endpoint
// per team or department reaches the alerts that concern it); the channels, the case's.
bool AlertPasses(const v1::DeliveryFilter& filter, absl::string_view type, const v1::Alert& alert,
                 const v1::ComplaintView& view);

}  // namespace closedloop::domain

#endif  // CLOSEDLOOP_DOMAIN_ALERTS_H_
