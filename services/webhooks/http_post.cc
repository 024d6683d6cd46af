#include "services/webhooks/http_post.h"

#include <curl/curl.h>

#include <cstdlib>
#include <memory>

#include "absl/strings/str_cat.h"

namespace closedloop::services {
namespace {

// curl_global_init is not thread-safe and must run once before any handle exists; a
// function-local static runs it exactly once, whichever thread gets here first.
void InitCurlOnce() {
  static const bool kInitialized = [] {
    if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) std::abort();
    return true;
  }();
  (void)kInitialized;
}

size_t KeepBodyPrefix(char* data, size_t size, size_t count, void* user) {
  auto* response = static_cast<HttpResponse*>(user);
  const size_t bytes = size * count;
  const size_t room = kMaxResponseBody - response->body.size();
  if (bytes > room) response->body_truncated = true;
  response->body.append(data, bytes < room ? bytes : room);
  // The rest is read and dropped rather than refused: refusing would cut the connection,
  // which the next post could have reused.
  return bytes;
}

struct SlistFree {
  void operator()(curl_slist* list) const { curl_slist_free_all(list); }
};

long Milliseconds(absl::Duration d) {
  const int64_t ms = absl::ToInt64Milliseconds(d);
  return ms < 1 ? 1 : static_cast<long>(ms);  // 0 would mean "no timeout" to curl
}

}  // namespace

HttpPoster::HttpPoster() {
  InitCurlOnce();
  curl_ = curl_easy_init();
  if (curl_ == nullptr) std::abort();  // only when out of memory
}

HttpPoster::~HttpPoster() { curl_easy_cleanup(static_cast<CURL*>(curl_)); }

absl::StatusOr<HttpResponse> HttpPoster::Post(const HttpPostRequest& request) {
  CURL* curl = static_cast<CURL*>(curl_);
  // Forgets the previous request's options but keeps the open connections.
  curl_easy_reset(curl);

  curl_slist* list = nullptr;
  auto add_header = [&list](const std::string& line) {
    curl_slist* appended = curl_slist_append(list, line.c_str());
    if (appended == nullptr) std::abort();  // only when out of memory
    list = appended;
  };
  for (const auto& [name, value] : request.headers) add_header(absl::StrCat(name, ": ", value));
  // Without this, curl asks "Expect: 100-continue" for larger bodies and waits for the
  // receiver's go-ahead: a round trip per event for nothing.
  add_header("Expect:");
  const std::unique_ptr<curl_slist, SlistFree> headers(list);

  HttpResponse response;
  char error[CURL_ERROR_SIZE] = {0};
  curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, error);
  curl_easy_setopt(curl, CURLOPT_URL, request.url.c_str());
  // Only the web: a configured "file://" or "gopher://" URL must not reach anything else.
  curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(curl, CURLOPT_FOLLOWLOCATION, 0L);
  // Signals are process-wide and the daemon handles SIGTERM itself; curl must not use
  // SIGALRM for its DNS timeouts.
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(curl, CURLOPT_POST, 1L);
  curl_easy_setopt(curl, CURLOPT_POSTFIELDS, request.body.data());
  curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(request.body.size()));
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers.get());
  curl_easy_setopt(curl, CURLOPT_USERAGENT, "closedloop-webhooks/1");
  curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS, Milliseconds(request.connect_timeout));
  curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, Milliseconds(request.total_timeout));
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, KeepBodyPrefix);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, &response);

  const CURLcode code = curl_easy_perform(curl);
  // The buffer and the header list die with this call: the handle must not point at them.
  curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, nullptr);
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, nullptr);
  if (code != CURLE_OK) {
    const std::string message =
        absl::StrCat("POST ", request.url, ": ", error[0] != '\0' ? error : curl_easy_strerror(code));
    if (code == CURLE_URL_MALFORMAT || code == CURLE_UNSUPPORTED_PROTOCOL) {
      return absl::InvalidArgumentError(message);
    }
    return absl::UnavailableError(message);
  }
  long status = 0;
  curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
  response.status_code = static_cast<int>(status);
  return response;
}

absl::Status CheckPostUrl(const std::string& url) {
  std::unique_ptr<CURLU, decltype(&curl_url_cleanup)> parsed(curl_url(), curl_url_cleanup);
  if (parsed == nullptr) std::abort();  // only when out of memory
  // Without a default scheme: "example.com/hook" must not quietly become http.
  if (CURLUcode code = curl_url_set(parsed.get(), CURLUPART_URL, url.c_str(), 0); code != CURLUE_OK) {
    return absl::InvalidArgumentError(absl::StrCat("\"", url, "\" is not a URL: ", curl_url_strerror(code)));
  }
  char* scheme = nullptr;
  char* host = nullptr;
  curl_url_get(parsed.get(), CURLUPART_SCHEME, &scheme, 0);
  curl_url_get(parsed.get(), CURLUPART_HOST, &host, 0);
  const std::string scheme_text = scheme != nullptr ? scheme : "";
  const bool has_host = host != nullptr && host[0] != '\0';
  curl_free(scheme);
  curl_free(host);
  if (scheme_text != "http" && scheme_text != "https") {
    return absl::InvalidArgumentError(
        absl::StrCat("\"", url, "\": the scheme must be http or https, not \"", scheme_text, "\""));
  }
  if (!has_host) return absl::InvalidArgumentError(absl::StrCat("\"", url, "\" names no host"));
  return absl::OkStatus();
}

absl::StatusOr<HttpResponse> Post(const HttpPostRequest& request) {
  return HttpPoster().Post(request);
}

}  // namespace closedloop::services
