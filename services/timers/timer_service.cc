#include "services/timers/timer_service.h"

#include <algorithm>
#include <cstdio>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/blocking_counter.h"

namespace closedloop::services {
namespace {

// Index entries read per scan.
constexpr size_t kPage = 1000;
// Firings decided before their appends are put in flight together.
constexpr size_t kBatch = 128;
// The first key after every timer key.
constexpr char kTimerKeysEnd[] = "due0";

void Log(const std::string& message) {
  std::fprintf(stderr, "closedloopd: timers: %s\n", message.c_str());
}

// The log itself cannot be used right now: the pass stops and the loop retries. Any other
// error concerns one case (an unreadable stream, say), which must not hold up the others.
bool StopsThePass(const absl::Status& status) {
  return status.code() == absl::StatusCode::kUnavailable;
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

bool TimerService::Stopping() {
  absl::MutexLock lock(&mu_);
  return stopping_;
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
  // `queue` holds due keys read so far plus those the pass's own firings schedule; a key is
  // fired only once every index key before it has been read, so firings go in due order.
  std::set<std::string> queue;
  std::string cursor = kTimerKeyPrefix;
  bool read_all = false;
  Batch batch;
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
    std::optional<TimerEntry> entry = ParseTimerKey(*queue.begin());
    if (!entry) {
      Log(absl::StrCat("ignoring malformed index key '", *queue.begin(), "'"));
      stale_.insert(*queue.begin());
      queue.erase(queue.begin());
      ++pass.skipped;
      continue;
    }
    // A case's firings are decided on what its previous ones appended.
    if (batch.cases.contains(entry->complaint_id) || batch.firings.size() == kBatch) {
      absl::StatusOr<bool> flushed = Flush(batch, pass);
      if (!flushed.ok()) return flushed.status();
      if (!*flushed) return pass;  // the index is the truth: the next pass starts from it
      // A catch-up pass may hold thousands of groups: a shutdown must not wait for them all.
      // What is left stays in the index and fires at the next start.
      if (Stopping()) return pass;
    }
    queue.erase(queue.begin());
    if (absl::Status prepared = Prepare(*entry, end, queue, batch, pass); !prepared.ok()) {
      Flush(batch, pass).IgnoreError();
      return prepared;
    }
  }
  absl::StatusOr<bool> flushed = Flush(batch, pass);
  if (!flushed.ok()) return flushed.status();
  return pass;
}

absl::Status TimerService::Prepare(const TimerEntry& entry, const std::string& end,
                                   std::set<std::string>& queue, Batch& batch, Pass& pass) {
  const std::string key = TimerKey(entry);
  absl::StatusOr<std::optional<ComplaintCommands::Prepared>> prepared =
      commands_.Prepare(entry.complaint_id, domain::FireDeadline{entry.timer_id, entry.at},
                        TimerActor(), TimerRequestId(entry));
  if (!prepared.ok()) {
    if (StopsThePass(prepared.status())) return prepared.status();
    ++pass.skipped;
    Log(absl::StrCat(key, ": ", prepared.status().ToString(), "; skipped until restart"));
    stale_.insert(key);
    return absl::OkStatus();
  }
  if (!prepared->has_value()) {
    Log(absl::StrCat(key, ": nothing to do, but the entry is still indexed; skipped"));
    stale_.insert(key);
    ++pass.skipped;
    return absl::OkStatus();
  }
  // What this firing schedules is due in this pass if it falls before `end` (a breach right
  // after a warning long past, say); it joins the queue now so that order is kept.
  for (const storage::IndexChange& change : (*prepared)->append.index_changes) {
    if (!change.remove && change.key < end) queue.insert(change.key);
  }
  batch.cases.insert(entry.complaint_id);
  batch.firings.push_back({entry, **std::move(prepared)});
  return absl::OkStatus();
}

absl::StatusOr<bool> TimerService::Flush(Batch& batch, Pass& pass) {
  const size_t n = batch.firings.size();
  if (n == 0) return true;
  // All in flight at once, in due order: the log gives them positions in that order and makes
  // them durable together.
  std::vector<absl::StatusOr<storage::AppendResult>> outcomes(n, absl::UnknownError("pending"));
  absl::BlockingCounter pending(static_cast<int>(n));
  for (size_t i = 0; i < n; ++i) {
    log_.AppendAsync(std::move(batch.firings[i].prepared.append),
                     [&outcomes, &pending, i](absl::StatusOr<storage::AppendResult> appended) {
                       outcomes[i] = std::move(appended);
                       pending.DecrementCount();
                     });
  }
  pending.Wait();
  bool all_ok = true;
  absl::Status stop = absl::OkStatus();
  for (size_t i = 0; i < n; ++i) {
    Firing& firing = batch.firings[i];
    absl::StatusOr<CommandResult> result = commands_.Appended(
        firing.entry.complaint_id, std::move(firing.prepared), outcomes[i]);
    if (result.ok()) {
      if (!result->deduplicated) ++pass.fired;
      continue;
    }
    all_ok = false;
    ++pass.skipped;
    // ABORTED: a command changed the case meanwhile; the next pass decides again. A refusal
    // that would only repeat (ALREADY_EXISTS, say) sets the entry aside until restart, so the
    // loop never retries it pass after pass.
    if (StopsThePass(result.status())) {
      Log(absl::StrCat(TimerKey(firing.entry), ": ", result.status().ToString()));
      if (stop.ok()) stop = result.status();
    } else if (result.status().code() != absl::StatusCode::kAborted) {
      Log(absl::StrCat(TimerKey(firing.entry), ": ", result.status().ToString(),
                       "; skipped until restart"));
      stale_.insert(TimerKey(firing.entry));
    }
  }
  batch.firings.clear();
  batch.cases.clear();
  if (!stop.ok()) return stop;
  return all_ok;
}

}  // namespace closedloop::services
