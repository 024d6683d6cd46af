// The complaint read model: a pure fold of one "complaint-<id>" stream into a v1::ComplaintView
// (proto/closedloop/v1/views.proto), what the projections keep and QueryService returns.
//
//   ApplyToView(view, meta, event)   view := view + one event, in place
//   HistoryEntryOf(meta)             the event's line in the case's history
//
// It mirrors Evolve (domain/complaint_evolve.cc) and adds what a reader needs besides the rules:
// times (from the record: `meta.recorded_at`, or a timer event's own `fired_at`), the comments,
// tasks and deadlines as lists. Total: an unknown or unset event only advances revision,
// last_position and updated_at, so an older binary can fold a stream written by a newer one.
// Deterministic: no clock, no I/O; the same records in the same order give the same view.
//
// The fold leaves `history` alone: a view is the case as it stands, and a stored view that
// carried every event would cost a write the size of the case's whole past on each new event.
// Whoever shows the history reads the case's stream and adds HistoryEntryOf each record.
//
// Events that name a task or a deadline the view does not hold (the decider never writes them)
// change nothing but the revision, rather than conjure an entry with no details.
#ifndef CLOSEDLOOP_DOMAIN_COMPLAINT_VIEW_H_
#define CLOSEDLOOP_DOMAIN_COMPLAINT_VIEW_H_

#include <cstdint>
#include <string>

#include "absl/time/time.h"
#include "closedloop/v1/complaint.pb.h"
#include "closedloop/v1/event.pb.h"
#include "closedloop/v1/views.pb.h"
#include "domain/complaint.h"

namespace closedloop::domain {

// The record an event arrived in (what the view needs besides the event itself).
struct EventMeta {
  uint64_t position = 0;
  uint64_t revision = 0;
  absl::Time recorded_at;
  std::string type;  // e.g. "complaint.filed"
  v1::Actor actor;
};

// Applies one complaint event to the view (not to its history).
void ApplyToView(v1::ComplaintView& view, const EventMeta& meta, const v1::ComplaintEvent& event);

// The view's deadline with `timer_id`, and its task with `task_id`; nullptr when it has none.
// Linear scans: a case holds a handful of tasks and deadlines.
const v1::DeadlineView* DeadlineOf(const v1::ComplaintView& view, const std::string& timer_id);
const v1::TaskView* TaskOf(const v1::ComplaintView& view, const std::string& task_id);

// The history entry of the event recorded as `meta`.
v1::HistoryEntry HistoryEntryOf(const EventMeta& meta);

// The view's names for the domain's states (kNone -> COMPLAINT_STATE_UNSPECIFIED).
v1::ComplaintState ViewState(ComplaintStatus status);
v1::DeadlineState ViewState(DeadlineStatus status);

}  // namespace closedloop::domain

#endif  // CLOSEDLOOP_DOMAIN_COMPLAINT_VIEW_H_
