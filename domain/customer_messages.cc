#include "domain/customer_messages.h"

#include "domain/complaint_view.h"

namespace closedloop::domain {
namespace {

v1::CustomerMessage MessageOf(v1::CustomerMessagePurpose purpose, const v1::ComplaintView& view) {
  v1::CustomerMessage message;
  message.set_purpose(purpose);
  message.set_complaint_id(view.complaint_id());
  message.set_customer_ref(view.filing().customer_ref());
  message.set_customer_contact(view.filing().customer_contact());
  message.set_language(view.filing().language());
  message.set_market(view.filing().market());
  message.set_owner(view.owner());
  return message;
}

}  // namespace

std::optional<v1::CustomerMessage> CustomerMessageOf(const v1::ComplaintEvent& event,
                                                     const v1::ComplaintView& view) {
  if (event.has_resolved()) {
    v1::CustomerMessage message = MessageOf(v1::CUSTOMER_MESSAGE_PURPOSE_RESOLVED, view);
    message.set_resolution(event.resolved().resolution());
    return message;
  }
  const bool warned = event.has_deadline_warned();
  if (!warned && !event.has_deadline_breached()) return std::nullopt;
  const v1::DeadlineView* deadline = DeadlineOf(
      view, warned ? event.deadline_warned().timer_id() : event.deadline_breached().timer_id());
  // Met meanwhile (a gateway that lagged, or a replay): nothing is owed any more.
  if (deadline == nullptr || deadline->state() == v1::DEADLINE_STATE_SATISFIED) return std::nullopt;
  v1::CustomerMessagePurpose purpose = v1::CUSTOMER_MESSAGE_PURPOSE_UNSPECIFIED;
  if (deadline->kind() == v1::DEADLINE_KIND_FIRST_CONTACT && warned) {
    purpose = v1::CUSTOMER_MESSAGE_PURPOSE_FIRST_CONTACT_DUE;
  } else if (deadline->kind() == v1::DEADLINE_KIND_CUSTOMER_UPDATE &&
             (warned || !deadline->has_warn_at())) {
    purpose = v1::CUSTOMER_MESSAGE_PURPOSE_UPDATE_DUE;
  } else {
    return std::nullopt;
  }
  v1::CustomerMessage message = MessageOf(purpose, view);
  *message.mutable_due() = deadline->due();
  return message;
}

}  // namespace closedloop::domain
