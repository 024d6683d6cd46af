#include "services/timer_service.h"

#include <algorithm>
#include <cstdio>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"

namespace closedloop::services {
namespace {

// Index entries read per scan.
constexpr size_t kPage = 1000;
// The first key after every timer key.
constexpr char kTimerKeysEnd[] = "due0";

void Log(const std::string& message) {
  std::fprintf(stderr, "closedloopd: timers: %s\n", message.c_str());
}

// Errors that say the log itself cannot be used right now: the pass stops and is retried.
bool StopsThePass(const absl::Status& status) {
  return status.code() == absl::StatusCode::kUnavailable ||
         status.code() == absl::StatusCode::kDataLoss ||
         status.code() == absl::StatusCode::kInternal;
}

}  // namespace

v1::Actor TimerActor() {
  v1::Actor actor;
  actor.set_principal("timer-service");
  actor.set_role("system");
  return actor;
}

std::string TimerRequestId(const TimerEntry& entry) {
  return absl::StrCat("timer/", entry.complaint_id, "/", entry.timer_id, "/",
                      absl::ToUnixMicros(entry.at));
}

TimerService::TimerService(storage::EventLog& log, ComplaintCommands& commands,
                           std::function<absl::Time()> clock, absl::Duration max_sleep)
    : log_(log), commands_(commands), clock_(std::move(clock)), max_sleep_(max_sleep) {}

TimerService::~TimerService() { Stop(); }

void TimerService::Start() {
  absl::MutexLock lock(&mu_);
  if (loop_.joinable() || stopping_) return;
  loop_ = std::thread([this] { Loop(); });
}

void TimerService::Stop() {
  {
    absl::MutexLock lock(&mu_);
    stopping_ = true;
    wake_.Signal();
  }
  if (loop_.joinable()) loop_.join();
}

void TimerService::Wake(absl::Time at) {
  absl::MutexLock lock(&mu_);
  // Not yet sleeping (a pass is running), or sleeping past `at`: look again right away.
  if (!planned_wake_ || at < *planned_wake_) {
    woken_ = true;
    wake_.Signal();
  }
}

void TimerService::Loop() {
  for (;;) {
    {
      absl::MutexLock lock(&mu_);
      if (stopping_) return;
      woken_ = false;
      planned_wake_.reset();
    }
    absl::StatusOr<Pass> pass = FireDue();
    absl::Duration sleep = max_sleep_;
    const absl::Time now = clock_();
    if (!pass.ok()) {
      Log(absl::StrCat("pass stopped, retrying: ", pass.status().ToString()));
    } else if (absl::StatusOr<std::optional<TimerEntry>> next = Next(); next.ok() && *next) {
      // An entry still due right after a pass that fired nothing is one that conflicted with
      // another writer; retry it after a pause rather than spinning.
      const absl::Duration until = (*next)->at - now;
      if (until > absl::ZeroDuration() || pass->fired > 0) {
        sleep = std::clamp(until, absl::ZeroDuration(), max_sleep_);
      }
    }
    absl::MutexLock lock(&mu_);
    planned_wake_ = now + sleep;
    if (!woken_ && !stopping_) wake_.WaitWithTimeout(&mu_, sleep);
  }
}

absl::StatusOr<std::optional<TimerEntry>> TimerService::Next() {
  absl::MutexLock lock(&pass_mu_);
  absl::StatusOr<std::vector<std::pair<std::string, std::string>>> first =
      log_.ScanIndex(kTimerKeyPrefix, kTimerKeysEnd, stale_.size() + 1);
  if (!first.ok()) return first.status();
  for (const auto& [key, value] : *first) {
    if (stale_.contains(key)) continue;
    return ParseTimerKey(key);
  }
  return std::nullopt;
}

absl::StatusOr<TimerService::Pass> TimerService::FireDue() {
  absl::MutexLock lock(&pass_mu_);
  Pass pass;
  pass.now = clock_();
  const std::string end = TimerKeyAfter(pass.now);
  // `queue` holds due keys read so far plus those the pass's own firings scheduled; a key is
  // fired only once every index key before it has been read, so firings go in due order.
  std::set<std::string> queue;
  std::string cursor = kTimerKeyPrefix;
  bool read_all = false;
  for (;;) {
    if (!read_all && (queue.empty() || *queue.begin() >= cursor)) {
      absl::StatusOr<std::vector<std::pair<std::string, std::string>>> page =
          log_.ScanIndex(cursor, end, kPage);
      if (!page.ok()) return page.status();
      for (const auto& [key, value] : *page) {
        if (!stale_.contains(key)) queue.insert(key);
      }
      read_all = page->size() < kPage;
      if (!read_all) cursor = page->back().first + '\0';
      continue;
    }
    if (queue.empty()) break;
    const std::string key = *queue.begin();
    queue.erase(queue.begin());
    std::optional<TimerEntry> entry = ParseTimerKey(key);
    if (!entry) {
      Log(absl::StrCat("ignoring malformed index key '", key, "'"));
      stale_.insert(key);
      ++pass.skipped;
      continue;
    }
    if (absl::Status fired = Fire(*entry, end, queue, pass); !fired.ok()) return fired;
  }
  return pass;
}

absl::Status TimerService::Fire(const TimerEntry& entry, const std::string& end,
                                std::set<std::string>& queue, Pass& pass) {
  const std::string key = TimerKey(entry);
  absl::StatusOr<CommandResult> result =
      commands_.Run(entry.complaint_id, domain::FireDeadline{entry.timer_id, entry.at},
                    TimerActor(), TimerRequestId(entry));
  if (!result.ok()) {
    if (StopsThePass(result.status())) return result.status();
    ++pass.skipped;
    // ABORTED: another writer kept changing the case; the next pass tries again.
    if (result.status().code() == absl::StatusCode::kAborted) return absl::OkStatus();
    Log(absl::StrCat(key, ": ", result.status().ToString(), "; skipped"));
    // A deadline the case does not have can never fire; anything else is tried again.
    if (result.status().code() == absl::StatusCode::kNotFound) stale_.insert(key);
    return absl::OkStatus();
  }
  if (result->events.empty() && !result->deduplicated) {
    Log(absl::StrCat(key, ": nothing to do, but the entry is still indexed; skipped"));
    stale_.insert(key);
    ++pass.skipped;
    return absl::OkStatus();
  }
  if (!result->deduplicated) ++pass.fired;
  for (const storage::IndexChange& change : result->index_changes) {
    if (!change.remove && change.key < end) queue.insert(change.key);
  }
  return absl::OkStatus();
}

}  // namespace closedloop::services
