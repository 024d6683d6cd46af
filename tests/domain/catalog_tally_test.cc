// CatalogTally: given random cases counted as they change, when the catalog is read for every
// department or one, then it equals CatalogOf over the same cases (response-time percentiles
// within the histogram's 1/128).
#include "domain/catalog_tally.h"

#include <catch2/catch.hpp>

#include <cmath>
#include <random>
#include <vector>

#include "domain/boards.h"
#include "domain/proto_time.h"
#include "google/protobuf/util/message_differencer.h"
#include "tests/domain/random_case.h"

namespace closedloop::domain {
namespace {

std::vector<const v1::ComplaintView*> Ptrs(const std::vector<v1::ComplaintView>& views) {
  std::vector<const v1::ComplaintView*> out;
  for (const v1::ComplaintView& v : views) out.push_back(&v);
  return out;
}

void RequireAgree(v1::DepartmentCatalog tallied, v1::DepartmentCatalog exact) {
  REQUIRE(tallied.departments_size() == exact.departments_size());
  for (int i = 0; i < exact.departments_size(); ++i) {
    v1::DepartmentEntry& t = *tallied.mutable_departments(i);
    v1::DepartmentEntry& e = *exact.mutable_departments(i);
    REQUIRE(t.has_response_time_p50() == e.has_response_time_p50());
    for (auto [a, b] : {std::pair(t.response_time_p50(), e.response_time_p50()),
                        std::pair(t.response_time_p90(), e.response_time_p90())}) {
      const double x = absl::ToDoubleSeconds(FromProto(a));
      const double y = absl::ToDoubleSeconds(FromProto(b));
      CHECK(std::abs(x - y) <= y / 128 + 1e-9);
    }
    for (v1::DepartmentEntry* entry : {&t, &e}) {
      entry->clear_response_time_p50();
      entry->clear_response_time_p90();
    }
  }
  INFO(tallied.DebugString() << "\n---\n" << exact.DebugString());
  REQUIRE(google::protobuf::util::MessageDifferencer::Equals(tallied, exact));
}

}  // namespace

TEST_CASE("Given random cases with department tasks counted as they change, then the catalog "
          "equals CatalogOf over them, for every department and for each one",
          "[catalog_tally]") {
  for (unsigned seed = 1; seed <= 10; ++seed) {
    std::mt19937 rng(seed);
    std::vector<v1::ComplaintView> views;
    CatalogTally tally;
    for (int i = 0; i < 300; ++i) {
      views.push_back(testing::RandomCase(rng, i));
      tally.Add(views.back());
    }
    for (int change = 0; change < 300; ++change) {
      v1::ComplaintView& v = views[rng() % views.size()];
      tally.Add(v, -1);
      v = testing::RandomChangeOf(rng, v);
      tally.Add(v);
    }
    const absl::Time now = testing::kRandomCaseStart + absl::Hours(24 * static_cast<int>(rng() % 95));
    RequireAgree(tally.ToCatalog("", now), CatalogOf(Ptrs(views), "", now));
    for (const char* department : {"dept-0", "dept-3", "nobody"}) {
      RequireAgree(tally.ToCatalog(department, now), CatalogOf(Ptrs(views), department, now));
    }
    for (const v1::ComplaintView& v : views) tally.Add(v, -1);
    REQUIRE(tally.ToCatalog("", now).departments_size() == 0);
  }
}

}  // namespace closedloop::domain
