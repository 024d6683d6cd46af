// Webhook signatures: the HMAC itself against RFC 4231, and what a receiver accepts and refuses.
#include "services/webhooks/webhook_signature.h"

#include <catch2/catch.hpp>

#include "absl/strings/str_cat.h"

namespace closedloop::services {
namespace {

const absl::Time kSent = absl::FromUnixSeconds(1796000000);
const absl::Duration kTolerance = absl::Minutes(5);
constexpr char kSecret[] = "whsec_test-secret";
constexpr char kBody[] = R"({"id":"42","type":"complaint.filed"})";

std::string Message(const absl::Status& status) { return std::string(status.message()); }

TEST_CASE("HMAC-SHA256 matches RFC 4231 test case 2") {
  CHECK(HmacSha256Hex("Jefe", "what do ya want for nothing?") ==
        "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
}

TEST_CASE("a signature header carries the unix seconds and the HMAC of the timestamp, a dot and the body") {
  CHECK(SignatureHeader(kSecret, kBody, kSent + absl::Milliseconds(900)) ==
        absl::StrCat("t=1796000000,v1=", HmacSha256Hex(kSecret, absl::StrCat("1796000000.", kBody))));
}

TEST_CASE("a signed body verifies, within the tolerance either side") {
  const std::string header = SignatureHeader(kSecret, kBody, kSent);
  CHECK(VerifySignature(kSecret, header, kBody, kSent, kTolerance).ok());
  CHECK(VerifySignature(kSecret, header, kBody, kSent + kTolerance, kTolerance).ok());
  CHECK(VerifySignature(kSecret, header, kBody, kSent - kTolerance, kTolerance).ok());
}

TEST_CASE("a header with spaces, unknown keys and a second v1 for a rotated secret verifies") {
  const std::string header = SignatureHeader(kSecret, kBody, kSent);
  const std::string old = SignatureHeader("old-secret", kBody, kSent);
  const std::string rotated = absl::StrCat("t=1796000000, v0=abc, ", old.substr(old.find("v1=")),
                                           ", ", header.substr(header.find("v1=")));
  CHECK(VerifySignature(kSecret, rotated, kBody, kSent, kTolerance).ok());
  CHECK(VerifySignature("old-secret", rotated, kBody, kSent, kTolerance).ok());
}

TEST_CASE("a tampered body is refused") {
  const std::string header = SignatureHeader(kSecret, kBody, kSent);
  absl::Status status = VerifySignature(kSecret, header, R"({"id":"43","type":"complaint.filed"})",
                                        kSent, kTolerance);
  CHECK(status.code() == absl::StatusCode::kUnauthenticated);
  CHECK_THAT(Message(status), Catch::Contains("no v1 signature matches"));
}

TEST_CASE("a signature made with another secret is refused") {
  const std::string header = SignatureHeader("another-secret", kBody, kSent);
  CHECK(VerifySignature(kSecret, header, kBody, kSent, kTolerance).code() ==
        absl::StatusCode::kUnauthenticated);
}

TEST_CASE("a timestamp moved to look fresh breaks the signature") {
  // A replayer cannot refresh an old request's t: the timestamp is among the signed bytes.
  const std::string header = SignatureHeader(kSecret, kBody, kSent);
  const std::string moved = absl::StrCat("t=1796000600", header.substr(header.find(',')));
  CHECK(VerifySignature(kSecret, moved, kBody, kSent + absl::Minutes(10), kTolerance).code() ==
        absl::StatusCode::kUnauthenticated);
}

TEST_CASE("a stale or future timestamp is refused as a replay, naming the age") {
  const std::string header = SignatureHeader(kSecret, kBody, kSent);
  absl::Status stale = VerifySignature(kSecret, header, kBody, kSent + kTolerance + absl::Seconds(1),
                                       kTolerance);
  CHECK(stale.code() == absl::StatusCode::kUnauthenticated);
  CHECK_THAT(Message(stale), Catch::Contains("5m1s old") && Catch::Contains("replay"));
  absl::Status ahead = VerifySignature(kSecret, header, kBody, kSent - absl::Hours(1), kTolerance);
  CHECK(ahead.code() == absl::StatusCode::kUnauthenticated);
  CHECK_THAT(Message(ahead), Catch::Contains("1h ahead"));
}

TEST_CASE("a malformed header is refused, naming what is wrong") {
  const std::string header = SignatureHeader(kSecret, kBody, kSent);
  const std::string v1 = header.substr(header.find("v1="));
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"", "no timestamp"},
      {v1, "no timestamp"},
      {"t=1796000000", "no v1 signature"},
      {absl::StrCat("t=yesterday,", v1), "t is not unix seconds"},
      {absl::StrCat("t=1796000000,t=1796000000,", v1), "t given twice"},
      {absl::StrCat("t=1796000000,", v1, ",garbage"), "key=value"},
      {"t=1796000000,v1=abc", "64 lowercase hex"},
      {absl::StrCat("t=1796000000,v1=", std::string(64, 'G')), "64 lowercase hex"},
  };
  for (const auto& [value, expected] : cases) {
    INFO(value);
    absl::Status status = VerifySignature(kSecret, value, kBody, kSent, kTolerance);
    CHECK(status.code() == absl::StatusCode::kInvalidArgument);
    CHECK_THAT(Message(status), Catch::Contains(expected));
  }
}

}  // namespace
}  // namespace closedloop::services
