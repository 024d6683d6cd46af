#include "services/delivery/scoped_events.h"

#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "closedloop/v1/problem.pb.h"
#include "domain/event_delivery.h"

namespace closedloop::services {
namespace {

constexpr absl::string_view kComplaintStream = "complaint-";
constexpr absl::string_view kProblemStream = "problem-";
// How long a batch waits for the views to apply it before the stream reports them behind:
// they follow the log within milliseconds unless they stopped (which fails at once).
constexpr absl::Duration kViewsWait = absl::Seconds(30);

// What the log itself can filter: the types, and the complaints' streams alone when nothing
// else is the reader's.
storage::EventFilter LogFilterOf(const domain::Caller& caller, const v1::DeliveryFilter& filter) {
  storage::EventFilter log_filter;
  log_filter.event_types.assign(filter.event_types().begin(), filter.event_types().end());
  if (!domain::DeliversProblemEvent(caller, v1::DeliveryFilter(), "")) {
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

ScopedEvents::ScopedEvents(storage::EventLog& log, Projections& projections,
                           domain::Caller caller, v1::DeliveryFilter filter,
                           uint64_t from_position)
    : projections_(projections),
      caller_(std::move(caller)),
      filter_(std::move(filter)),
      subscription_(log.Subscribe(from_position, LogFilterOf(caller_, filter_))) {}

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
        if (!domain::DeliversProblemEvent(caller_, filter_, record.type())) continue;
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
      std::optional<v1::ComplaintEvent> event = domain::DeliveredComplaintEvent(
          caller_, filter_, record.type(), view->get(), std::move(payload));
      if (!event.has_value()) continue;
      v1::DeliveredEvent envelope = Envelope(record);
      *envelope.mutable_complaint() = *std::move(event);
      *envelope.mutable_summary() = domain::SummaryOf(**view);
      delivered.push_back(std::move(envelope));
    }
  });
  if (!failed.ok()) return failed;
  return delivered;
}

}  // namespace closedloop::services
