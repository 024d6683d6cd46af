// The daemon's configuration: loading and validating the --config file, the built-in default
// (a retail chain), and recording the configuration in the log when it changed.
#ifndef CLOSEDLOOP_SERVICES_DAEMON_CONFIG_H_
#define CLOSEDLOOP_SERVICES_DAEMON_CONFIG_H_

#include <string>

#include "absl/status/statusor.h"
#include "closedloop/v1/config.pb.h"
#include "closedloop/v1/event.pb.h"
#include "storage/event_log.h"

namespace closedloop::services {

inline constexpr char kConfigStream[] = "config";
inline constexpr char kConfigAppliedType[] = "config.applied";

// The configuration the daemon runs with when no --config is given: a retail chain with
// hotline, social, web, store, app and red-button intake, departments (warehouse, delivery,
// payments, stores, marketing, a carrier partner) with escalation chains, and the default
// SLA policy.
v1::Config DefaultConfig();

// Parses `text` (protobuf text format, or JSON when `json`), validates it, and fills in the
// webhook endpoints' defaults (services/daemon/webhook_config.h).
// Errors: INVALID_ARGUMENT naming the line or the field, e.g.
// "directory.teams[0].members: required".
absl::StatusOr<v1::Config> ParseConfig(const std::string& text, bool json);

// Reads and parses the file at `path` (JSON if it ends in ".json"). Errors: NOT_FOUND if it
// cannot be read; otherwise as ParseConfig.
absl::StatusOr<v1::Config> LoadConfigFile(const std::string& path);

// OK, or INVALID_ARGUMENT naming the first bad field. A directory must have a red-button
// team: red-button filings go to it and nowhere else. Webhook endpoints: ValidateWebhooks.
absl::Status ValidateConfig(const v1::Config& config);

// SHA-256 of the deterministic serialization of `config`.
std::string ConfigHash(const v1::Config& config);

// Appends a config.applied event to the "config" stream unless the last one recorded has the
// same hash. Returns whether it appended. Errors: the log's.
absl::StatusOr<bool> RecordConfigIfChanged(storage::EventLog& log, const v1::Config& config,
                                           const v1::Actor& actor);

}  // namespace closedloop::services

#endif  // CLOSEDLOOP_SERVICES_DAEMON_CONFIG_H_
