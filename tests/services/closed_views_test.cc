// Closed cases leave memory: once both copies of the read state hold a closed case's view as
// the view store does, they let go of it and read it back from the store (as of their own
// position) for queries and for later events. These tests check that nothing a caller sees
// changes when that happens: through a real server, and for one state against a real store.
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "services/projections/complaint_lookup.h"
#include "services/projections/view_loader.h"
#include "tests/services/api_test_util.h"
#include "tests/services/list_reference.h"

namespace closedloop {
namespace {

using namespace testing;  // NOLINT: the API test helpers
using ComplaintStub = v1::ComplaintService::Stub;
using QueryStub = v1::QueryService::Stub;

v1::CommandResponse File(TestServer& s, const std::string& customer) {
  v1::FileComplaintRequest request = Msg<v1::FileComplaintRequest>(
      "complaint { channel: CHANNEL_HOTLINE kind: ITEM_KIND_COMPLAINT text: 'The lamp flickers.' }");
  request.mutable_complaint()->set_customer_ref(customer);
  return Ok(*s.complaints, &ComplaintStub::FileComplaint, request);
}

uint64_t Close(TestServer& s, const std::string& id) {
  Ok(*s.complaints, &ComplaintStub::RecordCustomerContact,
     Cmd<v1::RecordCustomerContactRequest>("method: CONTACT_METHOD_PHONE outcome: CONTACT_OUTCOME_REACHED", id));
  Ok(*s.complaints, &ComplaintStub::ResolveComplaint,
     Cmd<v1::ResolveComplaintRequest>("resolution: 'Refunded.' remedy { type: REMEDY_TYPE_APOLOGY }", id));
  return Ok(*s.complaints, &ComplaintStub::CloseComplaint,
            Cmd<v1::CloseComplaintRequest>("customer_confirmed: true", id))
      .position();
}

// Files cases one at a time, each seen by the views before the next: three batches at least,
// after which both states have let go of what was closed before.
void ThreeMoreBatches(TestServer& s) {
  for (int i = 0; i < 3; ++i) {
    const v1::CommandResponse filed = File(s, "cust-other");
    View(s, filed.complaint_id(), filed.position());
  }
}

// Which of `ids` the visible state holds in memory, and how many cases it knows.
std::vector<bool> InMemory(TestServer& s, const std::vector<std::string>& ids, size_t* cases) {
  std::vector<bool> held;
  s.server->projections().Read([&](const services::ProjectionState& state, uint64_t) {
    for (const std::string& id : ids) held.push_back(state.complaints().contains(id));
    *cases = state.ComplaintCount();
  });
  return held;
}

std::string Bytes(v1::ComplaintView view) {
  view.clear_history();
  return view.SerializeAsString();
}

TEST_CASE("a closed case leaves memory and reads, lists, counts and changes as before", "[projections]") {
  TestServer s;
  const std::string open = File(s, "cust-a").complaint_id();
  const std::string closed = File(s, "cust-a").complaint_id();
  const uint64_t closed_at = Close(s, closed);
  const v1::ComplaintView before = View(s, closed, closed_at);
  ThreeMoreBatches(s);

  size_t cases = 0;
  CHECK(InMemory(s, {open, closed}, &cases) == std::vector<bool>{true, false});
  CHECK(cases == 5);
  CHECK(Bytes(View(s, closed)) == Bytes(before));
  CHECK(View(s, closed).history_size() == before.history_size());

  v1::ListComplaintsRequest list;
  list.add_states(v1::COMPLAINT_STATE_CLOSED);
  const v1::ListComplaintsResponse listed = Ok(*s.queries, &QueryStub::ListComplaints, list);
  REQUIRE(listed.complaints_size() == 1);
  CHECK(Bytes(listed.complaints(0)) == Bytes(before));
  v1::GetCustomerHistoryRequest history_request;
  history_request.set_customer_ref("cust-a");
  const v1::CustomerHistory history =
      Ok(*s.queries, &QueryStub::GetCustomerHistory, history_request);
  REQUIRE(history.cases_size() == 2);
  CHECK(history.cases(0).complaint_id() == closed);
  CHECK(history.cases(0).state() == v1::COMPLAINT_STATE_CLOSED);
  const v1::Metrics metrics = Ok(*s.queries, &QueryStub::GetMetrics, v1::GetMetricsRequest());
  CHECK(metrics.complaints() == 5);

  // After a restart no closed view is read into memory, and the case reads the same.
  s.Stop();
  s.Start();
  CHECK(InMemory(s, {open, closed}, &cases) == std::vector<bool>{true, false});
  CHECK(cases == 5);
  CHECK(Bytes(View(s, closed)) == Bytes(before));

  // An event on the case reads its view back and changes it: reopened, it is open and held.
  const uint64_t reopened = Ok(*s.complaints, &ComplaintStub::ReopenComplaint,
                               Cmd<v1::ReopenComplaintRequest>("reason: 'It flickers again.'", closed))
                                .position();
  const v1::ComplaintView after = View(s, closed, reopened);
  CHECK(after.reopen_count() == 1);
  CHECK(after.revision() > before.revision());
  CHECK(after.state() != v1::COMPLAINT_STATE_CLOSED);
  CHECK(after.filing().customer_ref() == "cust-a");
  CHECK(InMemory(s, {closed}, &cases) == std::vector<bool>{true});
  CHECK(cases == 5);
  list.clear_states();
  list.add_states(v1::COMPLAINT_STATE_CLOSED);
  CHECK(Ok(*s.queries, &QueryStub::ListComplaints, list).total_size() == 0);

  // Batches later both states took the reopening over, each from the view it had let go of,
  // and count the case once, as reopened.
  ThreeMoreBatches(s);
  const v1::Metrics later = Ok(*s.queries, &QueryStub::GetMetrics, v1::GetMetricsRequest());
  CHECK(later.complaints() == 8);
  CHECK(later.reopen_rate() > 0);
  CHECK(Bytes(View(s, closed)) == Bytes(after));
  CHECK(InMemory(s, {closed}, &cases) == std::vector<bool>{true});
  CHECK(cases == 8);
}

v1::ComplaintView ClosedView(uint64_t revision) {
  v1::ComplaintView view;
  view.set_complaint_id("CL-1");
  view.set_state(v1::COMPLAINT_STATE_CLOSED);
  view.set_revision(revision);
  view.mutable_filing()->set_customer_ref("cust-a");
  return view;
}

TEST_CASE("a state reads a case it let go of as the store stood at the state's position, not as it stands now, and a copy of it through its own loader",
          "[projections]") {
  TempDir dir;
  absl::StatusOr<std::unique_ptr<storage::ViewStore>> store =
      storage::ViewStore::Open(dir.Sub("views"), "test");
  REQUIRE(store.ok());
  REQUIRE((*store)->Commit({{"c/CL-1", ClosedView(1).SerializeAsString()}}, 1, "h1").ok());
  services::SnapshotLoader loader(**store);
  loader.At((*store)->SnapshotNow());
  services::ProjectionState state;
  state.set_loader(&loader);
  // A closed case's view restored from the store is let go of at once; an open one's is kept.
  v1::ComplaintView open = ClosedView(1);
  open.set_complaint_id("CL-3");
  open.set_state(v1::COMPLAINT_STATE_OPEN);
  REQUIRE(state.Restore("c/CL-1", ClosedView(1).SerializeAsString()).ok());
  REQUIRE(state.Restore("c/CL-3", open.SerializeAsString()).ok());
  CHECK(state.complaints().size() == 1);
  CHECK(state.complaints().contains("CL-3"));
  CHECK(state.HasComplaint("CL-1"));
  CHECK_FALSE(state.HasComplaint("CL-2"));
  CHECK(state.ComplaintCount() == 2);

  // A copy shares the views and counts, and reads what was let go of through its own loader.
  services::SnapshotLoader copy_loader(**store);
  copy_loader.At(loader.snapshot());
  services::ProjectionState copy;
  copy.set_loader(&copy_loader);
  copy.CopyOf(state);
  CHECK(copy.complaints().at("CL-3") == state.complaints().at("CL-3"));
  CHECK(copy.ComplaintCount() == 2);

  // The store runs ahead (the other state's batch), the state does not.
  REQUIRE((*store)->Commit({{"c/CL-1", ClosedView(2).SerializeAsString()}}, 2, "h2").ok());
  absl::StatusOr<services::ProjectionState::ComplaintPtr> read = state.Complaint("CL-1");
  REQUIRE(read.ok());
  REQUIRE(*read != nullptr);
  CHECK((*read)->revision() == 1);
  CHECK(state.Complaint("CL-2").value() == nullptr);
  v1::ListComplaintsRequest one_a_page;
  one_a_page.set_page_size(1);
  const std::vector<std::string> listed = AllPages(state, one_a_page, 2, 2);
  CHECK(listed == std::vector<std::string>{"CL-3", "CL-1"});
  copy_loader.At((*store)->SnapshotNow());
  absl::StatusOr<services::ProjectionState::ComplaintPtr> copied = copy.Complaint("CL-1");
  REQUIRE(copied.ok());
  REQUIRE(*copied != nullptr);
  CHECK((*copied)->revision() == 2);
  CHECK(AllPages(copy, one_a_page, 2, 2) == listed);

  // A view missing from the store is reported as lost data, not taken for an unknown case.
  absl::StatusOr<std::unique_ptr<storage::ViewStore>> other =
      storage::ViewStore::Open(dir.Sub("other"), "test");
  REQUIRE(other.ok());
  services::SnapshotLoader empty(**other);
  empty.At((*other)->SnapshotNow());
  services::ProjectionState lost;
  lost.set_loader(&empty);
  REQUIRE(lost.Restore("c/CL-1", ClosedView(1).SerializeAsString()).ok());
  CHECK(lost.Complaint("CL-1").status().code() == absl::StatusCode::kDataLoss);
}

}  // namespace
}  // namespace closedloop
