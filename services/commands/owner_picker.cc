#include "services/commands/owner_picker.h"

#include "domain/routing.h"

namespace closedloop::services {

std::vector<OwnerPicker::Pick> OwnerPicker::PickOwners(const std::vector<const v1::Team*>& teams) {
  std::vector<Pick> picks(teams.size());
  if (teams.empty()) return picks;
  Request mine{&teams, &picks};
  std::vector<Request*> turn;
  {
    absl::MutexLock lock(&mu_);
    waiting_.push_back(&mine);
    // Sleeps until another caller's turn made these picks too, or no turn runs: then this
    // caller runs one, for itself and everyone who asked meanwhile.
    auto served_or_free = [this, &mine]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
      return mine.done || !turn_running_;
    };
    mu_.Await(absl::Condition(&served_or_free));
    if (mine.done) return picks;
    turn_running_ = true;
    turn.swap(waiting_);
  }
  PickAll(turn);
  absl::MutexLock lock(&mu_);
  for (Request* request : turn) request->done = true;
  turn_running_ = false;
  return picks;
}

void OwnerPicker::PickAll(const std::vector<Request*>& requests) {
  const std::vector<std::string> named = pending_.Named();
  LoadAt load = load_ ? load_(named) : LoadAt{};
  pending_.AddTo(named, load.applied, load.load);
  for (Request* request : requests) {
    for (size_t i = 0; i < request->teams->size(); ++i) {
      Pick& pick = (*request->picks)[i];
      pick.owner = domain::LeastLoadedMember(*(*request->teams)[i], load.load);
      if (!pick.owner.ok()) continue;
      // The next pick of this turn counts this one; the next turn finds it pending.
      ++load.load[*pick.owner];
      pick.ticket = pending_.Add(*pick.owner);
    }
  }
}

}  // namespace closedloop::services
