// RestoreViews: loads a state with the stored views of every complaint and problem, as a
// restart does. Parsing a view costs about as much as counting it in the state, so one thread
// reads and parses the store's views while the caller's thread restores them into the state,
// in key order, passing batches through a short queue: a restart takes about the longer of the
// two, not their sum.
#ifndef CLOSEDLOOP_SERVICES_PROJECTIONS_VIEW_RESTORE_H_
#define CLOSEDLOOP_SERVICES_PROJECTIONS_VIEW_RESTORE_H_

#include "absl/status/status.h"
#include "services/projections/projection_state.h"
#include "storage/view_store.h"

namespace closedloop::services {

// Restores every view under "c/" and "p/" of `store` into `state` (ProjectionState::Restore).
// Nothing may write the store meanwhile. Errors: DATA_LOSS for an unreadable view, the store's;
// the state is then partly restored and must not be used (a start fails).
absl::Status RestoreViews(storage::ViewStore& store, ProjectionState& state);

}  // namespace closedloop::services

#endif  // CLOSEDLOOP_SERVICES_PROJECTIONS_VIEW_RESTORE_H_
