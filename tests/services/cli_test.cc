// The `closedloop` CLI against a real closedloopd: a complaint's whole life through the
// command subcommands, and the boards through the query subcommands. Nothing sleeps: each
// command prints the log position it produced, and the queries wait for it (--min_position).
#include <catch2/catch.hpp>
#include <string>

#include "absl/strings/str_cat.h"
#include "closedloop/v1/boards.pb.h"
#include "closedloop/v1/complaint_service.pb.h"
#include "closedloop/v1/views.pb.h"
#include "tests/services/cli_test_util.h"

namespace closedloop {
namespace {

using testing::CliDaemon;
using testing::Command;
using testing::Contains;
using testing::FromJson;
using testing::Lines;

TEST_CASE("closedloop runs a complaint from filing through tasks to resolution, closure and reopening",
          "[cli]") {
  CliDaemon d;

  const v1::CommandResponse filed = Command(
      d, "file --channel=hotline --customer=cust-7 --request_id=intake-42 'The parcel arrived crushed'");
  const std::string id = filed.complaint_id();
  CHECK(id.rfind("CL-", 0) == 0);
  CHECK(filed.position() > 0);
  CHECK(filed.event_types(0) == "complaint.filed");
  CHECK_FALSE(filed.deduplicated());

  // A retry with the same request id records nothing and names the same complaint.
  testing::CliRun retry =
      d.Run("file --channel=hotline --customer=cust-7 --request_id=intake-42 'The parcel arrived crushed'");
  CHECK(Contains(retry.out, absl::StrCat(id, ": already recorded by this request id")));
  CHECK(Contains(retry.out, absl::StrCat("position ", filed.position())));

  testing::CliRun shown = d.Run(absl::StrCat("show ", id, " --min_position=", filed.position()));
  CHECK(Contains(shown.out, id));
  CHECK(Contains(shown.out, "via hotline"));
  CHECK(Contains(shown.out, "The parcel arrived crushed"));
  CHECK(Contains(shown.out, "cust-7"));
  CHECK(Contains(shown.out, "first_contact"));  // its deadlines table

  // Each command prints the complaint, what it recorded and where.
  auto check_command = [&](const std::string& args, const std::string& event) {
    testing::CliRun run = d.Run(args);
    INFO(run.out);
    CHECK(run.out.rfind(absl::StrCat(id, ": "), 0) == 0);
    CHECK(Contains(run.out, event));
    CHECK(Contains(run.out, "(position "));
  };
  check_command(absl::StrCat("contact ", id, " --method=phone --outcome=reached --summary='Called back'"),
                "complaint.customer_contacted");
  check_command(absl::StrCat("comment ", id, " --author=anna Customer sent photos"),
                "complaint.comment_added");
  check_command(absl::StrCat("task open ", id, " --department=warehouse --due=4h 'Check the packing line'"),
                "complaint.task_opened");
  check_command(absl::StrCat("task respond ", id, " T1 'The packing line was fixed'"),
                "complaint.task_responded");
  check_command(absl::StrCat("task complete ", id, " T1 'Replacement sent'"), "complaint.task_completed");
  check_command(absl::StrCat("resolve ", id, " --remedy=replacement 'Sent a new parcel'"),
                "complaint.resolved");
  check_command(absl::StrCat("close ", id, " --confirmed"), "complaint.closed");
  const v1::CommandResponse reopened =
      Command(d, absl::StrCat("reopen ", id, " The second parcel was crushed too"));
  CHECK(reopened.complaint_id() == id);
  CHECK(reopened.event_types(0) == "complaint.reopened");
  CHECK(reopened.position() > filed.position());

  const v1::ComplaintView view = FromJson<v1::ComplaintView>(
      d.Run(absl::StrCat("show ", id, " --json --min_position=", reopened.position())).out);
  CHECK(view.complaint_id() == id);
  CHECK(view.state() == v1::COMPLAINT_STATE_IN_PROGRESS);
  CHECK(view.customer_reached());
  CHECK(view.reopen_count() == 1);
  CHECK(view.customer_confirmed());
  CHECK(view.resolution().remedy().type() == v1::REMEDY_TYPE_REPLACEMENT);
  REQUIRE(view.tasks_size() == 1);
  CHECK(view.tasks(0).department() == "warehouse");
  CHECK(view.tasks(0).outcome() == "Replacement sent");
  REQUIRE(view.comments_size() == 1);
  CHECK(view.comments(0).visibility() == v1::VISIBILITY_INTERNAL);
  CHECK(view.comments(0).text() == "Customer sent photos");
  CHECK(view.last_position() == reopened.position());

  testing::CliRun page = d.Run(absl::StrCat("show ", id));
  CHECK(Contains(page.out, "T1"));
  CHECK(Contains(page.out, "completed"));
  CHECK(Contains(page.out, "Customer sent photos"));
  CHECK(Contains(page.out, "reopened    1 time(s)"));

  // A command the case's state forbids fails with the server's code and records nothing.
  testing::CliRun refused = d.Run(absl::StrCat("close ", id), 1);
  CHECK(Contains(refused.err, "closedloop: FAILED_PRECONDITION: "));
  d.Stop();
}

TEST_CASE("closedloop list finds a repeat caller's case by order, outside reference or phone number", "[cli]") {
  CliDaemon d;
  const v1::CommandResponse sofa = Command(
      d, "file --channel=hotline --contact='030 1234567' --market=DE --order=O-4711 --external_ref=zd-9 'Sofa leg broken'");
  const v1::CommandResponse other =
      Command(d, "file --channel=hotline --contact='030 7654321' --market=DE --order=O-4712 'Late delivery'");
  const std::string at = absl::StrCat(" --min_position=", other.position());
  for (const char* filter : {"--order=O-4711", "--external_ref=zd-9", "--contact='+49 30 1234567'",
                             "--contact='030 1234567' --market=DE"}) {
    INFO(filter);
    testing::CliRun found = d.Run(absl::StrCat("list ", filter, at));
    CHECK(Contains(found.out, sofa.complaint_id()));
    CHECK_FALSE(Contains(found.out, other.complaint_id()));
  }
}

TEST_CASE("closedloop lists cases and shows the board, deadlines, catalog and metrics", "[cli]") {
  CliDaemon d;
  const v1::CommandResponse first =
      Command(d, "file --channel=hotline --customer=cust-1 'Wrong size delivered'");
  const v1::CommandResponse second =
      Command(d, "file --channel=social --severity=high --customer=cust-2 'Rude courier, posted publicly'");
  const v1::CommandResponse task = Command(
      d,
      absl::StrCat("task open ", first.complaint_id(), " --department=warehouse --due=2h Check the stock"));
  const std::string at = absl::StrCat(" --min_position=", task.position());

  testing::CliRun list = d.Run(absl::StrCat("list", at));
  CHECK(Contains(list.out, first.complaint_id()));
  CHECK(Contains(list.out, second.complaint_id()));
  CHECK(Contains(list.out, "(2 of 2)"));
  testing::CliRun listed = d.Run(absl::StrCat("list --json", at));
  REQUIRE(Lines(listed.out).size() == 2);
  for (const std::string& line : Lines(listed.out)) {
    const v1::ComplaintView c = FromJson<v1::ComplaintView>(line);
    CHECK((c.complaint_id() == first.complaint_id() || c.complaint_id() == second.complaint_id()));
  }
  testing::CliRun social = d.Run(absl::StrCat("list --channel=social", at));
  CHECK(Contains(social.out, second.complaint_id()));
  CHECK_FALSE(Contains(social.out, first.complaint_id()));
  CHECK(Contains(d.Run(absl::StrCat("list --limit=1", at)).out, "(1 of 2)"));

  const v1::ComplaintView view =
      FromJson<v1::ComplaintView>(d.Run(absl::StrCat("show ", first.complaint_id(), " --json", at)).out);
  REQUIRE_FALSE(view.owner().empty());
  testing::CliRun board = d.Run(absl::StrCat("board ", view.owner(), at));
  CHECK(Contains(board.out, absl::StrCat("board of ", view.owner(), ": ")));
  CHECK(Contains(board.out, first.complaint_id()));
  const v1::SuperheroBoard board_json =
      FromJson<v1::SuperheroBoard>(d.Run(absl::StrCat("board ", view.owner(), " --json", at)).out);
  CHECK(board_json.owner() == view.owner());
  CHECK(board_json.open() >= 1);

  testing::CliRun deadlines = d.Run(absl::StrCat("deadlines --window=48h", at));
  CHECK(Contains(deadlines.out, "due within 48h: "));
  CHECK(Contains(deadlines.out, first.complaint_id()));
  CHECK(Contains(deadlines.out, second.complaint_id()));
  CHECK(Contains(deadlines.out, "breached: 0"));
  const v1::DeadlineBoard due =
      FromJson<v1::DeadlineBoard>(d.Run(absl::StrCat("deadlines --json --window=48h", at)).out);
  CHECK(due.due_soon_total() >= 3);  // two first contacts and the task's response, at least
  CHECK(due.position() >= task.position());

  testing::CliRun catalog = d.Run(absl::StrCat("catalog warehouse", at));
  CHECK(Contains(catalog.out, "warehouse"));
  CHECK(Contains(catalog.out, "open tasks"));
  CHECK(Contains(catalog.out, first.complaint_id()));
  CHECK(Contains(catalog.out, "Check the stock"));
  const v1::DepartmentCatalog all =
      FromJson<v1::DepartmentCatalog>(d.Run(absl::StrCat("catalog --json", at)).out);
  CHECK(all.departments_size() >= 1);

  testing::CliRun metrics = d.Run(absl::StrCat("metrics", at));
  CHECK(Contains(metrics.out, "complaints"));
  CHECK(Contains(metrics.out, "social"));
  CHECK(Contains(metrics.out, "one-call resolution"));
  const v1::Metrics figures = FromJson<v1::Metrics>(d.Run(absl::StrCat("metrics --json", at)).out);
  CHECK(figures.complaints() == 2);
  CHECK(figures.position() >= task.position());
  d.Stop();
}

}  // namespace
}  // namespace closedloop
