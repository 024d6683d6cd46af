// The `closedloop` CLI against a real closedloopd: the case commands beyond the first-level loop
// (triage, assign, escalate, redirect, link, survey) and a customer's history. Each command's
// --json response parses back, and a following `show` or board waits for its position
// (--min_position) and sees its effect; each has a refusal naming the server's code (exit 1)
// and a malformed command line refused before any call (exit 2).
#include <catch2/catch.hpp>
#include <string>

#include "absl/strings/str_cat.h"
#include "closedloop/v1/boards.pb.h"
#include "closedloop/v1/complaint_service.pb.h"
#include "closedloop/v1/problem_service.pb.h"
#include "closedloop/v1/views.pb.h"
#include "tests/services/cli_test_util.h"

namespace closedloop {
namespace {

using testing::CliDaemon;
using testing::Command;
using testing::Contains;
using testing::FromJson;
using testing::Lines;

// The case as the server sees it once the views include `position`.
v1::ComplaintView Show(CliDaemon& d, const std::string& id, uint64_t position) {
  return FromJson<v1::ComplaintView>(
      d.Run(absl::StrCat("show ", id, " --json --min_position=", position)).out);
}

// The run failed with `code` named first on stderr, and printed nothing on stdout.
void CheckRefused(const testing::CliRun& run, const std::string& code) {
  INFO(run.err);
  CHECK(run.err.rfind(absl::StrCat("closedloop: ", code, ": "), 0) == 0);
  CHECK(run.out.empty());
}

// A malformed command line: exit 2 naming what is wrong, and no call (no server listens).
void CheckUsage(const std::string& args, const std::string& why) {
  testing::TempDir dir;
  testing::CliRun run = testing::RunCli(dir, absl::StrCat("--server=127.0.0.1:1 ", args));
  INFO(args << "\n" << run.err);
  CHECK(run.code == 2);
  CHECK(run.out.empty());
  CHECK(Contains(run.err, why));
}

TEST_CASE("closedloop triage and assign reclassify a case and hand it to another owner's board", "[cli]") {
  CliDaemon d;
  const v1::CommandResponse filed = Command(d, "file --channel=web --customer=cust-1 'Invoice is wrong'");
  const std::string id = filed.complaint_id();

  const v1::CommandResponse triaged = Command(
      d, absl::StrCat("triage ", id,
                      " --severity=high --category=billing --department=payments --root_cause=tariff-table"));
  CHECK(triaged.complaint_id() == id);
  REQUIRE(triaged.event_types_size() >= 1);
  CHECK(triaged.event_types(0) == "complaint.triaged");
  CHECK(triaged.position() > filed.position());
  v1::ComplaintView view = Show(d, id, triaged.position());
  CHECK(view.severity() == v1::SEVERITY_HIGH);
  CHECK(view.category() == "billing");
  CHECK(view.department() == "payments");
  CHECK(view.root_cause_code() == "tariff-table");
  CHECK(view.kind() == v1::ITEM_KIND_COMPLAINT);  // not given: kept

  const std::string before = view.owner();
  REQUIRE_FALSE(before.empty());
  // A web case is the digital team's: its other member takes it over.
  const std::string owner = before == "farid" ? "greta" : "farid";
  const v1::CommandResponse assigned = Command(d, absl::StrCat("assign ", id, " ", owner));
  CHECK(assigned.event_types(0) == "complaint.assigned");
  const std::string at = absl::StrCat(" --min_position=", assigned.position());
  CHECK(Show(d, id, assigned.position()).owner() == owner);
  const auto board = FromJson<v1::SuperheroBoard>(d.Run(absl::StrCat("board ", owner, " --json", at)).out);
  REQUIRE(board.cases_size() == 1);
  CHECK(board.cases(0).complaint_id() == id);
  CHECK(board.cases(0).severity() == v1::SEVERITY_HIGH);
  CHECK(FromJson<v1::SuperheroBoard>(d.Run(absl::StrCat("board ", before, " --json", at)).out).cases_size() ==
        0);

  // Assigning the current owner changes nothing and says so.
  testing::CliRun again = d.Run(absl::StrCat("assign ", id, " ", owner));
  CHECK(Contains(again.out, absl::StrCat(id, ": nothing to change")));

  CheckRefused(d.Run(absl::StrCat("triage ", id, " --department=nowhere"), 1), "INVALID_ARGUMENT");
  CheckRefused(d.Run("assign CL-999999 bob", 1), "NOT_FOUND");
  CheckRefused(d.Run(absl::StrCat("assign ", id, " nobody-such"), 1), "INVALID_ARGUMENT");
  CheckUsage("triage CL-1", "nothing to triage");
  CheckUsage("triage CL-1 --severity=dire", "unknown value \"dire\"");
  CheckUsage("assign CL-1", "missing OWNER");
  CheckUsage("assign CL-1 zoe yuri", "unexpected argument \"yuri\"");
  d.Stop();
}

TEST_CASE("closedloop escalate and redirect: a hand escalation, and a red-button case sent back to support",
          "[cli]") {
  CliDaemon d;
  const std::string hotline =
      Command(d, "file --channel=hotline --customer=cust-2 'Courier was rude'").complaint_id();
  const v1::CommandResponse escalated =
      Command(d, absl::StrCat("escalate ", hotline, " --to=director Customer threatens to go to the press"));
  CHECK(escalated.event_types(0) == "complaint.escalated");
  CHECK(Show(d, hotline, escalated.position()).escalation_count() == 1);
  testing::CliRun history = d.Run(absl::StrCat("audit history ", hotline));
  CHECK(Contains(history.out, "complaint.escalated"));
  CHECK(Contains(history.out, "director"));

  const std::string red =
      Command(d, "file --channel=red_button --customer=cust-2 'Where is my order'").complaint_id();
  const v1::CommandResponse redirected = Command(d, absl::StrCat("redirect ", red, " Not an emergency"));
  CHECK(redirected.event_types(0) == "complaint.redirected_to_support");
  const v1::ComplaintView view = Show(d, red, redirected.position());
  CHECK(view.state() == v1::COMPLAINT_STATE_OPEN);  // back in ordinary support
  CHECK(view.team() != "red-button");
  CHECK(view.redirect_reason() == "Not an emergency");
  CHECK(Contains(d.Run(absl::StrCat("show ", red)).out, "Not an emergency"));

  // Only red-button cases can be redirected.
  CheckRefused(d.Run(absl::StrCat("redirect ", hotline, " Not an emergency"), 1), "FAILED_PRECONDITION");
  CheckRefused(d.Run("escalate CL-999999 --to=director Lost", 1), "NOT_FOUND");
  CheckUsage("escalate CL-1 Urgent", "--to");
  CheckUsage("escalate CL-1 --to=director", "missing REASON");
  CheckUsage("redirect CL-1", "missing REASON");
  d.Stop();
}

TEST_CASE("closedloop link ties a case to a problem, and survey records the answer after resolution",
          "[cli]") {
  CliDaemon d;
  const std::string id =
      Command(d, "file --channel=store --customer=cust-3 --store=s-12 'Shelf collapsed'").complaint_id();
  const std::string problem =
      FromJson<v1::ProblemCommandResponse>(
          d.Run("--json problem open --department=warehouse --source=complaints Shelves badly mounted").out)
          .problem_id();
  REQUIRE(problem.rfind("PR-", 0) == 0);

  const v1::CommandResponse linked = Command(d, absl::StrCat("link ", id, " ", problem));
  CHECK(linked.event_types(0) == "complaint.linked_to_problem");
  CHECK(Show(d, id, linked.position()).problem_id() == problem);
  const auto board = FromJson<v1::ProblemBoard>(
      d.Run(absl::StrCat("problems --json --min_position=", linked.position())).out);
  REQUIRE(board.problems_size() == 1);
  REQUIRE(board.problems(0).linked_complaints_size() == 1);
  CHECK(board.problems(0).linked_complaints(0) == id);

  CheckRefused(d.Run(absl::StrCat("link ", id, " PR-999999"), 1), "NOT_FOUND");
  CheckRefused(d.Run(absl::StrCat("link ", id, " X-1"), 1), "INVALID_ARGUMENT");
  CheckUsage("link CL-1", "missing PROBLEM-ID");

  // Not before it is resolved.
  CheckRefused(d.Run(absl::StrCat("survey ", id, " --nps=9 --csat=5"), 1), "FAILED_PRECONDITION");
  Command(d, absl::StrCat("contact ", id, " --method=phone --outcome=reached"));
  Command(d, absl::StrCat("resolve ", id, " --remedy=repair 'Shelf remounted'"));
  const v1::CommandResponse surveyed =
      Command(d, absl::StrCat("survey ", id, " --nps=0 --csat=2 --comment='Took too long'"));
  CHECK(surveyed.event_types(0) == "complaint.survey_recorded");
  const v1::ComplaintView view = Show(d, id, surveyed.position());
  CHECK(view.surveyed());
  CHECK(view.survey().nps() == 0);
  CHECK(view.survey().csat() == 2);
  CHECK(view.survey().comment() == "Took too long");
  const auto metrics =
      FromJson<v1::Metrics>(d.Run(absl::StrCat("metrics --json --min_position=", surveyed.position())).out);
  CHECK(metrics.satisfaction().responses() == 1);
  CHECK(metrics.satisfaction().nps() == Approx(-100));

  CheckRefused(d.Run(absl::StrCat("survey ", id, " --nps=11 --csat=3"), 1), "INVALID_ARGUMENT");
  CheckRefused(d.Run(absl::StrCat("survey ", id, " --nps=10 --csat=5"), 1), "FAILED_PRECONDITION");
  CheckUsage("survey CL-1 --nps=9", "--csat is required");
  CheckUsage("survey CL-1 --csat=4", "--nps is required");
  CheckUsage("survey CL-1 --nps=nine --csat=4", "--nps: expected a number");
  CheckUsage("survey CL-1 --nps=4294967305 --csat=4", "out of range");
  d.Stop();
}

TEST_CASE("closedloop customer lists one customer's cases, newest first", "[cli]") {
  CliDaemon d;
  const v1::CommandResponse first = Command(d, "file --channel=email --customer=cust-4 'Wrong colour'");
  Command(d, "file --channel=email --customer=cust-5 'Someone else'");
  const v1::CommandResponse second = Command(d, "file --channel=app --customer=cust-4 'App logs me out'");
  const std::string at = absl::StrCat(" --min_position=", second.position());

  const auto history = FromJson<v1::CustomerHistory>(d.Run(absl::StrCat("customer cust-4 --json", at)).out);
  CHECK(history.customer_ref() == "cust-4");
  REQUIRE(history.cases_size() == 2);
  CHECK(history.cases(0).complaint_id() == second.complaint_id());
  CHECK(history.cases(1).complaint_id() == first.complaint_id());
  CHECK(history.position() >= second.position());

  testing::CliRun table = d.Run(absl::StrCat("customer cust-4", at));
  CHECK(table.out.rfind("customer cust-4: 2 case(s) (position ", 0) == 0);
  CHECK(Contains(table.out, first.complaint_id()));
  CHECK(Contains(table.out, second.complaint_id()));
  CHECK(Contains(d.Run(absl::StrCat("customer nobody", at)).out, "customer nobody: 0 case(s)"));

  CheckRefused(d.Run("customer \"$(printf 'cust\\t4')\"", 1), "INVALID_ARGUMENT");
  CheckRefused(d.Run(absl::StrCat("customer cust-4 --min_position=", second.position() + 1000), 1),
               "OUT_OF_RANGE");
  CheckUsage("customer", "missing CUSTOMER-ID");
  CheckUsage("customer cust-4 cust-5", "unexpected argument \"cust-5\"");
  d.Stop();
}

}  // namespace
}  // namespace closedloop
