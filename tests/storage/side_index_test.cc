// The side index: entries written atomically with their append, and only with an accepted one.
#include <catch2/catch.hpp>

#include "tests/storage/log_test_util.h"
#include "tests/temp_dir.h"

namespace closedloop::storage {
namespace {

using testing::Event;
using testing::OpenLog;

AppendRequest WithIndex(const std::string& stream, std::vector<IndexChange> changes) {
  AppendRequest request;
  request.stream = stream;
  request.events.push_back(Event("complaint.deadline_scheduled", "payload"));
  request.index_changes = std::move(changes);
  return request;
}

std::vector<std::string> Keys(EventLog& log) {
  auto entries = log.ScanIndex("due/", "due/\xff", 100);
  REQUIRE(entries.ok());
  std::vector<std::string> keys;
  for (const auto& [key, value] : *entries) keys.push_back(key);
  return keys;
}

TEST_CASE("side index entries are written and removed with their appends, in key order") {
  ::closedloop::testing::TempDir dir;
  auto log = OpenLog(dir.Sub("db"));
  REQUIRE(log->Append(WithIndex("complaint-CL-2", {{"due/0002/CL-2/D1", "x"}})).ok());
  REQUIRE(log->Append(WithIndex("complaint-CL-1", {{"due/0001/CL-1/D1", "y"}})).ok());
  CHECK(Keys(*log) == std::vector<std::string>{"due/0001/CL-1/D1", "due/0002/CL-2/D1"});
  auto first = log->ScanIndex("due/", "due/0002", 10);
  REQUIRE(first.ok());
  REQUIRE(first->size() == 1);
  CHECK(first->front().second == "y");
  CHECK(log->ScanIndex("due/", "due/\xff", 1)->size() == 1);

  IndexChange removal{"due/0001/CL-1/D1", "", /*remove=*/true};
  REQUIRE(log->Append(WithIndex("complaint-CL-1", {removal})).ok());
  CHECK(Keys(*log) == std::vector<std::string>{"due/0002/CL-2/D1"});
}

TEST_CASE("a refused append writes none of its side index entries") {
  ::closedloop::testing::TempDir dir;
  auto log = OpenLog(dir.Sub("db"));
  AppendRequest conflicting = WithIndex("complaint-CL-1", {{"due/0001/CL-1/D1", ""}});
  conflicting.expected = ExpectedRevision::Exact(3);
  CHECK(log->Append(std::move(conflicting)).status().code() == absl::StatusCode::kAborted);
  CHECK(Keys(*log).empty());

  AppendRequest bad = WithIndex("complaint-CL-1", {{"", ""}});
  CHECK(log->Append(std::move(bad)).status().code() == absl::StatusCode::kInvalidArgument);
  CHECK(log->HeadPosition() == 0);
}

TEST_CASE("side index entries survive a reopen") {
  ::closedloop::testing::TempDir dir;
  {
    auto log = OpenLog(dir.Sub("db"));
    REQUIRE(log->Append(WithIndex("complaint-CL-1", {{"due/0001/CL-1/D1", "v"}})).ok());
  }
  auto log = OpenLog(dir.Sub("db"));
  CHECK(Keys(*log) == std::vector<std::string>{"due/0001/CL-1/D1"});
}

}  // namespace
}  // namespace closedloop::storage
