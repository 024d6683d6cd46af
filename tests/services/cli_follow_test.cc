// `closedloop follow`: the real CLI binary following a consumer group of a real server, with
// --until-caught-up so that each run ends once it has printed the backlog.
#include <catch2/catch.hpp>

#include <set>

#include "absl/strings/str_cat.h"
#include "closedloop/v1/delivery.pb.h"
#include "tests/services/cli_test_util.h"
#include "tests/services/webhook_server.h"

namespace closedloop {
namespace {

using namespace testing;  // NOLINT: the API test helpers

// `closedloop --token=<token> --json follow ARGS --until-caught-up` against `s`: the events
// it printed.
std::vector<v1::DeliveredEvent> Follow(TestServer& s, const std::string& token, const std::string& args) {
  const CliRun run = RunCli(s.dir, absl::StrCat("--server=127.0.0.1:", s.server->port(), " --token=", token,
                                                " --json follow ", args, " --until-caught-up"));
  INFO("follow " << args << "\n" << run.out << run.err);
  REQUIRE(run.code == 0);
  CHECK(run.err.empty());
  std::vector<v1::DeliveredEvent> events;
  for (const std::string& line : Lines(run.out)) events.push_back(FromJson<v1::DeliveredEvent>(line));
  return events;
}

std::vector<uint64_t> Ids(const std::vector<v1::DeliveredEvent>& events) {
  std::vector<uint64_t> ids;
  for (const v1::DeliveredEvent& e : events) ids.push_back(e.id());
  return ids;
}

// The log positions of the events of the cases `ids`, in order.
std::vector<uint64_t> PositionsOf(TestServer& s, const std::set<std::string>& ids) {
  const v1::ReadAllResponse page =
      OkAs(TokenOf("auditor"), *s.audit, &v1::AuditService::Stub::ReadAll,
           Msg<v1::ReadAllRequest>("page_size: 1000 filter { stream_prefix: 'complaint-' }"));
  std::vector<uint64_t> positions;
  for (const v1::RecordedEvent& e : page.events()) {
    if (ids.count(e.stream().substr(std::string("complaint-").size())) > 0) positions.push_back(e.position());
  }
  return positions;
}

TEST_CASE("closedloop follow prints the events of the caller's cases, and with --ack a second follow prints nothing old",
          "[cli][follow]") {
  auto s = WebhookServer({});
  const std::string first = FileAs(*s, TokenOf("integrator"));
  FileAs(*s, "token-for-app");  // another integrator's: never the webshop's to see
  const std::string second = FileAs(*s, TokenOf("integrator"));
  const std::vector<uint64_t> mine = PositionsOf(*s, {first, second});
  REQUIRE(mine.size() > 2);
  const std::string webshop = TokenOf("integrator");

  // Without --ack the group stays where it was: the same events again.
  CHECK(Ids(Follow(*s, webshop, "orders")) == mine);
  const std::vector<v1::DeliveredEvent> again = Follow(*s, webshop, "orders");
  REQUIRE(Ids(again) == mine);
  for (const v1::DeliveredEvent& e : again) {
    CHECK((e.summary().complaint_id() == first || e.summary().complaint_id() == second));
  }

  // With --ack: everything printed is acknowledged, so the next run has nothing old to print.
  CHECK(Ids(Follow(*s, webshop, "shipping --ack")) == mine);
  CHECK(Follow(*s, webshop, "shipping --ack").empty());
  const std::string third = FileAs(*s, TokenOf("integrator"));
  CHECK(Ids(Follow(*s, webshop, "shipping --ack")) == PositionsOf(*s, {third}));
  CHECK(Follow(*s, webshop, "shipping").empty());
  // Another group is independent of it.
  CHECK(Ids(Follow(*s, webshop, "billing")) == PositionsOf(*s, {first, second, third}));

  // Filters: only the filings.
  const std::vector<v1::DeliveredEvent> filed = Follow(*s, webshop, "filings --type=complaint.filed,nope.never");
  REQUIRE(filed.size() == 3);
  for (const v1::DeliveredEvent& e : filed) CHECK(e.type() == "complaint.filed");
  CHECK(Follow(*s, webshop, "by-phone --channel=hotline").empty());
  // Acknowledging, a filtered group passes the head once caught up: the events its filter
  // skipped are not read again either.
  CHECK(Follow(*s, webshop, "filings-acked --type=complaint.filed --ack").size() == 3);
  CHECK(Follow(*s, webshop, "filings-acked").empty());

  // For people: position, type, case, state, owner, a line each; then the caught-up marker.
  const CliRun table = RunCli(s->dir, absl::StrCat("--server=127.0.0.1:", s->server->port(), " --token=",
                                                   webshop, " follow people --type=complaint.filed --until-caught-up"));
  INFO(table.out << table.err);
  REQUIRE(table.code == 0);
  const std::vector<std::string> lines = Lines(table.out);
  REQUIRE(lines.size() == 4);
  CHECK(Contains(lines[0], absl::StrCat(filed[0].id(), "  complaint.filed ")));
  CHECK(Contains(lines[0], absl::StrCat(" ", first, " ")));
  CHECK(Contains(lines[0], " open "));
  CHECK(lines[3] == absl::StrCat("-- caught up at position ", s->log->HeadPosition()));
}

TEST_CASE("closedloop follow refuses a bad group with the server's code, and a malformed command line with 2",
          "[cli][follow]") {
  auto s = WebhookServer({});
  const std::string server = absl::StrCat("--server=127.0.0.1:", s->server->port(), " --token=",
                                          TokenOf("integrator"));
  const CliRun bad = RunCli(s->dir, absl::StrCat(server, " follow 'no spaces' --until-caught-up"));
  CHECK(bad.code == 1);
  CHECK(bad.err.rfind("closedloop: INVALID_ARGUMENT: ", 0) == 0);
  const CliRun far = RunCli(s->dir, absl::StrCat(server, " follow new-group --start=999 --until-caught-up"));
  CHECK(far.code == 1);
  CHECK(far.err.rfind("closedloop: OUT_OF_RANGE: ", 0) == 0);

  for (const auto& [args, why] : std::vector<std::pair<std::string, std::string>>{
           {"follow", "missing GROUP"},
           {"follow g h", "unexpected argument \"h\""},
           {"follow g --channel=fax", "--channel"},
           {"follow g --start=soon", "--start: expected a non-negative number"}}) {
    const CliRun run = RunCli(s->dir, absl::StrCat("--server=127.0.0.1:1 ", args));
    INFO(args << "\n" << run.err);
    CHECK(run.code == 2);
    CHECK(run.out.empty());
    CHECK(Contains(run.err, why));
  }
}

}  // namespace
}  // namespace closedloop
