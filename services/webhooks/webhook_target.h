// An endpoint as delivery uses it: the configured endpoint with its defaults filled in
// (services/daemon/webhook_config.h), and the secret its bodies are signed with. The secret
// lives only here, never in a proto, so neither the recorded configuration nor GetConfig can
// show it.
#ifndef CLOSEDLOOP_SERVICES_WEBHOOKS_WEBHOOK_TARGET_H_
#define CLOSEDLOOP_SERVICES_WEBHOOKS_WEBHOOK_TARGET_H_

#include <string>

#include "closedloop/v1/config.pb.h"

namespace closedloop::services {

struct WebhookTarget {
  v1::WebhookEndpoint endpoint;
  std::string secret;
};

}  // namespace closedloop::services

#endif  // CLOSEDLOOP_SERVICES_WEBHOOKS_WEBHOOK_TARGET_H_
