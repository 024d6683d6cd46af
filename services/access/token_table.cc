#include "services/access/token_table.h"

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "domain/validation.h"
#include "services/daemon/text_proto.h"
#include "storage/record_hash.h"

namespace closedloop::services {
namespace {

bool IsSha256Hex(const std::string& hex) {
  if (hex.size() != 64) return false;
  for (char c : hex) {
    if (!absl::ascii_isxdigit(static_cast<unsigned char>(c))) return false;
  }
  return true;
}

absl::Status Invalid(size_t i, absl::string_view field, absl::string_view problem) {
  return absl::InvalidArgumentError(absl::StrCat("tokens[", i, "].", field, ": ", problem));
}

}  // namespace

absl::StatusOr<TokenTable> TokenTable::From(const v1::TokenFile& file) {
  TokenTable table;
  for (size_t i = 0; i < static_cast<size_t>(file.tokens_size()); ++i) {
    const v1::Token& token = file.tokens(i);
    if (!IsSha256Hex(token.sha256())) {
      return Invalid(i, "sha256", "must be 64 hex digits (printf %s \"$TOKEN\" | sha256sum)");
    }
    if (absl::Status s = domain::RequireName("principal", token.principal()); !s.ok()) {
      return Invalid(i, "principal", s.message());
    }
    if (!domain::IsTokenRole(token.role())) {
      return Invalid(i, "role", absl::StrCat("'", token.role(), "' is not one of ",
                                             absl::StrJoin(domain::TokenRoles(), ", ")));
    }
    const bool department_role = token.role() == domain::kRoleDepartment;
    if (department_role && token.department().empty()) {
      return Invalid(i, "department", "required for role department");
    }
    if (!department_role && !token.department().empty()) {
      return Invalid(i, "department", "only for role department");
    }
    domain::Caller caller{token.principal(), token.role(), token.team(), token.department()};
    if (!table.by_hash_.emplace(absl::AsciiStrToLower(token.sha256()), std::move(caller)).second) {
      return Invalid(i, "sha256", "the same token is listed twice");
    }
  }
  return table;
}

absl::StatusOr<TokenTable> TokenTable::Load(const std::string& path) {
  absl::StatusOr<std::string> text = ReadWholeFile(path, "tokens");
  if (!text.ok()) return text.status();
  v1::TokenFile file;
  if (absl::Status s = ParseTextProto(*text, "tokens", file); !s.ok()) return s;
  return From(file);
}

const domain::Caller* TokenTable::Find(absl::string_view token) const {
  auto found = by_hash_.find(
      absl::BytesToHexString(storage::Sha256(std::string_view(token.data(), token.size()))));
  return found == by_hash_.end() ? nullptr : &found->second;
}

}  // namespace closedloop::services
