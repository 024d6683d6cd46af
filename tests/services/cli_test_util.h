// Driving the real `closedloop` binary against the real closedloopd: run it through the shell,
// keep its exit status, stdout and stderr apart, and read its --json lines back as messages.
#ifndef CLOSEDLOOP_TESTS_SERVICES_CLI_TEST_UTIL_H_
#define CLOSEDLOOP_TESTS_SERVICES_CLI_TEST_UTIL_H_

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "closedloop/v1/complaint_service.pb.h"
#include "google/protobuf/util/json_util.h"
#include "tests/services/daemon_util.h"
#include "tests/temp_dir.h"

namespace closedloop::testing {

struct CliRun {
  int code = -1;
  std::string out;
  std::string err;
};

inline std::string Slurp(const std::string& path) {
  std::ifstream file(path);
  return std::string(std::istreambuf_iterator<char>(file), {});
}

// Runs `closedloop <args>` (shell words: quote free text) and waits for it to exit.
inline CliRun RunCli(const TempDir& dir, const std::string& args) {
  const std::string out = dir.Sub("cli.out");
  const std::string err = dir.Sub("cli.err");
  const int status = std::system(absl::StrCat(CLOSEDLOOP_CLI_PATH, " ", args, " >", out, " 2>", err).c_str());
  CliRun run;
  run.code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  run.out = Slurp(out);
  run.err = Slurp(err);
  return run;
}

// A closedloopd over a fresh data directory, ready for calls.
struct CliDaemon {
  TempDir dir;
  Daemon daemon;
  std::string server;  // "--server=127.0.0.1:PORT"
  bool stopped = false;

  // `flags` go to closedloopd; without --tokens among them it runs in its insecure local mode.
  explicit CliDaemon(std::vector<std::string> flags = {}) {
    daemon = StartDaemon(dir.Sub("data"), std::move(flags));
    REQUIRE(daemon.ReadUntil("views resume after position"));
    server = absl::StrCat("--server=127.0.0.1:", PortOf(daemon.output));
  }
  // A test that failed before Stop() must not leave the daemon running (it would hold the
  // test runner's stdout open, and its port).
  ~CliDaemon() {
    if (stopped) return;
    kill(daemon.pid, SIGKILL);
    waitpid(daemon.pid, nullptr, 0);
    close(daemon.stderr_fd);
  }
  CliDaemon(const CliDaemon&) = delete;
  CliDaemon& operator=(const CliDaemon&) = delete;

  // Stops the daemon with SIGTERM and requires a clean exit.
  void Stop() {
    stopped = true;
    testing::Stop(daemon);
  }

  // Runs the CLI against this daemon; the run must exit with `expected_code`.
  CliRun Run(const std::string& args, int expected_code = 0) {
    CliRun run = RunCli(dir, absl::StrCat(server, " ", args));
    INFO("closedloop " << args << "\nstdout:\n" << run.out << "stderr:\n" << run.err);
    REQUIRE(run.code == expected_code);
    return run;
  }
};

// The non-empty lines of `text`.
inline std::vector<std::string> Lines(const std::string& text) {
  return absl::StrSplit(text, '\n', absl::SkipEmpty());
}

// One line of --json output as `Message`; the test fails when it does not parse.
template <typename Message>
Message FromJson(const std::string& line) {
  Message message;
  INFO(line);
  REQUIRE(google::protobuf::util::JsonStringToMessage(line, &message).ok());
  return message;
}

// Runs a command subcommand with --json against `d`; its response, the only line it prints.
inline v1::CommandResponse Command(CliDaemon& d, const std::string& args) {
  CliRun run = d.Run(absl::StrCat("--json ", args));
  REQUIRE(Lines(run.out).size() == 1);
  return FromJson<v1::CommandResponse>(run.out);
}

inline bool Contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

}  // namespace closedloop::testing

#endif  // CLOSEDLOOP_TESTS_SERVICES_CLI_TEST_UTIL_H_
