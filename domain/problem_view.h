// The problem read model: a pure fold of one "problem-<id>" stream into a v1::ProblemView
// (proto/closedloop/v1/views.proto). Mirrors EvolveProblem (domain/problem.cc), with times taken
// from the record (`meta.recorded_at`). Total: an unknown or unset event only advances revision
// and last_position; completing an action item the view does not hold changes nothing else.
// Deterministic: no clock, no I/O.
#ifndef CLOSEDLOOP_DOMAIN_PROBLEM_VIEW_H_
#define CLOSEDLOOP_DOMAIN_PROBLEM_VIEW_H_

#include "closedloop/v1/problem.pb.h"
#include "closedloop/v1/views.pb.h"
#include "domain/complaint_view.h"  // EventMeta
#include "domain/problem.h"

namespace closedloop::domain {

// Applies one problem event to the view.
void ApplyToView(v1::ProblemView& view, const EventMeta& meta, const v1::ProblemEvent& event);

// The view's name for where the domain's problem stands (not opened -> UNSPECIFIED).
v1::ProblemState ViewState(const ProblemState& state);

}  // namespace closedloop::domain

#endif  // CLOSEDLOOP_DOMAIN_PROBLEM_VIEW_H_
