// MetricsByDay: given random cases counted as they change, when metrics are asked for any
// filing range (whole days, parts of days, open-ended), then they equal MetricsOf over the cases
// filed in that range; the facts of the days a range cuts come from a reader over the cases as
// they stand (the view store's facts entries, in the projections).
#include "services/projections/metrics_by_day.h"

#include <catch2/catch.hpp>

#include <algorithm>
#include <list>
#include <memory>
#include <random>
#include <vector>

#include "absl/strings/str_cat.h"
#include "domain/metrics.h"
#include "domain/proto_time.h"
#include "tests/domain/metrics_agree.h"
#include "tests/domain/random_case.h"

namespace closedloop::services {
namespace {

template <typename Views>
v1::Metrics Exact(const Views& views, absl::Time after, absl::Time before) {
  std::vector<const v1::ComplaintView*> in_range;
  for (const v1::ComplaintView& v : views) {
    const absl::Time filed = domain::FromProto(v.filing().filed_at());
    if (filed >= after && filed < before) in_range.push_back(&v);
  }
  return domain::MetricsOf(in_range);
}

// A FactsReader over `views` as they stand, counting its calls.
template <typename Views>
auto ReaderOf(const Views& views, int* calls) {
  return [&views, calls](absl::Time from, absl::Time to,
                         absl::FunctionRef<void(const domain::CaseFacts&)> visit) {
    ++*calls;
    for (const v1::ComplaintView& v : views) {
      const domain::CaseFacts facts = domain::FactsOf(v);
      if (facts.filed >= from && facts.filed < to) visit(facts);
    }
    return absl::OkStatus();
  };
}

template <typename Views>
v1::Metrics MetricsOf(const MetricsByDay& metrics, const Views& views, absl::Time after, absl::Time before) {
  int calls = 0;
  absl::StatusOr<v1::Metrics> m = metrics.Metrics(after, before, ReaderOf(views, &calls));
  REQUIRE(m.ok());
  return *std::move(m);
}

}  // namespace

TEST_CASE("Given cases counted by filing day as they change, then metrics over any filing range "
          "equal MetricsOf over the cases filed in it",
          "[metrics_by_day]") {
  std::mt19937 rng(3);
  std::list<v1::ComplaintView> views;  // nodes never move, as the projections' views
  MetricsByDay metrics;
  for (int i = 0; i < 1500; ++i) {
    views.push_back(testing::RandomCase(rng, i));
    metrics.Add(views.back(), 1);
  }
  // Cases change after filing: each change takes the case back and counts it again.
  std::vector<v1::ComplaintView*> all;
  for (v1::ComplaintView& v : views) all.push_back(&v);
  for (int change = 0; change < 1000; ++change) {
    v1::ComplaintView& v = *all[rng() % all.size()];
    metrics.Add(v, -1);
    v = testing::RandomChangeOf(rng, v);
    metrics.Add(v, 1);
  }

  const absl::Time start = testing::kRandomCaseStart;
  testing::RequireMetricsAgree(MetricsOf(metrics, views, absl::InfinitePast(), absl::InfiniteFuture()),
                               Exact(views, absl::InfinitePast(), absl::InfiniteFuture()));
  for (int round = 0; round < 40; ++round) {
    // Bounds on day boundaries, inside days, before and after every case, and open-ended.
    auto bound = [&]() {
      switch (rng() % 4) {
        case 0: return start + absl::Hours(24 * static_cast<int>(rng() % 100) - 48);
        case 1: return start + absl::Seconds(static_cast<int>(rng() % (86400 * 95)));
        case 2: return absl::InfinitePast();
        default: return absl::InfiniteFuture();
      }
    };
    absl::Time after = bound();
    absl::Time before = bound();
    if (before < after) std::swap(after, before);
    INFO("after " << after << " before " << before);
    testing::RequireMetricsAgree(MetricsOf(metrics, views, after, before), Exact(views, after, before));
  }

  // Bounds on a day's first and last filings: the day is cut, but holds all its cases or not.
  for (int round = 0; round < 40; ++round) {
    const v1::ComplaintView& some = *all[rng() % all.size()];
    const absl::Time filed = domain::FromProto(some.filing().filed_at());
    const absl::CivilDay day = absl::ToCivilDay(filed, absl::UTCTimeZone());
    absl::Time first = absl::InfiniteFuture();
    absl::Time last = absl::InfinitePast();
    for (const v1::ComplaintView& v : views) {
      const absl::Time t = domain::FromProto(v.filing().filed_at());
      if (absl::ToCivilDay(t, absl::UTCTimeZone()) != day) continue;
      first = std::min(first, t);
      last = std::max(last, t);
    }
    for (const auto& [after, before] : {std::pair{first, last + absl::Nanoseconds(1)},
                                        std::pair{first, last},
                                        std::pair{first + absl::Nanoseconds(1), last + absl::Seconds(1)},
                                        std::pair{absl::InfinitePast(), last + absl::Nanoseconds(1)},
                                        std::pair{first, absl::InfiniteFuture()}}) {
      INFO("day " << day << " after " << after << " before " << before);
      testing::RequireMetricsAgree(MetricsOf(metrics, views, after, before), Exact(views, after, before));
    }
  }

  for (v1::ComplaintView& v : views) metrics.Add(v, -1);
  testing::RequireMetricsAgree(MetricsOf(metrics, views, start, start + absl::Hours(24 * 30)), domain::MetricsOf({}));
}

TEST_CASE("Given cases counted from views that are overwritten or freed as soon as they are counted, "
          "and taken back through copies, then metrics over ranges that cut days still equal "
          "MetricsOf over the cases",
          "[metrics_by_day]") {
  // As the read side evicts closed cases: what was counted must not be read from the view again.
  std::mt19937 rng(17);
  std::vector<v1::ComplaintView> cases;  // the cases as they stand, never shown to the metrics
  MetricsByDay metrics;
  v1::ComplaintView scratch;  // every filing is counted from this one object, overwritten each time
  for (int i = 0; i < 1500; ++i) {
    cases.push_back(testing::RandomCase(rng, i));
    scratch = cases.back();
    metrics.Add(scratch, 1);
  }
  // Each change takes the case back through a copy (as one read back from the views' store) and
  // counts the changed case from another, each freed at once.
  for (int change = 0; change < 1000; ++change) {
    v1::ComplaintView& v = cases[rng() % cases.size()];
    metrics.Add(*std::make_unique<v1::ComplaintView>(v), -1);
    v = testing::RandomChangeOf(rng, v);
    metrics.Add(*std::make_unique<v1::ComplaintView>(v), 1);
  }
  scratch = testing::RandomCase(rng, 0);

  const absl::Time start = testing::kRandomCaseStart;
  for (int round = 0; round < 60; ++round) {
    // Bounds inside days: every range cuts one or two days.
    absl::Time after = start + absl::Seconds(static_cast<int>(rng() % (86400 * 95)));
    absl::Time before = start + absl::Seconds(static_cast<int>(rng() % (86400 * 95)));
    if (before < after) std::swap(after, before);
    INFO("after " << after << " before " << before);
    testing::RequireMetricsAgree(MetricsOf(metrics, cases, after, before), Exact(cases, after, before));
  }
  testing::RequireMetricsAgree(MetricsOf(metrics, cases, absl::InfinitePast(), absl::InfiniteFuture()),
                               Exact(cases, absl::InfinitePast(), absl::InfiniteFuture()));

  // Taken back through copies, every case leaves: no day keeps a case.
  for (const v1::ComplaintView& v : cases) metrics.Add(v1::ComplaintView(v), -1);
  testing::RequireMetricsAgree(MetricsOf(metrics, cases, start, start + absl::Hours(12)), domain::MetricsOf({}));
}

TEST_CASE("Given cases counted by filing day and hour, when a range holds whole days or hours, then "
          "no facts are read, and when it cuts an hour, then only that hour's facts are read (those in "
          "range, or those out of it when it covers most of the hour) and a "
          "reader's error is returned",
          "[metrics_by_day]") {
  std::mt19937 rng(5);
  std::vector<v1::ComplaintView> views;
  MetricsByDay metrics;
  const absl::Time day = testing::kRandomCaseStart + absl::Hours(24 * 2);
  // 10:10, 10:20, 10:50 and 11:30 of one day, and one case on each of the days around it.
  for (absl::Duration at : {absl::Minutes(610), absl::Minutes(620), absl::Minutes(650), absl::Minutes(690),
                            absl::Hours(-12), absl::Hours(36)}) {
    views.push_back(testing::RandomCase(rng, static_cast<int>(views.size())));
    *views.back().mutable_filing()->mutable_filed_at() = domain::ToProto(day + at);
    metrics.Add(views.back(), 1);
  }
  int calls = 0;
  auto reads = [&](absl::Time after, absl::Time before) {
    calls = 0;
    absl::StatusOr<v1::Metrics> m = metrics.Metrics(after, before, ReaderOf(views, &calls));
    REQUIRE(m.ok());
    INFO("after " << after << " before " << before);
    testing::RequireMetricsAgree(*m, Exact(views, after, before));
    return calls;
  };
  CHECK(reads(absl::InfinitePast(), absl::InfiniteFuture()) == 0);
  CHECK(reads(day, day + absl::Hours(24)) == 0);                                // whole days
  CHECK(reads(day + absl::Minutes(605), day + absl::Minutes(700)) == 0);       // the day's span
  CHECK(reads(day + absl::Minutes(615), day + absl::Minutes(700)) == 1);       // cuts 10:00-11:00
  CHECK(reads(day + absl::Minutes(615), day + absl::Minutes(680)) == 1);       // ... and 11:00 is empty in range
  CHECK(reads(day + absl::Minutes(615), day + absl::Minutes(640)) == 1);
  // Most of hour 10 in range: its tally less the cases read from the two ends out of range.
  CHECK(reads(day + absl::Minutes(615), day + absl::Minutes(655)) == 2);
  CHECK(reads(day + absl::Minutes(600), day + absl::Minutes(660)) == 0);       // hour 10 whole
  CHECK(reads(day + absl::Minutes(540), day + absl::Minutes(690)) == 0);       // hour 11's case is out
  CHECK(reads(day + absl::Minutes(540), day + absl::Minutes(691)) == 0);
  // The store's error is the query's.
  auto failing = [](absl::Time, absl::Time, absl::FunctionRef<void(const domain::CaseFacts&)>) {
    return absl::DataLossError("facts unreadable");
  };
  absl::StatusOr<v1::Metrics> failed = metrics.Metrics(day + absl::Minutes(615), day + absl::Hours(12), failing);
  CHECK(failed.status().code() == absl::StatusCode::kDataLoss);
  CHECK(metrics.Metrics(absl::InfinitePast(), absl::InfiniteFuture(), failing).ok());
}

TEST_CASE("Given surveyed cases at both ends of a range that cuts two hours, when one hour's cases "
          "out of range are taken back and the other's in range counted, then every group's "
          "satisfaction is that of the cases in range",
          "[metrics_by_day]") {
  // A at 10:10 (promoter) and C at 10:40; B at 12:05 (detractor) and D at 12:30; one store.
  // [10:20, 12:10) takes hour 10's tally less A, and counts B from hour 12: the store's
  // responses cancel (-1 + 1) while its promoters and detractors do not.
  const absl::Time day = testing::kRandomCaseStart;
  std::vector<v1::ComplaintView> views;
  MetricsByDay metrics;
  for (const auto& [minute, nps] : {std::pair{610, 10}, std::pair{640, -1}, std::pair{725, 0}, std::pair{750, -1}}) {
    v1::ComplaintView& v = views.emplace_back();
    v.set_complaint_id(absl::StrCat("CL-", views.size()));
    v.set_kind(v1::ITEM_KIND_COMPLAINT);
    v.set_team("cx");
    v.set_department("warehouse");
    v1::Filed& filing = *v.mutable_filing();
    *filing.mutable_filed_at() = domain::ToProto(day + absl::Minutes(minute));
    filing.set_channel(v1::CHANNEL_WEB);
    filing.set_store("S");
    if (nps >= 0) {
      v.set_surveyed(true);
      v.mutable_survey()->set_nps(nps);
      v.mutable_survey()->set_csat(nps / 2 + 1);
    }
    metrics.Add(v, 1);
  }
  const absl::Time after = day + absl::Minutes(620);
  const absl::Time before = day + absl::Minutes(730);
  const v1::Metrics tallied = MetricsOf(metrics, views, after, before);
  testing::RequireMetricsAgree(tallied, Exact(views, after, before));
  REQUIRE(tallied.satisfaction_by_store().contains("S"));
  CHECK(tallied.satisfaction_by_store().at("S").responses() == 1);
  CHECK(tallied.satisfaction_by_store().at("S").nps() == -100.0);
}

}  // namespace closedloop::services
