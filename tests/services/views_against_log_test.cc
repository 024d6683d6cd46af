// Projections against the log they were made from: views newer than the log (a log restored
// from a backup without its views) are rebuilt from the log, not served; a view store kept
// from before checkpoint hashes is kept only when the log reaches its position.
#include <catch2/catch.hpp>

#include <filesystem>
#include <memory>
#include <string>
#include <utility>

#include "services/projections/projections.h"
#include "tests/services/api_test_util.h"
#include "tests/services/list_reference.h"
#include "tests/services/test_server.h"
#include "tests/storage/log_test_util.h"

namespace closedloop::services {
namespace {

// Files a complaint for `customer`; its response.
v1::CommandResponse FileFor(testing::TestServer& s, const std::string& customer) {
  v1::FileComplaintRequest request = testing::Msg<v1::FileComplaintRequest>(
      "complaint { channel: CHANNEL_HOTLINE kind: ITEM_KIND_COMPLAINT text: 'The lamp flickers.' }");
  request.mutable_complaint()->set_customer_ref(customer);
  return testing::Ok(*s.complaints, &v1::ComplaintService::Stub::FileComplaint, request);
}

size_t CaseCount(testing::TestServer& s) {
  size_t count = 0;
  s.server->projections().Read(
      [&](const ProjectionState& state, uint64_t) { count = state.ComplaintCount(); });
  return count;
}

// Replaces the server's log by the copy in `backup` (as an operator restoring only the log
// would), keeping the views the server wrote.
void RestoreLogOnly(testing::TestServer& s, const std::string& backup) {
  s.Stop();
  std::filesystem::remove_all(s.dir.Sub("db"));
  std::filesystem::rename(backup, s.dir.Sub("db"));
}

TEST_CASE("views newer than a log restored from a backup are rebuilt from the log, not served",
          "[projections]") {
  testing::TestServer s;
  FileFor(s, "customer-kept-1");
  FileFor(s, "customer-kept-2");
  REQUIRE(s.log->Checkpoint(s.dir.Sub("log-backup")).ok());
  const uint64_t backed_up = s.log->HeadPosition();
  v1::CommandResponse lost;
  for (int i = 0; i < 3; ++i) lost = FileFor(s, "customer-lost");
  testing::View(s, lost.complaint_id(), lost.position());  // the views reflect the lost filings
  const uint64_t views_at = s.server->projections().position();
  REQUIRE(views_at > backed_up);
  RestoreLogOnly(s, s.dir.Sub("log-backup"));
  size_t cases = 3;  // the two kept, and one filed below

  SECTION("the views reflect a position past the log's head") {
    s.Start();
    CHECK(s.server->projections().rebuild_reason().find("the log ends at " +
                                                        std::to_string(backed_up)) !=
          std::string::npos);
    CHECK(s.server->views_resumed_after() == 0);
  }
  SECTION("the log grew past the views' position with other records") {
    // Filed on the restored log while the views were elsewhere, then the views put back.
    std::filesystem::rename(s.dir.Sub("views"), s.dir.Sub("views-aside"));
    s.Start();
    for (int i = 0; i < 4; ++i) FileFor(s, "customer-meanwhile");
    cases += 4;
    REQUIRE(s.log->HeadPosition() >= views_at);
    s.Stop();
    std::filesystem::remove_all(s.dir.Sub("views"));
    std::filesystem::rename(s.dir.Sub("views-aside"), s.dir.Sub("views"));
    s.Start();
    CHECK(s.server->projections().rebuild_reason().find("its hash differs") != std::string::npos);
    CHECK(s.server->views_resumed_after() == 0);
  }
  // Whatever the log holds now, the views show it and nothing else.
  const v1::CommandResponse fresh = FileFor(s, "customer-new");
  const v1::ComplaintView view = testing::View(s, fresh.complaint_id(), fresh.position());
  CHECK(view.filing().customer_ref() == "customer-new");
  CHECK(CaseCount(s) == cases);
  s.server->projections().Read([&](const ProjectionState& state, uint64_t) {
    for (const auto& [id, complaint] : testing::AllComplaints(state)) {
      INFO(id);
      CHECK(complaint->filing().customer_ref() != "customer-lost");
    }
  });
}

TEST_CASE("a view store without a checkpoint hash is kept when the log reaches its position, "
          "and rebuilt when it does not", "[projections]") {
  testing::TempDir dir;
  std::unique_ptr<storage::EventLog> log = storage::testing::OpenLog(dir.Sub("db"));
  storage::AppendRequest request;
  request.stream = "other-1";
  request.events.push_back(storage::testing::Event("other.noted", ""));
  request.events.push_back(storage::testing::Event("other.noted", ""));
  REQUIRE(log->Append(std::move(request)).ok());
  for (const uint64_t checkpoint : {2, 3}) {
    INFO(checkpoint);
    auto store = storage::ViewStore::Open(dir.Sub("views-" + std::to_string(checkpoint)),
                                          Projections::Format());
    REQUIRE(store.ok());
    // As a store written before the hash was kept: a position, no hash.
    REQUIRE((*store)->Commit({}, checkpoint, "").ok());
    Projections projections(*log, **store);
    REQUIRE(projections.Start().ok());
    CHECK(projections.rebuild_reason().empty() == (checkpoint == 2));
  }
}

}  // namespace
}  // namespace closedloop::services
