#include "services/delivery/scoped_events.h"

#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "closedloop/v1/problem.pb.h"
#include "domain/alerts.h"
#include "domain/customer_messages.h"
#include "domain/event_delivery.h"

namespace closedloop::services {
namespace {

constexpr absl::string_view kComplaintStream = "complaint-";
constexpr absl::string_view kProblemStream = "problem-";
// How long a batch waits for the views to apply it before the stream reports them behind:
// they follow the log within milliseconds unless they stopped (which fails at once).
constexpr absl::Duration kViewsWait = absl::Seconds(30);

using Delivers = EventReader::Delivers;

// What the log itself can filter: the types, and the complaints' streams alone when nothing
// else is the reader's.
storage::EventFilter LogFilterOf(const EventReader& reader) {
  const v1::DeliveryFilter& filter = reader.filter;
  storage::EventFilter log_filter;
  switch (reader.delivers) {
    case Delivers::kAlerts:
      log_filter.stream_prefix = std::string(kComplaintStream);
      log_filter.event_types = {"complaint.deadline_warned", "complaint.deadline_breached",
                                "complaint.escalated"};
      return log_filter;
    case Delivers::kCustomerMessages:
      log_filter.stream_prefix = std::string(kComplaintStream);
      log_filter.event_types = {"complaint.deadline_warned", "complaint.deadline_breached",
                                "complaint.resolved"};
      return log_filter;
    case Delivers::kEvents:
      break;
  }
  log_filter.event_types.assign(filter.event_types().begin(), filter.event_types().end());
  if (!domain::DeliversProblemEvent(reader.caller, v1::DeliveryFilter(), "")) {
    log_filter.stream_prefix = std::string(kComplaintStream);
  } else if (!filter.teams().empty() || !filter.departments().empty() ||
             !filter.channels().empty()) {
    log_filter.stream_prefix = std::string(kComplaintStream);
  }
  return log_filter;
}

v1::DeliveredEvent Envelope(const v1::RecordedEvent& record) {
  v1::DeliveredEvent delivered;
  delivered.set_id(record.position());
  delivered.set_type(record.type());
  delivered.set_stream(record.stream());
  delivered.set_revision(record.revision());
  *delivered.mutable_recorded_at() = record.recorded_at();
  *delivered.mutable_actor() = record.actor();
  return delivered;
}

absl::Status Unreadable(const v1::RecordedEvent& record) {
  return absl::DataLossError(
      absl::StrCat("event ", record.position(), " of ", record.stream(), " is unreadable"));
}

}  // namespace

ScopedEvents::ScopedEvents(storage::EventLog& log, Projections& projections, EventReader reader,
                           uint64_t from_position)
    : projections_(projections),
      reader_(std::move(reader)),
      subscription_(log.Subscribe(from_position, LogFilterOf(reader_))) {}

std::optional<v1::DeliveredEvent> ScopedEvents::FromComplaint(const v1::RecordedEvent& record,
                                                              v1::ComplaintEvent payload,
                                                              const v1::ComplaintView& view) const {
  const domain::Caller& caller = reader_.caller;
  v1::DeliveredEvent delivered = Envelope(record);
  switch (reader_.delivers) {
    case Delivers::kEvents:
      break;
    case Delivers::kAlerts: {
      std::optional<v1::Alert> alert = domain::AlertOf(payload, view);
      if (!alert || !domain::MayRead(caller, view) ||
          !domain::AlertPasses(reader_.filter, record.type(), *alert, view)) {
        return std::nullopt;
      }
      *delivered.mutable_alert() = *std::move(alert);
      break;
    }
    case Delivers::kCustomerMessages: {
      std::optional<v1::CustomerMessage> message = domain::CustomerMessageOf(payload, view);
      if (!message) return std::nullopt;
      if (!reader_.contact_data || !domain::ScopeOf(caller.role).contact_details) {
        message->clear_customer_contact();
      }
      *delivered.mutable_customer_message() = *std::move(message);
      break;
    }
  }
  // The case's scope and filters, and the event as the role reads it. An alert's recipients
  // were tested above instead of the case's team and department.
  v1::DeliveryFilter filter = reader_.filter;
  if (reader_.delivers == Delivers::kAlerts) filter = v1::DeliveryFilter();
  std::optional<v1::ComplaintEvent> event =
      domain::DeliveredComplaintEvent(caller, filter, record.type(), &view, std::move(payload));
  if (!event.has_value()) return std::nullopt;
  if (!reader_.contact_data && event->has_filed()) event->mutable_filed()->clear_customer_contact();
  *delivered.mutable_complaint() = *std::move(event);
  *delivered.mutable_summary() = domain::SummaryOf(view);
  return delivered;
}

absl::StatusOr<std::vector<v1::DeliveredEvent>> ScopedEvents::Next(size_t max_events,
                                                                    absl::Time deadline) {
  absl::StatusOr<std::vector<v1::RecordedEvent>> records =
      subscription_->Next(max_events, deadline);
  if (!records.ok()) return records.status();
  std::vector<v1::DeliveredEvent> delivered;
  if (records->empty()) return delivered;
  if (absl::Status caught_up =
          projections_.WaitFor(records->back().position(), absl::Now() + kViewsWait);
      !caught_up.ok()) {
    if (absl::IsDeadlineExceeded(caught_up)) return absl::UnavailableError(caught_up.message());
    return caught_up;
  }
  absl::Status failed = absl::OkStatus();
  projections_.Read([&](const ProjectionState& state, uint64_t) {
    for (const v1::RecordedEvent& record : *records) {
      absl::string_view id = record.stream();
      if (absl::ConsumePrefix(&id, kProblemStream)) {
        if (reader_.delivers != Delivers::kEvents ||
            !domain::DeliversProblemEvent(reader_.caller, reader_.filter, record.type())) {
          continue;
        }
        v1::DeliveredEvent event = Envelope(record);
        if (!event.mutable_problem()->ParseFromString(record.payload())) {
          failed = Unreadable(record);
          return;
        }
        delivered.push_back(std::move(event));
        continue;
      }
      if (!absl::ConsumePrefix(&id, kComplaintStream)) continue;
      absl::StatusOr<ProjectionState::ComplaintPtr> view = state.Complaint(std::string(id));
      if (!view.ok()) {
        failed = view.status();
        return;
      }
      if (*view == nullptr) continue;
      v1::ComplaintEvent payload;
      if (!payload.ParseFromString(record.payload())) {
        failed = Unreadable(record);
        return;
      }
      std::optional<v1::DeliveredEvent> event = FromComplaint(record, std::move(payload), **view);
      if (event.has_value()) delivered.push_back(*std::move(event));
    }
  });
  if (!failed.ok()) return failed;
  return delivered;
}

}  // namespace closedloop::services
