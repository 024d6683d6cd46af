// ListComplaints pages: whichever index a request starts from (a customer's cases, an owner's
// open cases, all open cases, all cases), the pages hold exactly the matching cases, newest
// first, and the total counts them all.
#include <catch2/catch.hpp>

#include <algorithm>
#include <map>
#include <string>
#include <vector>

#include "absl/container/btree_set.h"
#include "absl/strings/str_cat.h"
#include "domain/access.h"
#include "domain/proto_time.h"
#include "services/projections/complaint_lookup.h"
#include "services/projections/list_rows.h"
#include "services/projections/projection_state.h"
#include "tests/services/list_reference.h"

namespace closedloop::services {
namespace {

constexpr int kCases = 300;
const v1::ComplaintState kStates[] = {v1::COMPLAINT_STATE_OPEN, v1::COMPLAINT_STATE_IN_PROGRESS,
                                      v1::COMPLAINT_STATE_RESOLVED, v1::COMPLAINT_STATE_CLOSED};
const char* const kOwners[] = {"anna", "bob", "carla"};
const v1::Channel kChannels[] = {v1::CHANNEL_HOTLINE, v1::CHANNEL_WEB};
const char* const kMarkets[] = {"DE", "AT", ""};
const v1::Severity kSeverities[] = {v1::SEVERITY_LOW, v1::SEVERITY_NORMAL, v1::SEVERITY_HIGH,
                                    v1::SEVERITY_CRITICAL};
constexpr int64_t kFirstFiled = 1'700'000'000;

// Case n: what every filter tests cycles with a different period, so every combination occurs.
// Filing times go back and forth a little, as concurrent filings may: case n is filed at
// kFirstFiled + n, give or take 2 s.
v1::ComplaintView CaseNumber(int n) {
  v1::ComplaintView view;
  view.set_complaint_id(absl::StrCat("CL-", n));
  view.set_state(kStates[n % 4]);
  view.set_owner(kOwners[n % 3]);
  view.set_team(absl::StrCat("team-", n % 5));
  view.set_department(absl::StrCat("department-", n % 6));
  view.set_kind(n % 10 == 0 ? v1::ITEM_KIND_RECOMMENDATION : v1::ITEM_KIND_COMPLAINT);
  view.set_severity(kSeverities[(n / 3) % 4]);
  view.set_breach_count(n % 11 == 0 ? 1 : 0);
  view.set_hanging(n % 13 == 0);
  view.mutable_filing()->set_customer_ref(absl::StrCat("c-", n % 7));
  view.mutable_filing()->set_channel(kChannels[n % 2]);
  view.mutable_filing()->set_market(kMarkets[(n / 2) % 3]);
  *view.mutable_filing()->mutable_filed_at() =
      domain::ToProto(absl::FromUnixSeconds(kFirstFiled + n + (n % 5) - 2));
  // Some cases hold a task for another department, which may then read them too.
  if (n % 4 == 1) view.add_tasks()->set_department(absl::StrCat("department-", (n + 1) % 6));
  if (n % 8 == 1) view.add_tasks()->set_department(absl::StrCat("department-", n % 6));
  return view;
}

ProjectionState StateOfCases(int cases = kCases) {
  ProjectionState state;
  for (int n = 1; n <= cases; ++n) {
    const v1::ComplaintView view = CaseNumber(n);
    REQUIRE(state.Restore(ProjectionState::ComplaintKey(view.complaint_id()), view.SerializeAsString()).ok());
  }
  return state;
}

// What the request must list, worked out from the case numbers alone: newest first.
std::vector<std::string> Expected(const v1::ListComplaintsRequest& r) {
  std::vector<std::string> ids;
  for (int n = kCases; n >= 1; --n) {
    const v1::ComplaintView v = CaseNumber(n);
    if (testing::ListedBy(r, v)) ids.push_back(v.complaint_id());
  }
  return ids;
}

TEST_CASE("every list request pages through exactly its matching cases, newest first, whatever index it starts from",
          "[list]") {
  const ProjectionState state = StateOfCases();
  std::vector<v1::ListComplaintsRequest> requests(1);  // unfiltered
  auto with = [&](auto set) {
    v1::ListComplaintsRequest r;
    set(r);
    requests.push_back(r);
  };
  with([](auto& r) { r.set_owner("bob"); });
  with([](auto& r) { r.add_states(v1::COMPLAINT_STATE_OPEN); });
  with([](auto& r) { r.add_states(v1::COMPLAINT_STATE_OPEN); r.add_states(v1::COMPLAINT_STATE_IN_PROGRESS); });
  with([](auto& r) { r.add_states(v1::COMPLAINT_STATE_IN_PROGRESS); r.set_owner("carla"); });
  with([](auto& r) { r.add_states(v1::COMPLAINT_STATE_OPEN); r.add_states(v1::COMPLAINT_STATE_IN_PROGRESS); r.set_owner("anna"); });
  with([](auto& r) { r.add_states(v1::COMPLAINT_STATE_OPEN); r.add_states(v1::COMPLAINT_STATE_CLOSED); r.set_owner("anna"); });
  with([](auto& r) { r.add_states(v1::COMPLAINT_STATE_RESOLVED); });
  with([](auto& r) { r.set_customer_ref("c-3"); });
  with([](auto& r) { r.set_customer_ref("c-3"); r.add_states(v1::COMPLAINT_STATE_OPEN); r.set_owner("bob"); });
  with([](auto& r) { r.set_customer_ref("c-nobody"); });
  with([](auto& r) { r.set_owner("nobody"); r.add_states(v1::COMPLAINT_STATE_OPEN); });
  with([](auto& r) { r.set_channel(v1::CHANNEL_WEB); r.add_states(v1::COMPLAINT_STATE_IN_PROGRESS); });
  with([](auto& r) { r.set_channel(v1::CHANNEL_HOTLINE); });
  with([](auto& r) { r.set_team("team-2"); });
  with([](auto& r) { r.set_department("department-5"); });
  with([](auto& r) { r.set_team("team-1"); r.set_department("department-3"); });
  with([](auto& r) { r.set_market("AT"); });
  with([](auto& r) { r.set_market("FR"); });
  with([](auto& r) { r.set_team("team-9"); r.add_states(v1::COMPLAINT_STATE_OPEN); });
  with([](auto& r) { r.set_kind(v1::ITEM_KIND_RECOMMENDATION); });
  with([](auto& r) { r.set_severity(v1::SEVERITY_CRITICAL); r.add_states(v1::COMPLAINT_STATE_CLOSED); });
  with([](auto& r) { r.set_breached_only(true); });
  with([](auto& r) { r.set_hanging_only(true); });
  with([](auto& r) { r.set_breached_only(true); r.set_hanging_only(true); });
  // Filing times out of id order: the bounds cut between neighbours.
  with([](auto& r) { r.mutable_filed_after()->set_seconds(kFirstFiled + 100); });
  with([](auto& r) { r.mutable_filed_before()->set_seconds(kFirstFiled + 37); });
  with([](auto& r) {
    r.mutable_filed_after()->set_seconds(kFirstFiled + 50);
    r.mutable_filed_before()->set_seconds(kFirstFiled + 90);
    r.set_owner("anna");
  });
  with([](auto& r) {
    r.mutable_filed_after()->set_seconds(kFirstFiled + 90);
    r.mutable_filed_before()->set_seconds(kFirstFiled + 90);
  });

  for (const v1::ListComplaintsRequest& base : requests) {
    const std::vector<std::string> expected = Expected(base);
    for (int page_size : {1, 7, 50, 1000}) {
      v1::ListComplaintsRequest request = base;
      request.set_page_size(page_size);
      INFO(request.ShortDebugString());
      CHECK(testing::AllPages(state, request, static_cast<int>(expected.size()), kCases) == expected);
    }
  }
  // The filters above leave every case in some list and some lists empty.
  CHECK(Expected(requests[0]).size() == kCases);
  CHECK(Expected(requests[10]).empty());
  CHECK(Expected(requests[18]).empty());  // market FR
  CHECK(Expected(requests[19]).empty());  // team-9
  CHECK(Expected(requests[24]).size() == 2);  // breached and hanging: 143 and 286
}

TEST_CASE("lists page through exactly their cases across many chunks of rows, also by filing time with cases filed out of order",
          "[list]") {
  // 5,000 cases filed a second apart, but case 2,500 filed first of all and case 10 last: the
  // rows' chunks (1,024 numbers each) skip or count whole only what is wholly outside or inside.
  constexpr int kMany = 5000;
  auto filed_at = [](int n) {
    const int64_t offset = n == 2500 ? -100'000 : n == 10 ? 100'000 : n;
    return absl::FromUnixSeconds(kFirstFiled + offset);
  };
  ProjectionState state;
  std::vector<v1::ComplaintView> views;
  for (int n = 1; n <= kMany; ++n) {
    v1::ComplaintView view = CaseNumber(n);
    *view.mutable_filing()->mutable_filed_at() = domain::ToProto(filed_at(n));
    REQUIRE(state.Restore(ProjectionState::ComplaintKey(view.complaint_id()), view.SerializeAsString()).ok());
    views.push_back(view);
  }
  auto expected = [&](const v1::ListComplaintsRequest& r) {
    std::vector<std::string> ids;
    for (auto it = views.rbegin(); it != views.rend(); ++it) {
      if (testing::ListedBy(r, *it)) ids.push_back(it->complaint_id());
    }
    return ids;
  };
  const std::pair<int64_t, int64_t> ranges[] = {
      {1, 5001}, {1000, 3100}, {1024, 2048}, {2047, 2049}, {-100'000, -99'999}, {100'000, 100'001},
      {3500, 200'000}, {-200'000, 50}, {6000, 7000}};
  // Lists that start from counts, from open or flagged numbers, or from all rows, across the
  // chunks (and with tokens at their edges, as pages of 50 and 1000 fall).
  std::vector<v1::ListComplaintsRequest> others(1);
  auto with = [&](auto set) {
    set(others.emplace_back());
  };
  with([](auto& r) { r.set_owner("bob"); });
  with([](auto& r) { r.add_states(v1::COMPLAINT_STATE_OPEN); r.add_states(v1::COMPLAINT_STATE_IN_PROGRESS); });
  with([](auto& r) { r.add_states(v1::COMPLAINT_STATE_IN_PROGRESS); r.set_owner("carla"); });
  with([](auto& r) { r.add_states(v1::COMPLAINT_STATE_OPEN); r.set_channel(v1::CHANNEL_WEB); });
  with([](auto& r) { r.set_breached_only(true); });
  with([](auto& r) { r.set_hanging_only(true); r.set_owner("anna"); });
  with([](auto& r) { r.set_team("team-3"); r.set_severity(v1::SEVERITY_HIGH); });
  for (v1::ListComplaintsRequest request : others) {
    const std::vector<std::string> ids = expected(request);
    for (int page_size : {50, 1000}) {
      request.set_page_size(page_size);
      INFO(request.ShortDebugString());
      CHECK(testing::AllPages(state, request, static_cast<int>(ids.size()), kMany) == ids);
    }
  }
  for (const auto& [from, to] : ranges) {
    for (bool with_owner : {false, true}) {
      v1::ListComplaintsRequest request;
      *request.mutable_filed_after() = domain::ToProto(absl::FromUnixSeconds(kFirstFiled + from));
      *request.mutable_filed_before() = domain::ToProto(absl::FromUnixSeconds(kFirstFiled + to));
      if (with_owner) request.set_owner("bob");
      const std::vector<std::string> ids = expected(request);
      for (int page_size : {50, 1000}) {
        request.set_page_size(page_size);
        INFO(request.ShortDebugString());
        CHECK(testing::AllPages(state, request, static_cast<int>(ids.size()), kMany) == ids);
      }
    }
  }
}

TEST_CASE("an unfiltered page from a token lists the cases filed before it, and counts them all", "[list]") {
  const ProjectionState state = StateOfCases();
  v1::ListComplaintsRequest request;
  request.set_page_size(3);
  request.set_page_token("CL-101");
  const v1::ListComplaintsResponse page = ListPage(state, request).value();
  REQUIRE(page.complaints_size() == 3);
  CHECK(page.complaints(0).complaint_id() == "CL-100");
  CHECK(page.complaints(2).complaint_id() == "CL-98");
  CHECK(page.next_page_token() == "CL-98");
  CHECK(page.total_size() == kCases);
  request.set_page_token("CL-3");
  const v1::ListComplaintsResponse last = ListPage(state, request).value();
  REQUIRE(last.complaints_size() == 2);
  CHECK(last.complaints(1).complaint_id() == "CL-1");
  CHECK(last.next_page_token().empty());
}

TEST_CASE("a department lists exactly the cases it may read, attributed to it or holding its task, with any filter",
          "[list]") {
  // Past one chunk of rows (1,024), so that a short filing range walks only the department's
  // numbers in the chunk its times overlap.
  constexpr int kScoped = 1100;
  const ProjectionState state = StateOfCases(kScoped);
  std::vector<v1::ListComplaintsRequest> requests(9);
  requests[1].add_states(v1::COMPLAINT_STATE_CLOSED);
  requests[2].add_states(v1::COMPLAINT_STATE_OPEN);
  requests[2].add_states(v1::COMPLAINT_STATE_IN_PROGRESS);
  requests[2].set_owner("anna");
  requests[3].set_customer_ref("c-2");
  requests[4].add_states(v1::COMPLAINT_STATE_OPEN);
  requests[4].add_states(v1::COMPLAINT_STATE_IN_PROGRESS);
  requests[5].set_breached_only(true);
  *requests[6].mutable_filed_after() = domain::ToProto(absl::FromUnixSeconds(kFirstFiled + 1050));
  *requests[6].mutable_filed_before() = domain::ToProto(absl::FromUnixSeconds(kFirstFiled + 1080));
  *requests[7].mutable_filed_after() = domain::ToProto(absl::FromUnixSeconds(kFirstFiled + 100));
  requests[8].add_states(v1::COMPLAINT_STATE_RESOLVED);
  requests[8].set_team("team-2");
  for (const std::string department : {"department-1", "department-4", "department-none"}) {
    domain::Caller caller;
    caller.role = std::string(domain::kRoleDepartment);
    caller.department = department;
    ListScope scope;
    scope.department = department;
    for (v1::ListComplaintsRequest request : requests) {
      std::vector<std::string> expected;
      for (int n = kScoped; n >= 1; --n) {
        const v1::ComplaintView v = CaseNumber(n);
        if (testing::ListedBy(request, v) && domain::MayRead(caller, v)) expected.push_back(v.complaint_id());
      }
      request.set_page_size(7);
      INFO(department << " " << request.ShortDebugString());
      std::vector<std::string> listed;
      for (int pages = 0; pages < 100; ++pages) {
        const v1::ListComplaintsResponse page = ListPage(state, request, scope).value();
        CHECK(page.total_size() == static_cast<int>(expected.size()));
        for (const v1::ComplaintView& view : page.complaints()) listed.push_back(view.complaint_id());
        if (page.next_page_token().empty()) break;
        request.set_page_token(page.next_page_token());
      }
      CHECK(listed == expected);
    }
  }
}

TEST_CASE("a department's open numbers follow its cases as they change state and gain tasks",
          "[list]") {
  ListRows rows;
  v1::ComplaintView view = CaseNumber(8);  // open, attributed to department-2, no task
  REQUIRE(view.state() == v1::COMPLAINT_STATE_OPEN);
  view.clear_tasks();
  rows.Add(view);
  using Numbers = absl::btree_set<uint64_t>;
  CHECK(rows.OpenReadableBy("department-2") == Numbers{8});
  // A task for department-5 while it is open: both may read it, open.
  v1::ComplaintView tasked = view;
  tasked.add_tasks()->set_department("department-5");
  rows.Remove(view);
  rows.Add(tasked);
  CHECK(rows.OpenReadableBy("department-5") == Numbers{8});
  CHECK(rows.OpenReadableBy("department-2") == Numbers{8});
  // Resolved: still readable by both, open for neither.
  v1::ComplaintView resolved = tasked;
  resolved.set_state(v1::COMPLAINT_STATE_RESOLVED);
  rows.Remove(tasked);
  rows.Add(resolved);
  CHECK(rows.OpenReadableBy("department-2").empty());
  CHECK(rows.OpenReadableBy("department-5").empty());
  CHECK(rows.ReadableBy("department-5") == Numbers{8});
  // Reopened (in progress): open again.
  v1::ComplaintView reopened = resolved;
  reopened.set_state(v1::COMPLAINT_STATE_IN_PROGRESS);
  rows.Remove(resolved);
  rows.Add(reopened);
  CHECK(rows.OpenReadableBy("department-5") == Numbers{8});
}

TEST_CASE("a department's list by filing times alone counts whole chunks as its cases change department and tasks",
          "[list]") {
  // Four chunks of rows; every fifth case then moves to another department, and every third of
  // those gains a task naming its own department (read once) and another.
  constexpr int kMany = 3300;
  std::map<int, v1::ComplaintView> views;
  ListRows rows;
  for (int n = 1; n <= kMany; ++n) rows.Add(views[n] = CaseNumber(n));
  for (int n = 5; n <= kMany; n += 5) {
    v1::ComplaintView changed = views[n];
    changed.set_department(absl::StrCat("department-", (n + 3) % 6));
    changed.clear_tasks();
    if (n % 3 == 0) {
      changed.add_tasks()->set_department(changed.department());
      changed.add_tasks()->set_department("department-1");
    }
    rows.Remove(views[n]);
    rows.Add(views[n] = changed);
  }
  REQUIRE(rows.Fault() == nullptr);
  // Ranges within a chunk, across two, over whole chunks, and open at either end.
  const std::vector<std::pair<int, int>> ranges = {{10, 40}, {1000, 1100}, {900, 3200}, {0, 4000}, {2100, 9999}};
  for (const std::string department : {"department-1", "department-4", "department-none"}) {
    domain::Caller caller;
    caller.role = std::string(domain::kRoleDepartment);
    caller.department = department;
    for (const auto& [from, to] : ranges) {
      v1::ListComplaintsRequest request;
      *request.mutable_filed_after() = domain::ToProto(absl::FromUnixSeconds(kFirstFiled + from));
      if (to < 9999) *request.mutable_filed_before() = domain::ToProto(absl::FromUnixSeconds(kFirstFiled + to));
      std::vector<uint64_t> expected;
      for (int n = kMany; n >= 1; --n) {
        if (testing::ListedBy(request, views[n]) && domain::MayRead(caller, views[n])) expected.push_back(n);
      }
      INFO(department << " " << request.ShortDebugString());
      const ListRows::Filter filter = rows.FilterOf(request);
      // Pages of 7, and of 500 (which fill partway through a chunk counted whole after).
      for (size_t page_size : {size_t{7}, size_t{500}}) {
        std::vector<uint64_t> listed;
        uint64_t before = UINT64_MAX;
        for (int pages = 0; pages < 1000; ++pages) {
          std::vector<uint64_t> page;
          const int64_t total = rows.CountAndTakeReadable(department, filter, before, [&](uint64_t n) {
            page.push_back(n);
            return page.size() < page_size;
          });
          CHECK(total == static_cast<int64_t>(expected.size()));
          listed.insert(listed.end(), page.begin(), page.end());
          if (page.size() < page_size) break;
          before = page.back();
        }
        CHECK(listed == expected);
      }
    }
  }
}

}  // namespace
}  // namespace closedloop::services
