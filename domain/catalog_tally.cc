// CatalogTally: the case-by-case counterpart of CatalogOf (domain/boards.cc); the property test
// in tests/domain/catalog_tally_test.cc checks that the two agree.
#include "domain/catalog_tally.h"

#include "domain/boards.h"
#include "domain/proto_time.h"

namespace closedloop::domain {

CatalogTally::Department* CatalogTally::Named(const std::string& name) {
  if (name.empty()) return nullptr;
  return &departments_[name];
}

void CatalogTally::DropIfUnnamed(const std::string& name) {
  auto it = departments_.find(name);
  if (it != departments_.end() && it->second.refs == 0) departments_.erase(it);
}

void CatalogTally::Add(const v1::ComplaintView& view, int sign) {
  if (Department* d = Named(view.department())) {
    d->refs += sign;
    d->total_cases += sign;
    if (IsOpen(view)) d->open_cases += sign;
    auto [it, inserted] = d->cases_by_root_cause.try_emplace(view.root_cause_code(), 0);
    it->second += sign;
    if (it->second == 0) d->cases_by_root_cause.erase(it);
    DropIfUnnamed(view.department());
  }
  for (const v1::TaskView& task : view.tasks()) {
    Department* d = Named(task.department());
    if (d == nullptr) continue;
    d->refs += sign;
    if (!task.has_completed_at()) {
      std::pair<std::string, std::string> key(view.complaint_id(), task.task_id());
      if (sign > 0) {
        v1::TaskRef& ref = d->open_tasks[std::move(key)];
        ref.set_complaint_id(view.complaint_id());
        *ref.mutable_task() = task;
      } else {
        d->open_tasks.erase(key);
      }
    }
    if (task.has_responded_at()) {
      d->tasks_answered += sign;
      if (task.has_opened_at()) {
        d->response_time.Add(FromProto(task.responded_at()) - FromProto(task.opened_at()), sign);
      }
    }
    if (task.escalation_level() > 0) d->escalated_tasks += sign;
    DropIfUnnamed(task.department());
  }
}

v1::DepartmentEntry CatalogTally::EntryOf(const std::string& name, const Department& d,
                                          absl::Time now) const {
  v1::DepartmentEntry e;
  e.set_department(name);
  e.set_open_cases(static_cast<int32_t>(d.open_cases));
  e.set_total_cases(static_cast<int32_t>(d.total_cases));
  for (const auto& [cause, n] : d.cases_by_root_cause) {
    (*e.mutable_cases_by_root_cause())[cause] = static_cast<int32_t>(n);
  }
  for (const auto& [key, ref] : d.open_tasks) {
    const v1::TaskView& task = ref.task();
    if (task.has_due() && FromProto(task.due()) <= now) *e.add_overdue_tasks() = ref;
    if (task.escalation_level() > 0) *e.add_escalated_open_tasks() = ref;
    *e.add_open_tasks() = ref;
  }
  SortCatalogEntry(e);
  e.set_tasks_answered(static_cast<int32_t>(d.tasks_answered));
  if (!d.response_time.empty()) {
    *e.mutable_response_time_p50() = ToProto(d.response_time.Percentile(50));
    *e.mutable_response_time_p90() = ToProto(d.response_time.Percentile(90));
  }
  e.set_escalated_tasks(static_cast<int32_t>(d.escalated_tasks));
  return e;
}

v1::DepartmentCatalog CatalogTally::ToCatalog(const std::string& department, absl::Time now) const {
  v1::DepartmentCatalog catalog;
  if (!department.empty()) {
    auto it = departments_.find(department);
    if (it != departments_.end()) *catalog.add_departments() = EntryOf(it->first, it->second, now);
    return catalog;
  }
  for (const auto& [name, d] : departments_) *catalog.add_departments() = EntryOf(name, d, now);
  return catalog;
}

}  // namespace closedloop::domain
