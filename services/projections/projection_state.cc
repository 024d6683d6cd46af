#include "services/projections/projection_state.h"

#include <algorithm>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "domain/complaint_view.h"
#include "domain/problem_view.h"
#include "domain/proto_time.h"
#include "services/projections/state_archive.h"
#include "services/projections/stored_facts.h"

namespace closedloop::services {
namespace {

constexpr absl::string_view kComplaintStream = "complaint-";
constexpr absl::string_view kProblemStream = "problem-";

domain::EventMeta MetaOf(const v1::RecordedEvent& record) {
  domain::EventMeta meta;
  meta.position = record.position();
  meta.revision = record.revision();
  meta.recorded_at = domain::FromProto(record.recorded_at());
  meta.type = record.type();
  meta.actor = record.actor();
  return meta;
}

absl::Status Unreadable(const v1::RecordedEvent& record) {
  return absl::DataLossError(absl::StrCat("event ", record.position(), " of ", record.stream(),
                                          " is unreadable"));
}

std::vector<const v1::ComplaintView*> Resolve(const ViewIndex& index) {
  std::vector<const v1::ComplaintView*> views;
  views.reserve(index.size());
  for (const auto& [id, view] : index) views.push_back(view);
  return views;
}

}  // namespace

absl::StatusOr<std::string> ProjectionState::Apply(const v1::RecordedEvent& record) {
  absl::string_view stream = record.stream();
  if (absl::ConsumePrefix(&stream, kComplaintStream)) {
    v1::ComplaintEvent event;
    if (!event.ParseFromString(record.payload())) return Unreadable(record);
    const std::string id(stream);
    auto found = complaints_.find(id);
    if (found != complaints_.end() && found->second.use_count() == 1) {
      // A view this state made since it last shared its views: nobody else holds it, so it
      // changes in place (a replay applies many events per case in each batch).
      auto& view = const_cast<v1::ComplaintView&>(*found->second);
      NoteFactsBefore(id, &view);
      Leave(view);
      domain::ApplyToView(view, MetaOf(record), event);
      Enter(view);
      KeepFacts(id, view);
      return ComplaintKey(id);
    }
    ComplaintPtr old;
    if (found != complaints_.end()) {
      old = found->second;
    } else {
      absl::StatusOr<ComplaintPtr> stored = LetGoView(id);
      if (!stored.ok()) return stored.status();
      old = *std::move(stored);
    }
    NoteFactsBefore(id, old.get());
    auto view = old == nullptr ? std::make_shared<v1::ComplaintView>()
                               : std::make_shared<v1::ComplaintView>(*old);
    domain::ApplyToView(*view, MetaOf(record), event);
    if (view->complaint_id().empty()) view->set_complaint_id(id);
    if (old == nullptr && loader_ != nullptr) filed_.push_back(id);
    Put(id, old.get(), std::move(view));
    return ComplaintKey(id);
  }
  if (absl::ConsumePrefix(&stream, kProblemStream)) {
    v1::ProblemEvent event;
    if (!event.ParseFromString(record.payload())) return Unreadable(record);
    const std::string id(stream);
    ProblemPtr& slot = problems_[id];
    auto view = slot == nullptr ? std::make_shared<v1::ProblemView>()
                                : std::make_shared<v1::ProblemView>(*slot);
    domain::ApplyToView(*view, MetaOf(record), event);
    if (view->problem_id().empty()) view->set_problem_id(id);
    slot = std::move(view);
    return ProblemKey(id);
  }
  return std::string();
}

absl::Status ProjectionState::Restore(absl::string_view key, absl::string_view value) {
  // The finder's keys and the facts stay in the store, where they are read.
  if (IsFinderKey(key) || IsFactsKey(key)) return absl::OkStatus();
  if (absl::ConsumePrefix(&key, "c/")) {
    absl::StatusOr<ComplaintPtr> view = ParseComplaint(key, value);
    if (!view.ok()) return view.status();
    RestoreComplaint(std::string(key), *std::move(view));
    return absl::OkStatus();
  }
  if (absl::ConsumePrefix(&key, "p/")) {
    auto view = std::make_shared<v1::ProblemView>();
    if (!view->ParseFromArray(value.data(), static_cast<int>(value.size()))) {
      return absl::DataLossError(absl::StrCat("stored view of problem ", key, " is unreadable"));
    }
    problems_[std::string(key)] = std::move(view);
    return absl::OkStatus();
  }
  return absl::DataLossError(absl::StrCat("unknown key in the view store: ", key));
}

absl::StatusOr<ProjectionState::ComplaintPtr> ProjectionState::ParseComplaint(
    absl::string_view id, absl::string_view bytes) {
  auto view = std::make_shared<v1::ComplaintView>();
  if (!view->ParseFromArray(bytes.data(), static_cast<int>(bytes.size()))) {
    return absl::DataLossError(absl::StrCat("stored view of complaint ", id, " is unreadable"));
  }
  return view;
}

void ProjectionState::RestoreComplaint(const std::string& id, ComplaintPtr view) {
  auto found = complaints_.find(id);
  if (found == complaints_.end() && CanLetGo(id, *view)) {
    // Read from the store as the state has it: counted in the rows and tallies, and let go of
    // at once, without entering the map of views in memory.
    Enter(*view);
    ++let_go_;
    return;
  }
  Put(id, found == complaints_.end() ? nullptr : found->second.get(), std::move(view));
}

absl::Status ProjectionState::Share(const ProjectionState& from, const std::string& key) {
  absl::string_view id = key;
  if (absl::ConsumePrefix(&id, "c/")) {
    const std::string complaint_id(id);
    const ComplaintPtr& view = from.complaints_.at(complaint_id);
    auto found = complaints_.find(complaint_id);
    if (found != complaints_.end()) {
      Put(complaint_id, found->second.get(), view);
      return absl::OkStatus();
    }
    absl::StatusOr<ComplaintPtr> old = LetGoView(complaint_id);
    if (!old.ok()) return old.status();
    Put(complaint_id, old->get(), view);
  } else if (absl::ConsumePrefix(&id, "p/")) {
    const std::string problem_id(id);
    problems_[problem_id] = from.problems_.at(problem_id);
  }
  return absl::OkStatus();
}

void ProjectionState::LetGo(const std::string& key) {
  absl::string_view id = key;
  if (loader_ == nullptr || !absl::ConsumePrefix(&id, "c/")) return;
  auto found = complaints_.find(std::string(id));
  if (found == complaints_.end() || !CanLetGo(found->first, *found->second)) return;
  complaints_.erase(found);
  ++let_go_;
}

bool ProjectionState::CanLetGo(absl::string_view id, const v1::ComplaintView& view) const {
  // Only a closed case with a row (a number, and the id its view names): the row says that it
  // exists once its view is gone.
  return loader_ != nullptr && !domain::IsOpen(view) && view.complaint_id() == id &&
         CaseNumberOf(id).has_value();
}

std::string ProjectionState::Saved() const {
  std::vector<std::string> kept;
  size_t let_go = let_go_;
  for (const auto& [id, view] : complaints_) {
    if (CanLetGo(id, *view)) {
      ++let_go;  // closed, and in the store: the next start need not read it
    } else {
      kept.push_back(id);
    }
  }
  StateWriter writer;
  writer(kSavedFormat, rows_, metrics_, catalog_, let_go, kept);
  return writer.Take();
}

absl::StatusOr<std::vector<std::string>> ProjectionState::Resume(absl::string_view saved) {
  if (loader_ == nullptr) return absl::FailedPreconditionError("a saved state needs a loader");
  StateReader reader(saved);
  int format = 0;
  reader(format);
  if (reader.status().ok() && format != kSavedFormat) {
    return absl::FailedPreconditionError(
        absl::StrCat("the saved state's format is ", format, ", not ", kSavedFormat));
  }
  std::vector<std::string> kept;
  reader(rows_, metrics_, catalog_, let_go_, kept);
  if (!reader.status().ok()) return reader.status();
  if (!reader.at_end()) return absl::DataLossError("saved state: bytes after its end");
  // Saved in the map's order: an id twice would be indexed twice.
  if (std::adjacent_find(kept.begin(), kept.end(), [](const std::string& a, const std::string& b) {
        return !IdOrder()(a, b);
      }) != kept.end()) {
    return absl::DataLossError("saved state: the kept cases are not in order");
  }
  return kept;
}

void ProjectionState::ResumeKept(const std::string& id, ComplaintPtr view) {
  IndexOpen(*view);
  complaints_.insert_or_assign(id, std::move(view));
}

void ProjectionState::CopyOf(const ProjectionState& from) {
  const ViewLoader* loader = loader_;
  *this = from;
  loader_ = loader;
}

absl::StatusOr<ProjectionState::ComplaintPtr> ProjectionState::LetGoView(
    const std::string& id) const {
  if (loader_ == nullptr) return nullptr;
  const std::optional<uint64_t> number = CaseNumberOf(id);
  if (!number || !rows_.Contains(*number)) return nullptr;
  return ReadComplaint(*loader_, id);
}

absl::StatusOr<ProjectionState::ComplaintPtr> ProjectionState::ReadComplaint(
    const ViewLoader& loader, const std::string& id) {
  absl::StatusOr<std::string> bytes = loader.Load(ComplaintKey(id));
  if (absl::IsNotFound(bytes.status())) {
    return absl::DataLossError(absl::StrCat("the view store lacks the view of ", id));
  }
  if (!bytes.ok()) return bytes.status();
  return ParseComplaint(id, *bytes);
}

void ProjectionState::Put(const std::string& id, const v1::ComplaintView* old, ComplaintPtr view) {
  if (old == view.get()) return;
  if (old != nullptr) {
    Leave(*old);
  } else if (loader_ == nullptr) {
    // Filed now, or first restored: the filing never changes, so this indexes it once.
    finder_.Index(*view);
  }
  KeepFacts(id, *view);
  Enter(*view);
  const bool inserted = complaints_.insert_or_assign(id, std::move(view)).second;
  if (inserted && old != nullptr) --let_go_;  // read back from the loader
}

void ProjectionState::KeepFacts(const std::string& id, const v1::ComplaintView& view) {
  if (loader_ != nullptr) return;  // the owner stores them (FactsEntry)
  auto [key, facts] = FactsEntryOf(id, view);
  facts_.insert_or_assign(std::move(key), std::move(facts));
}

void ProjectionState::Leave(const v1::ComplaintView& view) {
  // The tallies take the case back as it stood, to count it again as it stands.
  Unindex(view);
  Tally(view, -1);
}

void ProjectionState::Enter(const v1::ComplaintView& view) {
  Tally(view, 1);
  Index(view);
}

std::string ProjectionState::Serialized(const std::string& key) const {
  absl::string_view id = key;
  if (absl::ConsumePrefix(&id, "c/")) return complaints_.at(std::string(id))->SerializeAsString();
  if (absl::ConsumePrefix(&id, "p/")) return problems_.at(std::string(id))->SerializeAsString();
  return std::string();
}

void ProjectionState::NoteFactsBefore(const std::string& id, const v1::ComplaintView* view) {
  if (loader_ == nullptr || facts_before_.contains(id)) return;
  facts_before_.emplace(
      id, view == nullptr ? std::nullopt : std::optional<std::string>(FactsEntryOf(id, *view).second));
}

std::vector<std::pair<std::string, std::string>> ProjectionState::TakeChangedFacts() {
  std::vector<std::pair<std::string, std::string>> changed;
  for (const auto& [id, before] : facts_before_) {
    auto entry = FactsEntryOf(id, *complaints_.at(id));
    if (entry.second != before) changed.push_back(std::move(entry));
  }
  facts_before_.clear();
  return changed;
}

absl::StatusOr<v1::Metrics> ProjectionState::Metrics(absl::Time after, absl::Time before) const {
  auto read = [&](absl::Time from, absl::Time to,
                  absl::FunctionRef<void(const domain::CaseFacts&)> visit) -> absl::Status {
    v1::CaseFactsEntry scratch;
    domain::CaseFacts facts;
    auto each = [&](absl::string_view key, absl::string_view value) -> absl::Status {
      if (absl::Status read = ReadFactsEntry(key, value, scratch, facts); !read.ok()) return read;
      visit(facts);
      return absl::OkStatus();
    };
    const std::string first = FactsKeyAt(from);
    const std::string last = FactsKeyAt(to);
    if (loader_ != nullptr) return loader_->Scan(first, last, each);
    for (auto it = facts_.lower_bound(first); it != facts_.end() && it->first < last; ++it) {
      if (absl::Status read = each(it->first, it->second); !read.ok()) return read;
    }
    return absl::OkStatus();
  };
  return metrics_.Metrics(after, before, read);
}

absl::StatusOr<ProjectionState::ComplaintPtr> ProjectionState::Complaint(
    const std::string& id) const {
  auto found = complaints_.find(id);
  if (found != complaints_.end()) return found->second;
  return LetGoView(id);
}

bool ProjectionState::HasComplaint(const std::string& id) const {
  if (complaints_.contains(id)) return true;
  const std::optional<uint64_t> number = CaseNumberOf(id);
  return number && rows_.Contains(*number);
}

size_t ProjectionState::ComplaintCount() const { return complaints_.size() + let_go_; }

std::vector<const v1::ComplaintView*> ProjectionState::OpenOf(const std::string& owner) const {
  auto found = open_by_owner_.find(owner);
  if (found == open_by_owner_.end()) return {};
  return Resolve(found->second);
}

std::vector<const v1::ComplaintView*> ProjectionState::OpenCases() const {
  return Resolve(open_);
}

absl::StatusOr<std::vector<ProjectionState::ComplaintPtr>> ProjectionState::OfCustomer(
    const std::string& customer_ref) const {
  absl::StatusOr<CaseNumbers> numbers = CasesUnder(FindBy::kCustomer, customer_ref);
  if (!numbers.ok()) return numbers.status();
  std::vector<ComplaintPtr> views;
  for (uint64_t number : *numbers) {
    absl::StatusOr<ComplaintPtr> view = Complaint(CaseIdOf(number));
    if (!view.ok()) return view.status();
    // The index may hold a case of another customer whose key shares a fingerprint.
    if (*view != nullptr && (*view)->filing().customer_ref() == customer_ref) {
      views.push_back(*std::move(view));
    }
  }
  return views;
}

absl::StatusOr<CaseNumbers> ProjectionState::CasesUnder(FindBy by, const std::string& key) const {
  if (loader_ != nullptr) return loader_->Numbers(FinderPrefix(by, key));
  return finder_.Of(by, key);
}

domain::OpenCaseLoad ProjectionState::Load() const {
  domain::OpenCaseLoad load;
  for (const auto& [owner, ids] : open_by_owner_) load[owner] = static_cast<int>(ids.size());
  return load;
}

void ProjectionState::Tally(const v1::ComplaintView& view, int sign) {
  metrics_.Add(view, sign);
  catalog_.Add(view, sign);
}

void ProjectionState::Unindex(const v1::ComplaintView& view) {
  rows_.Remove(view);
  if (!domain::IsOpen(view)) return;
  due_.Remove(view);
  owner_boards_.Remove(view);
  open_.erase(view.complaint_id());
  auto owned = open_by_owner_.find(view.owner());
  if (owned == open_by_owner_.end()) return;
  owned->second.erase(view.complaint_id());
  if (owned->second.empty()) open_by_owner_.erase(owned);
}

void ProjectionState::Index(const v1::ComplaintView& view) {
  if (view.complaint_id().empty()) return;
  rows_.Add(view);
  IndexOpen(view);
}

void ProjectionState::IndexOpen(const v1::ComplaintView& view) {
  if (view.complaint_id().empty() || !domain::IsOpen(view)) return;
  due_.Add(view);
  owner_boards_.Add(view);
  open_[view.complaint_id()] = &view;
  open_by_owner_[view.owner()][view.complaint_id()] = &view;
}

}  // namespace closedloop::services
