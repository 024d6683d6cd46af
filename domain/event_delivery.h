// What a system outside the team receives of the cases' events (consumer groups, webhooks):
// the events of the cases its role may read, redacted as its role reads them, narrowed by the
// filter it asked for. The rules of domain/access.h applied to events: a caller receives an
// event of a case exactly when GetComplaint would show it that case, and sees of the event
// what GetComplaint would show of the case.
#ifndef CLOSEDLOOP_DOMAIN_EVENT_DELIVERY_H_
#define CLOSEDLOOP_DOMAIN_EVENT_DELIVERY_H_

#include <optional>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "closedloop/v1/complaint.pb.h"
#include "closedloop/v1/delivery.pb.h"
#include "closedloop/v1/views.pb.h"
#include "domain/access.h"

namespace closedloop::domain {

// OK, or INVALID_ARGUMENT naming the field of `filter` (prefixed by `field`) that is wrong: an
// empty or overlong string, an unknown channel, too many entries.
absl::Status CheckDeliveryFilter(absl::string_view field, const v1::DeliveryFilter& filter);

// The complaint event as `caller` receives it, or nullopt when it receives nothing of it:
// `view` (the case as it stands; nullptr for an unknown case) is outside the caller's scope or
// the filter, or the event is an internal comment and the caller's role sees none.
std::optional<v1::ComplaintEvent> DeliveredComplaintEvent(const Caller& caller,
                                                          const v1::DeliveryFilter& filter,
                                                          absl::string_view type,
                                                          const v1::ComplaintView* view,
                                                          v1::ComplaintEvent event);

// Whether `caller` receives a problem's event: roles that read every case do, when the filter
// narrows by type at most (a problem has no team, department or channel).
bool DeliversProblemEvent(const Caller& caller, const v1::DeliveryFilter& filter,
                          absl::string_view type);

// The case as a receiver sees it beside an event.
v1::CaseSummary SummaryOf(const v1::ComplaintView& view);

}  // namespace closedloop::domain

#endif  // CLOSEDLOOP_DOMAIN_EVENT_DELIVERY_H_
