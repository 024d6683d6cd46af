// Signing webhook bodies, the convention Stripe's and GitHub's webhooks follow: the daemon sends
//
//   Closedloop-Signature: t=<unix seconds>,v1=<lowercase hex of HMAC-SHA256(secret, "<t>.<body>")>
//
// and a receiver recomputes the HMAC with the shared secret. The timestamp is inside the signed
// bytes, so a receiver that refuses old timestamps refuses a replayed request, and one that
// compares in constant time leaks nothing of the expected signature. Stateless, thread-safe.
#ifndef CLOSEDLOOP_SERVICES_WEBHOOKS_WEBHOOK_SIGNATURE_H_
#define CLOSEDLOOP_SERVICES_WEBHOOKS_WEBHOOK_SIGNATURE_H_

#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace closedloop::services {

inline constexpr char kSignatureHeader[] = "Closedloop-Signature";

// Lowercase hex of HMAC-SHA256(key, data).
std::string HmacSha256Hex(absl::string_view key, absl::string_view data);

// The value of the Closedloop-Signature header for `body` sent at `at` (whole seconds).
std::string SignatureHeader(absl::string_view secret, absl::string_view body, absl::Time at);

// What a receiver does with a request: OK when `header_value` carries a v1 signature of `body`
// under `secret` made at a time within `tolerance` of `now`. Several v1 entries are allowed (a
// sender rotating its secret); unknown keys are ignored, as in Stripe's scheme.
// Errors: INVALID_ARGUMENT for a malformed header (naming what is missing or bad);
// UNAUTHENTICATED when no signature matches, or when the timestamp is further than `tolerance`
// from `now` (a replay, or a clock far off).
absl::Status VerifySignature(absl::string_view secret, absl::string_view header_value,
                             absl::string_view body, absl::Time now, absl::Duration tolerance);

}  // namespace closedloop::services

#endif  // CLOSEDLOOP_SERVICES_WEBHOOKS_WEBHOOK_SIGNATURE_H_
