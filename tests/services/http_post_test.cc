// Posting over HTTP with libcurl, against a real receiver on 127.0.0.1: what arrives, what comes
// back, and each way the exchange can fail.
#include "services/webhooks/http_post.h"

#include <catch2/catch.hpp>

#include "tests/services/http_receiver.h"

namespace closedloop::services {
namespace {

HttpPostRequest JsonTo(const std::string& url, std::string body) {
  HttpPostRequest request;
  request.url = url;
  request.body = std::move(body);
  request.headers = {{"Content-Type", "application/json"}, {"Closedloop-Signature", "t=1,v1=ab"}};
  return request;
}

std::string Message(const absl::Status& status) { return std::string(status.message()); }

TEST_CASE("a post arrives with its method, path, headers and body, and its answer comes back") {
  testing::HttpReceiver receiver;
  receiver.SetStatus(200, "thanks");
  absl::StatusOr<HttpResponse> response =
      Post(JsonTo(receiver.Url("/hooks/cx"), R"({"type":"complaint.filed"})"));
  INFO(response.status().ToString());
  REQUIRE(response.ok());
  CHECK(response->status_code == 200);
  CHECK(response->body == "thanks");
  CHECK_FALSE(response->body_truncated);
  REQUIRE(receiver.WaitForRequests(1));
  const testing::ReceivedRequest request = receiver.Requests().at(0);
  CHECK(request.method == "POST");
  CHECK(request.path == "/hooks/cx");
  CHECK(request.body == R"({"type":"complaint.filed"})");
  CHECK(request.Header("Content-Type") == "application/json");
  CHECK(request.Header("Closedloop-Signature") == "t=1,v1=ab");
}

TEST_CASE("a large body arrives whole, without waiting for a 100-continue") {
  testing::HttpReceiver receiver;
  const std::string body(3 << 20, 'x');  // past curl's 1 MB threshold for "Expect"
  absl::StatusOr<HttpResponse> response = Post(JsonTo(receiver.Url(), body));
  REQUIRE(response.ok());
  CHECK(response->status_code == 200);
  REQUIRE(receiver.WaitForRequests(1));
  CHECK(receiver.Requests().at(0).body == body);
  CHECK(receiver.Requests().at(0).Header("Expect").empty());
}

TEST_CASE("a 503 comes back as a response, not an error") {
  testing::HttpReceiver receiver;
  receiver.SetStatus(503, "down for maintenance");
  absl::StatusOr<HttpResponse> response = Post(JsonTo(receiver.Url(), "{}"));
  REQUIRE(response.ok());
  CHECK(response->status_code == 503);
  CHECK(response->body == "down for maintenance");
}

TEST_CASE("a redirect is not followed") {
  testing::HttpReceiver receiver;
  receiver.SetStatus(301, "moved", receiver.Url("/elsewhere"));
  absl::StatusOr<HttpResponse> response = Post(JsonTo(receiver.Url(), "{}"));
  REQUIRE(response.ok());
  CHECK(response->status_code == 301);
  CHECK(receiver.Requests().size() == 1);
}

TEST_CASE("a long answer is kept to its first kilobyte") {
  testing::HttpReceiver receiver;
  receiver.SetStatus(500, std::string(5000, 'e'));
  absl::StatusOr<HttpResponse> response = Post(JsonTo(receiver.Url(), "{}"));
  REQUIRE(response.ok());
  CHECK(response->status_code == 500);
  CHECK(response->body == std::string(kMaxResponseBody, 'e'));
  CHECK(response->body_truncated);
}

TEST_CASE("one poster keeps its connection alive across posts") {
  testing::HttpReceiver receiver;
  HttpPoster poster;
  for (int i = 0; i < 3; ++i) {
    absl::StatusOr<HttpResponse> response = poster.Post(JsonTo(receiver.Url(), std::to_string(i)));
    REQUIRE(response.ok());
    CHECK(response->status_code == 200);
  }
  REQUIRE(receiver.WaitForRequests(3));
  CHECK(receiver.Requests().at(2).body == "2");
  CHECK(receiver.Connections() == 1);
}

TEST_CASE("posting to a stopped receiver is unavailable, and works again once it is back") {
  testing::HttpReceiver receiver;
  HttpPoster poster;
  REQUIRE(poster.Post(JsonTo(receiver.Url(), "before")).ok());
  receiver.Stop();
  absl::StatusOr<HttpResponse> refused = poster.Post(JsonTo(receiver.Url(), "during"));
  CHECK(refused.status().code() == absl::StatusCode::kUnavailable);
  CHECK_THAT(Message(refused.status()), Catch::Contains("POST " + receiver.Url()));
  receiver.Start();
  absl::StatusOr<HttpResponse> after = poster.Post(JsonTo(receiver.Url(), "after"));
  INFO(after.status().ToString());
  REQUIRE(after.ok());
  CHECK(after->status_code == 200);
  REQUIRE(receiver.WaitForRequests(2));
  CHECK(receiver.Requests().at(1).body == "after");
}

TEST_CASE("a receiver that never answers runs into the total timeout, unavailable") {
  testing::HttpReceiver receiver;
  receiver.SetSilent(true);
  HttpPostRequest request = JsonTo(receiver.Url(), "{}");
  request.total_timeout = absl::Milliseconds(200);
  const absl::Time start = absl::Now();
  absl::StatusOr<HttpResponse> response = Post(request);
  const absl::Duration took = absl::Now() - start;
  CHECK(response.status().code() == absl::StatusCode::kUnavailable);
  CHECK_THAT(Message(response.status()), Catch::Contains("imed out"));
  CHECK(took >= absl::Milliseconds(200));
  CHECK(took < absl::Seconds(5));
  CHECK(receiver.WaitForRequests(1));
}

TEST_CASE("an unknown host is unavailable") {
  // .invalid never resolves (RFC 2606); the timeout bounds a resolver that does not answer.
  HttpPostRequest request = JsonTo("http://closedloop-webhook-test.invalid/hook", "{}");
  request.total_timeout = absl::Seconds(5);
  CHECK(Post(request).status().code() == absl::StatusCode::kUnavailable);
}

TEST_CASE("a URL that is not http or https is refused before anything is sent") {
  for (const char* url : {"file:///etc/passwd", "ftp://127.0.0.1/x", "gopher://127.0.0.1/"}) {
    INFO(url);
    absl::StatusOr<HttpResponse> response = Post(JsonTo(url, "{}"));
    CHECK(response.status().code() == absl::StatusCode::kInvalidArgument);
  }
}

}  // namespace
}  // namespace closedloop::services
