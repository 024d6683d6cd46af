// One HTTP POST at a time over libcurl's easy interface: what webhook delivery sends with.
// An HttpPoster keeps its connection alive between posts to the same host, so a delivery loop
// that owns one pays for a TCP (and TLS) handshake once, not per event. Not thread-safe: one
// poster per thread.
#ifndef CLOSEDLOOP_SERVICES_WEBHOOKS_HTTP_POST_H_
#define CLOSEDLOOP_SERVICES_WEBHOOKS_HTTP_POST_H_

#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace closedloop::services {

struct HttpPostRequest {
  std::string url;  // http:// or https:// only
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;  // e.g. {"Content-Type", "application/json"}
  absl::Duration connect_timeout = absl::Seconds(5);
  absl::Duration total_timeout = absl::Seconds(10);  // connecting, sending and the whole answer
};

struct HttpResponse {
  int status_code = 0;
  std::string body;  // its first kMaxResponseBody bytes: enough for an error message
  bool body_truncated = false;
};

inline constexpr size_t kMaxResponseBody = 1024;

class HttpPoster {
 public:
  HttpPoster();
  ~HttpPoster();
  HttpPoster(const HttpPoster&) = delete;
  HttpPoster& operator=(const HttpPoster&) = delete;

  // Sends `request` and reads the answer. Redirects are not followed (a 3xx is an answer). A
  // non-2xx status is a response, not an error: the caller decides what it means.
  // Errors: UNAVAILABLE with curl's message when the exchange failed (refused, DNS, TLS,
  // timeout, a connection cut); INVALID_ARGUMENT for a URL that is malformed or not http(s).
  absl::StatusOr<HttpResponse> Post(const HttpPostRequest& request);

 private:
  void* curl_;  // CURL*; kept opaque so that users do not include curl's headers
};

// OK when `url` is one Post would send to: it parses (as curl parses it), its scheme is http or
// https, and it names a host. INVALID_ARGUMENT saying what is wrong otherwise.
absl::Status CheckPostUrl(const std::string& url);

// One POST on a fresh connection: HttpPoster().Post(request).
absl::StatusOr<HttpResponse> Post(const HttpPostRequest& request);

}  // namespace closedloop::services

#endif  // CLOSEDLOOP_SERVICES_WEBHOOKS_HTTP_POST_H_
