// The `closedloop` CLI against a real closedloopd: the second-level loop. A problem is opened,
// gets action items, is completed, marked fixed and verified through `problem ...`, and
// `problems` shows each step; each step has its refusal (exit 1, the code named) and its
// malformed command line (exit 2, no call).
#include <catch2/catch.hpp>
#include <string>

#include "absl/strings/str_cat.h"
#include "closedloop/v1/boards.pb.h"
#include "closedloop/v1/problem_service.pb.h"
#include "tests/services/cli_test_util.h"

namespace closedloop {
namespace {

using testing::CliDaemon;
using testing::Contains;
using testing::FromJson;
using testing::Lines;

// Runs a `problem ...` subcommand with --json; its response, the only line it prints.
v1::ProblemCommandResponse Problem(CliDaemon& d, const std::string& args) {
  testing::CliRun run = d.Run(absl::StrCat("--json problem ", args));
  REQUIRE(Lines(run.out).size() == 1);
  return FromJson<v1::ProblemCommandResponse>(run.out);
}

// The one problem on the board once the views include `position`.
v1::ProblemView OnlyProblem(CliDaemon& d, uint64_t position) {
  const auto board =
      FromJson<v1::ProblemBoard>(d.Run(absl::StrCat("problems --json --min_position=", position)).out);
  REQUIRE(board.problems_size() == 1);
  CHECK(board.position() >= position);
  return board.problems(0);
}

void CheckRefused(const testing::CliRun& run, const std::string& code) {
  INFO(run.err);
  CHECK(run.err.rfind(absl::StrCat("closedloop: ", code, ": "), 0) == 0);
  CHECK(run.out.empty());
}

TEST_CASE(
    "closedloop problem opens, plans, completes, fixes and verifies a problem, and problems shows each step",
    "[cli]") {
  CliDaemon d;
  const v1::ProblemCommandResponse opened = Problem(
      d, "open --department=warehouse --source=manager_shift --request_id=shift-7 Parcels packed loosely");
  const std::string id = opened.problem_id();
  REQUIRE(id.rfind("PR-", 0) == 0);
  CHECK(opened.event_types(0) == "problem.opened");
  v1::ProblemView problem = OnlyProblem(d, opened.position());
  CHECK(problem.problem_id() == id);
  CHECK(problem.state() == v1::PROBLEM_STATE_OPEN);
  CHECK(problem.department() == "warehouse");
  CHECK(problem.source() == v1::PROBLEM_SOURCE_MANAGER_SHIFT);
  CHECK(problem.description() == "Parcels packed loosely");

  // The same request id again records nothing and names the same problem.
  testing::CliRun retry = d.Run(
      "problem open --department=warehouse --source=manager_shift --request_id=shift-7 Parcels packed "
      "loosely");
  CHECK(Contains(retry.out, absl::StrCat(id, ": already recorded by this request id")));

  // Nothing to mark fixed yet, nothing to verify.
  CheckRefused(d.Run(absl::StrCat("problem fixed ", id, " Done"), 1), "FAILED_PRECONDITION");
  CheckRefused(d.Run(absl::StrCat("problem verify ", id, " Looked fine"), 1), "FAILED_PRECONDITION");

  const v1::ProblemCommandResponse action =
      Problem(d, absl::StrCat("action ", id, " --owner=wes --due=72h Retrain the packing shift"));
  CHECK(action.item_id() == "A1");
  CHECK(action.event_types(0) == "problem.action_item_added");
  testing::CliRun second = d.Run(absl::StrCat("problem action ", id, " --owner=wes --due=96h Add padding"));
  CHECK(second.out.rfind(absl::StrCat(id, " A2: problem.action_item_added (position "), 0) == 0);
  problem = OnlyProblem(d, action.position());
  REQUIRE(problem.action_items_size() >= 1);
  CHECK(problem.action_items(0).item_id() == "A1");
  CHECK(problem.action_items(0).owner() == "wes");
  CHECK(problem.action_items(0).description() == "Retrain the packing shift");
  CHECK_FALSE(problem.action_items(0).completed());

  const v1::ProblemCommandResponse done =
      Problem(d, absl::StrCat("complete-action ", id, " A1 Shift retrained"));
  CHECK(done.event_types(0) == "problem.action_item_completed");
  // A2 is still open.
  CheckRefused(d.Run(absl::StrCat("problem fixed ", id, " Done"), 1), "FAILED_PRECONDITION");
  Problem(d, absl::StrCat("complete-action ", id, " A2 Padding added"));
  CheckRefused(d.Run(absl::StrCat("problem complete-action ", id, " A1 Again"), 1), "FAILED_PRECONDITION");
  CheckRefused(d.Run(absl::StrCat("problem complete-action ", id, " A9 Never added"), 1), "NOT_FOUND");

  const v1::ProblemCommandResponse fixed = Problem(d, absl::StrCat("fixed ", id, " Packing line reworked"));
  CHECK(fixed.event_types(0) == "problem.marked_fixed");
  problem = OnlyProblem(d, fixed.position());
  CHECK(problem.state() == v1::PROBLEM_STATE_FIXED);
  CHECK(problem.fix_summary() == "Packing line reworked");
  REQUIRE(problem.action_items_size() == 2);
  CHECK(problem.action_items(0).completed());
  CHECK(problem.action_items(0).outcome() == "Shift retrained");
  CheckRefused(d.Run(absl::StrCat("problem action ", id, " --owner=wes --due=1h Late idea"), 1),
               "FAILED_PRECONDITION");

  const v1::ProblemCommandResponse verified =
      Problem(d, absl::StrCat("verify ", id, " No crushed parcels in May"));
  CHECK(verified.event_types(0) == "problem.fix_verified");
  problem = OnlyProblem(d, verified.position());
  CHECK(problem.state() == v1::PROBLEM_STATE_VERIFIED);
  CHECK(problem.verification_evidence() == "No crushed parcels in May");

  testing::CliRun table = d.Run(absl::StrCat("problems --min_position=", verified.position()));
  CHECK(Contains(table.out, id));
  CHECK(Contains(table.out, "verified"));
  CHECK(Contains(table.out, "manager_shift"));
  CHECK(Contains(table.out, "2/2"));
  CHECK(Contains(table.out, "Retrain the packing shift"));
  CHECK(Contains(table.out, "(1 problem(s); position "));
  d.Stop();
}

TEST_CASE(
    "closedloop problem refuses unknown problems and bad input, and malformed command lines before calling",
    "[cli]") {
  CliDaemon d;
  CheckRefused(d.Run("problem open --department=nowhere --source=other Vague", 1), "INVALID_ARGUMENT");
  CheckRefused(d.Run("problem action PR-999999 --owner=wes --due=1h Anything", 1), "NOT_FOUND");
  CheckRefused(d.Run("problem fixed PR-999999 Done", 1), "NOT_FOUND");
  CheckRefused(d.Run("problem verify PR-999999 Done", 1), "NOT_FOUND");
  CheckRefused(d.Run("problem complete-action PR-999999 A1 Done", 1), "NOT_FOUND");
  CheckRefused(d.Run("problem fixed CL-1 Done", 1), "INVALID_ARGUMENT");
  const std::string id = Problem(d, "open --department=payments --source=other 'Refunds slow'").problem_id();
  CheckRefused(d.Run(absl::StrCat("problem action ", id, " --owner=pete --due=-1h Too late"), 1),
               "INVALID_ARGUMENT");
  CheckRefused(d.Run("problems --min_position=999999", 1), "OUT_OF_RANGE");

  auto usage = [&](const std::string& args, const std::string& why) {
    testing::CliRun run = testing::RunCli(d.dir, absl::StrCat("--server=127.0.0.1:1 ", args));
    INFO(args << "\n" << run.err);
    CHECK(run.code == 2);
    CHECK(run.out.empty());
    CHECK(Contains(run.err, why));
  };
  usage("problem open --department=warehouse Loose", "--source is required");
  usage("problem open --source=other Loose", "--department is required");
  usage("problem open --department=warehouse --source=weather Loose", "unknown value \"weather\"");
  usage("problem open --department=warehouse --source=other", "missing DESCRIPTION");
  usage("problem action PR-1 --due=1h Fix", "--owner is required");
  usage("problem action PR-1 --owner=wes Fix", "--due is required");
  usage("problem action PR-1 --owner=wes --due=soon Fix", "--due: expected a time");
  usage("problem complete-action PR-1 A1", "missing OUTCOME");
  usage("problem fixed PR-1", "missing SUMMARY");
  usage("problem verify PR-1", "missing EVIDENCE");
  usage("problems PR-1", "unexpected argument \"PR-1\"");
  usage("problem", "problem open");
  testing::CliRun help = testing::RunCli(d.dir, "problem action --help");
  CHECK(help.code == 0);
  CHECK(help.out.rfind("Usage: closedloop problem action [OPTIONS] PROBLEM-ID DESCRIPTION...", 0) == 0);
  CHECK(Contains(help.out, "--request_id=ID"));
  d.Stop();
}

}  // namespace
}  // namespace closedloop
