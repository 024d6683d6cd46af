// Fills an empty data directory with the demo month (demo_scenario.h), so that a newcomer's
// first daemon shows full boards, a department catalog with escalations, problems, metrics
// and surveys at once.
//
// The month is played through the real server: a ClosedLoopServer on 127.0.0.1 (port 0) over
// the directory's own log and view store, driven by a gRPC client, with a clock that jumps
// from one step's time to the next and the timer service firing everything due before each
// step, so warnings, breaches, escalations and reminders happen when they would have. Every
// record carries the time it would have had. The people acting (the case's owner, the
// department's responsible, the channel's intake system) are named as the principals.
//
// The same seed, days, end and configuration give the same log, record for record.
#ifndef CLOSEDLOOP_SERVICES_DEMO_DEMO_FILL_H_
#define CLOSEDLOOP_SERVICES_DEMO_DEMO_FILL_H_

#include <cstdint>
#include <map>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "closedloop/v1/config.pb.h"

namespace closedloop::services::demo {

struct DemoFillOptions {
  uint64_t seed = 1;
  int days = 30;
  // The present: the month ends here (the daemon passes its clock's now).
  absl::Time end;
  // The configuration the daemon will serve with (validated by the caller).
  v1::Config config;
};

struct DemoFillSummary {
  int items = 0;            // filed
  int complaints = 0;       // of them (red-button calls included)
  int recommendations = 0;  // of them
  int red_button = 0;       // of them
  int problems = 0;         // opened
  int commands = 0;         // every command that succeeded, filings included
  uint64_t events = 0;      // the log's head position at the end
  // Every event recorded, by type ("complaint.deadline_breached", ...), and those the timer
  // service recorded (warnings, breaches, escalations, reminders).
  std::map<std::string, int> events_by_type;
  int timer_events = 0;
  // Commands the server refused, by gRPC code name, and the first refusal in full. The script
  // is written so that there are none; a refused step is skipped, with the steps that depend
  // on it.
  std::map<std::string, int> refused;
  std::string first_refusal;
};

// Errors: FAILED_PRECONDITION if the directory's log is not empty (the demo only fills a new
// store); INVALID_ARGUMENT for days outside 1..366; the log's and the server's errors.
absl::StatusOr<DemoFillSummary> FillDemo(const std::string& data_dir, const DemoFillOptions& options);

}  // namespace closedloop::services::demo

#endif  // CLOSEDLOOP_SERVICES_DEMO_DEMO_FILL_H_
