// InFlightRequests: requests with a request id whose append is not yet durable. A retry that
// arrives meanwhile (its client's deadline passed while the append was queued) joins the first
// and gets its result, instead of being decided anew (a filing under a second number).
//
// Thread safety: every method may be called concurrently.
#ifndef CLOSEDLOOP_SERVICES_COMMANDS_IN_FLIGHT_REQUESTS_H_
#define CLOSEDLOOP_SERVICES_COMMANDS_IN_FLIGHT_REQUESTS_H_

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/functional/any_invocable.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "services/commands/request_key.h"

namespace closedloop::services {

// `Result` has a `bool deduplicated`, set on the copies that joiners get.
template <typename Result>
class InFlightRequests {
 public:
  using Done = absl::AnyInvocable<void(absl::StatusOr<Result>) &&>;

  // For a request with no id, or none in flight under its id: records it as in flight and
  // hands `done` back; the caller runs the request and then calls Finish(request.id, outcome)
  // (no Finish for a request without an id). Otherwise `done` is taken: it runs with the
  // first request's outcome once that is known, or at once with ALREADY_EXISTS when the id
  // came with another request; nullopt is returned.
  std::optional<Done> Lead(const RequestKey& request, Done done) {
    if (request.id.empty()) return std::optional<Done>(std::move(done));
    {
      absl::MutexLock lock(&mu_);
      auto [it, inserted] = in_flight_.try_emplace(request.id);
      if (inserted) {
        it->second.digest = request.digest;
        return std::optional<Done>(std::move(done));
      }
      if (it->second.digest == request.digest) {
        it->second.joined.push_back(std::move(done));
        return std::nullopt;
      }
    }
    std::move(done)(ReusedError(request));
    return std::nullopt;
  }

  // The outcome of the request in flight under `id`, for every request that joined it.
  void Finish(const std::string& id, const absl::StatusOr<Result>& outcome) {
    std::vector<Done> joined;
    {
      absl::MutexLock lock(&mu_);
      auto it = in_flight_.find(id);
      if (it == in_flight_.end()) return;
      joined = std::move(it->second.joined);
      in_flight_.erase(it);
    }
    for (Done& done : joined) {
      absl::StatusOr<Result> copy = outcome;
      if (copy.ok()) copy->deduplicated = true;
      std::move(done)(std::move(copy));
    }
  }

 private:
  struct Entry {
    std::string digest;
    std::vector<Done> joined;
  };
  absl::Mutex mu_;
  absl::flat_hash_map<std::string, Entry> in_flight_ ABSL_GUARDED_BY(mu_);
};

}  // namespace closedloop::services

#endif  // CLOSEDLOOP_SERVICES_COMMANDS_IN_FLIGHT_REQUESTS_H_
