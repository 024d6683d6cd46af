// Boards: superhero board, deadline board, department catalog, customer history, problem board.
#include "domain/boards.h"

#include <algorithm>
#include <cstdint>
#include <map>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/string_view.h"
#include "domain/proto_time.h"

namespace closedloop::domain {
namespace {

// An id split for IdLess: "CL-0012" -> prefix "CL-", digits "12"; numeric when the part after
// the last '-' is all digits.
struct IdKey {
  absl::string_view prefix;
  bool numeric = false;
  absl::string_view digits;  // without leading zeros
};

IdKey KeyOf(absl::string_view id) {
  const size_t dash = id.rfind('-');
  if (dash == absl::string_view::npos) return IdKey{id, false, {}};
  const absl::string_view suffix = id.substr(dash + 1);
  const bool numeric = !suffix.empty() && std::all_of(suffix.begin(), suffix.end(), [](char c) {
    return absl::ascii_isdigit(static_cast<unsigned char>(c));
  });
  if (!numeric) return IdKey{id.substr(0, dash + 1), false, {}};
  const size_t first = suffix.find_first_not_of('0');
  return IdKey{id.substr(0, dash + 1), true,
               first == absl::string_view::npos ? absl::string_view() : suffix.substr(first)};
}

bool IsOpenDeadline(const v1::DeadlineView& d) {
  return d.state() == v1::DEADLINE_STATE_PENDING || d.state() == v1::DEADLINE_STATE_WARNED;
}

absl::Time FiledAt(const v1::ComplaintView& view) { return FromProto(view.filing().filed_at()); }

// Task refs by due (none last), then complaint id, then task id.
bool TaskOrder(const v1::TaskRef& a, const v1::TaskRef& b) {
  if (a.task().has_due() != b.task().has_due()) return a.task().has_due();
  if (a.task().has_due()) {
    const absl::Time da = FromProto(a.task().due());
    const absl::Time db = FromProto(b.task().due());
    if (da != db) return da < db;
  }
  if (a.complaint_id() != b.complaint_id()) return IdLess(a.complaint_id(), b.complaint_id());
  return IdLess(a.task().task_id(), b.task().task_id());
}

// Escalated task refs by escalation level (highest first), then as TaskOrder.
bool EscalatedOrder(const v1::TaskRef& a, const v1::TaskRef& b) {
  if (a.task().escalation_level() != b.task().escalation_level()) {
    return a.task().escalation_level() > b.task().escalation_level();
  }
  return TaskOrder(a, b);
}

template <typename T, typename Less>
void SortRepeated(google::protobuf::RepeatedPtrField<T>* field, Less less) {
  std::sort(field->begin(), field->end(), less);
}

int ProblemRank(v1::ProblemState state) {
  switch (state) {
    case v1::PROBLEM_STATE_OPEN:
      return 0;
    case v1::PROBLEM_STATE_FIXED:
      return 1;
    case v1::PROBLEM_STATE_VERIFIED:
      return 2;
    default:
      return 3;
  }
}

}  // namespace

namespace {
bool AllDigits(absl::string_view s) {
  return std::all_of(s.begin(), s.end(),
                     [](char c) { return absl::ascii_isdigit(static_cast<unsigned char>(c)); });
}
}  // namespace

bool IdLess(const std::string& a, const std::string& b) {
  // Every map of cases compares ids: the common case is cheap. Ids of one length that differ
  // only in the digits after their last '-' ("CL-000123", "CL-000456") are in numeric order
  // when compared as strings.
  if (a.size() == b.size()) {
    const auto [in_a, in_b] = std::mismatch(a.begin(), a.end(), b.begin());
    if (in_a == a.end()) return false;
    const size_t first = static_cast<size_t>(in_a - a.begin());
    const size_t dash = a.rfind('-', first);
    if (dash != std::string::npos && dash < first &&
        AllDigits(absl::string_view(a).substr(dash + 1)) &&
        AllDigits(absl::string_view(b).substr(first))) {
      return *in_a < *in_b;
    }
  }
  const IdKey ka = KeyOf(a);
  const IdKey kb = KeyOf(b);
  if (ka.prefix != kb.prefix) return ka.prefix < kb.prefix;
  if (ka.numeric != kb.numeric) return ka.numeric;  // numeric ids first
  if (ka.numeric && ka.digits != kb.digits) {
    if (ka.digits.size() != kb.digits.size()) return ka.digits.size() < kb.digits.size();
    return ka.digits < kb.digits;
  }
  return a < b;
}

absl::Duration Percentile(std::vector<absl::Duration> durations, int percent) {
  if (durations.empty()) return absl::ZeroDuration();
  std::sort(durations.begin(), durations.end());
  const int64_t n = static_cast<int64_t>(durations.size());
  const int64_t rank = std::clamp<int64_t>((int64_t{percent} * n + 99) / 100, 1, n);
  return durations[static_cast<size_t>(rank - 1)];
}

bool IsOpen(const v1::ComplaintView& view) {
  return view.state() == v1::COMPLAINT_STATE_OPEN || view.state() == v1::COMPLAINT_STATE_IN_PROGRESS;
}

namespace {

// Where a case stands against its clock at `now`: what a board shows besides the case's fields.
struct CaseClock {
  const v1::DeadlineView* next = nullptr;  // the open deadline due first (ties: scheduled first)
  absl::Time next_due = absl::InfiniteFuture();
  bool at_risk = false;
  bool breached = false;
};

CaseClock ClockOf(const v1::ComplaintView& view, absl::Time now) {
  CaseClock clock;
  for (const v1::DeadlineView& d : view.deadlines()) {
    if (d.state() == v1::DEADLINE_STATE_BREACHED) clock.breached = true;
    if (d.state() == v1::DEADLINE_STATE_WARNED) clock.at_risk = true;
    if (!IsOpenDeadline(d)) continue;
    const absl::Time due = FromProto(d.due());
    if (due <= now) clock.breached = true;
    if (d.state() == v1::DEADLINE_STATE_PENDING && d.has_warn_at() && FromProto(d.warn_at()) <= now) {
      clock.at_risk = true;
    }
    if (clock.next == nullptr || due < clock.next_due) {
      clock.next = &d;
      clock.next_due = due;
    }
  }
  return clock;
}

v1::BoardCase ToBoardCase(const v1::ComplaintView& view, const CaseClock& clock) {
  v1::BoardCase out;
  out.set_complaint_id(view.complaint_id());
  out.set_state(view.state());
  out.set_channel(view.filing().channel());
  out.set_kind(view.kind());
  out.set_severity(view.severity());
  out.set_owner(view.owner());
  out.set_team(view.team());
  out.set_department(view.department());
  out.set_customer_ref(view.filing().customer_ref());
  if (view.filing().has_filed_at()) *out.mutable_filed_at() = view.filing().filed_at();
  out.set_hanging(view.hanging());
  if (clock.next != nullptr) *out.mutable_next_deadline() = *clock.next;
  out.set_at_risk(clock.at_risk);
  out.set_breached(clock.breached);

  int open_tasks = 0;
  for (const v1::TaskView& task : view.tasks()) {
    if (!task.has_completed_at()) ++open_tasks;
  }
  out.set_open_tasks(open_tasks);
  return out;
}

}  // namespace

v1::BoardCase ToBoardCase(const v1::ComplaintView& view, absl::Time now) {
  return ToBoardCase(view, ClockOf(view, now));
}

CaseTimes TimesOf(const v1::ComplaintView& view) {
  CaseTimes times;
  bool warned = false;
  bool breached = false;
  for (const v1::DeadlineView& d : view.deadlines()) {
    if (d.state() == v1::DEADLINE_STATE_BREACHED) breached = true;
    if (d.state() == v1::DEADLINE_STATE_WARNED) warned = true;
    if (!IsOpenDeadline(d)) continue;
    times.next_due = std::min(times.next_due, FromProto(d.due()));
    if (d.state() == v1::DEADLINE_STATE_PENDING && d.has_warn_at()) {
      times.at_risk_from = std::min(times.at_risk_from, FromProto(d.warn_at()));
    }
  }
  times.breached_from = breached ? absl::InfinitePast() : times.next_due;
  if (warned) times.at_risk_from = absl::InfinitePast();
  return times;
}

v1::SuperheroBoard SuperheroBoardOf(const std::string& owner,
                                    const std::vector<const v1::ComplaintView*>& views,
                                    absl::Time now, size_t limit) {
  v1::SuperheroBoard board;
  board.set_owner(owner);
  // Sort cheap keys, then copy out only the cases listed: an owner may hold thousands.
  struct Key {
    CaseClock clock;
    absl::Time filed;
    const v1::ComplaintView* view;
  };
  std::vector<Key> keys;
  for (const v1::ComplaintView* view : views) {
    if (view == nullptr || !IsOpen(*view) || view->owner() != owner) continue;
    Key key{ClockOf(*view, now), FiledAt(*view), view};
    board.set_open(board.open() + 1);
    if (key.clock.at_risk) board.set_at_risk(board.at_risk() + 1);
    if (key.clock.breached) board.set_breached(board.breached() + 1);
    if (view->hanging()) board.set_hanging(board.hanging() + 1);
    keys.push_back(key);
  }
  const size_t listed = std::min(limit, keys.size());
  std::partial_sort(keys.begin(), keys.begin() + listed, keys.end(), [](const Key& a, const Key& b) {
    if (a.clock.next_due != b.clock.next_due) return a.clock.next_due < b.clock.next_due;
    if (a.filed != b.filed) return a.filed < b.filed;
    return IdLess(a.view->complaint_id(), b.view->complaint_id());
  });
  for (size_t i = 0; i < listed; ++i) *board.add_cases() = ToBoardCase(*keys[i].view, keys[i].clock);
  return board;
}

DueClass ClassifyDue(v1::DeadlineState state, absl::Time due, absl::Time now, absl::Time horizon) {
  const bool open = state == v1::DEADLINE_STATE_PENDING || state == v1::DEADLINE_STATE_WARNED;
  if (state == v1::DEADLINE_STATE_BREACHED || (open && due <= now)) return DueClass::kBreached;
  if (open && due <= horizon) return DueClass::kSoon;
  return DueClass::kNone;
}

DueClass ClassifyDue(const v1::DeadlineView& deadline, absl::Time now, absl::Time horizon) {
  return ClassifyDue(deadline.state(), FromProto(deadline.due()), now, horizon);
}

v1::DueDeadline DueEntryOf(const v1::ComplaintView& view, const v1::DeadlineView& deadline, absl::Time now) {
  v1::DueDeadline entry;
  *entry.mutable_complaint() = ToBoardCase(view, now);
  *entry.mutable_deadline() = deadline;
  return entry;
}

v1::DeadlineBoard DeadlineBoardOf(const std::vector<const v1::ComplaintView*>& views, absl::Time now,
                                  absl::Duration window, size_t limit) {
  struct Due {
    absl::Time due;
    const v1::ComplaintView* view;
    const v1::DeadlineView* deadline;
  };
  std::vector<Due> soon;
  std::vector<Due> breached;
  const absl::Time horizon = now + window;
  for (const v1::ComplaintView* view : views) {
    if (view == nullptr || !IsOpen(*view)) continue;
    for (const v1::DeadlineView& d : view->deadlines()) {
      switch (ClassifyDue(d, now, horizon)) {
        case DueClass::kBreached:
          breached.push_back(Due{FromProto(d.due()), view, &d});
          break;
        case DueClass::kSoon:
          soon.push_back(Due{FromProto(d.due()), view, &d});
          break;
        case DueClass::kNone:
          break;
      }
    }
  }
  // By due, then complaint id, then timer id; only the entries listed are copied out.
  auto list = [&](std::vector<Due>& all, google::protobuf::RepeatedPtrField<v1::DueDeadline>* out) {
    const size_t listed = std::min(limit, all.size());
    std::partial_sort(all.begin(), all.begin() + listed, all.end(), [](const Due& a, const Due& b) {
      if (a.due != b.due) return a.due < b.due;
      if (a.view != b.view) return IdLess(a.view->complaint_id(), b.view->complaint_id());
      return IdLess(a.deadline->timer_id(), b.deadline->timer_id());
    });
    for (size_t i = 0; i < listed; ++i) *out->Add() = DueEntryOf(*all[i].view, *all[i].deadline, now);
  };
  v1::DeadlineBoard board;
  board.set_due_soon_total(static_cast<int>(soon.size()));
  board.set_breached_total(static_cast<int>(breached.size()));
  list(soon, board.mutable_due_soon());
  list(breached, board.mutable_breached());
  return board;
}

void SortCatalogEntry(v1::DepartmentEntry& entry) {
  SortRepeated(entry.mutable_open_tasks(), TaskOrder);
  SortRepeated(entry.mutable_overdue_tasks(), TaskOrder);
  SortRepeated(entry.mutable_escalated_open_tasks(), EscalatedOrder);
}

v1::DepartmentCatalog CatalogOf(const std::vector<const v1::ComplaintView*>& views,
                                const std::string& department, absl::Time now) {
  std::map<std::string, v1::DepartmentEntry> entries;  // by name
  std::map<std::string, std::vector<absl::Duration>> response_times;
  auto entry = [&](const std::string& name) -> v1::DepartmentEntry* {
    if (name.empty() || (!department.empty() && name != department)) return nullptr;
    v1::DepartmentEntry& e = entries[name];
    e.set_department(name);
    return &e;
  };
  for (const v1::ComplaintView* view : views) {
    if (view == nullptr) continue;
    if (v1::DepartmentEntry* e = entry(view->department())) {
      e->set_total_cases(e->total_cases() + 1);
      if (IsOpen(*view)) e->set_open_cases(e->open_cases() + 1);
      ++(*e->mutable_cases_by_root_cause())[view->root_cause_code()];
    }
    for (const v1::TaskView& task : view->tasks()) {
      v1::DepartmentEntry* e = entry(task.department());
      if (e == nullptr) continue;
      if (!task.has_completed_at()) {
        v1::TaskRef ref;
        ref.set_complaint_id(view->complaint_id());
        *ref.mutable_task() = task;
        if (task.has_due() && FromProto(task.due()) <= now) *e->add_overdue_tasks() = ref;
        if (task.escalation_level() > 0) *e->add_escalated_open_tasks() = ref;
        *e->add_open_tasks() = std::move(ref);
      }
      if (task.has_responded_at()) {
        e->set_tasks_answered(e->tasks_answered() + 1);
        if (task.has_opened_at()) {
          response_times[task.department()].push_back(FromProto(task.responded_at()) -
                                                       FromProto(task.opened_at()));
        }
      }
      if (task.escalation_level() > 0) e->set_escalated_tasks(e->escalated_tasks() + 1);
    }
  }
  v1::DepartmentCatalog catalog;
  for (auto& [name, e] : entries) {
    SortCatalogEntry(e);
    const auto times = response_times.find(name);
    if (times != response_times.end()) {
      *e.mutable_response_time_p50() = ToProto(Percentile(times->second, 50));
      *e.mutable_response_time_p90() = ToProto(Percentile(times->second, 90));
    }
    *catalog.add_departments() = std::move(e);
  }
  return catalog;
}

v1::CustomerHistory CustomerHistoryOf(const std::string& customer_ref,
                                      const std::vector<const v1::ComplaintView*>& views,
                                      absl::Time now) {
  v1::CustomerHistory history;
  history.set_customer_ref(customer_ref);
  std::vector<const v1::ComplaintView*> mine;
  for (const v1::ComplaintView* view : views) {
    if (view != nullptr && view->filing().customer_ref() == customer_ref) mine.push_back(view);
  }
  std::sort(mine.begin(), mine.end(), [](const v1::ComplaintView* a, const v1::ComplaintView* b) {
    if (FiledAt(*a) != FiledAt(*b)) return FiledAt(*a) > FiledAt(*b);
    return IdLess(b->complaint_id(), a->complaint_id());
  });
  for (const v1::ComplaintView* view : mine) *history.add_cases() = ToBoardCase(*view, now);
  return history;
}

v1::ProblemBoard ProblemBoardOf(const std::vector<const v1::ProblemView*>& problems) {
  std::vector<const v1::ProblemView*> sorted;
  for (const v1::ProblemView* p : problems) {
    if (p != nullptr) sorted.push_back(p);
  }
  std::sort(sorted.begin(), sorted.end(), [](const v1::ProblemView* a, const v1::ProblemView* b) {
    const int ra = ProblemRank(a->state());
    const int rb = ProblemRank(b->state());
    if (ra != rb) return ra < rb;
    return IdLess(a->problem_id(), b->problem_id());
  });
  v1::ProblemBoard board;
  for (const v1::ProblemView* p : sorted) *board.add_problems() = *p;
  return board;
}

}  // namespace closedloop::domain
