// The short, lower-case names people type and read for proto enum values: "hotline" for
// CHANNEL_HOTLINE, "in_progress" for COMPLAINT_STATE_IN_PROGRESS. Derived from the
// descriptors, so a value added to a .proto is usable at once.
#ifndef CLOSEDLOOP_TOOLS_CLI_ENUM_LABELS_H_
#define CLOSEDLOOP_TOOLS_CLI_ENUM_LABELS_H_

#include <string>

#include "absl/status/statusor.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/generated_enum_reflection.h"

namespace closedloop::cli {

// The value's name without its type's prefix, in lower case; "-" for the unspecified (zero)
// value, and the number for one this binary does not know.
std::string EnumLabel(const google::protobuf::EnumDescriptor* type, int number);

template <typename E>
std::string Label(E value) {
  return EnumLabel(google::protobuf::GetEnumDescriptor<E>(), static_cast<int>(value));
}

// The number of the value `text` names: its label or full name, any case, "-" for "_".
// INVALID_ARGUMENT listing the labels when it names none (the zero value is never accepted:
// it means "not given").
absl::StatusOr<int> ParseEnumLabel(const google::protobuf::EnumDescriptor* type, const std::string& text);

}  // namespace closedloop::cli

#endif  // CLOSEDLOOP_TOOLS_CLI_ENUM_LABELS_H_
