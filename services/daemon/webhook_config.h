// The webhooks block of the configuration (Config.webhooks): its validation, the defaults of
// unset fields, and the signing secrets, read from their files at start-up. The secrets live
// only in WebhookTarget, never in a proto: the configuration holds their paths, so neither the
// recorded config.applied event nor GetConfig can show one.
#ifndef CLOSEDLOOP_SERVICES_DAEMON_WEBHOOK_CONFIG_H_
#define CLOSEDLOOP_SERVICES_DAEMON_WEBHOOK_CONFIG_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "closedloop/v1/config.pb.h"
#include "services/webhooks/webhook_target.h"

namespace closedloop::services {

inline constexpr char kDefaultWebhookRole[] = "dashboard";
inline constexpr uint32_t kDefaultWebhookMaxAttempts = 12;
inline constexpr absl::Duration kDefaultWebhookMaxAge = absl::Hours(24);

// Fills in every endpoint's unset role, max_attempts and max_age with the defaults above.
void ApplyWebhookDefaults(v1::Config& config);

// OK, or INVALID_ARGUMENT naming the first bad field ("webhooks[1].url: ..."). Team and
// department names must be in config.directory(). Unset fields count as their defaults.
absl::Status ValidateWebhooks(const v1::Config& config);

// Every endpoint of a valid `config`, in order, with its defaults and its secret: the file's
// content without one trailing newline. Errors: NOT_FOUND naming the field and the file when
// a secret file cannot be read; INVALID_ARGUMENT when one is empty.
absl::StatusOr<std::vector<WebhookTarget>> LoadWebhookTargets(const v1::Config& config);

}  // namespace closedloop::services

#endif  // CLOSEDLOOP_SERVICES_DAEMON_WEBHOOK_CONFIG_H_
