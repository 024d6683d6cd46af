// EventLog reads: ReadStream, StreamRevision and ReadAll with filters and scan bounds.
#include <memory>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "absl/status/status.h"
#include "storage/event_log.h"
#include "tests/storage/log_test_util.h"
#include "tests/temp_dir.h"

namespace closedloop::storage {
namespace {

using closedloop::testing::TempDir;
using testing::Event;
using testing::OpenLog;

// Appends one append of `types.size()` events to `stream`; payloads are "<stream>#<revision>".
void Append(EventLog& log, const std::string& stream, const std::vector<std::string>& types) {
  absl::StatusOr<uint64_t> revision = log.StreamRevision(stream);
  REQUIRE(revision.ok());
  AppendRequest request;
  request.stream = stream;
  for (size_t i = 0; i < types.size(); ++i) {
    ProposedEvent& event = request.events.emplace_back();
    event.set_type(types[i]);
    event.set_payload(stream + "#" + std::to_string(*revision + i + 1));
  }
  absl::StatusOr<AppendResult> result = log.Append(std::move(request));
  REQUIRE(result.ok());
}

void Append(EventLog& log, const std::string& stream, int count) {
  Append(log, stream, std::vector<std::string>(count, "thing.happened"));
}

// A log of 30 events: "order-1" gets revisions 1..10 at positions 1, 4, 7, ..., 28,
// interleaved with "order-10" (a name that starts with "order-1") and "invoice-1".
void FillInterleaved(EventLog& log) {
  for (int i = 0; i < 10; ++i) {
    Append(log, "order-1", {"order.placed"});
    Append(log, "order-10", {"order.placed"});
    Append(log, "invoice-1", {"invoice.sent"});
  }
  REQUIRE(log.HeadPosition() == 30);
}

std::vector<uint64_t> Revisions(const std::vector<RecordedEvent>& events) {
  std::vector<uint64_t> out;
  for (const RecordedEvent& e : events) out.push_back(e.revision());
  return out;
}

std::vector<uint64_t> Positions(const std::vector<RecordedEvent>& events) {
  std::vector<uint64_t> out;
  for (const RecordedEvent& e : events) out.push_back(e.position());
  return out;
}

std::vector<RecordedEvent> ReadStream(EventLog& log, const std::string& stream, uint64_t from,
                                      Direction direction, size_t limit) {
  absl::StatusOr<std::vector<RecordedEvent>> events = log.ReadStream(stream, from, direction, limit);
  INFO(events.status().ToString());
  REQUIRE(events.ok());
  return *std::move(events);
}

ReadAllResult ReadAll(EventLog& log, uint64_t from, size_t limit, const EventFilter& filter = {},
                      size_t max_scanned = SIZE_MAX) {
  absl::StatusOr<ReadAllResult> result = log.ReadAll(from, limit, filter, max_scanned);
  INFO(result.status().ToString());
  REQUIRE(result.ok());
  return *std::move(result);
}

using V = std::vector<uint64_t>;

TEST_CASE("ReadStream forward returns only the stream's events from a revision up to a limit") {
  TempDir dir;
  auto log = OpenLog(dir.path());
  FillInterleaved(*log);

  std::vector<RecordedEvent> first = ReadStream(*log, "order-1", 1, Direction::kForward, 3);
  CHECK(Revisions(first) == V{1, 2, 3});
  CHECK(Positions(first) == V{1, 4, 7});
  for (const RecordedEvent& e : first) {
    CHECK(e.stream() == "order-1");
    CHECK(e.payload() == "order-1#" + std::to_string(e.revision()));
  }
  CHECK(Revisions(ReadStream(*log, "order-1", 4, Direction::kForward, 3)) == V{4, 5, 6});
  CHECK(Revisions(ReadStream(*log, "order-1", 8, Direction::kForward, 100)) == V{8, 9, 10});
  CHECK(Revisions(ReadStream(*log, "order-1", 10, Direction::kForward, 100)) == V{10});
  CHECK(ReadStream(*log, "order-1", 11, Direction::kForward, 100).empty());
  CHECK(ReadStream(*log, "order-1", 1, Direction::kForward, 0).empty());
  // "order-10" shares the prefix "order-1" but is a different stream.
  CHECK(Positions(ReadStream(*log, "order-10", 1, Direction::kForward, 2)) == V{2, 5});
}

TEST_CASE("ReadStream from revision 0 starts at the first event forward and at the last backward") {
  TempDir dir;
  auto log = OpenLog(dir.path());
  FillInterleaved(*log);
  CHECK(Revisions(ReadStream(*log, "order-1", 0, Direction::kForward, 2)) == V{1, 2});
  CHECK(Revisions(ReadStream(*log, "order-1", 0, Direction::kBackward, 2)) == V{10, 9});
  CHECK(Positions(ReadStream(*log, "order-1", 0, Direction::kBackward, 1)) == V{28});
  CHECK(Revisions(ReadStream(*log, "invoice-1", 0, Direction::kForward, 100)) ==
        V{1, 2, 3, 4, 5, 6, 7, 8, 9, 10});
}

TEST_CASE("ReadStream backward goes down from a revision up to a limit") {
  TempDir dir;
  auto log = OpenLog(dir.path());
  FillInterleaved(*log);
  CHECK(Revisions(ReadStream(*log, "order-1", 5, Direction::kBackward, 2)) == V{5, 4});
  CHECK(Revisions(ReadStream(*log, "order-1", 3, Direction::kBackward, 100)) == V{3, 2, 1});
  CHECK(Revisions(ReadStream(*log, "order-1", 1, Direction::kBackward, 100)) == V{1});
  // Past the stream's end, backward reading starts at its last event.
  CHECK(Revisions(ReadStream(*log, "order-1", 50, Direction::kBackward, 2)) == V{10, 9});
  // The first stream of the index and the last one: backward must not leak into a neighbour.
  CHECK(Positions(ReadStream(*log, "invoice-1", 2, Direction::kBackward, 100)) == V{6, 3});
  CHECK(Positions(ReadStream(*log, "order-10", 2, Direction::kBackward, 100)) == V{5, 2});
}

TEST_CASE("ReadStream of a stream that does not exist is empty in both directions") {
  TempDir dir;
  auto log = OpenLog(dir.path());
  CHECK(ReadStream(*log, "order-1", 0, Direction::kForward, 10).empty());  // empty log
  FillInterleaved(*log);
  for (const std::string stream : {"order-", "order-2", "order-100", "a", "zzz", "invoice-10"}) {
    INFO(stream);
    CHECK(ReadStream(*log, stream, 0, Direction::kForward, 10).empty());
    CHECK(ReadStream(*log, stream, 0, Direction::kBackward, 10).empty());
    CHECK(ReadStream(*log, stream, 3, Direction::kBackward, 10).empty());
    CHECK(*log->StreamRevision(stream) == 0);
  }
}

TEST_CASE("StreamRevision is the number of events in the stream") {
  TempDir dir;
  auto log = OpenLog(dir.path());
  CHECK(*log->StreamRevision("order-1") == 0);
  Append(*log, "order-1", 3);
  Append(*log, "order-10", 5);
  Append(*log, "order-1", 2);
  CHECK(*log->StreamRevision("order-1") == 5);
  CHECK(*log->StreamRevision("order-10") == 5);
  CHECK(*log->StreamRevision("order-") == 0);
}

TEST_CASE("reading a stream with a malformed name is INVALID_ARGUMENT") {
  TempDir dir;
  auto log = OpenLog(dir.path());
  Append(*log, "order-1", 1);
  for (const std::string& stream : {std::string(), std::string("order 1"), std::string("$all"),
                                   std::string(kMaxStreamNameBytes + 1, 'a')}) {
    INFO("'" << stream << "'");
    CHECK(log->ReadStream(stream, 0, Direction::kForward, 10).status().code() ==
          absl::StatusCode::kInvalidArgument);
    CHECK(log->StreamRevision(stream).status().code() == absl::StatusCode::kInvalidArgument);
  }
}

TEST_CASE("ReadAll pages through the whole log in position order") {
  TempDir dir;
  auto log = OpenLog(dir.path());
  FillInterleaved(*log);

  ReadAllResult first = ReadAll(*log, 1, 5);
  CHECK(Positions(first.events) == V{1, 2, 3, 4, 5});
  CHECK(first.next_position == 6);
  // from_position 0 reads from the start as well.
  CHECK(Positions(ReadAll(*log, 0, 2).events) == V{1, 2});

  std::vector<uint64_t> all;
  uint64_t from = 1;
  int pages = 0;
  while (true) {
    ReadAllResult page = ReadAll(*log, from, 7);
    if (page.events.empty()) break;
    for (uint64_t p : Positions(page.events)) all.push_back(p);
    REQUIRE(page.next_position == page.events.back().position() + 1);
    from = page.next_position;
    REQUIRE(++pages <= 10);
  }
  CHECK(pages == 5);
  REQUIRE(all.size() == 30);
  for (size_t i = 0; i < all.size(); ++i) CHECK(all[i] == i + 1);

  ReadAllResult tail = ReadAll(*log, 29, 100);
  CHECK(Positions(tail.events) == V{29, 30});
  CHECK(tail.next_position == 31);
  ReadAllResult past = ReadAll(*log, 31, 100);
  CHECK(past.events.empty());
  CHECK(past.next_position == 31);
  CHECK(ReadAll(*log, 1, 0).events.empty());
}

TEST_CASE("ReadAll on an empty log is empty") {
  TempDir dir;
  auto log = OpenLog(dir.path());
  ReadAllResult result = ReadAll(*log, 1, 100);
  CHECK(result.events.empty());
  CHECK(result.next_position == 1);
}

TEST_CASE("ReadAll with a stream prefix returns only events of matching streams") {
  TempDir dir;
  auto log = OpenLog(dir.path());
  FillInterleaved(*log);

  EventFilter orders;
  orders.stream_prefix = "order-";
  ReadAllResult result = ReadAll(*log, 1, 100, orders);
  REQUIRE(result.events.size() == 20);
  for (const RecordedEvent& e : result.events) CHECK(e.stream().rfind("order-", 0) == 0);
  CHECK(result.next_position == 31);

  EventFilter order_ten;
  order_ten.stream_prefix = "order-10";
  ReadAllResult ten = ReadAll(*log, 1, 3, order_ten);
  CHECK(Positions(ten.events) == V{2, 5, 8});
  CHECK(ten.next_position == 9);  // one past the last event examined
}

TEST_CASE("ReadAll with event types returns only events of those types") {
  TempDir dir;
  auto log = OpenLog(dir.path());
  Append(*log, "order-1", {"order.placed", "order.paid", "order.shipped"});
  Append(*log, "order-2", {"order.placed", "order.cancelled"});
  Append(*log, "invoice-1", {"invoice.sent", "order.paid"});

  EventFilter paid_or_cancelled;
  paid_or_cancelled.event_types = {"order.paid", "order.cancelled"};
  CHECK(Positions(ReadAll(*log, 1, 100, paid_or_cancelled).events) == V{2, 5, 7});

  EventFilter both;
  both.stream_prefix = "order-";
  both.event_types = {"order.paid", "order.cancelled"};
  CHECK(Positions(ReadAll(*log, 1, 100, both).events) == V{2, 5});

  EventFilter none;
  none.event_types = {"no.such.type"};
  ReadAllResult nothing = ReadAll(*log, 1, 100, none);
  CHECK(nothing.events.empty());
  CHECK(nothing.next_position == 8);
}

TEST_CASE("ReadAll examines at most max_scanned events and next_position still advances") {
  TempDir dir;
  auto log = OpenLog(dir.path());
  Append(*log, "noise", 20);
  Append(*log, "wanted", 2);  // positions 21 and 22
  Append(*log, "noise", 5);   // up to 27

  EventFilter wanted;
  wanted.stream_prefix = "wanted";
  ReadAllResult first = ReadAll(*log, 1, 100, wanted, 8);
  CHECK(first.events.empty());
  CHECK(first.next_position == 9);

  std::vector<uint64_t> found;
  uint64_t from = 1;
  int pages = 0;
  while (from <= log->HeadPosition()) {
    ReadAllResult page = ReadAll(*log, from, 100, wanted, 8);
    REQUIRE(page.next_position > from);  // progress even on pages without a match
    REQUIRE(page.next_position <= from + 8);
    for (uint64_t p : Positions(page.events)) found.push_back(p);
    from = page.next_position;
    REQUIRE(++pages <= 10);
  }
  CHECK(found == V{21, 22});
  CHECK(pages == 4);  // 1-8, 9-16, 17-24, 25-27

  // The limit stops the scan first: next_position is one past the last match.
  ReadAllResult limited = ReadAll(*log, 1, 1, wanted, 100);
  CHECK(Positions(limited.events) == V{21});
  CHECK(limited.next_position == 22);
}

}  // namespace
}  // namespace closedloop::storage
