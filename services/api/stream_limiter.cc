#include "services/api/stream_limiter.h"

#include "absl/strings/str_cat.h"

namespace closedloop::services {

absl::StatusOr<StreamLimiter::Slot> StreamLimiter::Acquire(const std::string& principal) {
  if (absl::Status open = CheckOpen(); !open.ok()) return open;
  absl::MutexLock lock(&mu_);
  int& open = open_[principal];
  if (open >= limit_) {
    return absl::ResourceExhaustedError(absl::StrCat(
        "streams: ", principal, " already holds ", open, " open streams, the most one principal may"));
  }
  ++open;
  return Slot(this, principal);
}

void StreamLimiter::Close() { closed_ = true; }

absl::Status StreamLimiter::CheckOpen() const {
  if (!closed_.load()) return absl::OkStatus();
  return absl::UnavailableError("the server is shutting down: reconnect and open the stream again");
}

int StreamLimiter::Open(const std::string& principal) const {
  absl::MutexLock lock(&mu_);
  auto found = open_.find(principal);
  return found == open_.end() ? 0 : found->second;
}

void StreamLimiter::Release(const std::string& principal) {
  absl::MutexLock lock(&mu_);
  auto found = open_.find(principal);
  if (found != open_.end() && --found->second == 0) open_.erase(found);
}

}  // namespace closedloop::services
