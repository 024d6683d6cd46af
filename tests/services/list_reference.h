// What a ListComplaints request must list, worked out the plain way: each filter tested on each
// view, in the order the request names them (a reference for the indexed lists to agree with).
#ifndef CLOSEDLOOP_TESTS_SERVICES_LIST_REFERENCE_H_
#define CLOSEDLOOP_TESTS_SERVICES_LIST_REFERENCE_H_

#include <algorithm>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "closedloop/v1/query_service.pb.h"
#include "closedloop/v1/views.pb.h"
#include "domain/proto_time.h"
#include "services/projections/complaint_lookup.h"

namespace closedloop::testing {

inline bool ListedBy(const v1::ListComplaintsRequest& r, const v1::ComplaintView& v) {
  if (r.states_size() > 0 &&
      std::find(r.states().begin(), r.states().end(), v.state()) == r.states().end()) {
    return false;
  }
  if (!r.owner().empty() && r.owner() != v.owner()) return false;
  if (!r.team().empty() && r.team() != v.team()) return false;
  if (!r.department().empty() && r.department() != v.department()) return false;
  if (!r.customer_ref().empty() && r.customer_ref() != v.filing().customer_ref()) return false;
  if (!r.market().empty() && r.market() != v.filing().market()) return false;
  if (r.channel() != v1::CHANNEL_UNSPECIFIED && r.channel() != v.filing().channel()) return false;
  if (r.kind() != v1::ITEM_KIND_UNSPECIFIED && r.kind() != v.kind()) return false;
  if (r.severity() != v1::SEVERITY_UNSPECIFIED && r.severity() != v.severity()) return false;
  if (r.breached_only() && v.breach_count() == 0) return false;
  if (r.hanging_only() && !v.hanging()) return false;
  const absl::Time filed = domain::FromProto(v.filing().filed_at());
  if (r.has_filed_after() && filed < domain::FromProto(r.filed_after())) return false;
  if (r.has_filed_before() && filed >= domain::FromProto(r.filed_before())) return false;
  return true;
}

// Every case of `state` with its view, those it let go of read back through its loader.
inline std::map<std::string, services::ProjectionState::ComplaintPtr, services::IdOrder>
AllComplaints(const services::ProjectionState& state) {
  std::map<std::string, services::ProjectionState::ComplaintPtr, services::IdOrder> all(
      state.complaints().begin(), state.complaints().end());
  state.rows().ForEachBelow(UINT64_MAX, [&](uint64_t number, const services::ListRows::Row&) {
    const std::string id = services::CaseIdOf(number);
    if (!all.contains(id)) all[id] = state.Complaint(id).value();
    return true;
  });
  return all;
}

// Every page of `request` from ListPage, followed through the page tokens: the ids listed, in
// order. Checks that each page's total is `expected_total` and no page is larger than asked.
inline std::vector<std::string> AllPages(const services::ProjectionState& state,
                                         v1::ListComplaintsRequest request, int expected_total,
                                         int max_pages, const services::ListScope& scope = {}) {
  std::vector<std::string> ids;
  for (int pages = 0; pages <= max_pages; ++pages) {
    const v1::ListComplaintsResponse page = services::ListPage(state, request, scope).value();
    CHECK(page.total_size() == expected_total);
    CHECK(page.complaints_size() <= std::max(request.page_size(), 1));
    for (const v1::ComplaintView& view : page.complaints()) ids.push_back(view.complaint_id());
    if (page.next_page_token().empty()) return ids;
    request.set_page_token(page.next_page_token());
  }
  FAIL("the pages never ended");
  return ids;
}

}  // namespace closedloop::testing

#endif  // CLOSEDLOOP_TESTS_SERVICES_LIST_REFERENCE_H_
