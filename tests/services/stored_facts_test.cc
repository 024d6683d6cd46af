// Stored facts: a case's metrics facts are an entry of the view store beside its view
// (stored_facts.h), and a metrics range that cuts a day reads that day's cases from there. These
// tests check the entries' encoding, and that a state reading them through its snapshot gives
// the metrics of a state keeping them in memory, as of its own position.
#include <catch2/catch.hpp>

#include <algorithm>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "domain/case_facts.h"
#include "domain/complaint.h"
#include "domain/metrics.h"
#include "domain/proto_time.h"
#include "services/projections/projection_state.h"
#include "services/projections/stored_facts.h"
#include "services/projections/view_loader.h"
#include "storage/view_store.h"
#include "tests/domain/complaint_test_util.h"
#include "tests/domain/metrics_agree.h"
#include "tests/domain/random_case.h"
#include "tests/temp_dir.h"

namespace closedloop {
namespace {

using services::ProjectionState;

v1::Metrics MetricsOf(const ProjectionState& state, absl::Time after, absl::Time before) {
  absl::StatusOr<v1::Metrics> metrics = state.Metrics(after, before);
  REQUIRE(metrics.ok());
  return *std::move(metrics);
}

TEST_CASE("a case's facts read back from its entry equal the facts of its view", "[stored_facts]") {
  std::mt19937 rng(11);
  for (int i = 0; i < 200; ++i) {
    v1::ComplaintView view = testing::RandomCase(rng, i);
    if (i % 3 == 0) view = testing::RandomChangeOf(rng, view);
    const auto [key, value] = services::FactsEntryOf(view.complaint_id(), view);
    v1::CaseFactsEntry scratch;
    domain::CaseFacts read;
    REQUIRE(services::ReadFactsEntry(key, value, scratch, read).ok());
    domain::CaseFacts expected = domain::FactsOf(view);
    // The strings by content; the rest field by field.
    CHECK(*read.team == *expected.team);
    CHECK(*read.department == *expected.department);
    CHECK(*read.store == *expected.store);
    read.team = expected.team;
    read.department = expected.department;
    read.store = expected.store;
    CHECK(read == expected);
  }
}

TEST_CASE("facts keys sort by filing time, before 1970 too, and unreadable entries are data loss",
          "[stored_facts]") {
  v1::ComplaintView early, late;
  *early.mutable_filing()->mutable_filed_at() =
      domain::ToProto(absl::FromUnixSeconds(-86400) + absl::Nanoseconds(5));
  *late.mutable_filing()->mutable_filed_at() = domain::ToProto(absl::FromUnixSeconds(3));
  const std::string early_key = services::FactsEntryOf("CL-9", early).first;
  const std::string late_key = services::FactsEntryOf("CL-1", late).first;
  CHECK(early_key < late_key);
  CHECK(services::FactsKeyAt(absl::FromUnixSeconds(-86400)) < early_key);
  // Far times keep their order (no saturation at 1678 or 2262).
  CHECK(services::FactsKeyAt(absl::FromCivil(absl::CivilSecond(1600, 1, 1, 0, 0, 0), absl::UTCTimeZone())) <
        services::FactsKeyAt(absl::FromCivil(absl::CivilSecond(1601, 1, 1, 0, 0, 0), absl::UTCTimeZone())));
  CHECK(services::FactsKeyAt(absl::FromCivil(absl::CivilSecond(2300, 1, 1, 0, 0, 0), absl::UTCTimeZone())) <
        services::FactsKeyAt(absl::FromCivil(absl::CivilSecond(2301, 1, 1, 0, 0, 0), absl::UTCTimeZone())));
  CHECK(early_key < services::FactsKeyAt(absl::FromUnixSeconds(-86400) + absl::Nanoseconds(6)));
  CHECK(late_key < services::FactsKeyAt(absl::FromUnixSeconds(3) + absl::Nanoseconds(1)));
  CHECK(services::IsFactsKey(early_key));
  CHECK_FALSE(services::IsFactsKey(ProjectionState::ComplaintKey("CL-9")));

  v1::CaseFactsEntry scratch;
  domain::CaseFacts facts;
  REQUIRE(services::ReadFactsEntry(early_key, services::FactsEntryOf("CL-9", early).second, scratch, facts).ok());
  CHECK(facts.filed == absl::FromUnixSeconds(-86400) + absl::Nanoseconds(5));
  CHECK(services::ReadFactsEntry(early_key, "\xff\xff", scratch, facts).code() == absl::StatusCode::kDataLoss);
  CHECK(services::ReadFactsEntry("f12", "", scratch, facts).code() == absl::StatusCode::kDataLoss);
  v1::CaseFactsEntry bad_kind;
  bad_kind.set_kind(7);
  CHECK(services::ReadFactsEntry(early_key, bad_kind.SerializeAsString(), scratch, facts).code() ==
        absl::StatusCode::kDataLoss);
}

TEST_CASE("a state reading facts from the store gives the metrics of a state keeping them in "
          "memory, as of its own position",
          "[stored_facts]") {
  testing::TempDir dir;
  absl::StatusOr<std::unique_ptr<storage::ViewStore>> opened = storage::ViewStore::Open(dir.Sub("views"), "test");
  REQUIRE(opened.ok());
  storage::ViewStore& store = **opened;
  services::SnapshotLoader loader(store);
  ProjectionState stored;
  stored.set_loader(&loader);
  ProjectionState in_memory;
  std::mt19937 rng(23);
  std::vector<v1::ComplaintView> views;
  std::vector<std::pair<std::string, std::string>> writes;
  for (int i = 0; i < 600; ++i) {
    views.push_back(testing::RandomCase(rng, i));
    const std::string key = ProjectionState::ComplaintKey(views.back().complaint_id());
    writes.emplace_back(key, views.back().SerializeAsString());
    writes.push_back(services::FactsEntryOf(views.back().complaint_id(), views.back()));
  }
  REQUIRE(store.Commit(writes, 1, "h1").ok());
  loader.At(store.SnapshotNow());
  for (const v1::ComplaintView& view : views) {
    for (ProjectionState* state : {&stored, &in_memory}) {
      REQUIRE(state->Restore(ProjectionState::ComplaintKey(view.complaint_id()), view.SerializeAsString()).ok());
    }
  }
  const absl::Time start = testing::kRandomCaseStart;
  for (int round = 0; round < 40; ++round) {
    absl::Time after = start + absl::Seconds(static_cast<int>(rng() % (86400 * 95)));
    absl::Time before = start + absl::Seconds(static_cast<int>(rng() % (86400 * 95)));
    if (before < after) std::swap(after, before);
    INFO("after " << after << " before " << before);
    testing::RequireMetricsAgree(MetricsOf(stored, after, before), MetricsOf(in_memory, after, before));
    std::vector<const v1::ComplaintView*> in_range;
    for (const v1::ComplaintView& v : views) {
      const absl::Time filed = domain::FromProto(v.filing().filed_at());
      if (filed >= after && filed < before) in_range.push_back(&v);
    }
    testing::RequireMetricsAgree(MetricsOf(stored, after, before), domain::MetricsOf(in_range));
  }
  // The store's facts of a later position are not the state's: a range cutting the day of a
  // case whose facts the store changed after the state's snapshot counts the case as the state
  // does, until the state moves on.
  // (A case with another of its hour filed at another time: the range cuts the hour.)
  auto filed_at = [](const v1::ComplaintView& v) { return domain::FromProto(v.filing().filed_at()); };
  auto hour_of = [&](const v1::ComplaintView& v) { return absl::ToCivilHour(filed_at(v), absl::UTCTimeZone()); };
  auto shares_hour = [&](const v1::ComplaintView& v) {
    return std::any_of(views.begin(), views.end(), [&](const v1::ComplaintView& other) {
      return hour_of(other) == hour_of(v) && filed_at(other) != filed_at(v);
    });
  };
  auto found = std::find_if(views.begin(), views.end(), shares_hour);
  REQUIRE(found != views.end());
  v1::ComplaintView changed = *found;
  changed.set_breach_count(changed.breach_count() + 40);
  REQUIRE(store.Commit({services::FactsEntryOf(changed.complaint_id(), changed)}, 2, "h2").ok());
  const absl::Time filed = filed_at(changed);
  const absl::Time after = filed;
  const absl::Time before = filed + absl::Nanoseconds(1);
  testing::RequireMetricsAgree(MetricsOf(stored, after, before), MetricsOf(in_memory, after, before));
  loader.At(store.SnapshotNow());
  CHECK(MetricsOf(stored, after, before).SerializeAsString() !=
        MetricsOf(in_memory, after, before).SerializeAsString());

  // An unreadable entry in a range is the query's error, not a wrong count.
  REQUIRE(store.Commit({{services::FactsKeyAt(filed) + "CL-x", "\xff\xff"}}, 3, "h3").ok());
  loader.At(store.SnapshotNow());
  CHECK(stored.Metrics(after, before).status().code() == absl::StatusCode::kDataLoss);
}

TEST_CASE("a state with a store gives a case's facts entry to write only when an event changed "
          "its facts",
          "[stored_facts]") {
  testing::TempDir dir;
  absl::StatusOr<std::unique_ptr<storage::ViewStore>> opened = storage::ViewStore::Open(dir.Sub("views"), "test");
  REQUIRE(opened.ok());
  services::SnapshotLoader loader(**opened);
  loader.At((*opened)->SnapshotNow());
  ProjectionState state;
  state.set_loader(&loader);
  domain::testing::History history;
  uint64_t position = 0;
  // Decides `command` at `now`, applies its events, and takes the entries to write.
  auto apply = [&](const domain::ComplaintCommand& command, absl::Time now) {
    const size_t from = history.events().size();
    history.Run(command, now);
    for (size_t i = from; i < history.events().size(); ++i) {
      const v1::ComplaintEvent& event = history.events()[i];
      v1::RecordedEvent record;
      record.set_stream("complaint-CL-1");
      record.set_position(++position);
      record.set_revision(i);
      *record.mutable_recorded_at() = domain::ToProto(now);
      record.set_type(domain::EventType(event));
      record.set_payload(event.SerializeAsString());
      REQUIRE(state.Apply(record).ok());
    }
    return state.TakeChangedFacts();
  };
  const absl::Time t0 = domain::testing::T0();
  const domain::AddComment comment{v1::VISIBILITY_INTERNAL, "hero", "called the warehouse"};
  auto filed = apply(domain::testing::Filing(), t0);
  REQUIRE(filed.size() == 1);
  absl::StatusOr<ProjectionState::ComplaintPtr> view = state.Complaint("CL-1");
  REQUIRE(view.ok());
  REQUIRE(*view != nullptr);
  CHECK(filed[0] == services::FactsEntryOf("CL-1", **view));
  // A comment changes the view, not what the metrics count of it.
  CHECK(apply(comment, t0 + absl::Minutes(5)).empty());
  auto contacted = apply(domain::testing::Reached(), t0 + absl::Minutes(10));
  REQUIRE(contacted.size() == 1);
  CHECK(contacted[0].first == filed[0].first);
  CHECK(contacted[0].second != filed[0].second);
  CHECK(apply(comment, t0 + absl::Minutes(15)).empty());
  CHECK(apply(domain::testing::Resolution(), t0 + absl::Minutes(20)).size() == 1);
}

}  // namespace
}  // namespace closedloop
