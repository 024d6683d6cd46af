// CatalogTally: the department catalog's counts and open tasks, kept as cases change, so that
// GetDepartmentCatalog costs the departments and open tasks it shows, not a pass over every
// case. Add(view, +1) counts a case as it stands; Add(view, -1) takes the very same view back
// before it changes.
//
// ToCatalog() equals CatalogOf() (domain/boards.h) over the same cases, but for the response
// time percentiles, which come from a LatencyHistogram (within 1/128 of the exact ones).
//
// Pure: views in, catalog out; `now` is an argument.
#ifndef CLOSEDLOOP_DOMAIN_CATALOG_TALLY_H_
#define CLOSEDLOOP_DOMAIN_CATALOG_TALLY_H_

#include <cstdint>
#include <map>
#include <string>
#include <utility>

#include "absl/container/btree_map.h"
#include "absl/time/time.h"
#include "closedloop/v1/boards.pb.h"
#include "closedloop/v1/views.pb.h"
#include "domain/latency_histogram.h"

namespace closedloop::domain {

class CatalogTally {
 public:
  void Add(const v1::ComplaintView& view, int sign = 1);
  // As CatalogOf(views, department, now): every department, or only `department`.
  v1::DepartmentCatalog ToCatalog(const std::string& department, absl::Time now) const;

  // The fields a saved state keeps (services/projections/state_archive.h).
  template <typename Archive>
  void Fields(Archive& archive) {
    archive(departments_);
  }

 private:
  struct Department {
    int64_t refs = 0;  // cases and tasks that name it: listed while there are any
    int64_t total_cases = 0;
    int64_t open_cases = 0;
    std::map<std::string, int64_t> cases_by_root_cause;
    int64_t tasks_answered = 0;
    int64_t escalated_tasks = 0;
    LatencyHistogram response_time;
    // Tasks not completed, by (complaint id, task id).
    absl::btree_map<std::pair<std::string, std::string>, v1::TaskRef> open_tasks;
    template <typename Archive>
    void Fields(Archive& archive) {
      archive(refs, total_cases, open_cases, cases_by_root_cause, tasks_answered, escalated_tasks,
              response_time, open_tasks);
    }
  };
  // The department `name` names, created if need be; nullptr for "".
  Department* Named(const std::string& name);
  void DropIfUnnamed(const std::string& name);
  v1::DepartmentEntry EntryOf(const std::string& name, const Department& d, absl::Time now) const;

  std::map<std::string, Department> departments_;
};

}  // namespace closedloop::domain

#endif  // CLOSEDLOOP_DOMAIN_CATALOG_TALLY_H_
