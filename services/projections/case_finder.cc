#include "services/projections/case_finder.h"

#include "absl/strings/match.h"
#include "services/projections/big_endian.h"
#include "services/projections/contact_key.h"
#include "services/projections/list_rows.h"

namespace closedloop::services {
namespace {

constexpr char kFinderKey = 'k';

// The references of a filing, by what they find: "" where it has none.
struct References {
  std::string order, external, contact, customer;
};
References ReferencesOf(const v1::Filed& filing) {
  References refs{filing.order_ref(), filing.external_ref(), "", filing.customer_ref()};
  if (!filing.customer_contact().empty()) {
    refs.contact = CaseContactKey(filing.customer_contact(), filing.market());
  }
  return refs;
}

}  // namespace

std::string FinderPrefix(FindBy by, absl::string_view key) {
  std::string prefix;
  prefix.reserve(6 + key.size());
  prefix.push_back(kFinderKey);
  prefix.push_back(static_cast<char>(by));
  AppendBigEndian(prefix, key.size(), 4);
  prefix.append(key.data(), key.size());
  return prefix;
}

std::optional<uint64_t> FinderNumber(absl::string_view store_key, absl::string_view prefix) {
  if (store_key.size() != prefix.size() + 8 || !absl::StartsWith(store_key, prefix)) {
    return std::nullopt;
  }
  return ReadBigEndian(store_key.substr(prefix.size()));
}

bool IsFinderKey(absl::string_view store_key) {
  // 'k', what it finds by, the key's length, the key, the number: nothing more, nothing less.
  constexpr size_t kFixed = 2 + 4 + 8;
  if (store_key.size() < kFixed || store_key[0] != kFinderKey) return false;
  switch (static_cast<FindBy>(store_key[1])) {
    case FindBy::kOrder:
    case FindBy::kExternal:
    case FindBy::kContact:
    case FindBy::kCustomer:
      break;
    default:
      return false;
  }
  return store_key.size() == kFixed + ReadBigEndian(store_key.substr(2, 4));
}

std::vector<std::string> FinderKeysOf(const v1::ComplaintView& view) {
  std::vector<std::string> keys;
  const std::optional<uint64_t> number = CaseNumberOf(view.complaint_id());
  if (!number) return keys;
  const References refs = ReferencesOf(view.filing());
  for (const auto& [by, key] : {std::pair<FindBy, const std::string&>{FindBy::kOrder, refs.order},
                                {FindBy::kExternal, refs.external},
                                {FindBy::kContact, refs.contact},
                                {FindBy::kCustomer, refs.customer}}) {
    if (key.empty()) continue;
    std::string store_key = FinderPrefix(by, key);
    AppendBigEndian(store_key, *number, 8);
    keys.push_back(std::move(store_key));
  }
  return keys;
}

void CaseFinder::Index(const v1::ComplaintView& view) {
  const std::optional<uint64_t> number = CaseNumberOf(view.complaint_id());
  if (!number) return;
  const References refs = ReferencesOf(view.filing());
  if (!refs.order.empty()) by_order_.Add(refs.order, *number);
  if (!refs.external.empty()) by_external_.Add(refs.external, *number);
  if (!refs.contact.empty()) by_contact_.Add(refs.contact, *number);
  if (!refs.customer.empty()) by_customer_.Add(refs.customer, *number);
}

const CaseNumbers& CaseFinder::Of(FindBy by, absl::string_view key) const {
  switch (by) {
    case FindBy::kOrder: return by_order_.Find(key);
    case FindBy::kExternal: return by_external_.Find(key);
    case FindBy::kContact: return by_contact_.Find(key);
    case FindBy::kCustomer: break;
  }
  return by_customer_.Find(key);
}

}  // namespace closedloop::services
