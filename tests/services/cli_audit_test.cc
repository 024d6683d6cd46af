// The `closedloop` CLI against a real closedloopd: the auditor's subcommands (history as of a
// past point, verify, export, read-all, read-stream), the operator's (health, admin backup),
// --help, usage errors (exit 2) and calls the server refuses (exit 1, the code named).
#include <catch2/catch.hpp>
#include <string>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "closedloop/v1/audit_service.pb.h"
#include "closedloop/v1/complaint_service.pb.h"
#include "closedloop/v1/event.pb.h"
#include "closedloop/v1/views.pb.h"
#include "google/protobuf/struct.pb.h"
#include "tests/services/cli_test_util.h"

namespace closedloop {
namespace {

using testing::CliDaemon;
using testing::Command;
using testing::Contains;
using testing::FromJson;
using testing::Lines;

TEST_CASE("closedloop audit shows a case's history as of a past position, verifies and exports the log",
          "[cli]") {
  CliDaemon d;
  const v1::CommandResponse filed = Command(d, "file --channel=web --customer=cust-3 Refund never arrived");
  const std::string id = filed.complaint_id();
  Command(d, absl::StrCat("contact ", id, " --method=email --outcome=reached"));
  const v1::CommandResponse commented =
      Command(d, absl::StrCat("comment ", id, " --author=farid 'Asked payments to check'"));

  // As of the filing: only what the filing recorded, and the state it left.
  testing::CliRun then = d.Run(absl::StrCat("audit history ", id, " --as_of=", filed.position()));
  CHECK(Contains(then.out, "complaint.filed"));
  CHECK(Contains(then.out, "complaint, open"));
  CHECK_FALSE(Contains(then.out, "complaint.customer_contacted"));
  CHECK_FALSE(Contains(then.out, "complaint.comment_added"));
  // Now (a time: zero from now), everything, with each event's own fields.
  testing::CliRun now = d.Run(absl::StrCat("audit history ", id, " --as-of=0s"));
  CHECK(Contains(now.out, "complaint, in_progress"));
  CHECK(Contains(now.out, "complaint.comment_added"));
  CHECK(Contains(now.out, "Asked payments to check"));
  // Before it was filed it did not exist.
  testing::CliRun before = d.Run(absl::StrCat("audit history ", id, " --as_of=2000-01-01T00:00:00Z"), 1);
  CHECK(Contains(before.err, "closedloop: NOT_FOUND: "));

  // --json: the case, then one event a line, each with its decoded data.
  const std::vector<std::string> history =
      Lines(d.Run(absl::StrCat("audit history ", id, " --json --min_position=", commented.position())).out);
  REQUIRE(history.size() >= 4);
  const auto head = FromJson<google::protobuf::Struct>(history.front());
  CHECK(head.fields().at("complaint").struct_value().fields().at("complaint_id").string_value() == id);
  for (size_t i = 1; i < history.size(); ++i) {
    const auto line = FromJson<google::protobuf::Struct>(history[i]);
    CHECK(line.fields().at("event").struct_value().fields().at("stream").string_value() ==
          absl::StrCat("complaint-", id));
    CHECK(line.fields().at("data").has_struct_value());
  }
  CHECK(Contains(history.back(), "comment_added"));

  testing::CliRun verified = d.Run("audit verify");
  const std::string marker = "head hash: ";
  REQUIRE(Contains(verified.out, marker));
  const std::string head_hash = verified.out.substr(verified.out.find(marker) + marker.size(), 64);
  CHECK(verified.out.rfind("chain verified from 1 to ", 0) == 0);
  CHECK(head_hash.find_first_not_of("0123456789abcdef") == std::string::npos);
  const auto verification = FromJson<v1::VerifyChainResponse>(d.Run("audit verify --json --from=1").out);
  CHECK(verification.ok());
  CHECK(verification.verified_to() >= commented.position());

  // Three events a call, so the export must page; it ends at the verified head, hash included.
  const std::vector<std::string> log = Lines(d.Run("audit export --page_size=3").out);
  REQUIRE(log.size() >= verification.verified_to());
  for (size_t i = 0; i < log.size(); ++i) {
    const v1::RecordedEvent e = FromJson<v1::RecordedEvent>(log[i]);
    CHECK(e.position() == i + 1);
    if (e.position() == verification.verified_to()) {
      CHECK(absl::BytesToHexString(e.hash()) == head_hash);
    }
  }
  const std::vector<std::string> stream =
      Lines(d.Run(absl::StrCat("audit export complaint-", id, " --page_size=2")).out);
  REQUIRE(stream.size() == commented.revision());
  for (size_t i = 0; i < stream.size(); ++i) {
    const v1::RecordedEvent e = FromJson<v1::RecordedEvent>(stream[i]);
    CHECK(e.stream() == absl::StrCat("complaint-", id));
    CHECK(e.revision() == i + 1);
  }

  CHECK(Contains(d.Run("audit read-all --limit=2").out, "(2 events; head at "));
  testing::CliRun read = d.Run(absl::StrCat("audit read-stream complaint-", id, " --json --limit=1"));
  REQUIRE(Lines(read.out).size() == 1);
  CHECK(FromJson<v1::RecordedEvent>(read.out).type() == "complaint.filed");
  d.Stop();
}

TEST_CASE("closedloop health and admin backup reach a running daemon, and refusals name the gRPC code",
          "[cli]") {
  CliDaemon d;
  CHECK(d.Run("health").out == "SERVING\n");
  CHECK(d.Run("health --json").out == "{\"status\":\"SERVING\"}\n");

  testing::CliRun backup = d.Run(absl::StrCat("admin backup ", d.dir.Sub("copy")));
  CHECK(backup.out.rfind(absl::StrCat("backup in ", d.dir.Sub("copy"), ": every event up to position "), 0) ==
        0);
  testing::CliRun again = d.Run(absl::StrCat("admin backup ", d.dir.Sub("copy")), 1);
  CHECK(again.err.rfind("closedloop: ALREADY_EXISTS: ", 0) == 0);
  CHECK(Lines(again.err).size() == 1);

  testing::CliRun missing = d.Run("show CL-999999", 1);
  CHECK(missing.err.rfind("closedloop: NOT_FOUND: ", 0) == 0);
  CHECK(missing.out.empty());
  const v1::CommandResponse filed = Command(d, "file --channel=store --customer=cust-9 Broken shelf");
  testing::CliRun early =
      d.Run(absl::StrCat("resolve ", filed.complaint_id(), " --remedy=apology Fixed it"), 1);
  CHECK(early.err.rfind("closedloop: FAILED_PRECONDITION: ", 0) == 0);
  testing::CliRun empty =
      d.Run(absl::StrCat("comment ", filed.complaint_id(), " --author=anna --visibility=public ''"), 1);
  CHECK(empty.err.rfind("closedloop: INVALID_ARGUMENT: ", 0) == 0);
  d.Stop();
}

TEST_CASE("closedloop prints each subcommand's --help and refuses a malformed command line with status 2",
          "[cli]") {
  testing::TempDir dir;
  testing::CliRun help = testing::RunCli(dir, "file --help");
  CHECK(help.code == 0);
  CHECK(help.out.rfind("Usage: closedloop file [OPTIONS] TEXT...", 0) == 0);
  CHECK(Contains(help.out, "--channel=CHANNEL"));
  CHECK(Contains(help.out, "--request_id=ID"));
  CHECK(Contains(help.out, "--tls_ca=FILE"));
  CHECK(Contains(testing::RunCli(dir, "audit history --help").out, "--as_of=TIME|POSITION"));
  testing::CliRun group = testing::RunCli(dir, "task --help");
  CHECK(group.code == 0);
  CHECK(Contains(group.out, "task open"));
  CHECK(Contains(group.out, "task complete"));
  testing::CliRun overview = testing::RunCli(dir, "--help");
  CHECK(overview.code == 0);
  for (const char* subcommand : {"file", "show", "list", "board", "deadlines", "catalog", "metrics",
                                 "comment", "contact", "task respond", "resolve", "close", "reopen",
                                 "audit history", "audit verify", "audit export", "admin backup", "health",
                                 "triage", "assign", "escalate", "redirect", "link", "survey", "customer",
                                 "watch", "problem open", "problem action", "problem complete-action",
                                 "problem fixed", "problem verify", "problems", "admin config"}) {
    CHECK(Contains(overview.out, absl::StrCat("  ", subcommand, " ")));
  }

  // Each refusal is on stderr, names what is wrong, and no call is made (no server runs).
  auto refused = [&](const std::string& args, const std::string& why) {
    testing::CliRun run = testing::RunCli(dir, absl::StrCat("--server=127.0.0.1:1 ", args));
    INFO(args << "\n" << run.err);
    CHECK(run.code == 2);
    CHECK(run.out.empty());
    CHECK(Contains(run.err, why));
  };
  refused("", "Usage: closedloop");
  refused("frobnicate", "unknown subcommand \"frobnicate\"");
  refused("task", "task open");
  refused("file 'No channel given'", "--channel is required");
  refused("file --channel=fax 'Wrong channel'", "unknown value \"fax\" (one of hotline, social");
  refused("show", "missing COMPLAINT-ID");
  refused("show CL-1 CL-2", "unexpected argument \"CL-2\"");
  refused("list --bogus=1", "unknown option --bogus");
  refused("list --limit=many", "--limit: expected a non-negative number");
  refused("task open CL-1 --department=warehouse --due=someday Check", "--due: expected a time");
  refused("show CL-1 --min_position", "--min_position needs a value");
  refused("show CL-1 --tls_ca=/nonexistent/ca.pem", "--tls_ca: cannot read /nonexistent/ca.pem");
}

}  // namespace
}  // namespace closedloop
