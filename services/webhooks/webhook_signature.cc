#include "services/webhooks/webhook_signature.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <cstdlib>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"

namespace closedloop::services {
namespace {

constexpr size_t kHexSignatureLength = 64;  // SHA-256: 32 bytes, two hex digits each

std::string SignedBytes(absl::string_view timestamp, absl::string_view body) {
  return absl::StrCat(timestamp, ".", body);
}

bool IsLowerHex(absl::string_view s) {
  for (char c : s) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

}  // namespace

std::string HmacSha256Hex(absl::string_view key, absl::string_view data) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  // HMAC fails only when OpenSSL cannot allocate; an unsigned webhook must never go out.
  if (HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
           reinterpret_cast<const unsigned char*>(data.data()), data.size(), digest,
           &length) == nullptr) {
    std::abort();
  }
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string hex;
  hex.reserve(2 * length);
  for (unsigned int i = 0; i < length; ++i) {
    hex.push_back(kDigits[digest[i] >> 4]);
    hex.push_back(kDigits[digest[i] & 0xf]);
  }
  return hex;
}

std::string SignatureHeader(absl::string_view secret, absl::string_view body, absl::Time at) {
  const std::string t = absl::StrCat(absl::ToUnixSeconds(at));
  return absl::StrCat("t=", t, ",v1=", HmacSha256Hex(secret, SignedBytes(t, body)));
}

absl::Status VerifySignature(absl::string_view secret, absl::string_view header_value,
                             absl::string_view body, absl::Time now, absl::Duration tolerance) {
  absl::string_view timestamp;
  std::vector<absl::string_view> signatures;
  for (absl::string_view item : absl::StrSplit(header_value, ',')) {
    item = absl::StripAsciiWhitespace(item);
    if (item.empty()) continue;
    const size_t eq = item.find('=');
    if (eq == absl::string_view::npos) {
      return absl::InvalidArgumentError(
          absl::StrCat(kSignatureHeader, ": expected key=value items, got \"", item, "\""));
    }
    const absl::string_view key = item.substr(0, eq);
    const absl::string_view value = item.substr(eq + 1);
    if (key == "t") {
      if (!timestamp.empty()) {
        return absl::InvalidArgumentError(absl::StrCat(kSignatureHeader, ": t given twice"));
      }
      timestamp = value;
    } else if (key == "v1") {
      signatures.push_back(value);
    }
  }
  int64_t seconds = 0;
  if (timestamp.empty()) {
    return absl::InvalidArgumentError(absl::StrCat(kSignatureHeader, ": no timestamp (t=)"));
  }
  if (!absl::SimpleAtoi(timestamp, &seconds)) {
    return absl::InvalidArgumentError(
        absl::StrCat(kSignatureHeader, ": t is not unix seconds: \"", timestamp, "\""));
  }
  if (signatures.empty()) {
    return absl::InvalidArgumentError(absl::StrCat(kSignatureHeader, ": no v1 signature"));
  }
  const absl::Duration age = now - absl::FromUnixSeconds(seconds);
  if (age > tolerance || -age > tolerance) {
    return absl::UnauthenticatedError(absl::StrCat(
        kSignatureHeader, ": timestamp ", seconds, " is ", absl::FormatDuration(absl::AbsDuration(age)),
        age > absl::ZeroDuration() ? " old" : " ahead", ", beyond the tolerance of ",
        absl::FormatDuration(tolerance), " (a replay?)"));
  }
  const std::string expected = HmacSha256Hex(secret, SignedBytes(timestamp, body));
  bool matched = false;
  for (absl::string_view signature : signatures) {
    if (signature.size() != kHexSignatureLength || !IsLowerHex(signature)) {
      return absl::InvalidArgumentError(absl::StrCat(
          kSignatureHeader, ": v1 is not ", kHexSignatureLength, " lowercase hex digits"));
    }
    // Constant time: how far a guess matches must not show in how long the refusal takes.
    matched |= CRYPTO_memcmp(signature.data(), expected.data(), kHexSignatureLength) == 0;
  }
  if (!matched) {
    return absl::UnauthenticatedError(
        absl::StrCat(kSignatureHeader, ": no v1 signature matches the body and the secret"));
  }
  return absl::OkStatus();
}

}  // namespace closedloop::services
