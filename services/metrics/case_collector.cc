#include "services/metrics/case_collector.h"

#include "domain/boards.h"
#include "services/metrics/scrape_families.h"

namespace closedloop::services::metrics {
namespace {

prometheus::MetricFamily TeamGauge(std::string name, std::string help,
                                   const std::map<std::string, TeamCases>& counts,
                                   int TeamCases::*field) {
  prometheus::MetricFamily family{std::move(name), std::move(help),
                                  prometheus::MetricType::Gauge, {}};
  for (const auto& [team, cases] : counts) {
    prometheus::ClientMetric metric;
    metric.label.push_back({"team", team});
    metric.gauge.value = cases.*field;
    family.metric.push_back(std::move(metric));
  }
  return family;
}

}  // namespace

std::map<std::string, TeamCases> CountByTeam(const std::vector<const v1::ComplaintView*>& views,
                                             const std::vector<std::string>& teams,
                                             absl::Time now) {
  std::map<std::string, TeamCases> counts;
  for (const std::string& team : teams) counts[team];
  for (const v1::ComplaintView* view : views) {
    if (!domain::IsOpen(*view)) continue;
    const v1::BoardCase board = domain::ToBoardCase(*view, now);
    TeamCases& team = counts[view->team().empty() ? "none" : view->team()];
    ++team.open;
    if (board.at_risk()) ++team.at_risk;
    if (board.breached()) ++team.breached;
    if (board.hanging()) ++team.hanging;
  }
  return counts;
}

std::vector<prometheus::MetricFamily> CaseCollector::Collect() const {
  const absl::Time now = clock_();
  std::map<std::string, TeamCases> counts;
  size_t timers_pending = 0;
  // Under the projections' shared lock: one consistent position for every figure. The work is
  // proportional to the open cases, the same as rendering the boards once.
  projections_.Read([&](const ProjectionState& state, uint64_t) {
    counts = CountByTeam(state.OpenCases(), teams_, now);
    timers_pending = state.UnsatisfiedDeadlines();
  });
  return {
      TeamGauge("closedloop_open_cases", "Open cases (OPEN or IN_PROGRESS) by team.", counts,
                &TeamCases::open),
      TeamGauge("closedloop_at_risk_cases",
                "Open cases by team with a deadline warned or past its warning time.", counts,
                &TeamCases::at_risk),
      TeamGauge("closedloop_breached_cases",
                "Open cases by team with a deadline breached or past due.", counts,
                &TeamCases::breached),
      TeamGauge("closedloop_hanging_cases",
                "Open cases by team that missed their resolution target.", counts,
                &TeamCases::hanging),
      GaugeFamily("closedloop_timers_pending",
                  "Deadlines of open cases not yet satisfied (pending, warned or breached).",
                  static_cast<double>(timers_pending)),
  };
}

}  // namespace closedloop::services::metrics
