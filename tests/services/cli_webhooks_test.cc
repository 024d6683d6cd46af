// `closedloop admin webhooks` and `admin webhooks replay`: the real CLI binary against a real
// server delivering to real receivers on 127.0.0.1.
#include <catch2/catch.hpp>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "closedloop/v1/admin_service.pb.h"
#include "tests/services/cli_test_util.h"
#include "tests/services/http_receiver.h"
#include "tests/services/webhook_server.h"

namespace closedloop {
namespace {

using namespace testing;  // NOLINT: the API test helpers

// The cells of a table line: columns are at least two spaces apart, words within a cell one.
std::vector<std::string> Cells(const std::string& line) {
  std::vector<std::string> cells;
  for (absl::string_view cell : absl::StrSplit(line, absl::ByString("  "), absl::SkipWhitespace())) {
    cells.emplace_back(absl::StripAsciiWhitespace(cell));
  }
  return cells;
}

// `closedloop --token=<admin's> ARGS` against `s`.
CliRun AdminCli(TestServer& s, const std::string& args, const std::string& role = "admin") {
  return RunCli(s.dir, absl::StrCat("--server=127.0.0.1:", s.server->port(), " --token=", TokenOf(role), " ",
                                    args));
}

TEST_CASE("closedloop admin webhooks prints a line per endpoint with its status, position, lag and last error",
          "[cli][webhooks]") {
  HttpReceiver accepting, failing;
  failing.SetStatus(503, "maintenance");
  auto s = WebhookServer({WebhookTo("wallboard", accepting.Url()), WebhookTo("crm", failing.Url())});
  FileAs(*s, TokenOf("integrator"));
  const uint64_t head = s->log->HeadPosition();
  REQUIRE(failing.WaitForRequests(2));
  AwaitPassed(*s, "wallboard", head);

  const CliRun table = AdminCli(*s, "admin webhooks");
  INFO(table.out << table.err);
  REQUIRE(table.code == 0);
  const std::vector<std::string> lines = Lines(table.out);
  REQUIRE(lines.size() == 3);
  CHECK(Cells(lines[0]) ==
        std::vector<std::string>{"NAME", "STATUS", "DELIVERED", "LAG", "DEAD-LETTERS", "LAST-ERROR"});
  CHECK(Cells(lines[1]) ==
        std::vector<std::string>{"wallboard", "delivering", absl::StrCat(head), "0", "0", "-"});
  const v1::WebhookEndpointState crm = WebhookState(*s, "crm");
  const std::vector<std::string> retrying = Cells(lines[2]);
  REQUIRE(retrying.size() == 6);
  CHECK(retrying[0] == "crm");
  CHECK(retrying[1].rfind(absl::StrCat("retrying (event ", crm.retrying_event_id(), ", "), 0) == 0);
  // Stuck before the event it retries.
  CHECK(crm.delivered_position() < crm.retrying_event_id());
  CHECK(retrying[2] == absl::StrCat(crm.delivered_position()));
  CHECK(retrying[3] == absl::StrCat(head - crm.delivered_position()));
  CHECK(retrying[4] == "0");
  CHECK(Contains(retrying[5], "HTTP 503: maintenance"));

  // --json: one state a line, in configuration order.
  const CliRun json = AdminCli(*s, "--json admin webhooks");
  REQUIRE(json.code == 0);
  const std::vector<std::string> states = Lines(json.out);
  REQUIRE(states.size() == 2);
  const auto first = FromJson<v1::WebhookEndpointState>(states[0]);
  CHECK(first.name() == "wallboard");
  CHECK(first.delivered_position() == head);
  CHECK(first.lag() == 0);
  const auto second = FromJson<v1::WebhookEndpointState>(states[1]);
  CHECK(second.name() == "crm");
  CHECK(second.status() == v1::WEBHOOK_STATUS_RETRYING);
  CHECK(second.lag() == head - crm.delivered_position());

  // Only an admin sees them.
  const CliRun denied = AdminCli(*s, "admin webhooks", "superhero");
  CHECK(denied.code == 1);
  CHECK(denied.err.rfind("closedloop: PERMISSION_DENIED: ", 0) == 0);
}

TEST_CASE("closedloop admin webhooks replay delivers again from a position and prints the state after",
          "[cli][webhooks]") {
  HttpReceiver receiver;
  services::WebhookTarget target = WebhookTo("erp", receiver.Url());
  target.endpoint.add_event_types("complaint.filed");
  auto s = WebhookServer({target});
  FileAs(*s, TokenOf("integrator"));
  const uint64_t head = s->log->HeadPosition();
  REQUIRE(receiver.WaitForRequests(1));
  AwaitPassed(*s, "erp", head);

  const CliRun replay = AdminCli(*s, "admin webhooks replay erp --from=1");
  INFO(replay.out << replay.err);
  REQUIRE(replay.code == 0);
  const std::vector<std::string> lines = Lines(replay.out);
  REQUIRE(lines.size() == 2);
  CHECK(Cells(lines[0])[0] == "NAME");
  CHECK(Cells(lines[1])[0] == "erp");
  // The filing goes out again, with the same id.
  REQUIRE(receiver.WaitForRequests(2));
  const std::vector<ReceivedRequest> requests = receiver.Requests();
  CHECK(requests[1].Header("Closedloop-Event-Id") == requests[0].Header("Closedloop-Event-Id"));

  const CliRun json = AdminCli(*s, "--json admin webhooks replay erp --from=1");
  REQUIRE(json.code == 0);
  CHECK(FromJson<v1::WebhookEndpointState>(json.out).name() == "erp");

  // An unknown name: the server's NOT_FOUND, exit status 1, nothing on stdout.
  const CliRun unknown = AdminCli(*s, "admin webhooks replay nope --from=1");
  CHECK(unknown.code == 1);
  CHECK(unknown.out.empty());
  CHECK(unknown.err.rfind("closedloop: NOT_FOUND: name: no webhook endpoint 'nope'", 0) == 0);
  const CliRun past = AdminCli(*s, absl::StrCat("admin webhooks replay erp --from=", head + 2));
  CHECK(past.code == 1);
  CHECK(past.err.rfind("closedloop: OUT_OF_RANGE: ", 0) == 0);

  // Malformed command lines never reach the server.
  for (const auto& [args, why] : std::vector<std::pair<std::string, std::string>>{
           {"admin webhooks replay erp", "--from is required"},
           {"admin webhooks replay --from=1", "missing NAME"},
           {"admin webhooks replay erp --from=start", "--from: expected a non-negative number"},
           {"admin webhooks replay erp crm --from=1", "unexpected argument \"crm\""},
           {"admin webhooks all", "unexpected argument \"all\""}}) {
    const CliRun run = RunCli(s->dir, absl::StrCat("--server=127.0.0.1:1 ", args));
    INFO(args << "\n" << run.err);
    CHECK(run.code == 2);
    CHECK(run.out.empty());
    CHECK(Contains(run.err, why));
  }
}

}  // namespace
}  // namespace closedloop
