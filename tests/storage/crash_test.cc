// The crash test: a child process appends from several threads and reports each acknowledged
// append to the parent through a pipe; the parent SIGKILLs it at a random moment, reopens the
// log and checks that nothing acknowledged was lost, nothing was torn, positions have no gaps
// and the hash chain verifies. Repeated over many cycles on the same log.
#include <poll.h>
#include <signal.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <climits>
#include <cstdint>
#include <cstring>
#include <map>
#include <memory>
#include <random>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include <catch2/catch.hpp>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "storage/event_log.h"
#include "tests/temp_dir.h"

namespace closedloop::storage {
namespace {

using closedloop::testing::TempDir;

constexpr int kCycles = 25;
constexpr uint32_t kChildThreads = 4;
constexpr int kStreams = 10;
constexpr int kMaxAcksBeforeKill = 300;
// The child never stops on its own in practice; this bound only keeps it finite.
constexpr uint32_t kChildAppendBound = 1'000'000;
constexpr absl::Duration kPatience = absl::Seconds(20);

// What the child reports for each acknowledged append: one write() to a pipe, so atomic.
struct Ack {
  uint32_t cycle;
  uint32_t thread;
  uint32_t n;
  uint32_t count;
  uint64_t first_position;
  uint64_t last_position;
};
static_assert(sizeof(Ack) <= PIPE_BUF);

std::string RequestId(uint32_t cycle, uint32_t thread, uint32_t n) {
  return absl::StrCat("c", cycle, "-t", thread, "-", n);
}

// The child's n-th append on `thread`. Deterministic, so that the parent can rebuild it. Each
// event's payload is "<request_id>/<index>/<count>".
AppendRequest ChildRequest(uint32_t cycle, uint32_t thread, uint32_t n) {
  AppendRequest request;
  request.request_id = RequestId(cycle, thread, n);
  request.stream = "stream-" + std::to_string((cycle + thread * 7 + n * 3) % kStreams);
  const uint32_t count = 1 + (cycle * 7 + thread * 3 + n) % 5;
  for (uint32_t i = 0; i < count; ++i) {
    ProposedEvent& event = request.events.emplace_back();
    event.set_type("crash.appended");
    event.set_payload(request.request_id + "/" + std::to_string(i) + "/" + std::to_string(count));
  }
  return request;
}

// Runs in the forked child: appends until killed. Never returns into Catch2.
[[noreturn]] void RunChild(const std::string& path, uint32_t cycle, int ack_fd) {
  EventLogOptions options;
  options.path = path;
  absl::StatusOr<std::unique_ptr<EventLog>> opened = EventLog::Open(std::move(options));
  if (!opened.ok()) _exit(10);
  EventLog& log = **opened;
  std::vector<std::thread> threads;
  for (uint32_t t = 0; t < kChildThreads; ++t) {
    threads.emplace_back([&log, cycle, ack_fd, t] {
      for (uint32_t n = 0; n < kChildAppendBound; ++n) {
        AppendRequest request = ChildRequest(cycle, t, n);
        const uint32_t count = static_cast<uint32_t>(request.events.size());
        absl::StatusOr<AppendResult> result = log.Append(std::move(request));
        if (!result.ok() || result->deduplicated) _exit(11);
        const Ack ack{cycle, t, n, count, result->first_position, result->last_position};
        if (write(ack_fd, &ack, sizeof ack) != static_cast<ssize_t>(sizeof ack)) _exit(12);
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  _exit(0);
}

// Reads whole Acks from the pipe's read end.
class AckReader {
 public:
  explicit AckReader(int fd) : fd_(fd) {}

  // Reads what is available, waiting until `deadline` for something. False on EOF or timeout.
  bool ReadSome(absl::Time deadline, std::vector<Ack>& out) {
    pollfd p{fd_, POLLIN, 0};
    const int64_t wait_ms = std::max<int64_t>(0, absl::ToInt64Milliseconds(deadline - absl::Now()));
    const int ready = poll(&p, 1, static_cast<int>(wait_ms));
    if (ready < 0 && errno == EINTR) return true;
    if (ready <= 0) return false;
    return ReadOnce(out);
  }

  // After the writer is gone: everything left in the pipe.
  void ReadToEnd(std::vector<Ack>& out) {
    while (ReadOnce(out)) {
    }
  }

  size_t leftover_bytes() const { return buffer_.size(); }

 private:
  bool ReadOnce(std::vector<Ack>& out) {
    char chunk[4096];
    const ssize_t n = read(fd_, chunk, sizeof chunk);
    if (n < 0 && errno == EINTR) return true;
    if (n <= 0) return false;
    buffer_.append(chunk, static_cast<size_t>(n));
    size_t offset = 0;
    for (; buffer_.size() - offset >= sizeof(Ack); offset += sizeof(Ack)) {
      Ack ack;
      std::memcpy(&ack, buffer_.data() + offset, sizeof ack);
      out.push_back(ack);
    }
    buffer_.erase(0, offset);
    return true;
  }

  int fd_;
  std::string buffer_;
};

// Forks a child that appends to the log at `path`, kills it after `acks_wanted` acks, and
// returns every ack it sent.
std::vector<Ack> RunAndKillChild(const std::string& path, uint32_t cycle, size_t acks_wanted) {
  int fds[2];
  REQUIRE(pipe(fds) == 0);
  const pid_t pid = fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    close(fds[0]);
    RunChild(path, cycle, fds[1]);
  }
  close(fds[1]);

  std::vector<Ack> acks;
  AckReader reader(fds[0]);
  const absl::Time deadline = absl::Now() + kPatience;
  bool stream_open = true;
  while (acks.size() < acks_wanted && stream_open) stream_open = reader.ReadSome(deadline, acks);
  const size_t acks_before_kill = acks.size();

  REQUIRE(kill(pid, SIGKILL) == 0);
  int status = 0;
  REQUIRE(waitpid(pid, &status, 0) == pid);
  reader.ReadToEnd(acks);  // acknowledged before the kill, too
  close(fds[0]);

  INFO("cycle " << cycle << ": child status " << status << ", exit code "
                << (WIFEXITED(status) ? WEXITSTATUS(status) : -1) << ", acks " << acks_before_kill
                << " of " << acks_wanted);
  REQUIRE(WIFSIGNALED(status));
  REQUIRE(WTERMSIG(status) == SIGKILL);
  REQUIRE(acks_before_kill >= acks_wanted);
  REQUIRE(reader.leftover_bytes() == 0);
  return acks;
}

struct Part {
  std::string request_id;
  uint32_t index = 0;
  uint32_t count = 0;
};

bool ParsePayload(const std::string& payload, Part& part) {
  std::vector<std::string> fields = absl::StrSplit(payload, '/');
  if (fields.size() != 3 || fields[0].empty()) return false;
  part.request_id = fields[0];
  return absl::SimpleAtoi(fields[1], &part.index) && absl::SimpleAtoi(fields[2], &part.count);
}

std::vector<RecordedEvent> ReadWholeLog(EventLog& log) {
  std::vector<RecordedEvent> events;
  uint64_t from = 1;
  while (from <= log.HeadPosition()) {
    absl::StatusOr<ReadAllResult> page = log.ReadAll(from, 10000, EventFilter{}, 10000);
    REQUIRE(page.ok());
    REQUIRE(page->next_position > from);
    for (RecordedEvent& e : page->events) events.push_back(std::move(e));
    from = page->next_position;
  }
  return events;
}

// Reopens the log after a crash and checks everything the crash must not have broken.
// Returns the recovered head.
uint64_t CheckRecoveredLog(const std::string& path, const std::vector<Ack>& acks,
                       const std::vector<Ack>& acks_this_cycle) {
  EventLogOptions options;
  options.path = path;
  absl::StatusOr<std::unique_ptr<EventLog>> opened = EventLog::Open(options);
  INFO(opened.status().ToString());
  REQUIRE(opened.ok());
  EventLog& log = **opened;
  const uint64_t head = log.HeadPosition();

  // Positions 1..head without gaps.
  std::vector<RecordedEvent> events = ReadWholeLog(log);
  REQUIRE(events.size() == head);
  for (uint64_t i = 0; i < head; ++i) {
    if (events[i].position() != i + 1) FAIL("position " << i + 1 << " holds " << events[i].position());
  }

  // No torn append: every request's parts are all there, contiguous, in order, in one stream,
  // at consecutive revisions. Stream revisions have no gaps.
  std::set<std::string> seen_requests;
  std::map<std::string, uint64_t> stream_revisions;
  for (uint64_t i = 0; i < head;) {
    Part first;
    if (!ParsePayload(events[i].payload(), first) || first.index != 0 || first.count == 0) {
      FAIL("position " << i + 1 << " does not start an append: '" << events[i].payload() << "'");
    }
    if (!seen_requests.insert(first.request_id).second) {
      FAIL("request " << first.request_id << " was written twice");
    }
    for (uint32_t k = 0; k < first.count; ++k, ++i) {
      Part part;
      if (i >= head) FAIL("request " << first.request_id << " is torn: it ends at the head");
      const RecordedEvent& e = events[i];
      if (!ParsePayload(e.payload(), part) || part.request_id != first.request_id ||
          part.index != k || part.count != first.count || e.request_id() != first.request_id ||
          e.stream() != events[i - k].stream()) {
        FAIL("request " << first.request_id << " is torn at position " << i + 1 << ": '"
                        << e.payload() << "'");
      }
      if (e.revision() != ++stream_revisions[e.stream()]) {
        FAIL("stream " << e.stream() << " has revision " << e.revision() << " at position " << i + 1);
      }
    }
  }

  // Every acknowledged append (of every cycle so far) is there, at its positions.
  for (const Ack& ack : acks) {
    const std::string id = RequestId(ack.cycle, ack.thread, ack.n);
    if (ack.last_position > head || ack.last_position - ack.first_position + 1 != ack.count) {
      FAIL("acknowledged " << id << " at " << ack.first_position << ".." << ack.last_position
                           << " is lost; head " << head);
    }
    for (uint64_t p = ack.first_position; p <= ack.last_position; ++p) {
      if (events[p - 1].request_id() != id) {
        FAIL("acknowledged " << id << " expected at " << p << " but found "
                             << events[p - 1].request_id());
      }
    }
  }

  absl::StatusOr<ChainVerification> chain = log.VerifyChain(0, 0);
  REQUIRE(chain.ok());
  INFO(chain->problem);
  REQUIRE(chain->ok);
  REQUIRE(chain->verified_to == head);

  // The receipts survived too: retrying an acknowledged append writes nothing.
  const Ack& last = acks_this_cycle.back();
  absl::StatusOr<AppendResult> retry = log.Append(ChildRequest(last.cycle, last.thread, last.n));
  REQUIRE(retry.ok());
  REQUIRE(retry->deduplicated);
  REQUIRE(retry->first_position == last.first_position);
  REQUIRE(retry->last_position == last.last_position);
  REQUIRE(log.HeadPosition() == head);
  return head;
}  // the log closes here, before the next fork

TEST_CASE("after SIGKILL at random moments every acknowledged append survives whole and the chain verifies") {
  TempDir dir;
  const std::string path = dir.Sub("log");
  std::mt19937 rng(20240611);
  std::uniform_int_distribution<size_t> acks_before_kill(1, kMaxAcksBeforeKill);
  std::vector<Ack> all_acks;
  uint64_t last_head = 0;
  for (uint32_t cycle = 0; cycle < static_cast<uint32_t>(kCycles); ++cycle) {
    // No log is open and no thread of ours runs here: fork copies only this thread.
    std::vector<Ack> acks = RunAndKillChild(path, cycle, acks_before_kill(rng));
    all_acks.insert(all_acks.end(), acks.begin(), acks.end());
    INFO("cycle " << cycle);
    const uint64_t head = CheckRecoveredLog(path, all_acks, acks);
    REQUIRE(head >= last_head + acks.size());  // the log only grows, by at least the acks
    last_head = head;
  }
  CHECK(all_acks.size() >= static_cast<size_t>(kCycles));
}

}  // namespace
}  // namespace closedloop::storage
