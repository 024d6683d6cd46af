// Boards: what QueryService shows superheroes, departments and customers, computed from the read
// models (ComplaintView, ProblemView) at a given `now`.
//
// Pure: the views and `now` are inputs; nothing is read, remembered or clocked. Every ordering
// ends in a deterministic tie-break (ids compared numerically, see IdLess), so the same views
// give the same board. The `position` fields are left 0: the caller knows the log position the
// views reflect.
#ifndef CLOSEDLOOP_DOMAIN_BOARDS_H_
#define CLOSEDLOOP_DOMAIN_BOARDS_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "closedloop/v1/boards.pb.h"
#include "closedloop/v1/views.pb.h"

namespace closedloop::domain {

// Orders ids of the form "<prefix>-<n>" ("CL-9" before "CL-10") by prefix, then numerically;
// ids without a numeric suffix come after the numeric ones of the same prefix, by plain string.
// A strict weak ordering, equal only for equal strings.
bool IdLess(const std::string& a, const std::string& b);

// The nearest-rank percentile (`percent` in 1..100) of `durations`, in any order: the
// ceil(percent/100 * n)-th smallest (p50 of 1..10 is 5). Zero when `durations` is empty.
absl::Duration Percentile(std::vector<absl::Duration> durations, int percent);

// Open = state OPEN or IN_PROGRESS.
bool IsOpen(const v1::ComplaintView& view);

// The case as a board shows it at `now`: next_deadline = the PENDING or WARNED deadline with the
// earliest due (unset if none); at_risk = any deadline WARNED, or a pending one whose warn_at <= now;
// breached = any deadline BREACHED, or an open (pending/warned) one with due <= now;
// open_tasks = tasks without completed_at. Copies id/state/channel(filing.channel)/kind/severity/
// owner/team/department/customer_ref(filing.customer_ref)/filed_at/hanging.
v1::BoardCase ToBoardCase(const v1::ComplaintView& view, absl::Time now);

// When a case's board flags turn on, which depends on the case and not on `now`: at `now` the
// case is at risk iff at_risk_from <= now, and breached iff breached_from <= now (as
// ToBoardCase computes them); next_due is the due of its next deadline, the superhero board's
// order. InfinitePast when a flag is on for good (a WARNED or BREACHED deadline), InfiniteFuture
// when it cannot turn on.
struct CaseTimes {
  absl::Time next_due = absl::InfiniteFuture();
  absl::Time at_risk_from = absl::InfiniteFuture();
  absl::Time breached_from = absl::InfiniteFuture();
};
CaseTimes TimesOf(const v1::ComplaintView& view);

// The owner's open cases (callers pass candidate views; non-open or other owners are skipped),
// ordered by next deadline due (cases without one last, then by complaint filed_at, then id);
// counts open/at_risk/breached/hanging over all of them but lists only the first `limit`.
// `position` is left 0 (the caller sets it).
v1::SuperheroBoard SuperheroBoardOf(const std::string& owner,
                                    const std::vector<const v1::ComplaintView*>& views, absl::Time now,
                                    size_t limit = SIZE_MAX);

// Where a deadline of an open case stands on a deadline board at `now` up to `horizon`:
// breached (BREACHED, or pending/warned with due <= now), due soon (pending/warned with
// now < due <= horizon), or not on the board.
enum class DueClass { kNone, kSoon, kBreached };
DueClass ClassifyDue(const v1::DeadlineView& deadline, absl::Time now, absl::Time horizon);
DueClass ClassifyDue(v1::DeadlineState state, absl::Time due, absl::Time now, absl::Time horizon);
// A deadline board's entry for `deadline` of `view`.
v1::DueDeadline DueEntryOf(const v1::ComplaintView& view, const v1::DeadlineView& deadline, absl::Time now);

// due_soon: pending/warned deadlines of open cases with now < due <= now + window, soonest first;
// breached: deadlines of open cases that are BREACHED, or pending/warned with due <= now, oldest due
// first. Ties by complaint id, then timer id. Each list holds at most `limit` entries; the
// totals count them all.
v1::DeadlineBoard DeadlineBoardOf(const std::vector<const v1::ComplaintView*>& views, absl::Time now,
                                  absl::Duration window, size_t limit = SIZE_MAX);

// One entry per department seen on a case (view.department, "" skipped) or on a task
// (task.department, "" skipped); filtered to `department` when non-empty; sorted by name.
// open_cases/total_cases/cases_by_root_cause count cases by view.department; open_tasks (not
// completed, sorted by due, tasks without a due last), overdue_tasks (not completed and
// due <= now), tasks_answered (responded_at set), response_time p50/p90 (responded_at -
// opened_at, nearest rank; unset when no task was answered), escalated_tasks
// (escalation_level > 0) count tasks by task.department. escalated_open_tasks lists the
// department's tasks that are not completed and have escalation_level > 0, highest level first,
// then by due (none last), then complaint id, then task id.
// Orders an entry's task lists as CatalogOf does (open and overdue tasks by due, escalated
// ones by level first).
void SortCatalogEntry(v1::DepartmentEntry& entry);

v1::DepartmentCatalog CatalogOf(const std::vector<const v1::ComplaintView*>& views,
                                const std::string& department, absl::Time now);

// The customer's cases (filing.customer_ref), newest filing first (ties: the larger id first).
v1::CustomerHistory CustomerHistoryOf(const std::string& customer_ref,
                                      const std::vector<const v1::ComplaintView*>& views, absl::Time now);

// Open first, then fixed, then verified (then any other state); by problem id within (IdLess).
v1::ProblemBoard ProblemBoardOf(const std::vector<const v1::ProblemView*>& problems);

}  // namespace closedloop::domain

#endif  // CLOSEDLOOP_DOMAIN_BOARDS_H_
