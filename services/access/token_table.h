// The bearer tokens the daemon accepts, from the token file (proto/closedloop/v1/access.proto):
// each token's SHA-256 maps to the caller it authenticates. Only hashes are held, in memory
// as on disk.
#ifndef CLOSEDLOOP_SERVICES_ACCESS_TOKEN_TABLE_H_
#define CLOSEDLOOP_SERVICES_ACCESS_TOKEN_TABLE_H_

#include <string>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "closedloop/v1/access.pb.h"
#include "domain/access.h"

namespace closedloop::services {

class TokenTable {
 public:
  // Validates every entry. INVALID_ARGUMENT naming the entry and field ("tokens[2].role: ..."):
  // a hash that is not 64 hex digits or appears twice, a missing principal, an unknown role, a
  // department role without a department, or a department on another role.
  static absl::StatusOr<TokenTable> From(const v1::TokenFile& file);
  // Reads and validates the text-format file at `path` (NOT_FOUND when unreadable).
  static absl::StatusOr<TokenTable> Load(const std::string& path);

  // The caller `token` authenticates, or nullptr.
  const domain::Caller* Find(absl::string_view token) const;
  size_t size() const { return by_hash_.size(); }

 private:
  absl::flat_hash_map<std::string, domain::Caller> by_hash_;  // lowercase hex SHA-256
};

}  // namespace closedloop::services

#endif  // CLOSEDLOOP_SERVICES_ACCESS_TOKEN_TABLE_H_
