// ViewLoader: where a ProjectionState finds the views it let go of. A state keeps the views of
// open cases in memory, and those of closed cases only until both copies of the state have
// them (Projections); after that a closed case's view lives in the view store alone, and the
// state reads it from there, as of the state's own position, when a query or a later event
// (a survey, a reopening) needs it. The finder's keys (case_finder.h) and the cases' metrics
// facts (stored_facts.h) are read from the store alike.
#ifndef CLOSEDLOOP_SERVICES_PROJECTIONS_VIEW_LOADER_H_
#define CLOSEDLOOP_SERVICES_PROJECTIONS_VIEW_LOADER_H_

#include <memory>
#include <optional>
#include <string>
#include <utility>

#include "absl/functional/function_ref.h"
#include "absl/status/statusor.h"
#include "services/projections/case_finder.h"
#include "services/projections/view_index.h"
#include "storage/view_store.h"

namespace closedloop::services {

class ViewLoader {
 public:
  virtual ~ViewLoader() = default;
  // The serialized view under the store key `key`, as of the position of the state that asks.
  // NOT_FOUND when there is none; otherwise the store's errors.
  virtual absl::StatusOr<std::string> Load(const std::string& key) const = 0;
  // The case numbers of the finder's store keys under `prefix` (case_finder.h), as of the
  // same position, in filing order. Errors: the store's.
  virtual absl::StatusOr<CaseNumbers> Numbers(const std::string& prefix) const = 0;
  // Calls `visit` with the store's entries whose keys are in [from, to) (stored_facts.h), as
  // of the same position, until it returns an error. Errors: visit's, the store's.
  virtual absl::Status Scan(const std::string& from, const std::string& to,
                            absl::FunctionRef<absl::Status(absl::string_view key, absl::string_view value)> visit) const = 0;
};

// A ViewLoader reading the store through a snapshot, which its owner moves along with the
// state's position (only while no query reads the state).
class SnapshotLoader : public ViewLoader {
 public:
  explicit SnapshotLoader(storage::ViewStore& store) : store_(store) {}
  void At(std::shared_ptr<const storage::ViewStore::Snapshot> snapshot) {
    snapshot_ = std::move(snapshot);
  }
  const std::shared_ptr<const storage::ViewStore::Snapshot>& snapshot() const { return snapshot_; }
  absl::StatusOr<std::string> Load(const std::string& key) const override {
    return store_.Get(key, *snapshot_);
  }
  absl::StatusOr<CaseNumbers> Numbers(const std::string& prefix) const override {
    CaseNumbers numbers;
    absl::Status read = store_.Keys(prefix, *snapshot_, [&](absl::string_view key) {
      if (std::optional<uint64_t> number = FinderNumber(key, prefix)) numbers.push_back(*number);
    });
    if (!read.ok()) return read;
    return numbers;
  }
  absl::Status Scan(const std::string& from, const std::string& to,
                    absl::FunctionRef<absl::Status(absl::string_view key, absl::string_view value)> visit) const override {
    return store_.Range(from, to, *snapshot_, visit);
  }

 private:
  storage::ViewStore& store_;
  std::shared_ptr<const storage::ViewStore::Snapshot> snapshot_;
};

}  // namespace closedloop::services

#endif  // CLOSEDLOOP_SERVICES_PROJECTIONS_VIEW_LOADER_H_
