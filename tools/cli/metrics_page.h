// The metrics for people: what `closedloop metrics` prints without --json.
#ifndef CLOSEDLOOP_TOOLS_CLI_METRICS_PAGE_H_
#define CLOSEDLOOP_TOOLS_CLI_METRICS_PAGE_H_

#include "closedloop/v1/boards.pb.h"

namespace closedloop::cli {

// The headline figures as "label  value" lines, then breaches by department, the channel mix,
// one-call resolution by channel and by team, and satisfaction by month as tables (each only
// when it has rows).
void PrintMetricsPage(const v1::Metrics& metrics);

}  // namespace closedloop::cli

#endif  // CLOSEDLOOP_TOOLS_CLI_METRICS_PAGE_H_
