// ListRows copies share their chunks of rows until one of them changes a chunk: each copy must
// still list exactly its own cases, whichever changes first, and count them right.
#include <catch2/catch.hpp>

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "domain/proto_time.h"
#include "services/projections/list_rows.h"

namespace closedloop::services {
namespace {

constexpr int kCases = 3000;  // three chunks of rows

v1::ComplaintView Case(int n, v1::ComplaintState state, const std::string& owner) {
  v1::ComplaintView view;
  view.set_complaint_id(absl::StrCat("CL-", n));
  view.set_state(state);
  view.set_owner(owner);
  view.set_department(absl::StrCat("department-", n % 3));
  *view.mutable_filing()->mutable_filed_at() = domain::ToProto(absl::FromUnixSeconds(1'700'000'000 + n));
  return view;
}

// The owner and state of every row, by case number, as the rows hold them.
std::map<uint64_t, std::pair<uint32_t, int32_t>> RowsOf(const ListRows& rows) {
  std::map<uint64_t, std::pair<uint32_t, int32_t>> seen;
  rows.ForEachBelow(UINT64_MAX, [&](uint64_t n, const ListRows::Row& row) {
    seen[n] = {row.owner, row.state};
    return true;
  });
  return seen;
}

// Moves case n of `views` to `owner` and `state` in `rows`.
void Change(ListRows& rows, std::map<int, v1::ComplaintView>& views, int n, v1::ComplaintState state,
            const std::string& owner) {
  rows.Remove(views[n]);
  rows.Add(views[n] = Case(n, state, owner));
}

int64_t CasesOf(const ListRows& rows, const std::string& owner) {
  v1::ListComplaintsRequest request;
  request.set_owner(owner);
  const std::optional<int64_t> count = rows.CountOf(rows.FilterOf(request));
  REQUIRE(count.has_value());
  return *count;
}

TEST_CASE("copies of the rows share chunks until one changes them, and each keeps its own cases", "[list]") {
  std::map<int, v1::ComplaintView> original_views;
  ListRows original;
  for (int n = 1; n <= kCases; ++n) original.Add(original_views[n] = Case(n, v1::COMPLAINT_STATE_OPEN, "anna"));
  const auto as_filed = RowsOf(original);

  ListRows copy = original;
  std::map<int, v1::ComplaintView> copy_views = original_views;
  CHECK(RowsOf(copy) == as_filed);
  CHECK(copy.ChunksSharedWith(original) == 3);

  // A new case in a shared chunk: the copy alone holds it.
  copy.Add(copy_views[kCases + 1] = Case(kCases + 1, v1::COMPLAINT_STATE_OPEN, "bob"));
  CHECK(copy.Contains(kCases + 1));
  CHECK_FALSE(original.Contains(kCases + 1));
  CHECK(original.Fault() == nullptr);

  // The copy changes cases in the first chunk; the original then changes others of the same
  // chunk, and one in the last chunk (which the copy has not touched).
  for (int n = 1; n <= 100; ++n) Change(copy, copy_views, n, v1::COMPLAINT_STATE_CLOSED, "bob");
  CHECK(RowsOf(original) == as_filed);
  Change(original, original_views, 200, v1::COMPLAINT_STATE_RESOLVED, "carla");
  Change(original, original_views, 2999, v1::COMPLAINT_STATE_RESOLVED, "carla");

  for (const auto& [rows, views] : {std::pair{&original, &original_views}, std::pair{&copy, &copy_views}}) {
    REQUIRE(rows->Fault() == nullptr);
    const auto seen = RowsOf(*rows);
    REQUIRE(seen.size() == views->size());
    for (const auto& [n, view] : *views) {
      INFO((rows == &copy ? "copy" : "original") << ", case " << n);
      CHECK(seen.at(n).second == view.state());
    }
  }
  CHECK(CasesOf(copy, "bob") == 101);
  CHECK(CasesOf(copy, "carla") == 0);
  CHECK(CasesOf(original, "bob") == 0);
  CHECK(CasesOf(original, "carla") == 2);
  CHECK(RowsOf(copy).at(200).first == RowsOf(copy).at(300).first);  // still anna's
  CHECK(RowsOf(original).at(2999).first != RowsOf(copy).at(2999).first);
}

TEST_CASE("copies of the rows that agree again share their equal chunks again, and still keep their own cases after", "[list]") {
  std::map<int, v1::ComplaintView> views;
  ListRows original;
  for (int n = 1; n <= kCases; ++n) original.Add(views[n] = Case(n, v1::COMPLAINT_STATE_OPEN, "anna"));
  ListRows copy = original;
  // Both make the same changes, as the two states of a left-right pair do in turn: a case
  // closed in the first chunk, a new case in the last.
  std::map<int, v1::ComplaintView> copy_views = views;
  for (auto [rows, of] : {std::pair{&original, &views}, std::pair{&copy, &copy_views}}) {
    Change(*rows, *of, 5, v1::COMPLAINT_STATE_CLOSED, "bob");
    rows->Add((*of)[kCases + 1] = Case(kCases + 1, v1::COMPLAINT_STATE_OPEN, "carla"));
  }
  CHECK(copy.ChunksSharedWith(original) == 1);  // the middle chunk alone
  // A chunk that differs stays the copy's own.
  Change(copy, copy_views, 1500, v1::COMPLAINT_STATE_RESOLVED, "carla");
  copy.ShareEqualChunks(original);
  CHECK(copy.ChunksSharedWith(original) == 2);
  Change(original, views, 1500, v1::COMPLAINT_STATE_RESOLVED, "carla");
  copy.ShareEqualChunks(original);
  CHECK(copy.ChunksSharedWith(original) == 3);
  CHECK(RowsOf(copy) == RowsOf(original));
  // Shared again, each still changes alone.
  Change(original, views, 6, v1::COMPLAINT_STATE_CLOSED, "bob");
  CHECK(RowsOf(copy).at(6).second == v1::COMPLAINT_STATE_OPEN);
  CHECK(RowsOf(original).at(6).second == v1::COMPLAINT_STATE_CLOSED);
  CHECK(original.Fault() == nullptr);
  CHECK(copy.Fault() == nullptr);
}

}  // namespace
}  // namespace closedloop::services
