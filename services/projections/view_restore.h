// RestoreViews: loads a state with the stored views of every complaint and problem, as a
// restart after a kill does. Parsing a view costs about as much as counting it in the state,
// so one thread reads and parses the store's views while the caller's thread restores them
// into the state, in key order, passing batches through a short queue: a restart takes about
// the longer of the two, not their sum.
//
// ResumeViews: loads a state from the state a clean stop saved instead (ProjectionState::
// Saved): the rows and tallies of every case come from it, and only the views kept in memory
// (the open cases') are read, on two threads, while the caller's thread indexes them.
#ifndef CLOSEDLOOP_SERVICES_PROJECTIONS_VIEW_RESTORE_H_
#define CLOSEDLOOP_SERVICES_PROJECTIONS_VIEW_RESTORE_H_

#include "absl/status/status.h"
#include "services/projections/before_loader.h"
#include "services/projections/projection_state.h"
#include "storage/view_store.h"

namespace closedloop::services {

// Restores every view under "c/" and "p/" of `store` into `state` (ProjectionState::Restore).
// Nothing may write the store meanwhile. Errors: DATA_LOSS for an unreadable view, the store's;
// the state is then partly restored and must not be used (a start fails).
absl::Status RestoreViews(storage::ViewStore& store, ProjectionState& state);
// Makes the empty `state` the one a clean stop saved (`saved`, ProjectionState::Saved) beside
// the views `loader` reads: the rows and tallies from `saved`, and the views it kept in memory
// (the open cases') read from the store on two threads while this one indexes them. Nothing
// per closed case is read. Errors: as ProjectionState::Resume, the loader's, DATA_LOSS for a
// kept view missing or unreadable; the state must then be dropped. The problems are not in
// `saved`: RestoreProblems reads them.
absl::Status ResumeViews(const ViewLoader& loader, absl::string_view saved, ProjectionState& state);
// Restores only the problems' views (under "p/"), as RestoreViews does; or, with `before`, as
// they stood then (BeforeLoader).
absl::Status RestoreProblems(storage::ViewStore& store, ProjectionState& state,
                             const ViewsBefore* before = nullptr);

}  // namespace closedloop::services

#endif  // CLOSEDLOOP_SERVICES_PROJECTIONS_VIEW_RESTORE_H_
