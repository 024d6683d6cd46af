// Metrics: the measures of DESIGN.md §2.10 (time to first contact and to resolution, share
// resolved within target, breaches by department, reopen rate, complaint/recommendation mix,
// red-button use, repeat complainers, customer scores) computed from the read models.
//
// Pure: the views are inputs; the caller chooses them (e.g. by filed range) and sets `position`.
#ifndef CLOSEDLOOP_DOMAIN_METRICS_H_
#define CLOSEDLOOP_DOMAIN_METRICS_H_

#include <vector>

#include "closedloop/v1/boards.pb.h"
#include "closedloop/v1/views.pb.h"

namespace closedloop::domain {

// Over the views given (the caller filters by filed range):
// complaints/recommendations by kind; first_contact p50/p90 over cases with first_contact_at
// (first_contact_at - filing.filed_at); resolution p50/p90 over complaints with first_resolved_at
// (first_resolved_at - filed_at); resolved = complaints with first_resolved_at;
// resolved_within_target = share of resolved complaints whose first_resolved_at <= due of their first
// DEADLINE_KIND_RESOLUTION deadline (cases without such a deadline count as within target);
// breaches_by_department[view.department] += breach_count (only when > 0);
// reopen_rate = complaints with reopen_count > 0 / resolved (0 when none resolved);
// by_channel[Channel_Name(channel)] complaints/recommendations; red_button_cases (channel RED_BUTTON),
// red_button_redirect_rate (state REDIRECTED among them); repeat_complainers = distinct non-empty
// customer_ref with >= 2 cases; satisfaction (over surveyed views: responses, nps = %promoters(9-10) -
// %detractors(0-6), csat mean) overall and by month of filed_at "YYYY-MM" UTC, channel name, store
// (filing.store), department; one_call_resolution = resolved complaints whose
// reached_contacts_before_resolution <= 1, overall, by channel name and by view.team.
// Percentiles are nearest-rank (see Percentile in boards.h) and left unset when there is no sample;
// shares and rates are 0 when their denominator is.
v1::Metrics MetricsOf(const std::vector<const v1::ComplaintView*>& views);

}  // namespace closedloop::domain

#endif  // CLOSEDLOOP_DOMAIN_METRICS_H_
