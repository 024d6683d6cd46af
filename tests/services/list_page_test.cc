// ListComplaints pages: whichever index a request starts from (a customer's cases, an owner's
// open cases, all open cases, all cases), the pages hold exactly the matching cases, newest
// first, and the total counts them all.
#include <catch2/catch.hpp>

#include <algorithm>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "domain/proto_time.h"
#include "services/projections/complaint_lookup.h"
#include "services/projections/projection_state.h"

namespace closedloop::services {
namespace {

constexpr int kCases = 300;
const v1::ComplaintState kStates[] = {v1::COMPLAINT_STATE_OPEN, v1::COMPLAINT_STATE_IN_PROGRESS,
                                      v1::COMPLAINT_STATE_RESOLVED, v1::COMPLAINT_STATE_CLOSED};
const char* const kOwners[] = {"anna", "bob", "carla"};
const v1::Channel kChannels[] = {v1::CHANNEL_HOTLINE, v1::CHANNEL_WEB};

// Case n: its state, owner, customer and channel cycle with different periods, so every
// combination occurs.
v1::ComplaintView CaseNumber(int n) {
  v1::ComplaintView view;
  view.set_complaint_id(absl::StrCat("CL-", n));
  view.set_state(kStates[n % 4]);
  view.set_owner(kOwners[n % 3]);
  view.mutable_filing()->set_customer_ref(absl::StrCat("c-", n % 7));
  view.mutable_filing()->set_channel(kChannels[n % 2]);
  *view.mutable_filing()->mutable_filed_at() = domain::ToProto(absl::FromUnixSeconds(1'700'000'000 + n));
  return view;
}

ProjectionState StateOfCases() {
  ProjectionState state;
  for (int n = 1; n <= kCases; ++n) {
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
    if (r.states_size() > 0 && std::find(r.states().begin(), r.states().end(), v.state()) == r.states().end()) continue;
    if (!r.owner().empty() && r.owner() != v.owner()) continue;
    if (!r.customer_ref().empty() && r.customer_ref() != v.filing().customer_ref()) continue;
    if (r.channel() != v1::CHANNEL_UNSPECIFIED && r.channel() != v.filing().channel()) continue;
    ids.push_back(v.complaint_id());
  }
  return ids;
}

// Every page of `request`, followed through the page tokens; checks each page's total.
std::vector<std::string> AllPages(const ProjectionState& state, v1::ListComplaintsRequest request,
                                  int expected_total) {
  std::vector<std::string> ids;
  for (int pages = 0; pages <= kCases; ++pages) {
    const v1::ListComplaintsResponse page = ListPage(state, request);
    CHECK(page.total_size() == expected_total);
    CHECK(page.complaints_size() <= std::max(request.page_size(), 1));
    for (const v1::ComplaintView& view : page.complaints()) ids.push_back(view.complaint_id());
    if (page.next_page_token().empty()) return ids;
    request.set_page_token(page.next_page_token());
  }
  FAIL("the pages never ended");
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

  for (const v1::ListComplaintsRequest& base : requests) {
    const std::vector<std::string> expected = Expected(base);
    for (int page_size : {1, 7, 50, 1000}) {
      v1::ListComplaintsRequest request = base;
      request.set_page_size(page_size);
      INFO(request.ShortDebugString());
      CHECK(AllPages(state, request, static_cast<int>(expected.size())) == expected);
    }
  }
  // The filters above leave every case in some list and some lists empty.
  CHECK(Expected(requests[0]).size() == kCases);
  CHECK(Expected(requests[10]).empty());
}

TEST_CASE("an unfiltered page from a token lists the cases filed before it, and counts them all", "[list]") {
  const ProjectionState state = StateOfCases();
  v1::ListComplaintsRequest request;
  request.set_page_size(3);
  request.set_page_token("CL-101");
  const v1::ListComplaintsResponse page = ListPage(state, request);
  REQUIRE(page.complaints_size() == 3);
  CHECK(page.complaints(0).complaint_id() == "CL-100");
  CHECK(page.complaints(2).complaint_id() == "CL-98");
  CHECK(page.next_page_token() == "CL-98");
  CHECK(page.total_size() == kCases);
  request.set_page_token("CL-3");
  const v1::ListComplaintsResponse last = ListPage(state, request);
  REQUIRE(last.complaints_size() == 2);
  CHECK(last.complaints(1).complaint_id() == "CL-1");
  CHECK(last.next_page_token().empty());
}

}  // namespace
}  // namespace closedloop::services
