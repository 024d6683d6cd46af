// ProjectionState: the read models in memory, with the indexes the queries need. One Apply per
// log record, in position order; pure bookkeeping (no I/O, no clock), so that a state rebuilt
// from position 1 can be compared with one maintained incrementally.
//
// Views are immutable once made: a change makes a new view and swaps it in. So two states can
// share the views they agree on, and one state catches up with another by taking over its newer
// views (Share) without applying their events again; Projections keeps two such states, one
// read while the other is written.
//
// Memory holds the views of open cases; a closed case's view may be let go (LetGo) once it is
// in the view store, and is then read back through a ViewLoader when needed. The indexes, rows
// and tallies keep what they need of every case without holding its view. The finder's keys
// and the metrics facts of every case are store entries (without a loader: kept in memory).
//
// Thread safety: none for writes; const methods may run concurrently with each other.
#ifndef CLOSEDLOOP_SERVICES_PROJECTIONS_PROJECTION_STATE_H_
#define CLOSEDLOOP_SERVICES_PROJECTIONS_PROJECTION_STATE_H_

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "absl/container/btree_set.h"
#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "closedloop/v1/event.pb.h"
#include "closedloop/v1/views.pb.h"
#include "domain/boards.h"
#include "domain/catalog_tally.h"
#include "domain/routing.h"
#include "services/projections/case_finder.h"
#include "services/projections/due_index.h"
#include "services/projections/list_rows.h"
#include "services/projections/metrics_by_day.h"
#include "services/projections/owner_boards.h"
#include "services/projections/view_index.h"
#include "services/projections/view_loader.h"

namespace closedloop::services {

class ProjectionState {
 public:
  using ComplaintPtr = std::shared_ptr<const v1::ComplaintView>;
  ProjectionState() = default;
  ProjectionState(ProjectionState&&) = default;
  ProjectionState& operator=(ProjectionState&&) = default;
  // Store keys of the views: "c/<complaint id>", "p/<problem id>".
  static std::string ComplaintKey(const std::string& id) { return "c/" + id; }
  static std::string ProblemKey(const std::string& id) { return "p/" + id; }

  // Folds one record into the views. Returns the store key of the view it changed, or "" when
  // the record is not a complaint or problem event. DATA_LOSS for an unreadable payload.
  absl::StatusOr<std::string> Apply(const v1::RecordedEvent& record);

  // Restores one stored view (key as above, value serialized). With a loader, the view must be
  // in its store as the state has it: a closed case's is let go of at once (see LetGo).
  // DATA_LOSS if unreadable.
  absl::Status Restore(absl::string_view key, absl::string_view value);

  // A complaint's stored view (serialized), parsed. DATA_LOSS naming the case if unreadable.
  static absl::StatusOr<ComplaintPtr> ParseComplaint(
      absl::string_view id, absl::string_view bytes);
  // A complaint's view as `loader` reads it from the store. DATA_LOSS naming the case when the
  // store lacks it or it is unreadable; the loader's errors.
  static absl::StatusOr<ComplaintPtr> ReadComplaint(const ViewLoader& loader, const std::string& id);
  // Restores one complaint's stored view, parsed (as Restore).
  void RestoreComplaint(const std::string& id, std::shared_ptr<const v1::ComplaintView> view);

  // The state as a clean stop saves it (ViewStore::SaveState), with a loader: the rows and
  // tallies of every case, and the ids of the views kept in memory (the open cases'), which
  // the store holds as this state has them. Closed cases' views are counted as let go of.
  std::string Saved() const;
  // Makes this empty state, with a loader reading the store the state was saved beside, the
  // one Saved() returned: reads the rows and tallies from `saved`, and returns the ids of the
  // views it kept in memory, which the caller reads from the store and passes to ResumeKept.
  // Nothing per closed case is read. DATA_LOSS for bytes Saved() did not write,
  // FAILED_PRECONDITION for a state saved in another format or a state without a loader;
  // after an error the state is partly made and must be dropped.
  absl::StatusOr<std::vector<std::string>> Resume(absl::string_view saved);
  // One of the views Resume named, as the store holds it: it enters the open cases' indexes
  // (the rows and tallies count it already).
  void ResumeKept(const std::string& id, ComplaintPtr view);
  // The format of Saved()'s bytes: raised whenever a class in the saved state changes its
  // fields (state_archive.h) or how it counts a case (an Add, Index or Tally that counts
  // otherwise), so that a start never takes rows and tallies counted another way: it reads
  // every view and counts them afresh instead.
  static constexpr int kSavedFormat = 3;

  // Makes this state a copy of `from` that shares its views, keeping its own loader (which must
  // read the store as `from`'s does). Copying costs less than restoring every view again. The
  // copy shares the list rows' chunks too (ListRows): the two states must then be written and
  // destroyed on one thread.
  void CopyOf(const ProjectionState& from);

  // Takes `from`'s view under `key` (a key Apply or Restore returned there) as this state's,
  // sharing it: after Share of every key `from` changed since the two were equal, they are
  // equal again. Errors: the loader's, reading the view it replaces.
  absl::Status Share(const ProjectionState& from, const std::string& key);

  // After Share of every key `from` changed since the two were equal: holds the list rows the
  // two states agree on once, as `from` does (ListRows::ShareEqualChunks). Both states must then
  // be written and destroyed on one thread.
  void ShareRows(const ProjectionState& from) { rows_.ShareEqualChunks(from.rows_); }

  // Where views let go of, and the finder's keys, are read from (nullptr, the default: views
  // are never let go of, and the finder is kept in memory). Set before the first case; must
  // outlive this state.
  void set_loader(const ViewLoader* loader) { loader_ = loader; }
  // With a loader: the cases Apply filed since the last call, whose finder keys
  // (FinderKeysOf) the owner writes to the store with their views.
  std::vector<std::string> TakeFiled() { return std::exchange(filed_, {}); }
  // Lets go of the view under `key` if it is a closed case's (with a case number) and there is
  // a loader: it must be in the loader's store as this state has it.
  void LetGo(const std::string& key);

  // The serialized view under `key` (for the store).
  std::string Serialized(const std::string& key) const;
  // With a loader: the metrics facts entries (stored_facts.h) of the cases whose facts Apply
  // changed since the last call (a new case's among them), which the owner writes to the store
  // with their views. A case's facts change a few times in its life (filing, first contact,
  // resolution, survey), not at every event, so most batches rewrite few of them.
  std::vector<std::pair<std::string, std::string>> TakeChangedFacts();

  using ProblemPtr = std::shared_ptr<const v1::ProblemView>;
  // The views in memory: every open case's, and the closed ones not let go of.
  const std::map<std::string, ComplaintPtr, IdOrder>& complaints() const { return complaints_; }
  const std::map<std::string, ProblemPtr, IdOrder>& problems() const { return problems_; }
  // The case's view, from memory or the loader; nullptr when no case has the id. Errors: the
  // loader's (DATA_LOSS when the store lacks a view it should hold).
  absl::StatusOr<ComplaintPtr> Complaint(const std::string& id) const;
  // Whether a case has the id (without reading its view).
  bool HasComplaint(const std::string& id) const;
  // How many cases there are.
  size_t ComplaintCount() const;
  // Open cases (state OPEN or IN_PROGRESS), all or of one owner.
  std::vector<const v1::ComplaintView*> OpenOf(const std::string& owner) const;
  std::vector<const v1::ComplaintView*> OpenCases() const;
  // One customer's cases, in filing order. Errors: as Complaint().
  absl::StatusOr<std::vector<ComplaintPtr>> OfCustomer(const std::string& customer_ref) const;
  // The owner's superhero board at `now`, at most `limit` cases listed, from the owners' index
  // in board order: it reads the cases it lists and those whose flags are on.
  v1::SuperheroBoard SuperheroBoard(const std::string& owner, absl::Time now, size_t limit) const {
    return owner_boards_.Board(owner, now, limit);
  }
  // The deadline board at `now` for `window`, at most `limit` entries per list, from the
  // due-ordered index: it reads the entries it lists and counts the rest per minute.
  v1::DeadlineBoard DeadlineBoard(absl::Time now, absl::Duration window, size_t limit) const {
    return due_.Board(now, window, limit);
  }
  // Every open case (ids in filing order).
  const ViewIndex& OpenIndex() const { return open_; }
  // The cases found by `by` under `key` (numbers in filing order), perhaps with a few of another
  // key: the caller checks each. From the store's finder keys with a loader, else from memory.
  // Errors: the loader's.
  absl::StatusOr<CaseNumbers> CasesUnder(FindBy by, const std::string& key) const;
  // A row per case of what the list filters test, for ListComplaints.
  const ListRows& rows() const { return rows_; }
  // Open cases per owner, for routing.
  domain::OpenCaseLoad Load() const;
  // Deadlines of open cases that are not satisfied (pending, warned or breached): the size of
  // the due-ordered index, for the metrics endpoint's timers-pending gauge.
  size_t UnsatisfiedDeadlines() const { return due_.size(); }
  // The metrics of the cases filed in [after, before), from tallies kept as cases change and,
  // for the hours the range cuts, the cases' stored facts. Errors: the loader's.
  absl::StatusOr<v1::Metrics> Metrics(absl::Time after, absl::Time before) const;
  // The department catalog (every department, or one) at `now`, from tallies kept likewise.
  v1::DepartmentCatalog Catalog(const std::string& department, absl::Time now) const {
    return catalog_.ToCatalog(department, now);
  }

 private:
  // Keeps the indexes in step with a complaint view before and after a change.
  void Unindex(const v1::ComplaintView& view);
  void Index(const v1::ComplaintView& view);
  // Index() without the rows: the indexes of open cases only.
  void IndexOpen(const v1::ComplaintView& view);
  // Counts a case in the aggregates (+1), or takes it back (-1) before it changes.
  void Tally(const v1::ComplaintView& view, int sign);
  // Without a loader: keeps the case's facts entry as `view` stands (facts_).
  void KeepFacts(const std::string& id, const v1::ComplaintView& view);
  // With a loader: notes the case's facts entry as `view` (nullptr: no case yet) has it, unless
  // already noted since TakeChangedFacts (facts_before_). Called before Apply changes the case.
  void NoteFactsBefore(const std::string& id, const v1::ComplaintView* view);
  // A case's view leaves the indexes and tallies before it changes, and enters them after.
  void Leave(const v1::ComplaintView& view);
  void Enter(const v1::ComplaintView& view);
  // Whether the case's view, as `view` stands, may live in the store alone (LetGo).
  bool CanLetGo(absl::string_view id, const v1::ComplaintView& view) const;
  // The view of a case known but let go of, from the loader; nullptr when the case is unknown
  // here (or nothing is let go of).
  absl::StatusOr<ComplaintPtr> LetGoView(const std::string& id) const;
  // Makes `view` the case's view: `old` (its view until now; nullptr when it is new here)
  // leaves the indexes and tallies, the new one enters them.
  void Put(const std::string& id, const v1::ComplaintView* old, ComplaintPtr view);

  // Copies only through CopyOf, which keeps the copy's loader.
  ProjectionState(const ProjectionState&) = default;
  ProjectionState& operator=(const ProjectionState&) = default;

  std::map<std::string, ComplaintPtr, IdOrder> complaints_;
  std::map<std::string, ProblemPtr, IdOrder> problems_;
  ViewIndex open_;
  absl::flat_hash_map<std::string, ViewIndex> open_by_owner_;
  OwnerBoards owner_boards_;  // open cases by owner, in board order
  DueIndex due_;  // unsatisfied deadlines of open cases, in board order
  MetricsByDay metrics_;
  domain::CatalogTally catalog_;
  CaseFinder finder_;  // without a loader only
  std::map<std::string, std::string> facts_;  // without a loader only: FactsEntry of each case
  std::vector<std::string> filed_;  // with a loader: TakeFiled()
  // With a loader: the facts entry value of each case Apply changed since TakeChangedFacts, as
  // it stood before the first of those changes (nullopt for a case filed meanwhile).
  absl::flat_hash_map<std::string, std::optional<std::string>> facts_before_;
  ListRows rows_;
  const ViewLoader* loader_ = nullptr;
  size_t let_go_ = 0;  // cases whose view was let go of
};

}  // namespace closedloop::services

#endif  // CLOSEDLOOP_SERVICES_PROJECTIONS_PROJECTION_STATE_H_
