// The indexes of complaints that the read state keeps besides its views: by id in filing order
// (views of open cases), and case numbers by a string key (the case finder of a state without
// a view store, written once per case; with one, the finder's keys are stored: case_finder.h).
#ifndef CLOSEDLOOP_SERVICES_PROJECTIONS_VIEW_INDEX_H_
#define CLOSEDLOOP_SERVICES_PROJECTIONS_VIEW_INDEX_H_

#include <algorithm>
#include <cstdint>
#include <map>
#include <string>

#include "absl/container/flat_hash_map.h"
#include "absl/container/inlined_vector.h"
#include "absl/hash/hash.h"
#include "absl/strings/string_view.h"
#include "closedloop/v1/views.pb.h"
#include "domain/boards.h"

namespace closedloop::services {

struct IdOrder {
  bool operator()(const std::string& a, const std::string& b) const { return domain::IdLess(a, b); }
};
// Complaint id -> its view (views are immutable and owned by ProjectionState::complaints_; an
// index holding pointers must be given the new view whenever a case's view is replaced).
using ViewIndex = std::map<std::string, const v1::ComplaintView*, IdOrder>;

// Case numbers (the n of "CL-n"), ascending, so in filing order; most keys have one case.
using CaseNumbers = absl::InlinedVector<uint64_t, 1>;

// The numbers of the cases under each key, for an index written once per case, when it is
// filed: it holds numbers, not views, which a change replaces. A key is kept as a 64-bit
// fingerprint, not as the string (every case has its keys, so this is most of what the index
// costs): two keys may share one, so a reader checks each case it finds against the key it
// asked for.
class NumbersByKey {
 public:
  void Add(absl::string_view key, uint64_t number) {
    CaseNumbers& numbers = numbers_[absl::HashOf(key)];
    numbers.insert(std::upper_bound(numbers.begin(), numbers.end(), number), number);
  }
  // The numbers under `key`, and perhaps some of another key; empty if none.
  const CaseNumbers& Find(absl::string_view key) const {
    static const CaseNumbers* const kNone = new CaseNumbers();
    auto found = numbers_.find(absl::HashOf(key));
    return found == numbers_.end() ? *kNone : found->second;
  }

 private:
  absl::flat_hash_map<size_t, CaseNumbers> numbers_;
};

}  // namespace closedloop::services

#endif  // CLOSEDLOOP_SERVICES_PROJECTIONS_VIEW_INDEX_H_
