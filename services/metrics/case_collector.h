// CaseCollector: the boards' figures per team, computed from the projections when Prometheus
// scrapes, so they are exactly what a superhero board would show at that moment:
//
//   closedloop_open_cases{team}       open cases (state OPEN or IN_PROGRESS)
//   closedloop_at_risk_cases{team}    open cases with a deadline warned or past its warning
//   closedloop_breached_cases{team}   open cases with a deadline breached or past due
//   closedloop_hanging_cases{team}    open cases that missed their resolution target
//   closedloop_timers_pending         unsatisfied deadlines of open cases
//
// at-risk, breached and hanging are subsets of open (domain::ToBoardCase decides them), so
// the four are separate gauges rather than one gauge with a state label that invites a sum.
// Every configured team is reported, with zeros when it holds no open case; a case without a
// team is reported under team="none".
//
// Thread safety: Collect() may be called from any thread.
#ifndef CLOSEDLOOP_SERVICES_METRICS_CASE_COLLECTOR_H_
#define CLOSEDLOOP_SERVICES_METRICS_CASE_COLLECTOR_H_

#include <functional>
#include <map>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "closedloop/v1/views.pb.h"
#include "prometheus/collectable.h"
#include "prometheus/metric_family.h"
#include "services/projections/projections.h"

namespace closedloop::services::metrics {

// What the team gauges show for one team.
struct TeamCases {
  int open = 0;
  int at_risk = 0;
  int breached = 0;
  int hanging = 0;
};

// The open cases among `views` counted by team (teams in `teams` always present), as the
// boards see them at `now`. Pure, for the collector and its tests.
std::map<std::string, TeamCases> CountByTeam(const std::vector<const v1::ComplaintView*>& views,
                                             const std::vector<std::string>& teams,
                                             absl::Time now);

class CaseCollector final : public prometheus::Collectable {
 public:
  // `projections` must outlive every Collect() call; `clock` gives the boards' now.
  CaseCollector(const Projections& projections, std::vector<std::string> teams,
                std::function<absl::Time()> clock)
      : projections_(projections), teams_(std::move(teams)), clock_(std::move(clock)) {}

  std::vector<prometheus::MetricFamily> Collect() const override;

 private:
  const Projections& projections_;
  const std::vector<std::string> teams_;
  const std::function<absl::Time()> clock_;
};

}  // namespace closedloop::services::metrics

#endif  // CLOSEDLOOP_SERVICES_METRICS_CASE_COLLECTOR_H_
