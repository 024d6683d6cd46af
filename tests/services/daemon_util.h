// Running the real closedloopd from a test: start it on port 0 over a data directory, read its
// stderr, find its port, stop it.
#ifndef CLOSEDLOOP_TESTS_SERVICES_DAEMON_UTIL_H_
#define CLOSEDLOOP_TESTS_SERVICES_DAEMON_UTIL_H_

#include <catch2/catch.hpp>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <string>
#include <vector>

namespace closedloop::testing {

// A child process whose stderr we read.
struct Daemon {
  pid_t pid = -1;
  int stderr_fd = -1;
  std::string output;

  // Reads stderr until `needle` appears or the stream ends; false if it never appears.
  bool ReadUntil(const std::string& needle) {
    while (output.find(needle) == std::string::npos) {
      pollfd p{stderr_fd, POLLIN, 0};
      if (poll(&p, 1, 60000) <= 0) return false;  // a bound, not a wait: a dead daemon ends it
      char buffer[4096];
      ssize_t n = read(stderr_fd, buffer, sizeof buffer);
      if (n <= 0) return false;
      output.append(buffer, n);
    }
    return true;
  }
};

// Starts closedloopd on `data_dir` with `flags`; without a --tokens flag among them, in its
// insecure local mode.
inline Daemon StartDaemon(const std::string& data_dir, std::vector<std::string> flags = {}) {
  flags.insert(flags.begin(), {"closedloopd", "--data_dir=" + data_dir, "--listen=127.0.0.1:0"});
  if (std::none_of(flags.begin(), flags.end(),
                   [](const std::string& f) { return f.rfind("--tokens", 0) == 0; })) {
    flags.push_back("--insecure_local");
  }
  std::vector<char*> argv;
  for (std::string& f : flags) argv.push_back(f.data());
  argv.push_back(nullptr);
  int fds[2];
  REQUIRE(pipe(fds) == 0);
  Daemon d;
  d.pid = fork();
  REQUIRE(d.pid >= 0);
  if (d.pid == 0) {
    dup2(fds[1], STDERR_FILENO);
    close(fds[0]);
    close(fds[1]);
    execv(CLOSEDLOOPD_PATH, argv.data());
    _exit(127);
  }
  close(fds[1]);
  d.stderr_fd = fds[0];
  return d;
}

inline int PortOf(const std::string& output) {
  const std::string marker = "(port ";
  size_t at = output.find(marker);
  REQUIRE(at != std::string::npos);
  return std::stoi(output.substr(at + marker.size()));
}

// Stops `d` with SIGTERM and requires a clean exit.
inline void Stop(Daemon& d) {
  REQUIRE(kill(d.pid, SIGTERM) == 0);
  int status = 0;
  REQUIRE(waitpid(d.pid, &status, 0) == d.pid);
  CHECK(WIFEXITED(status));
  CHECK(WEXITSTATUS(status) == 0);
  close(d.stderr_fd);
}

}  // namespace closedloop::testing

#endif  // CLOSEDLOOP_TESTS_SERVICES_DAEMON_UTIL_H_
