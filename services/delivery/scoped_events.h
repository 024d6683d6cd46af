// ScopedEvents: the log as one reader outside the team receives it (a consumer group's stream,
// a webhook endpoint): the case events its role may read, redacted as its role reads them and
// narrowed by its filter (domain/event_delivery.h), each with the case's summary.
//
// Whether an event is the reader's is decided on the case as it stands in the views, so each
// batch first waits until the views have applied it: a case filed a moment ago is known.
//
// Thread safety: as storage::Subscription (Next from one thread at a time; Cancel from any).
#ifndef CLOSEDLOOP_SERVICES_DELIVERY_SCOPED_EVENTS_H_
#define CLOSEDLOOP_SERVICES_DELIVERY_SCOPED_EVENTS_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "closedloop/v1/delivery.pb.h"
#include "domain/access.h"
#include "services/projections/projections.h"
#include "storage/event_log.h"

namespace closedloop::services {

// Who reads, and what.
struct EventReader {
  enum class Delivers {
    kEvents,            // the events themselves
    kAlerts,            // the alerts warnings, breaches and escalations raise (domain/alerts.h)
    kCustomerMessages,  // the messages customers are owed (domain/customer_messages.h)
  };
  domain::Caller caller;
  v1::DeliveryFilter filter;
  Delivers delivers = Delivers::kEvents;
  // Whether the reader may receive the customer's contact where its role sees it: only a
  // messaging gateway's webhook may; a consumer group reads as its role reads.
  bool contact_data = true;
};

class ScopedEvents {
 public:
  // Reads from `from_position` on (0 or 1: the start of the log). `log` and `projections` must
  // outlive this.
  ScopedEvents(storage::EventLog& log, Projections& projections, EventReader reader,
               uint64_t from_position);

  // Reads up to `max_events` of the log past the cursor, waiting until `deadline` for the first
  // of them, and returns those the reader receives, as it receives them: empty when nothing
  // was appended by the deadline, or nothing appended was the reader's (cursor() moved then).
  // Errors: the log's (CANCELLED after Cancel), UNAVAILABLE when the views stopped or stay
  // behind, DATA_LOSS for an unreadable event or view.
  absl::StatusOr<std::vector<v1::DeliveredEvent>> Next(size_t max_events, absl::Time deadline);

  // The position the next Next() reads from: every event before it was read.
  uint64_t cursor() const { return subscription_->cursor(); }

  // Makes a waiting and every later Next() return CANCELLED.
  void Cancel() { subscription_->Cancel(); }

 private:
  // The delivered form of one complaint event of the case `view`, or nullopt.
  std::optional<v1::DeliveredEvent> FromComplaint(const v1::RecordedEvent& record,
                                                  v1::ComplaintEvent payload,
                                                  const v1::ComplaintView& view) const;

  Projections& projections_;
  const EventReader reader_;
  std::unique_ptr<storage::Subscription> subscription_;
};

}  // namespace closedloop::services

#endif  // CLOSEDLOOP_SERVICES_DELIVERY_SCOPED_EVENTS_H_
