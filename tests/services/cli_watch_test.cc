// The `closedloop` CLI against a real closedloopd: `watch` (a board's live feed, read line by
// line while it runs) and `admin config` (the configuration in force, usable as a --config).
// Nothing sleeps: the watcher's first line is the board as it stands, so a command issued after
// reading it is one the watcher was already connected for.
#include <catch2/catch.hpp>
#include <fstream>
#include <optional>
#include <string>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "closedloop/v1/boards.pb.h"
#include "closedloop/v1/config.pb.h"
#include "closedloop/v1/query_service.pb.h"
#include "closedloop/v1/views.pb.h"
#include "google/protobuf/text_format.h"
#include "google/protobuf/util/message_differencer.h"
#include "tests/services/cli_test_util.h"

namespace closedloop {
namespace {

using testing::CliDaemon;
using testing::Command;
using testing::Contains;
using testing::FromJson;
using testing::Lines;

TEST_CASE("closedloop watch prints the board as it stands, then the change a later command makes", "[cli]") {
  CliDaemon d;
  const v1::CommandResponse filed = Command(d, "file --channel=hotline --customer=cust-1 'Late delivery'");
  const std::string id = filed.complaint_id();
  const std::string owner =
      FromJson<v1::ComplaintView>(
          d.Run(absl::StrCat("show ", id, " --json --min_position=", filed.position())).out)
          .owner();
  REQUIRE_FALSE(owner.empty());

  testing::CliProcess watch(d.dir, absl::StrCat(d.server, " watch ", owner, " --json --count=2"));
  const std::optional<std::string> now = watch.ReadLine();
  REQUIRE(now.has_value());
  const auto first = FromJson<v1::BoardUpdate>(*now);
  REQUIRE(first.has_superhero_board());
  CHECK(first.superhero_board().owner() == owner);
  REQUIRE(first.superhero_board().cases_size() == 1);
  CHECK(first.superhero_board().cases(0).complaint_id() == id);
  CHECK(first.superhero_board().cases(0).severity() == v1::SEVERITY_NORMAL);
  CHECK(first.superhero_board().position() >= filed.position());

  // Issued only now: the update it causes can reach the watcher only over its open stream.
  const v1::CommandResponse triaged = Command(d, absl::StrCat("triage ", id, " --severity=critical"));
  const std::optional<std::string> next = watch.ReadLine();
  INFO(watch.Err());
  REQUIRE(next.has_value());
  const auto second = FromJson<v1::BoardUpdate>(*next);
  REQUIRE(second.has_superhero_board());
  REQUIRE(second.superhero_board().cases_size() == 1);
  CHECK(second.superhero_board().cases(0).severity() == v1::SEVERITY_CRITICAL);
  CHECK(second.superhero_board().position() >= triaged.position());
  // --count=2 was reached: it ends by itself, cleanly, with nothing more printed.
  CHECK_FALSE(watch.ReadLine().has_value());
  CHECK(watch.Wait() == 0);
  CHECK(watch.Err().empty());

  // For people: the deadline board, once (--count=1 is the board as it stands).
  testing::CliRun deadlines = d.Run("watch --window=48h --count=1");
  CHECK(deadlines.out.rfind("-- ", 0) == 0);
  CHECK(Contains(deadlines.out, "due within 48h: "));
  CHECK(Contains(deadlines.out, id));
  testing::CliRun board = d.Run(absl::StrCat("watch ", owner, " --count=1"));
  CHECK(Contains(board.out, absl::StrCat("board of ", owner, ": 1 open")));
  CHECK(Contains(board.out, "critical"));
  d.Stop();
}

TEST_CASE("closedloop watch refuses a bad board with the server's code, and a malformed command line with 2",
          "[cli]") {
  CliDaemon d;
  testing::CliRun no_owner = d.Run("watch '' --count=1", 1);
  CHECK(no_owner.err.rfind("closedloop: INVALID_ARGUMENT: ", 0) == 0);
  CHECK(no_owner.out.empty());
  testing::CliRun wide = d.Run("watch --window=1000h --count=1", 1);
  CHECK(wide.err.rfind("closedloop: INVALID_ARGUMENT: ", 0) == 0);
  // No server: the stream cannot start.
  testing::CliRun down = testing::RunCli(d.dir, "--server=127.0.0.1:1 watch anna --count=1");
  CHECK(down.code == 1);
  CHECK(down.err.rfind("closedloop: UNAVAILABLE: ", 0) == 0);

  for (const auto& [args, why] : std::vector<std::pair<std::string, std::string>>{
           {"watch anna --window=1h", "--window is for the deadline board"},
           {"watch anna bob", "unexpected argument \"bob\""},
           {"watch anna --count=all", "--count: expected a non-negative number"},
           {"watch --window=soon", "--window"},
           {"watch anna --min_position=3", "unknown option --min_position"}}) {
    testing::CliRun run = testing::RunCli(d.dir, absl::StrCat("--server=127.0.0.1:1 ", args));
    INFO(args << "\n" << run.err);
    CHECK(run.code == 2);
    CHECK(run.out.empty());
    CHECK(Contains(run.err, why));
  }
  d.Stop();
}

TEST_CASE("closedloop admin config prints the configuration in force, which a daemon accepts as --config",
          "[cli]") {
  CliDaemon d;
  const auto applied = FromJson<v1::ConfigApplied>(d.Run("admin config --json").out);
  CHECK(applied.version() == applied.config().sla_policy().version());
  CHECK_FALSE(applied.version().empty());
  CHECK(applied.sha256().size() == 32);
  CHECK(applied.config().directory().departments_size() > 0);

  // Text: a comment naming version and hash, then the Config itself.
  const std::string text = d.Run("admin config").out;
  CHECK(text.rfind(absl::StrCat("# the configuration in force: version ", applied.version(), ", sha256 ",
                                absl::BytesToHexString(applied.sha256()), "\n"),
                   0) == 0);
  v1::Config parsed;
  REQUIRE(google::protobuf::TextFormat::ParseFromString(text, &parsed));
  CHECK(google::protobuf::util::MessageDifferencer::Equals(parsed, applied.config()));

  // A daemon given that text as its --config is in force with the same configuration, hash and all.
  const std::string file = d.dir.Sub("in-force.textpb");
  std::ofstream(file) << text;
  CliDaemon copy({"--config=" + file});
  const auto reapplied = FromJson<v1::ConfigApplied>(copy.Run("admin config --json").out);
  CHECK(reapplied.sha256() == applied.sha256());
  CHECK(reapplied.version() == applied.version());
  copy.Stop();

  testing::CliRun extra = testing::RunCli(d.dir, "--server=127.0.0.1:1 admin config now");
  CHECK(extra.code == 2);
  CHECK(Contains(extra.err, "unexpected argument \"now\""));
  d.Stop();
}

}  // namespace
}  // namespace closedloop
