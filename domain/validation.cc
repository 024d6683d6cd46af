#include "domain/validation.h"

#include <algorithm>
#include <cstdint>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/strip.h"

namespace closedloop::domain {

absl::Status RequireText(absl::string_view field, const std::string& value, size_t max_bytes) {
  if (value.empty()) return absl::InvalidArgumentError(absl::StrCat(field, ": required"));
  return LimitText(field, value, max_bytes);
}

absl::Status LimitText(absl::string_view field, const std::string& value, size_t max_bytes) {
  if (value.size() > max_bytes) {
    return absl::InvalidArgumentError(
        absl::StrCat(field, ": longer than ", max_bytes, " bytes (", value.size(), ")"));
  }
  return CheckCharacters(field, value, /*multiline=*/max_bytes > kMaxNameBytes);
}

absl::Status CheckCharacters(absl::string_view field, absl::string_view value, bool multiline) {
  const auto* bytes = reinterpret_cast<const unsigned char*>(value.data());
  const size_t n = value.size();
  for (size_t i = 0; i < n;) {
    const unsigned char b = bytes[i];
    // Decode one code point strictly: shortest form, no surrogates, at most U+10FFFF.
    uint32_t cp = 0;
    size_t length = 0;
    if (b < 0x80) {
      cp = b;
      length = 1;
    } else if (b >= 0xC2 && b <= 0xDF) {
      cp = b & 0x1F;
      length = 2;
    } else if (b >= 0xE0 && b <= 0xEF) {
      cp = b & 0x0F;
      length = 3;
    } else if (b >= 0xF0 && b <= 0xF4) {
      cp = b & 0x07;
      length = 4;
    }
    bool valid = length > 0 && i + length <= n;
    for (size_t k = 1; valid && k < length; ++k) {
      valid = (bytes[i + k] & 0xC0) == 0x80;
      cp = (cp << 6) | (bytes[i + k] & 0x3F);
    }
    if (valid && length == 3) valid = cp >= 0x800 && (cp < 0xD800 || cp > 0xDFFF);
    if (valid && length == 4) valid = cp >= 0x10000 && cp <= 0x10FFFF;
    if (!valid) {
      return absl::InvalidArgumentError(
          absl::StrCat(field, ": not valid UTF-8 at byte ", i));
    }
    const bool allowed_break = multiline && (cp == '\t' || cp == '\n' || cp == '\r');
    if ((cp < 0x20 && !allowed_break) || (cp >= 0x7F && cp <= 0x9F)) {
      return absl::InvalidArgumentError(
          absl::StrFormat("%s: control character U+%04X at byte %d", field, cp, i));
    }
    i += length;
  }
  return absl::OkStatus();
}

absl::Status RequireName(absl::string_view field, const std::string& value) {
  return RequireText(field, value, kMaxNameBytes);
}

absl::Status RequireAssignedId(absl::string_view field, absl::string_view id,
                               absl::string_view prefix) {
  // 18 digits stay below 2^63, so no number that passes can overflow a counter.
  constexpr size_t kMaxDigits = 18;
  if (id.empty()) return absl::InvalidArgumentError(absl::StrCat(field, ": required"));
  absl::string_view digits = id;
  const bool ok = absl::ConsumePrefix(&digits, prefix) && !digits.empty() &&
                  digits.size() <= kMaxDigits && digits[0] != '0' &&
                  std::all_of(digits.begin(), digits.end(),
                              [](char c) { return absl::ascii_isdigit(static_cast<unsigned char>(c)); });
  if (!ok) {
    return absl::InvalidArgumentError(
        absl::StrCat(field, ": expected ", prefix, "<number>, got '", Quote(id), "'"));
  }
  return absl::OkStatus();
}

std::string Quote(absl::string_view value, size_t max_bytes) {
  if (value.size() <= max_bytes) return absl::CHexEscape(value);
  return absl::StrCat(absl::CHexEscape(value.substr(0, max_bytes)), "...");
}

absl::Status RequireEnum(absl::string_view field, int value, bool (*is_valid)(int)) {
  if (value == 0) return absl::InvalidArgumentError(absl::StrCat(field, ": required"));
  if (!is_valid(value)) {
    return absl::InvalidArgumentError(absl::StrCat(field, ": unknown value ", value));
  }
  return absl::OkStatus();
}

absl::Status RequireRange(absl::string_view field, int value, int low, int high) {
  if (value < low || value > high) {
    return absl::InvalidArgumentError(
        absl::StrCat(field, ": must be between ", low, " and ", high, ", got ", value));
  }
  return absl::OkStatus();
}

absl::Status FirstError(std::initializer_list<absl::Status> checks) {
  for (const absl::Status& check : checks) {
    if (!check.ok()) return check;
  }
  return absl::OkStatus();
}

absl::Status RequireAfter(absl::string_view field, absl::Time value, absl::Time now) {
  if (value <= now) {
    return absl::InvalidArgumentError(absl::StrCat(
        field, ": must be after now (", absl::FormatTime(now), "), got ", absl::FormatTime(value)));
  }
  return absl::OkStatus();
}

}  // namespace closedloop::domain
