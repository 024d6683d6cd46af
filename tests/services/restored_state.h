// Helpers for the tests of a state restored at start-up (view_restore_test.cc,
// saved_state_test.cc): random stored cases, and a check that a restored state answers as a
// state keeping every view in memory does.
#ifndef CLOSEDLOOP_TESTS_SERVICES_RESTORED_STATE_H_
#define CLOSEDLOOP_TESTS_SERVICES_RESTORED_STATE_H_

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "services/projections/projection_state.h"
#include "storage/view_store.h"

namespace closedloop::testing {

// A view store in `path` (of the tests' own view format).
std::unique_ptr<storage::ViewStore> OpenStore(const std::string& path);

// The store writes of `cases` random cases (views and metrics facts), about half of them open,
// and a problem.
std::vector<std::pair<std::string, std::string>> StoredCases(int cases);

// A state without a loader holding every view of `store`: the reference for what letting go
// of closed views must not change.
void RestoreInMemory(storage::ViewStore& store, services::ProjectionState& state);

// Checks that `restored` answers as `reference` (holding every view) does for `cases` cases
// numbered 1..cases: lists (unfiltered and by each filter the rows count) through every page
// and the rows they start from, metrics (all time and a range cutting days and hours),
// catalog, deadline and superhero boards, load, and every seventh view read back.
void CheckAnswersAlike(const services::ProjectionState& restored,
                       const services::ProjectionState& reference, int cases);

}  // namespace closedloop::testing

#endif  // CLOSEDLOOP_TESTS_SERVICES_RESTORED_STATE_H_
