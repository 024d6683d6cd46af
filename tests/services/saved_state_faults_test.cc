// A saved state that decodes but does not hold together (a class's Fault(), state_archive.h):
// the reader refuses it with DATA_LOSS naming the fault, so the start reads every view instead
// of serving rows or tallies a later query or change could crash on.
#include <catch2/catch.hpp>

#include <cstdint>
#include <string>
#include <tuple>
#include <utility>

#include "absl/time/time.h"
#include "closedloop/v1/views.pb.h"
#include "domain/latency_histogram.h"
#include "domain/proto_time.h"
#include "domain/repeat_customers.h"
#include "services/projections/list_rows.h"
#include "services/projections/state_archive.h"

namespace closedloop {
namespace {

using services::ListRows;
using services::StateReader;
using services::StateWriter;

// An archive that changes the I-th field a class lists, as a damaged save would hold it.
template <size_t I, typename Change>
struct Poke {
  Change change;
  template <typename... T>
  void operator()(T&... fields) {
    change(std::get<I>(std::tie(fields...)));
  }
};
template <size_t I, typename T, typename Change>
void PokeField(T& value, Change change) {
  Poke<I, Change> poke{std::move(change)};
  value.Fields(poke);
}

// `value` written and read back into a fresh T: the reader's status.
template <typename T>
absl::Status ReadBack(const T& value) {
  StateWriter writer;
  writer(value);
  const std::string bytes = writer.Take();
  T read;
  StateReader reader(bytes);
  reader(read);
  return reader.status();
}

v1::ComplaintView Case(int n, const std::string& owner, v1::ComplaintState state) {
  v1::ComplaintView view;
  view.set_complaint_id("CL-" + std::to_string(n));
  view.set_owner(owner);
  view.set_team("team-1");
  view.set_department("warehouse");
  view.set_state(state);
  view.set_breach_count(n % 2);
  *view.mutable_filing()->mutable_filed_at() = domain::ToProto(absl::FromUnixSeconds(1'790'000'000 + n));
  view.mutable_filing()->set_market("DE");
  return view;
}

ListRows SomeRows() {
  ListRows rows;
  for (int n = 1; n <= 5; ++n) {
    rows.Add(Case(n, n % 2 ? "ana" : "ben", n < 4 ? v1::COMPLAINT_STATE_OPEN : v1::COMPLAINT_STATE_CLOSED));
  }
  rows.Add(Case(2000, "ana", v1::COMPLAINT_STATE_OPEN));  // a second chunk
  return rows;
}

void CheckRefused(const absl::Status& status, const std::string& fault) {
  INFO(status.ToString());
  CHECK(status.code() == absl::StatusCode::kDataLoss);
  CHECK(status.message().find(fault) != absl::string_view::npos);
}

TEST_CASE("list rows read back whole are taken, and rows that do not hold together are refused",
          "[saved_state]") {
  const ListRows rows = SomeRows();
  REQUIRE(rows.Fault() == nullptr);
  REQUIRE(ReadBack(rows).ok());

  SECTION("a row count that does not add up") {
    ListRows bad = SomeRows();
    PokeField<1>(bad, [](size_t& size) { ++size; });
    CheckRefused(ReadBack(bad), "the list rows miscount their rows");
  }
  SECTION("a chunk missing") {
    ListRows bad = SomeRows();
    PokeField<0>(bad, [](auto& chunks) { chunks.begin()->second.reset(); });
    CheckRefused(ReadBack(bad), "a list rows' chunk is missing");
  }
  SECTION("a chunk miscounting its rows") {
    ListRows bad = SomeRows();
    PokeField<0>(bad, [](auto& chunks) { ++chunks.begin()->second->present; });
    CheckRefused(ReadBack(bad), "a list rows' chunk miscounts its rows");
  }
  SECTION("a row naming a string never numbered") {
    ListRows bad = SomeRows();
    PokeField<0>(bad, [](auto& chunks) { chunks.begin()->second->rows[3].owner = 99; });
    CheckRefused(ReadBack(bad), "a list row names a string never numbered");
  }
  SECTION("two strings under one number") {
    ListRows bad = SomeRows();
    PokeField<2>(bad, [](auto& interned) { interned["ben"] = interned["ana"]; });
    CheckRefused(ReadBack(bad), "the list rows' strings are not numbered 0..n-1");
  }
  SECTION("an open, breached or readable number without a row") {
    ListRows open = SomeRows();
    PokeField<13>(open, [](auto& numbers) { numbers.insert(7); });
    CheckRefused(ReadBack(open), "a list rows' set names a number without a row");
    ListRows breached = SomeRows();
    PokeField<11>(breached, [](auto& numbers) { numbers.insert(4096); });
    CheckRefused(ReadBack(breached), "a list rows' set names a number without a row");
    ListRows readable = SomeRows();
    PokeField<15>(readable, [](auto& by) { by.begin()->second.insert(6); });
    CheckRefused(ReadBack(readable), "a list rows' set names a number without a row");
    ListRows owner = SomeRows();
    PokeField<14>(owner, [](auto& by) { by[77].insert(1); });  // no string 77
    CheckRefused(ReadBack(owner), "a list rows' set is keyed by a string never numbered");
  }
  SECTION("a department's open number that is closed, or not readable by it") {
    ListRows closed = SomeRows();
    PokeField<16>(closed, [](auto& by) { by.begin()->second.insert(5); });  // case 5 is closed
    CheckRefused(ReadBack(closed), "a list rows' set names a number without a row");
    ListRows unreadable = SomeRows();
    PokeField<15>(unreadable, [](auto& by) { by.begin()->second.erase(2); });
    CheckRefused(ReadBack(unreadable), "a department's open numbers are not all readable by it");
  }
  SECTION("a department's readable numbers miscounted per chunk") {
    ListRows more = SomeRows();
    PokeField<17>(more, [](auto& by) { ++by.begin()->second.begin()->second; });
    CheckRefused(ReadBack(more), "a department's readable numbers are miscounted");
    ListRows uncounted = SomeRows();
    PokeField<17>(uncounted, [](auto& by) { by.clear(); });
    CheckRefused(ReadBack(uncounted), "a department's readable numbers are not counted");
    ListRows extra = SomeRows();
    PokeField<17>(extra, [](auto& by) { by[0][7] = 1; });
    CheckRefused(ReadBack(extra), "a department's readable numbers are miscounted");
  }
  SECTION("a row filed outside its chunk's span") {
    ListRows bad = SomeRows();
    PokeField<0>(bad, [](auto& chunks) {
      chunks.begin()->second->rows[2].filed = absl::FromUnixSeconds(1);
    });
    CheckRefused(ReadBack(bad), "a list row is filed outside its chunk's span");
  }
}

TEST_CASE("a latency histogram with a bucket past the last is refused, and percentiles never "
          "overflow", "[saved_state]") {
  domain::LatencyHistogram histogram;
  histogram.Add(absl::Hours(5), 3);
  histogram.Add(absl::Milliseconds(2));
  REQUIRE(histogram.Fault() == nullptr);
  REQUIRE(ReadBack(histogram).ok());
  SECTION("a bucket past the last one a duration can have") {
    PokeField<0>(histogram, [](auto& buckets) { buckets[1'000'000] = 1; });
    CheckRefused(ReadBack(histogram), "a latency bucket out of range");
  }
  SECTION("a negative bucket") {
    PokeField<0>(histogram, [](auto& buckets) { buckets[-1] = 1; });
    CheckRefused(ReadBack(histogram), "a latency bucket out of range");
  }
  SECTION("bucket counts near int64's limits, empty, or not adding up") {
    domain::LatencyHistogram huge = histogram;
    PokeField<0>(huge, [](auto& buckets) { buckets.begin()->second = INT64_MAX; });
    CheckRefused(ReadBack(huge), "a latency bucket's count out of range");
    domain::LatencyHistogram empty = histogram;
    PokeField<0>(empty, [](auto& buckets) { buckets.begin()->second = 0; });
    CheckRefused(ReadBack(empty), "a latency bucket's count out of range");
    domain::LatencyHistogram miscounted = histogram;
    PokeField<1>(miscounted, [](int64_t& count) { ++count; });
    CheckRefused(ReadBack(miscounted), "latency counts that do not add up");
  }
  SECTION("a count near the largest: the rank is still the nearest rank") {
    PokeField<1>(histogram, [](int64_t& count) { count = INT64_MAX; });
    // Ranks past the buckets' samples fall in the last bucket.
    CHECK(histogram.Percentile(100) == histogram.Percentile(99));
    CHECK(histogram.Percentile(1) > absl::Hours(4));
  }
  SECTION("a count with no buckets") {
    PokeField<0>(histogram, [](auto& buckets) { buckets.clear(); });
    CHECK(histogram.Percentile(50) == absl::ZeroDuration());
  }
}

TEST_CASE("a repeat customer taken back from a day the saved state lacks is taken back without "
          "a crash", "[saved_state]") {
  domain::RepeatCustomers repeat;
  const absl::Time filed = absl::FromUnixSeconds(1'790'000'000);
  repeat.Add("cust-1", filed, 1);
  repeat.Add("cust-1", filed + absl::Hours(30), 1);
  REQUIRE(repeat.Count(absl::InfinitePast(), absl::InfiniteFuture()) == 1);
  PokeField<2>(repeat, [](auto& days) { days.clear(); });
  repeat.Add("cust-1", filed, -1);
  CHECK(repeat.Count(absl::InfinitePast(), absl::InfiniteFuture()) == 0);
  CHECK(repeat.customers() == 1);
}

}  // namespace
}  // namespace closedloop
