// Keeping the customer informed: the messages a customer is owed, which the company's
// messaging gateway (SMS, e-mail) sends. Pure: the case as it stands is the input.
//
//   event                                               message
//   --------------------------------------------------  -------------------------------
//   the first-contact deadline's warning                FIRST_CONTACT_DUE
//   a customer update's warning, or its breach when it  UPDATE_DUE
//   had no warning (a hanging case owes an update)
//   a resolution                                        RESOLVED
//
// The gateway answers with RecordCustomerContact (SMS or e-mail), which satisfies the owed
// update as a call does and schedules the next.
#ifndef CLOSEDLOOP_DOMAIN_CUSTOMER_MESSAGES_H_
#define CLOSEDLOOP_DOMAIN_CUSTOMER_MESSAGES_H_

#include <optional>

#include "closedloop/v1/complaint.pb.h"
#include "closedloop/v1/delivery.pb.h"
#include "closedloop/v1/views.pb.h"

namespace closedloop::domain {

// The message the customer of `view` is owed on `event`, or nullopt. It carries the contact as
// filed: a caller that may not see contact data must not receive it (domain/access.h).
std::optional<v1::CustomerMessage> CustomerMessageOf(const v1::ComplaintEvent& event,
                                                     const v1::ComplaintView& view);

}  // namespace closedloop::domain

#endif  // CLOSEDLOOP_DOMAIN_CUSTOMER_MESSAGES_H_
