#include "domain/validation.h"

#include "absl/strings/str_cat.h"

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
  return absl::OkStatus();
}

absl::Status RequireName(absl::string_view field, const std::string& value) {
  return RequireText(field, value, kMaxNameBytes);
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
