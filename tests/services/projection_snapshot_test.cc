// Projections: queries read whole batches and never wait for the follower. A query reads the
// views visible when it began; the follower applies the next batch to the other copy and
// publishes it without waiting for that query.
#include <catch2/catch.hpp>

#include <algorithm>
#include <atomic>
#include <map>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/match.h"
#include "domain/sla_policy.h"
#include "services/commands/complaint_commands.h"
#include "services/projections/projections.h"
#include "tests/domain/complaint_test_util.h"
#include "tests/services/test_server.h"
#include "tests/storage/log_test_util.h"

namespace closedloop::services {
namespace {

using domain::testing::RetailDirectory;
using domain::testing::T0;

struct Fixture {
  Fixture() {
    actor.set_principal("user:anna");
    actor.set_role("superhero");
    REQUIRE(projections.Start().ok());
  }

  std::unique_ptr<storage::ViewStore> OpenStore() {
    absl::StatusOr<std::unique_ptr<storage::ViewStore>> opened =
        storage::ViewStore::Open(dir.Sub("views"), Projections::Format());
    REQUIRE(opened.ok());
    return *std::move(opened);
  }

  // Files one complaint; returns the log position of its last event.
  uint64_t File() {
    clock.Advance(absl::Minutes(1));
    v1::Filed filing = domain::testing::Filing().filing;
    filing.clear_complaint_id();
    absl::StatusOr<CommandResult> filed = complaints.File(filing, actor, "");
    REQUIRE(filed.ok());
    return filed->position;
  }

  testing::TempDir dir;
  std::unique_ptr<storage::EventLog> log = storage::testing::OpenLog(dir.Sub("db"));
  std::unique_ptr<storage::ViewStore> store = OpenStore();
  testing::FakeClock clock{T0()};
  v1::SlaPolicy policy = domain::DefaultSlaPolicy();
  v1::Directory directory = RetailDirectory();
  ComplaintCommands complaints{*log, [this] { return clock.Now(); }, policy, directory};
  v1::Actor actor;
  Projections projections{*log, *store};
};

// What one query saw: its position, and the cases as three different parts of the views count
// them.
struct Sample {
  uint64_t position;
  size_t views;
  int64_t tallied;
  size_t open;
  bool operator==(const Sample&) const = default;
};

TEST_CASE("every query sees the views of whole batches while the follower applies new ones",
          "[projections][snapshot]") {
  Fixture f;
  constexpr int kFilings = 400;
  std::atomic<bool> done{false};
  std::vector<std::vector<Sample>> seen(2);
  std::vector<std::thread> readers;
  for (std::vector<Sample>& samples : seen) {
    readers.emplace_back([&f, &done, &samples] {
      while (!done.load()) {
        f.projections.Read([&](const ProjectionState& state, uint64_t position) {
          const Sample sample{position, state.ComplaintCount(),
                              state.Metrics(absl::InfinitePast(), absl::InfiniteFuture())
                                  ->complaints(),
                              state.OpenIndex().size()};
          if (samples.empty() || !(samples.back() == sample)) samples.push_back(sample);
        });
      }
    });
  }
  for (int i = 0; i < kFilings; ++i) f.File();
  REQUIRE(f.projections.WaitFor(f.log->HeadPosition(), absl::InfiniteFuture()).ok());
  done.store(true);
  for (std::thread& reader : readers) reader.join();

  // Where each case was filed: a view at position p holds exactly the cases filed by p.
  std::vector<uint64_t> filed_at;
  absl::StatusOr<storage::ReadAllResult> all =
      f.log->ReadAll(1, SIZE_MAX, storage::EventFilter{}, SIZE_MAX);
  REQUIRE(all.ok());
  for (const storage::RecordedEvent& event : all->events) {
    if (event.revision() == 1 && absl::StartsWith(event.stream(), "complaint-")) {
      filed_at.push_back(event.position());
    }
  }
  REQUIRE(filed_at.size() == kFilings);
  std::map<uint64_t, bool> positions;
  for (const std::vector<Sample>& samples : seen) {
    uint64_t last = 0;
    for (const Sample& sample : samples) {
      INFO("a query at position " << sample.position);
      const size_t expected = static_cast<size_t>(
          std::upper_bound(filed_at.begin(), filed_at.end(), sample.position) - filed_at.begin());
      CHECK(sample.views == expected);
      CHECK(sample.tallied == static_cast<int64_t>(expected));
      CHECK(sample.open == expected);
      CHECK(sample.position >= last);  // a later query never sees an older batch
      last = sample.position;
      positions[sample.position] = true;
    }
  }
  // The queries ran while the views moved on, not only before or after.
  CHECK(positions.size() >= 3);
}

TEST_CASE("a query reading its views does not hold back the next batch, which it does not see",
          "[projections][snapshot]") {
  Fixture f;
  const uint64_t first = f.File();
  REQUIRE(f.projections.WaitFor(first, absl::InfiniteFuture()).ok());
  f.projections.Read([&](const ProjectionState& state, uint64_t position) {
    CHECK(position == first);
    const uint64_t second = f.File();
    // With the query still reading, the follower publishes the filing all the same.
    absl::Status published = f.projections.WaitFor(second, absl::Now() + absl::Seconds(20));
    INFO(published.ToString());
    REQUIRE(published.ok());
    // This query's views stay as they were; a new query sees the new case.
    CHECK(state.ComplaintCount() == 1);
    f.projections.Read([&](const ProjectionState& now, uint64_t now_at) {
      CHECK(now_at == second);
      CHECK(now.ComplaintCount() == 2);
    });
  });
  // And once the query is done, the batches after that come through as well.
  const uint64_t third = f.File();
  REQUIRE(f.projections.WaitFor(third, absl::Now() + absl::Seconds(20)).ok());
  f.projections.Read([&](const ProjectionState& state, uint64_t) {
    CHECK(state.ComplaintCount() == 3);
  });
}

}  // namespace
}  // namespace closedloop::services
