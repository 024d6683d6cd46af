// Driving the real `closedloop` binary against the real closedloopd: run it through the shell,
// keep its exit status, stdout and stderr apart, and read its --json lines back as messages.
#ifndef CLOSEDLOOP_TESTS_SERVICES_CLI_TEST_UTIL_H_
#define CLOSEDLOOP_TESTS_SERVICES_CLI_TEST_UTIL_H_

#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <optional>
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

// A `closedloop` left running (`watch`): its stdout read line by line as it prints, so a test
// can act on what it has seen so far. Killed on destruction if it is still running.
class CliProcess {
 public:
  CliProcess(const TempDir& dir, const std::string& args) : err_path_(dir.Sub("cli-process.err")) {
    const std::string command = absl::StrCat("exec ", CLOSEDLOOP_CLI_PATH, " ", args, " 2>", err_path_);
    int fds[2];
    REQUIRE(pipe(fds) == 0);
    pid_ = fork();
    REQUIRE(pid_ >= 0);
    if (pid_ == 0) {
      dup2(fds[1], STDOUT_FILENO);
      close(fds[0]);
      close(fds[1]);
      execl("/bin/sh", "sh", "-c", command.c_str(), static_cast<char*>(nullptr));
      _exit(127);
    }
    close(fds[1]);
    fd_ = fds[0];
  }
  ~CliProcess() {
    if (pid_ > 0) {
      kill(pid_, SIGKILL);
      waitpid(pid_, nullptr, 0);
    }
    close(fd_);
  }
  CliProcess(const CliProcess&) = delete;
  CliProcess& operator=(const CliProcess&) = delete;

  // The next line it prints, without the newline; nullopt when its stdout ended first, or
  // when it printed nothing for a minute (a bound, not a wait: a hung test fails).
  std::optional<std::string> ReadLine() {
    size_t end;
    while ((end = buffer_.find('\n')) == std::string::npos) {
      pollfd p{fd_, POLLIN, 0};
      if (poll(&p, 1, 60000) <= 0) return std::nullopt;
      char chunk[4096];
      const ssize_t n = read(fd_, chunk, sizeof chunk);
      if (n <= 0) return std::nullopt;
      buffer_.append(chunk, static_cast<size_t>(n));
    }
    std::string line = buffer_.substr(0, end);
    buffer_.erase(0, end + 1);
    return line;
  }

  // Waits for it to exit by itself; its exit status.
  int Wait() {
    int status = 0;
    REQUIRE(waitpid(pid_, &status, 0) == pid_);
    pid_ = -1;
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  }
  std::string Err() const { return Slurp(err_path_); }

 private:
  std::string err_path_;
  pid_t pid_ = -1;
  int fd_ = -1;
  std::string buffer_;
};

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
