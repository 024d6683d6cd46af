#include "tools/cli/enum_labels.h"

#include <cctype>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"

namespace closedloop::cli {
namespace {

// The prefix every value of `type` carries by the style guide: "ComplaintState" ->
// "COMPLAINT_STATE_".
std::string ValuePrefix(const google::protobuf::EnumDescriptor* type) {
  std::string prefix;
  for (char c : type->name()) {
    if (std::isupper(static_cast<unsigned char>(c)) && !prefix.empty()) prefix += '_';
    prefix += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  }
  return prefix + "_";
}

}  // namespace

std::string EnumLabel(const google::protobuf::EnumDescriptor* type, int number) {
  if (number == 0) return "-";
  const google::protobuf::EnumValueDescriptor* value = type->FindValueByNumber(number);
  if (value == nullptr) return absl::StrCat(number);
  std::string name = value->name();
  const std::string prefix = ValuePrefix(type);
  if (absl::StartsWith(name, prefix)) name = name.substr(prefix.size());
  return absl::AsciiStrToLower(name);
}

absl::StatusOr<int> ParseEnumLabel(const google::protobuf::EnumDescriptor* type, const std::string& text) {
  const std::string wanted = absl::AsciiStrToUpper(absl::StrReplaceAll(text, {{"-", "_"}}));
  const google::protobuf::EnumValueDescriptor* value =
      type->FindValueByName(absl::StrCat(ValuePrefix(type), wanted));
  if (value == nullptr) value = type->FindValueByName(wanted);
  if (value != nullptr && value->number() != 0) return value->number();
  std::vector<std::string> labels;
  for (int i = 0; i < type->value_count(); ++i) {
    if (type->value(i)->number() != 0) labels.push_back(EnumLabel(type, type->value(i)->number()));
  }
  return absl::InvalidArgumentError(
      absl::StrCat("unknown value \"", text, "\" (one of ", absl::StrJoin(labels, ", "), ")"));
}

}  // namespace closedloop::cli
