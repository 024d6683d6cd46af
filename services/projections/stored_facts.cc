#include "services/projections/stored_facts.h"

#include <cstdint>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "services/projections/big_endian.h"

namespace closedloop::services {
namespace {

constexpr char kFactsKey = 'f';
constexpr size_t kSecondsBytes = 8;
constexpr size_t kNanosBytes = 4;
constexpr size_t kTimeBytes = kSecondsBytes + kNanosBytes;
// Moves int64 seconds to uint64 keeping their order (negative times sort first).
constexpr uint64_t kSecondsOffset = uint64_t{1} << 63;

}  // namespace

std::string FactsKeyAt(absl::Time t) {
  // Whole seconds (floored) and the nanoseconds after them: any Timestamp's time, unsaturated.
  const int64_t seconds = absl::ToUnixSeconds(t);
  const int64_t nanos = absl::ToInt64Nanoseconds(t - absl::FromUnixSeconds(seconds));
  std::string key(1, kFactsKey);
  AppendBigEndian(key, static_cast<uint64_t>(seconds) + kSecondsOffset, kSecondsBytes);
  AppendBigEndian(key, static_cast<uint64_t>(nanos), kNanosBytes);
  return key;
}

std::pair<std::string, std::string> FactsEntryOf(const std::string& id, const v1::ComplaintView& view) {
  const domain::CaseFacts facts = domain::FactsOf(view);
  v1::CaseFactsEntry entry;
  entry.set_first_contact_ns(facts.first_contact_ns);
  entry.set_resolution_ns(facts.resolution_ns);
  entry.set_team(*facts.team);
  entry.set_department(*facts.department);
  entry.set_store(*facts.store);
  entry.set_breach_count(facts.breach_count);
  entry.set_csat(facts.csat);
  entry.set_channel(facts.channel);
  entry.set_kind(static_cast<int32_t>(facts.kind));
  entry.set_first_contacted(facts.first_contacted);
  entry.set_resolved(facts.resolved);
  entry.set_within_target(facts.within_target);
  entry.set_one_call(facts.one_call);
  entry.set_reopened(facts.reopened);
  entry.set_redirected(facts.redirected);
  entry.set_surveyed(facts.surveyed);
  entry.set_promoter(facts.promoter);
  entry.set_detractor(facts.detractor);
  return {absl::StrCat(FactsKeyAt(facts.filed), id), entry.SerializeAsString()};
}

bool IsFactsKey(absl::string_view store_key) {
  return store_key.size() > 1 + kTimeBytes && store_key[0] == kFactsKey;
}

absl::Status ReadFactsEntry(absl::string_view key, absl::string_view value, v1::CaseFactsEntry& scratch,
                            domain::CaseFacts& facts) {
  if (!IsFactsKey(key) || !scratch.ParseFromArray(value.data(), static_cast<int>(value.size())) ||
      scratch.kind() < 0 || scratch.kind() > static_cast<int32_t>(domain::CaseFacts::Kind::kRecommendation)) {
    return absl::DataLossError(absl::StrCat("the view store's metrics facts under ",
                                            absl::CHexEscape(key), " are unreadable"));
  }
  facts = domain::CaseFacts{};
  facts.filed =
      absl::FromUnixSeconds(static_cast<int64_t>(ReadBigEndian(key.substr(1, kSecondsBytes)) - kSecondsOffset)) +
      absl::Nanoseconds(ReadBigEndian(key.substr(1 + kSecondsBytes, kNanosBytes)));
  facts.first_contact_ns = scratch.first_contact_ns();
  facts.resolution_ns = scratch.resolution_ns();
  facts.team = &scratch.team();
  facts.department = &scratch.department();
  facts.store = &scratch.store();
  facts.breach_count = scratch.breach_count();
  facts.csat = scratch.csat();
  facts.channel = scratch.channel();
  facts.kind = static_cast<domain::CaseFacts::Kind>(scratch.kind());
  facts.first_contacted = scratch.first_contacted();
  facts.resolved = scratch.resolved();
  facts.within_target = scratch.within_target();
  facts.one_call = scratch.one_call();
  facts.reopened = scratch.reopened();
  facts.redirected = scratch.redirected();
  facts.surveyed = scratch.surveyed();
  facts.promoter = scratch.promoter();
  facts.detractor = scratch.detractor();
  return absl::OkStatus();
}

}  // namespace closedloop::services
