// Stored facts: a case's metrics facts (domain::CaseFacts) as an entry of the view store, beside
// its view. MetricsByDay keeps a tally per filing day and hour, and a metrics range that cuts an
// hour reads the facts of that hour's cases from these entries, through the state's snapshot, so
// that no case's facts are held in memory. The tallies are rebuilt at start from the views with
// the binary's FactsOf, and must agree with the entries: a change to FactsOf or to
// v1::CaseFactsEntry needs a new Projections::kFormat (the views are then rebuilt).
//
// Store key: "f" <filing time: whole seconds since the Unix epoch + 2^63, 8 bytes big-endian;
// nanoseconds after them, 4 bytes big-endian> <complaint id>. Keys sort by filing time, so the
// cases filed in [from, to) are exactly the keys in [FactsKeyAt(from), FactsKeyAt(to)). A case's
// filing never changes, nor does its key; its value is written again, with its view, whenever
// an event changes its facts (ProjectionState::TakeChangedFacts).
//
// Thread safety: free functions, any thread.
#ifndef CLOSEDLOOP_SERVICES_PROJECTIONS_STORED_FACTS_H_
#define CLOSEDLOOP_SERVICES_PROJECTIONS_STORED_FACTS_H_

#include <string>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "closedloop/v1/views.pb.h"
#include "domain/case_facts.h"

namespace closedloop::services {

// The first key of the cases filed at `t` or later (a finite time).
std::string FactsKeyAt(absl::Time t);
// The entry (key, serialized v1::CaseFactsEntry) of the facts of case `id` as `view` stands.
std::pair<std::string, std::string> FactsEntryOf(const std::string& id, const v1::ComplaintView& view);
// Whether a store key is a facts entry's.
bool IsFactsKey(absl::string_view store_key);
// The facts an entry holds; `facts`' strings point into `scratch`, so they are valid until it
// changes. DATA_LOSS for an entry FactsEntryOf did not write.
absl::Status ReadFactsEntry(absl::string_view key, absl::string_view value, v1::CaseFactsEntry& scratch,
                            domain::CaseFacts& facts);

}  // namespace closedloop::services

#endif  // CLOSEDLOOP_SERVICES_PROJECTIONS_STORED_FACTS_H_
