#include "tests/services/restored_state.h"

#include <catch2/catch.hpp>

#include <algorithm>
#include <random>

#include "absl/container/btree_set.h"
#include "absl/strings/str_cat.h"
#include "domain/proto_time.h"
#include "services/projections/complaint_lookup.h"
#include "services/projections/stored_facts.h"
#include "tests/domain/random_case.h"

namespace closedloop::testing {
namespace {

using services::ProjectionState;

// The cases the state lists for `request`, newest first, through every page of 100, each
// page's total first.
std::vector<std::string> Listed(const ProjectionState& state, v1::ListComplaintsRequest request = {}) {
  request.set_page_size(100);
  std::vector<std::string> ids;
  for (;;) {
    absl::StatusOr<v1::ListComplaintsResponse> page = services::ListPage(state, request);
    REQUIRE(page.ok());
    ids.push_back(absl::StrCat("total ", page->total_size()));
    for (const v1::ComplaintView& view : page->complaints()) ids.push_back(view.complaint_id());
    if (page->next_page_token().empty()) return ids;
    request.set_page_token(page->next_page_token());
  }
}

// A request per filter the rows count (their per-value counts, and the chunks' filing times).
std::vector<v1::ListComplaintsRequest> FilteredRequests() {
  std::vector<v1::ListComplaintsRequest> requests;
  auto with = [&](auto set) {
    set(requests.emplace_back());
  };
  with([](auto& r) { r.add_states(v1::COMPLAINT_STATE_OPEN); });
  with([](auto& r) { r.add_states(v1::COMPLAINT_STATE_CLOSED); r.add_states(v1::COMPLAINT_STATE_REDIRECTED); });
  with([](auto& r) { r.set_channel(v1::CHANNEL_WEB); });
  with([](auto& r) { r.set_kind(v1::ITEM_KIND_RECOMMENDATION); });
  with([](auto& r) { r.set_team("team-1"); });
  with([](auto& r) { r.set_department("dept-2"); });
  with([](auto& r) { r.set_breached_only(true); });
  with([](auto& r) {
    *r.mutable_filed_after() = domain::ToProto(kRandomCaseStart + absl::Hours(24 * 10));
    *r.mutable_filed_before() = domain::ToProto(kRandomCaseStart + absl::Hours(24 * 50));
  });
  with([](auto& r) {
    r.set_channel(v1::CHANNEL_HOTLINE);
    *r.mutable_filed_after() = domain::ToProto(kRandomCaseStart + absl::Hours(24 * 60));
  });
  return requests;
}

}  // namespace

std::unique_ptr<storage::ViewStore> OpenStore(const std::string& path) {
  absl::StatusOr<std::unique_ptr<storage::ViewStore>> store = storage::ViewStore::Open(path, "test");
  REQUIRE(store.ok());
  return *std::move(store);
}

std::vector<std::pair<std::string, std::string>> StoredCases(int cases) {
  std::mt19937 rng(29);
  std::vector<std::pair<std::string, std::string>> writes;
  for (int n = 1; n <= cases; ++n) {
    const v1::ComplaintView view = RandomCase(rng, n);
    writes.emplace_back(ProjectionState::ComplaintKey(view.complaint_id()), view.SerializeAsString());
    writes.push_back(services::FactsEntryOf(view.complaint_id(), view));
  }
  v1::ProblemView problem;
  problem.set_problem_id("PR-1");
  writes.emplace_back(ProjectionState::ProblemKey("PR-1"), problem.SerializeAsString());
  return writes;
}

void RestoreInMemory(storage::ViewStore& store, ProjectionState& state) {
  for (absl::string_view prefix : {"c/", "p/"}) {
    REQUIRE(store.ForEach(prefix, [&](absl::string_view key, absl::string_view value) {
                   REQUIRE(state.Restore(key, value).ok());
                 }).ok());
  }
}

void CheckAnswersAlike(const ProjectionState& restored, const ProjectionState& reference,
                       int cases) {
  CHECK(reference.complaints().size() == static_cast<size_t>(cases));
  CHECK(restored.ComplaintCount() == static_cast<size_t>(cases));
  CHECK(restored.OpenIndex().size() == reference.OpenIndex().size());
  CHECK(restored.OpenIndex().size() < static_cast<size_t>(cases));
  CHECK(restored.complaints().size() == restored.OpenIndex().size());  // the closed ones let go of
  CHECK(restored.problems().size() == reference.problems().size());
  const std::vector<std::string> listed = Listed(restored);
  CHECK(listed.size() == static_cast<size_t>(cases + (cases + 99) / 100));  // and the totals
  CHECK(listed == Listed(reference));
  for (const v1::ListComplaintsRequest& request : FilteredRequests()) {
    INFO(request.ShortDebugString());
    const std::vector<std::string> filtered = Listed(restored, request);
    CHECK(filtered.size() > 1);
    CHECK(filtered == Listed(reference, request));
  }
  CHECK(restored.Metrics(absl::InfinitePast(), absl::InfiniteFuture())->DebugString() ==
        reference.Metrics(absl::InfinitePast(), absl::InfiniteFuture())->DebugString());
  // A range cutting days and hours: the tallies of the days and hours inside, and the facts
  // read from the store for the hours cut.
  const absl::Time after = kRandomCaseStart + absl::Hours(24 * 3) + absl::Minutes(17);
  const absl::Time before = kRandomCaseStart + absl::Hours(24 * 40) + absl::Minutes(41);
  CHECK(restored.Metrics(after, before)->DebugString() ==
        reference.Metrics(after, before)->DebugString());
  const absl::Time now = kRandomCaseStart + absl::Hours(24 * 91);
  CHECK(restored.Catalog("", now).DebugString() == reference.Catalog("", now).DebugString());
  CHECK(restored.DeadlineBoard(now, absl::Hours(4), 500).DebugString() ==
        reference.DeadlineBoard(now, absl::Hours(4), 500).DebugString());
  CHECK(restored.Load() == reference.Load());
  CHECK(restored.OpenOf("").size() == reference.OpenOf("").size());
  CHECK(restored.SuperheroBoard("", now, 50).DebugString() ==
        reference.SuperheroBoard("", now, 50).DebugString());
  // What the lists start from: the open, breached and hanging rows, and each department's
  // readable cases (for a department's scoped lists).
  CHECK(restored.rows().size() == reference.rows().size());
  CHECK(restored.rows().Open() == reference.rows().Open());
  CHECK(restored.rows().Breached() == reference.rows().Breached());
  CHECK(restored.rows().Hanging() == reference.rows().Hanging());
  for (const std::string department : {"", "dept-0", "dept-1", "dept-2", "dept-3", "dept-4"}) {
    INFO(department);
    CHECK(restored.rows().ReadableBy(department) == reference.rows().ReadableBy(department));
    CHECK(restored.rows().OpenReadableBy(department) ==
          reference.rows().OpenReadableBy(department));
    absl::btree_set<uint64_t> open_readable;
    for (uint64_t n : reference.rows().ReadableBy(department)) {
      if (reference.rows().Open().contains(n)) open_readable.insert(n);
    }
    CHECK(reference.rows().OpenReadableBy(department) == open_readable);
  }
  for (int n = 1; n <= cases; n += 7) {
    const std::string id = absl::StrCat("CL-", n);
    CHECK(restored.HasComplaint(id));
    absl::StatusOr<ProjectionState::ComplaintPtr> read = restored.Complaint(id);
    REQUIRE(read.ok());
    REQUIRE(*read != nullptr);
    CHECK((*read)->DebugString() == reference.complaints().at(id)->DebugString());
  }
  CHECK_FALSE(restored.HasComplaint(absl::StrCat("CL-", cases + 1)));
}

}  // namespace closedloop::testing
