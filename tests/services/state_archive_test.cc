// StateWriter / StateReader (state_archive.h): the read models' aggregates saved as bytes at a
// clean stop and read back at the next start. These tests check that every supported kind of
// field comes back exactly, that the bytes are deterministic, and that truncated or corrupt
// bytes give DATA_LOSS rather than a crash or a huge allocation (the file may be damaged).
#include <catch2/catch.hpp>

#include <cstdint>
#include <cstring>
#include <initializer_list>
#include <limits>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/container/btree_map.h"
#include "absl/container/btree_set.h"
#include "absl/container/flat_hash_map.h"
#include "absl/container/inlined_vector.h"
#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "closedloop/v1/boards.pb.h"
#include "closedloop/v1/complaint.pb.h"
#include "services/projections/state_archive.h"

namespace closedloop {
namespace {

using services::StateReader;
using services::StateWriter;

struct Inner {
  int32_t count = 0;
  std::string label;
  template <typename Archive>
  void Fields(Archive& archive) {
    archive(count, label);
  }
  bool operator==(const Inner&) const = default;
};

// One field of every kind the archive supports, with values at the edges of each encoding.
struct Everything {
  bool flag = false;
  int32_t negative = 0;
  int64_t lowest = 0, highest = 0;
  uint64_t unsigned_max = 0;
  uint8_t small = 0;
  v1::Channel channel = v1::CHANNEL_UNSPECIFIED;
  std::string text;
  absl::Time finite, future, past, before_epoch;
  absl::CivilDay day, old_day;
  absl::CivilMonth month;
  v1::TaskRef task;
  int array[3] = {};
  std::pair<std::string, int64_t> named;
  std::unique_ptr<Inner> present, absent;
  Inner nested;
  std::map<v1::Channel, int> by_channel;
  absl::btree_map<std::string, Inner> by_name;
  absl::flat_hash_map<std::string, int64_t> hashed;
  absl::btree_set<std::string> names;
  absl::btree_multiset<int> repeated;
  std::vector<std::string> list;
  absl::InlinedVector<int, 2> inlined;

  template <typename Archive>
  void Fields(Archive& archive) {
    archive(flag, negative, lowest, highest, unsigned_max, small, channel, text, finite, future, past,
            before_epoch, day, old_day, month, task, array, named, present, absent, nested,
            by_channel, by_name, hashed, names, repeated, list, inlined);
  }
};

Everything MakeEverything() {
  Everything e;
  e.flag = true;
  e.negative = -123456;
  e.lowest = std::numeric_limits<int64_t>::min();
  e.highest = std::numeric_limits<int64_t>::max();
  e.unsigned_max = std::numeric_limits<uint64_t>::max();
  e.small = 200;
  e.channel = v1::CHANNEL_RED_BUTTON;
  e.text = std::string("with a \0 inside", 15);
  e.finite = absl::FromUnixSeconds(1'700'000'000) + absl::Nanoseconds(42);
  e.future = absl::InfiniteFuture();
  e.past = absl::InfinitePast();
  // -1.234567891 s: whole seconds round down, so the nanos must come back positive.
  e.before_epoch = absl::FromUnixNanos(-1'234'567'891);
  e.day = absl::CivilDay(2024, 2, 29);
  e.old_day = absl::CivilDay(1969, 7, 20);
  e.month = absl::CivilMonth(1958, 3);
  e.task.set_complaint_id("CL-7");
  e.task.mutable_task()->set_task_id("T-3");
  e.task.mutable_task()->set_escalation_level(2);
  e.task.mutable_task()->mutable_due()->set_seconds(1'700'003'600);
  e.array[0] = -1;
  e.array[1] = 0;
  e.array[2] = 1 << 30;
  e.named = {"pair", -9};
  e.present = std::make_unique<Inner>(Inner{5, "five"});
  e.nested = {-7, "nested"};
  e.by_channel = {{v1::CHANNEL_WEB, 3}, {v1::CHANNEL_EMAIL, -4}, {v1::CHANNEL_RED_BUTTON, 1}};
  e.by_name = {{"a", {1, "x"}}, {"b", {2, ""}}};
  e.hashed = {{"one", 1}, {"two", -2}, {"three", 3}, {"four", 1LL << 40}, {"five", 0}};
  e.names = {"north", "south", ""};
  e.repeated = {3, 1, 3, 3, -2, 1};
  e.list = {"x", "", "z"};
  e.inlined = {1, 2, 3, 4, 5};  // past its 2 inline elements, so on the heap
  return e;
}

std::string Save(const Everything& e) {
  StateWriter writer;
  writer(e);
  return writer.Take();
}

std::string Varints(std::initializer_list<uint64_t> values) {
  StateWriter writer;
  for (uint64_t value : values) writer(value);
  return writer.Take();
}

void CheckSame(const Everything& a, const Everything& b) {
  CHECK(a.flag == b.flag);
  CHECK(a.negative == b.negative);
  CHECK(a.lowest == b.lowest);
  CHECK(a.highest == b.highest);
  CHECK(a.unsigned_max == b.unsigned_max);
  CHECK(a.small == b.small);
  CHECK(a.channel == b.channel);
  CHECK(a.text == b.text);
  CHECK(a.finite == b.finite);
  CHECK(a.future == b.future);
  CHECK(a.past == b.past);
  CHECK(a.before_epoch == b.before_epoch);
  CHECK(a.day == b.day);
  CHECK(a.old_day == b.old_day);
  CHECK(a.month == b.month);
  CHECK(a.task.SerializeAsString() == b.task.SerializeAsString());
  for (int i = 0; i < 3; ++i) CHECK(a.array[i] == b.array[i]);
  CHECK(a.named == b.named);
  REQUIRE(b.present != nullptr);
  CHECK(*a.present == *b.present);
  CHECK(b.absent == nullptr);
  CHECK(a.nested == b.nested);
  CHECK(a.by_channel == b.by_channel);
  CHECK(a.by_name == b.by_name);
  CHECK(a.hashed == b.hashed);
  CHECK(a.names == b.names);
  CHECK(a.repeated == b.repeated);
  CHECK(a.list == b.list);
  CHECK(a.inlined == b.inlined);
}

TEST_CASE("a state holding every supported kind of field reads back exactly as it was written",
          "[state_archive]") {
  const Everything original = MakeEverything();
  const std::string bytes = Save(original);
  Everything back;
  // Stale contents in the target: a read replaces them, it does not add to them.
  back.absent = std::make_unique<Inner>(Inner{1, "stale"});
  back.list = {"stale"};
  back.hashed = {{"stale", 1}};
  StateReader reader(bytes);
  reader(back);
  REQUIRE(reader.status().ok());
  CHECK(reader.at_end());
  CheckSame(original, back);
  CHECK(back.repeated.count(3) == 3u);  // the multiset kept its duplicates
  CHECK(back.hashed.size() == 5u);
}

TEST_CASE("the bytes are deterministic and a state read back writes the same bytes again",
          "[state_archive]") {
  Everything original = MakeEverything();
  CHECK(Save(original) == Save(original));
  // A flat_hash_map's order depends on how it was built, so two maps with the same entries may
  // write different bytes. With one entry there is only one order, so the rest can be compared.
  original.hashed = {{"only", 1}};
  const std::string bytes = Save(original);
  Everything back;
  StateReader reader(bytes);
  reader(back);
  REQUIRE(reader.status().ok());
  CHECK(Save(back) == bytes);

  // The documented encoding, pinned: changing it needs ProjectionState::kSavedFormat raised.
  StateWriter writer;
  writer(true, int32_t{-1}, int64_t{1}, uint64_t{300}, std::string("ab"), absl::InfiniteFuture());
  CHECK(writer.Take() == std::string("\x01\x01\x02\xac\x02\x02" "ab\x01"));
}

TEST_CASE("every truncation of the bytes gives DATA_LOSS and never reads past them", "[state_archive]") {
  const std::string bytes = Save(MakeEverything());
  REQUIRE(bytes.size() > 100u);
  for (size_t n = 0; n < bytes.size(); ++n) {
    // A buffer of exactly n bytes, so that ASan reports a read past the prefix.
    auto prefix = std::make_unique<char[]>(n);
    if (n > 0) std::memcpy(prefix.get(), bytes.data(), n);
    StateReader reader(absl::string_view(prefix.get(), n));
    Everything back;
    reader(back);
    INFO("prefix of " << n << " bytes: " << reader.status().ToString());
    CHECK(reader.status().code() == absl::StatusCode::kDataLoss);
    CHECK(absl::StrContains(reader.status().message(), "at byte"));
  }
}

void CheckDataLoss(const StateReader& reader, const std::string& message) {
  INFO(reader.status().ToString());
  CHECK(reader.status().code() == absl::StatusCode::kDataLoss);
  CHECK(absl::StrContains(reader.status().message(), "at byte"));
  CHECK(std::string(reader.status().message()) == message);
}

TEST_CASE("corrupt bytes give DATA_LOSS naming the fault and its offset", "[state_archive]") {
  SECTION("a count far past the bytes left allocates nothing") {
    const std::string bytes = Varints({1'000'000}) + "\x02\x04\x06";  // the count takes 3 bytes
    std::vector<int> list;
    StateReader list_reader(bytes);
    list_reader(list);
    CheckDataLoss(list_reader, "saved state: a count past the end at byte 3");
    CHECK(list.empty());
    CHECK(list.capacity() < 1000u);  // not reserved from the count
    std::map<int, int> map;
    StateReader map_reader(bytes);
    map_reader(map);
    CheckDataLoss(map_reader, "saved state: a count past the end at byte 3");
    absl::btree_set<int> set;
    StateReader set_reader(bytes);
    set_reader(set);
    CheckDataLoss(set_reader, "saved state: a count past the end at byte 3");
  }
  SECTION("a string length past the end") {
    const std::string bytes = Varints({100}) + "abc";  // 100 bytes said, 3 there
    std::string text;
    StateReader reader(bytes);
    reader(text);
    CheckDataLoss(reader, "saved state: a length past the end at byte 1");
  }
  SECTION("a time with an unknown mark") {
    const std::string bytes = Varints({7, 0, 0});  // marks are 0 to 2
    absl::Time time;
    StateReader reader(bytes);
    reader(time);
    CheckDataLoss(reader, "saved state: an unknown time mark at byte 1");
  }
  SECTION("a number of 11 bytes") {
    const std::string bytes(11, '\xff');
    uint64_t number = 0;
    StateReader reader(bytes);
    reader(number);
    CheckDataLoss(reader, "saved state: a number longer than 64 bits at byte 10");
  }
  SECTION("a message protobuf cannot parse") {
    StateWriter writer;
    writer(std::string("\xff\xff\xff", 3));  // a truncated tag
    const std::string bytes = writer.Take();
    v1::TaskRef task;
    StateReader reader(bytes);
    reader(task);
    CheckDataLoss(reader, "saved state: an unreadable message at byte 4");
  }
}

TEST_CASE("after a fault later reads do nothing and the first fault is kept", "[state_archive]") {
  StateWriter writer;
  writer(int32_t{5}, std::string("next"));
  // A bad time mark, then values that would read fine, then a truncated number.
  const std::string bytes = Varints({7}) + writer.Take() + "\x80";
  StateReader reader(bytes);
  absl::Time time;
  int32_t number = 42;
  std::string text = "kept";
  reader(time, number, text);
  const std::string first = "saved state: an unknown time mark at byte 1";
  CheckDataLoss(reader, first);
  CHECK(number == 42);
  CHECK(text == "kept");
  reader(number, text, number);  // would reach the truncated number if it read at all
  CheckDataLoss(reader, first);
  CHECK(number == 42);
  CHECK_FALSE(reader.at_end());  // nothing after the fault was consumed
}

}  // namespace
}  // namespace closedloop
