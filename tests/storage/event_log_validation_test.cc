// EventLog::Append's validation: malformed requests are refused before anything is written,
// and requests exactly at the documented limits are accepted.
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

AppendRequest Request(const std::string& stream, std::vector<ProposedEvent> events,
                      const std::string& request_id = "") {
  AppendRequest request;
  request.stream = stream;
  request.events = std::move(events);
  request.request_id = request_id;
  return request;
}

AppendRequest RequestOf(const std::string& stream, int count, const std::string& request_id = "") {
  return Request(stream, std::vector<ProposedEvent>(count, Event("thing.happened", "p")), request_id);
}

TEST_CASE("malformed append requests are INVALID_ARGUMENT naming the field and write nothing") {
  struct Case {
    std::string name;
    AppendRequest request;
    std::string field;  // the message starts with "<field>:"
  };
  std::vector<ProposedEvent> too_many(kMaxEventsPerAppend + 1, Event("t", "p"));
  std::vector<ProposedEvent> third_untyped = {Event("t", "a"), Event("t", "b"), Event("", "c")};
  std::vector<Case> cases = {
      {"empty stream", RequestOf("", 1), "stream"},
      {"stream with a space", RequestOf("order 1", 1), "stream"},
      {"stream with a control character", RequestOf("order\n1", 1), "stream"},
      {"stream starting with a dollar", RequestOf("$all", 1), "stream"},
      {"stream too long", RequestOf(std::string(kMaxStreamNameBytes + 1, 'a'), 1), "stream"},
      {"no events", Request("s", {}), "events"},
      {"too many events", Request("s", too_many), "events"},
      {"empty event type", Request("s", {Event("", "p")}), "events[0].type"},
      {"empty type of the third event", Request("s", third_untyped), "events[2].type"},
      {"event type too long", Request("s", {Event(std::string(kMaxEventTypeBytes + 1, 't'), "p")}),
       "events[0].type"},
      {"event too large", Request("s", {Event("t", std::string(kMaxEventBytes + 1, 'x'))}),
       "events[0]"},
      {"request id too long",
       RequestOf("s", 1, std::string(kMaxRequestIdBytes + 1, 'r')), "request_id"},
      {"request id with a space", RequestOf("s", 1, "req 1"), "request_id"},
  };

  TempDir dir;
  auto log = OpenLog(dir.path());
  for (Case& c : cases) {
    INFO(c.name);
    absl::StatusOr<AppendResult> r = log->Append(std::move(c.request));
    INFO(r.status().ToString());
    CHECK(r.status().code() == absl::StatusCode::kInvalidArgument);
    CHECK(r.status().message().substr(0, c.field.size() + 1) == c.field + ":");
  }
  CHECK(log->HeadPosition() == 0);
  CHECK(log->ReadAll(1, 10, EventFilter{}, 10)->events.empty());
  CHECK(*log->StreamRevision("s") == 0);
  CHECK(log->GetStats().commits == 0);
}

TEST_CASE("append requests exactly at the size limits are accepted") {
  TempDir dir;
  auto log = OpenLog(dir.path());
  const std::string longest_stream(kMaxStreamNameBytes, 's');
  const std::string longest_id(kMaxRequestIdBytes, 'r');
  std::vector<ProposedEvent> most(kMaxEventsPerAppend, Event(std::string(kMaxEventTypeBytes, 't'), ""));
  absl::StatusOr<AppendResult> r = log->Append(Request(longest_stream, most, longest_id));
  INFO(r.status().ToString());
  REQUIRE(r.ok());
  CHECK(r->first_position == 1);
  CHECK(r->last_position == static_cast<uint64_t>(kMaxEventsPerAppend));
  CHECK(*log->StreamRevision(longest_stream) == static_cast<uint64_t>(kMaxEventsPerAppend));
}

}  // namespace
}  // namespace closedloop::storage
