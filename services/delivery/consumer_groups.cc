#include "services/delivery/consumer_groups.h"

#include <algorithm>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"

namespace closedloop::services {
namespace {
constexpr size_t kMaxGroupBytes = 64;
}  // namespace

absl::Status ConsumerGroups::CheckName(const std::string& group) {
  if (group.empty() || group.size() > kMaxGroupBytes) {
    return absl::InvalidArgumentError(
        absl::StrCat("group: required, 1 to ", kMaxGroupBytes, " characters"));
  }
  for (char c : group) {
    if (!absl::ascii_isalnum(static_cast<unsigned char>(c)) && c != '.' && c != '_' && c != '-') {
      return absl::InvalidArgumentError(
          "group: only letters, digits, '.', '_' and '-' (e.g. \"crm-sync\")");
    }
  }
  return absl::OkStatus();
}

std::string ConsumerGroups::KeyOf(const std::string& principal, const std::string& group) {
  // The group name holds no '/', so the key splits at its last one.
  return absl::StrCat("group/", principal, "/", group);
}

absl::StatusOr<uint64_t> ConsumerGroups::Read(const std::string& key) const {
  absl::StatusOr<std::string> stored = store_.Get(key);
  if (!stored.ok()) return stored.status();
  uint64_t position = 0;
  if (!absl::SimpleAtoi(*stored, &position)) {
    return absl::DataLossError(absl::StrCat("the cursor store's ", key, " is unreadable"));
  }
  return position;
}

absl::StatusOr<uint64_t> ConsumerGroups::Join(const std::string& principal,
                                              const std::string& group, uint64_t start_position) {
  const std::string key = KeyOf(principal, group);
  absl::MutexLock lock(&mu_);
  absl::StatusOr<uint64_t> position = Read(key);
  if (!absl::IsNotFound(position.status())) return position;
  const uint64_t acknowledged = start_position == 0 ? 0 : start_position - 1;
  if (absl::Status put = store_.Put(key, absl::StrCat(acknowledged)); !put.ok()) return put;
  return acknowledged;
}

absl::StatusOr<uint64_t> ConsumerGroups::Acknowledge(const std::string& principal,
                                                     const std::string& group,
                                                     uint64_t position) {
  const std::string key = KeyOf(principal, group);
  absl::MutexLock lock(&mu_);
  absl::StatusOr<uint64_t> acknowledged = Read(key);
  if (absl::IsNotFound(acknowledged.status())) {
    return absl::NotFoundError(absl::StrCat("group: ", principal, " has no consumer group '",
                                            group, "'; SubscribeGroup makes it"));
  }
  if (!acknowledged.ok() || *acknowledged >= position) return acknowledged;
  if (absl::Status put = store_.Put(key, absl::StrCat(position)); !put.ok()) return put;
  return position;
}

}  // namespace closedloop::services
