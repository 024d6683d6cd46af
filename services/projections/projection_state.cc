#include "services/projections/projection_state.h"

#include <algorithm>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "domain/complaint_view.h"
#include "domain/problem_view.h"
#include "domain/proto_time.h"

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
      Leave(view);
      domain::ApplyToView(view, MetaOf(record), event);
      Enter(view);
      return ComplaintKey(id);
    }
    auto view = found == complaints_.end() ? std::make_shared<v1::ComplaintView>()
                                           : std::make_shared<v1::ComplaintView>(*found->second);
    domain::ApplyToView(*view, MetaOf(record), event);
    if (view->complaint_id().empty()) view->set_complaint_id(id);
    Put(id, std::move(view));
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
  if (absl::ConsumePrefix(&key, "c/")) {
    auto view = std::make_shared<v1::ComplaintView>();
    if (!view->ParseFromArray(value.data(), static_cast<int>(value.size()))) {
      return absl::DataLossError(absl::StrCat("stored view of complaint ", key, " is unreadable"));
    }
    Put(std::string(key), std::move(view));
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

void ProjectionState::Share(const ProjectionState& from, const std::string& key) {
  absl::string_view id = key;
  if (absl::ConsumePrefix(&id, "c/")) {
    const std::string complaint_id(id);
    Put(complaint_id, from.complaints_.at(complaint_id));
  } else if (absl::ConsumePrefix(&id, "p/")) {
    const std::string problem_id(id);
    problems_[problem_id] = from.problems_.at(problem_id);
  }
}

void ProjectionState::Put(const std::string& id, ComplaintPtr view) {
  ComplaintPtr& slot = complaints_[id];
  if (slot == view) return;
  if (slot != nullptr) {
    Leave(*slot);
  } else {
    finder_.Index(*view);  // filed now, or first restored; the filing never changes
  }
  Enter(*view);
  slot = std::move(view);
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

const v1::ComplaintView* ProjectionState::FindComplaint(const std::string& id) const {
  auto found = complaints_.find(id);
  return found == complaints_.end() ? nullptr : found->second.get();
}

std::vector<const v1::ComplaintView*> ProjectionState::OpenOf(const std::string& owner) const {
  auto found = open_by_owner_.find(owner);
  if (found == open_by_owner_.end()) return {};
  return Resolve(found->second);
}

std::vector<const v1::ComplaintView*> ProjectionState::OpenCases() const {
  return Resolve(open_);
}

std::vector<const v1::ComplaintView*> ProjectionState::OfCustomer(
    const std::string& customer_ref) const {
  auto found = by_customer_.find(customer_ref);
  if (found == by_customer_.end()) return {};
  return Resolve(found->second);
}

const ViewIndex& ProjectionState::CustomerIndexOf(const std::string& customer_ref) const {
  static const ViewIndex* const kNone = new ViewIndex();
  auto found = by_customer_.find(customer_ref);
  return found == by_customer_.end() ? *kNone : found->second;
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
  if (!view.filing().customer_ref().empty()) {
    by_customer_[view.filing().customer_ref()][view.complaint_id()] = &view;
  }
  rows_.Add(view);
  if (!domain::IsOpen(view)) return;
  due_.Add(view);
  owner_boards_.Add(view);
  open_[view.complaint_id()] = &view;
  open_by_owner_[view.owner()][view.complaint_id()] = &view;
}

}  // namespace closedloop::services
