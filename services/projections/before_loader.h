// BeforeLoader: the view store as of the state saved last (ViewStore::SaveState), for a start
// after a crash. The store then holds the views of its checkpoint, which commits moved past
// the saved state; each view they changed was kept as it stood before (ViewStore::Before). A
// state resumed from the saved one reads the views through this loader, the kept ones where
// there are, and so sees the store as of its own position until it has replayed the log up to
// the checkpoint.
#ifndef CLOSEDLOOP_SERVICES_PROJECTIONS_BEFORE_LOADER_H_
#define CLOSEDLOOP_SERVICES_PROJECTIONS_BEFORE_LOADER_H_

#include <optional>
#include <string>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "services/projections/view_loader.h"

namespace closedloop::services {

// Store key -> the view as of the saved state (nullopt: the key held nothing then).
using ViewsBefore = absl::flat_hash_map<std::string, std::optional<std::string>>;

class BeforeLoader : public ViewLoader {
 public:
  // Both must outlive this loader.
  BeforeLoader(const ViewLoader& store, const ViewsBefore& before) : store_(store), before_(before) {}
  absl::StatusOr<std::string> Load(const std::string& key) const override {
    auto it = before_.find(key);
    if (it == before_.end()) return store_.Load(key);
    if (!it->second) return absl::NotFoundError(absl::StrCat("the view store held no ", key));
    return *it->second;
  }
  // The finder's keys and the facts are read by queries, not while the log is replayed: as the
  // store holds them.
  absl::StatusOr<CaseNumbers> Numbers(const std::string& prefix) const override {
    return store_.Numbers(prefix);
  }
  absl::Status Scan(const std::string& from, const std::string& to,
                    absl::FunctionRef<absl::Status(absl::string_view key, absl::string_view value)> visit) const override {
    return store_.Scan(from, to, visit);
  }

 private:
  const ViewLoader& store_;
  const ViewsBefore& before_;
};

}  // namespace closedloop::services

#endif  // CLOSEDLOOP_SERVICES_PROJECTIONS_BEFORE_LOADER_H_
