#include "services/projections/complaint_lookup.h"

#include <algorithm>
#include <cstdint>
#include <iterator>
#include <optional>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "domain/complaint_view.h"
#include "domain/proto_time.h"
#include "services/commands/complaint_commands.h"
#include "services/api/request_checks.h"
#include "services/projections/contact_key.h"

namespace closedloop::services {
namespace {

constexpr size_t kReadPage = 1000;

bool Matches(const v1::ListComplaintsRequest& r, const v1::ComplaintView& v) {
  if (r.states_size() > 0 &&
      std::find(r.states().begin(), r.states().end(), v.state()) == r.states().end()) {
    return false;
  }
  if (!r.owner().empty() && v.owner() != r.owner()) return false;
  if (!r.team().empty() && v.team() != r.team()) return false;
  if (!r.department().empty() && v.department() != r.department()) return false;
  if (r.channel() != v1::CHANNEL_UNSPECIFIED && v.filing().channel() != r.channel()) return false;
  if (r.kind() != v1::ITEM_KIND_UNSPECIFIED && v.kind() != r.kind()) return false;
  if (r.severity() != v1::SEVERITY_UNSPECIFIED && v.severity() != r.severity()) return false;
  if (r.breached_only() && v.breach_count() == 0) return false;
  if (r.hanging_only() && !v.hanging()) return false;
  const absl::Time filed = domain::FromProto(v.filing().filed_at());
  if (r.has_filed_after() && filed < domain::FromProto(r.filed_after())) return false;
  if (r.has_filed_before() && filed >= domain::FromProto(r.filed_before())) return false;
  if (!r.customer_ref().empty() && v.filing().customer_ref() != r.customer_ref()) return false;
  if (!r.order_ref().empty() && v.filing().order_ref() != r.order_ref()) return false;
  if (!r.external_ref().empty() && v.filing().external_ref() != r.external_ref()) return false;
  if (!r.market().empty() && v.filing().market() != r.market()) return false;
  // The contact index may hold a case of another contact (NumbersByKey): each is checked.
  if (!r.customer_contact().empty() &&
      CaseContactKey(v.filing().customer_contact(), v.filing().market()) != r.customer_contact()) {
    return false;
  }
  return true;
}

domain::EventMeta MetaOf(const storage::RecordedEvent& record) {
  return domain::EventMeta{record.position(), record.revision(),
                           domain::FromProto(record.recorded_at()), record.type(), record.actor()};
}

int PageSize(const v1::ListComplaintsRequest& request) {
  return request.page_size() == 0 ? kDefaultListPage : std::min(request.page_size(), kMaxListPage);
}

// A page as it is gathered: the ids of the cases it lists, newest first, and then the token,
// the page's last id, once one more case matches. The views are read only for the page.
class Page {
 public:
  explicit Page(const v1::ListComplaintsRequest& request) : size_(PageSize(request)) {}
  // Adds a case to the page, or sets the token when it is full. False once the token is set.
  bool Add(std::string id) {
    if (ids_.size() < size_) {
      ids_.push_back(std::move(id));
      return true;
    }
    token_ = ids_.back();
    return false;
  }
  // The response, with `total` matches, each listed view read from `state`.
  absl::StatusOr<v1::ListComplaintsResponse> Build(const ProjectionState& state, int64_t total) {
    v1::ListComplaintsResponse response;
    for (const std::string& id : ids_) {
      absl::StatusOr<ProjectionState::ComplaintPtr> view = state.Complaint(id);
      if (!view.ok()) return view.status();
      if (*view == nullptr) return absl::InternalError(absl::StrCat("listed ", id, " has no view"));
      *response.add_complaints() = **view;
    }
    response.set_next_page_token(token_);
    response.set_total_size(static_cast<int32_t>(total));
    return response;
  }

 private:
  size_t size_;
  std::vector<std::string> ids_;
  std::string token_;
};

// The numbers of the cases a scoped caller may read; nullptr for every case.
const absl::btree_set<uint64_t>* ReadableIn(const ListRows& rows, const ListScope& scope) {
  return scope.department ? &rows.ReadableBy(*scope.department) : nullptr;
}

// The number of the page token's case: the page holds cases numbered below it (from the top
// when there is no token). A token of too many digits is above every case.
uint64_t NumberBelow(const std::string& token) {
  if (token.empty()) return UINT64_MAX;
  uint64_t n = 0;
  return absl::SimpleAtoi(absl::string_view(token).substr(3), &n) ? n : UINT64_MAX;
}

// One page of the cases of a small index (numbers in filing order: a customer's, an
// order's...) that match, newest first; the token is the last id of the previous page. The
// total counts every match, so it reads the view of every case in the index.
absl::StatusOr<v1::ListComplaintsResponse> IndexPage(const ProjectionState& state,
                                                     const CaseNumbers& candidates,
                                                     const v1::ListComplaintsRequest& request,
                                                     const ListScope& scope) {
  const uint64_t below = NumberBelow(request.page_token());
  const absl::btree_set<uint64_t>* readable = ReadableIn(state.rows(), scope);
  Page page(request);
  int64_t total = 0;
  bool full = false;
  for (auto it = candidates.rbegin(); it != candidates.rend(); ++it) {
    if (readable != nullptr && !readable->contains(*it)) continue;
    const std::string id = CaseIdOf(*it);
    absl::StatusOr<ProjectionState::ComplaintPtr> view = state.Complaint(id);
    if (!view.ok()) return view.status();
    if (*view == nullptr || !Matches(request, **view)) continue;
    ++total;
    if (*it >= below) continue;
    if (!full) full = !page.Add(id);
  }
  return page.Build(state, total);
}

// One page of every case that matches, from the list rows: newest first. When the rows can
// count the matches (no filter, or one that is not a time range, and no scope) it reads only
// its page; otherwise it passes over the rows (small and in order), or, filtered by filing
// time, over about the rows of its time range. A department's list reads only its page when
// unfiltered or asking for its open cases (the count of its numbers is the total); otherwise it
// passes over the numbers it may read (its open ones, for open states) within the chunks its
// filing times overlap.
absl::StatusOr<v1::ListComplaintsResponse> RowsPage(const ProjectionState& state,
                                                    const v1::ListComplaintsRequest& request,
                                                    const ListScope& scope) {
  const ListRows& rows = state.rows();
  const uint64_t below = NumberBelow(request.page_token());
  const ListRows::Filter filter = rows.FilterOf(request);
  Page page(request);
  if (!filter.possible) return page.Build(state, 0);
  const absl::btree_set<uint64_t>* readable = ReadableIn(rows, scope);
  auto in_scope = [&](uint64_t number) { return readable == nullptr || readable->contains(number); };
  auto matches = [&](uint64_t number, const ListRows::Row& row) {
    return ListRows::Matches(filter, row) && in_scope(number);
  };
  auto built = [&](int64_t total) { return page.Build(state, total); };
  // Lists whose matches are exactly one set of numbers: the set's size is the total, and the
  // walk stops when the page is full. A department's cases unfiltered, or its open cases; an
  // owner's open cases (both open states and the owner alone).
  constexpr uint32_t kBothOpen =
      (1u << v1::COMPLAINT_STATE_OPEN) | (1u << v1::COMPLAINT_STATE_IN_PROGRESS);
  const bool both_open_only = filter.states == kBothOpen && filter.filters == 1;
  const absl::btree_set<uint64_t>* exact = nullptr;
  if (readable != nullptr && filter.filters == 0) exact = readable;
  if (readable != nullptr && both_open_only) exact = &rows.OpenReadableBy(*scope.department);
  if (readable == nullptr && filter.owner && filter.states == kBothOpen && filter.filters == 2) {
    exact = &rows.OpenOf(*filter.owner);
  }
  if (exact != nullptr) {
    for (auto it = std::make_reverse_iterator(exact->lower_bound(below)); it != exact->rend(); ++it) {
      if (!page.Add(CaseIdOf(*it))) break;
    }
    return built(static_cast<int64_t>(exact->size()));
  }
  // A department's list filtered by filing times alone counts the chunks inside them whole.
  if (readable != nullptr &&
      filter.filters == static_cast<int>(filter.filed_after.has_value()) +
                            static_cast<int>(filter.filed_before.has_value())) {
    return built(rows.CountAndTakeReadable(*scope.department, filter, below,
                                           [&](uint64_t number) { return page.Add(CaseIdOf(number)); }));
  }
  // Few cases are flagged, open cases are fewer than all, and a department reads fewer still: a
  // list asking for any of these walks the numbers of its rows (the smallest set), and only
  // those in the chunks its filing times overlap.
  const absl::btree_set<uint64_t>* start = nullptr;
  auto consider = [&](const absl::btree_set<uint64_t>& numbers) {
    if (start == nullptr || numbers.size() < start->size()) start = &numbers;
  };
  if (readable != nullptr) {
    consider(ListRows::OnlyOpen(filter) ? rows.OpenReadableBy(*scope.department) : *readable);
  }
  if (filter.breached_only) consider(rows.Breached());
  if (filter.hanging_only) consider(rows.Hanging());
  if (ListRows::OnlyOpen(filter) && filter.filters > 1) {
    consider(filter.owner ? rows.OpenOf(*filter.owner) : rows.Open());
  }
  if (start != nullptr) {
    // Numbers a department may read need no second look at its scope.
    const bool scoped = readable != nullptr && (start == readable ||
                                                start == &rows.OpenReadableBy(*scope.department));
    const auto [first, last] = rows.NumbersFiledWithin(filter);
    int64_t total = 0;
    bool taking = true;
    rows.ForEachOf(*start, first, last, [&](uint64_t number, const ListRows::Row& row) {
      if (!(scoped ? ListRows::Matches(filter, row) : matches(number, row))) return true;
      ++total;
      if (taking && number < below) taking = page.Add(CaseIdOf(number));
      return true;
    });
    return built(total);
  }
  // From here on the list is not scoped: a department's starts from its numbers above.
  if (std::optional<int64_t> total = rows.CountOf(filter)) {
    rows.ForEachBelow(below, [&](uint64_t number, const ListRows::Row& row) {
      return !ListRows::Matches(filter, row) || page.Add(CaseIdOf(number));
    });
    return built(*total);
  }
  const int64_t total = rows.CountAndTake(
      filter, below, [&](uint64_t number) { return page.Add(CaseIdOf(number)); });
  return built(total);
}

}  // namespace

absl::Status CheckListRequest(const v1::ListComplaintsRequest& request) {
  if (request.page_size() < 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("page_size: must not be negative, got ", request.page_size()));
  }
  for (int i = 0; i < request.states_size(); ++i) {
    if (!v1::ComplaintState_IsValid(request.states(i)) ||
        request.states(i) == v1::COMPLAINT_STATE_UNSPECIFIED) {
      return absl::InvalidArgumentError(absl::StrCat("states[", i, "]: unknown state"));
    }
  }
  for (const auto& [field, value] : {std::pair<const char*, const std::string&>{"owner", request.owner()},
                                     {"team", request.team()},
                                     {"department", request.department()},
                                     {"customer_ref", request.customer_ref()},
                                     {"order_ref", request.order_ref()},
                                     {"external_ref", request.external_ref()},
                                     {"customer_contact", request.customer_contact()},
                                     {"market", request.market()}}) {
    if (absl::Status s = CheckFilter(field, value); !s.ok()) return s;
  }
  if (!v1::Channel_IsValid(request.channel())) return absl::InvalidArgumentError("channel: unknown value");
  if (!v1::ItemKind_IsValid(request.kind())) return absl::InvalidArgumentError("kind: unknown value");
  if (!v1::Severity_IsValid(request.severity())) return absl::InvalidArgumentError("severity: unknown value");
  if (request.has_filed_after()) {
    if (auto t = CheckTime("filed_after", request.filed_after()); !t.ok()) return t.status();
  }
  if (request.has_filed_before()) {
    if (auto t = CheckTime("filed_before", request.filed_before()); !t.ok()) return t.status();
  }
  if (!request.page_token().empty()) {
    if (absl::Status s = CheckAssignedId("page_token", request.page_token(), "CL-"); !s.ok()) {
      return absl::InvalidArgumentError("page_token: not a token from a previous response");
    }
  }
  return absl::OkStatus();
}

absl::StatusOr<v1::ListComplaintsResponse> ListPage(const ProjectionState& state,
                                                    const v1::ListComplaintsRequest& request,
                                                    const ListScope& scope) {
  // A reference or a customer starts from its own index, which holds a handful of cases
  // (Matches checks each for the other filters); any other request reads the list rows.
  for (const auto& [by, key] :
       {std::pair<FindBy, const std::string&>{FindBy::kContact, request.customer_contact()},
        {FindBy::kOrder, request.order_ref()},
        {FindBy::kExternal, request.external_ref()},
        {FindBy::kCustomer, request.customer_ref()}}) {
    if (key.empty()) continue;
    absl::StatusOr<CaseNumbers> candidates = state.CasesUnder(by, key);
    if (!candidates.ok()) return candidates.status();
    return IndexPage(state, *candidates, request, scope);
  }
  return RowsPage(state, request, scope);
}

absl::StatusOr<v1::ComplaintView> ComplaintAsOf(storage::EventLog& log,
                                                const v1::GetComplaintRequest& request) {
  absl::Time as_of_time = absl::InfiniteFuture();
  if (request.has_as_of_time()) {
    absl::StatusOr<absl::Time> t = CheckTime("as_of_time", request.as_of_time());
    if (!t.ok()) return t.status();
    as_of_time = *t;
  }
  const uint64_t as_of_position =
      request.as_of_case() == v1::GetComplaintRequest::kAsOfPosition ? request.as_of_position()
                                                                     : UINT64_MAX;
  const std::string stream = ComplaintStream(request.complaint_id());
  v1::ComplaintView view;
  bool past_point = false;
  for (uint64_t from = 1; !past_point;) {
    absl::StatusOr<std::vector<storage::RecordedEvent>> page =
        log.ReadStream(stream, from, storage::Direction::kForward, kReadPage);
    if (!page.ok()) return page.status();
    for (const storage::RecordedEvent& record : *page) {
      // recorded_at never decreases along the log, so the first event past either bound ends it.
      const absl::Time recorded = domain::FromProto(record.recorded_at());
      if (record.position() > as_of_position || recorded > as_of_time) {
        past_point = true;
        break;
      }
      v1::ComplaintEvent event;
      if (!event.ParseFromString(record.payload())) {
        return absl::DataLossError(absl::StrCat("event ", record.position(), " is unreadable"));
      }
      const domain::EventMeta meta = MetaOf(record);
      domain::ApplyToView(view, meta, event);
      *view.add_history() = domain::HistoryEntryOf(meta);
    }
    if (page->size() < kReadPage) break;
    from = view.revision() + 1;
  }
  if (view.revision() == 0) return NotFiledAsOf(request.complaint_id());
  return view;
}

absl::Status AddHistory(storage::EventLog& log, v1::ComplaintView& view) {
  const std::string stream = ComplaintStream(view.complaint_id());
  view.clear_history();
  for (uint64_t from = 1; from <= view.revision();) {
    const size_t limit =
        static_cast<size_t>(std::min<uint64_t>(kReadPage, view.revision() - from + 1));
    absl::StatusOr<std::vector<storage::RecordedEvent>> page =
        log.ReadStream(stream, from, storage::Direction::kForward, limit);
    if (!page.ok()) return page.status();
    if (page->empty()) {
      return absl::DataLossError(absl::StrCat("the log holds ", from - 1, " events of ", stream,
                                              ", its view ", view.revision()));
    }
    for (const storage::RecordedEvent& record : *page) {
      *view.add_history() = domain::HistoryEntryOf(MetaOf(record));
    }
    from = page->back().revision() + 1;
  }
  return absl::OkStatus();
}

absl::Status NotFiledAsOf(const std::string& complaint_id) {
  return absl::NotFoundError(
      absl::StrCat("complaint ", complaint_id, " had not been filed at that point"));
}

}  // namespace closedloop::services
