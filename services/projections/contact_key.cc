#include "services/projections/contact_key.h"

#include <cstdint>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "phonenumbers/phonenumberutil.h"

namespace closedloop::services {
namespace {

using i18n::phonenumbers::PhoneNumber;
using i18n::phonenumbers::PhoneNumberUtil;

enum class ContactKind { kPhone, kEmail, kOther };

ContactKind KindOf(absl::string_view contact) {
  if (absl::StrContains(contact, '@')) return ContactKind::kEmail;
  bool digit = false;
  for (char c : contact) {
    if (absl::ascii_isdigit(static_cast<unsigned char>(c))) {
      digit = true;
    } else if (!absl::StrContains(" +-()./", c)) {
      return ContactKind::kOther;
    }
  }
  return digit ? ContactKind::kPhone : ContactKind::kOther;
}

// The number in E.164, or "" when libphonenumber cannot read it as a number callable from
// anywhere in `market` ("ZZ", no region, when empty: then only the international form reads).
// A number callable only locally ("12" in DE, IS_POSSIBLE_LOCAL_ONLY) is no key: it is too
// short to name one customer.
std::string E164(absl::string_view number, absl::string_view market) {
  const PhoneNumberUtil& util = *PhoneNumberUtil::GetInstance();
  const std::string region = market.empty() ? "ZZ" : absl::AsciiStrToUpper(market);
  PhoneNumber parsed;
  if (util.Parse(std::string(number), region, &parsed) != PhoneNumberUtil::NO_PARSING_ERROR ||
      util.IsPossibleNumberWithReason(parsed) != PhoneNumberUtil::IS_POSSIBLE) {
    return std::string();
  }
  std::string e164;
  util.Format(parsed, PhoneNumberUtil::E164, &e164);
  return e164;
}

}  // namespace

std::string CaseContactKey(absl::string_view contact, absl::string_view market) {
  contact = absl::StripAsciiWhitespace(contact);
  switch (KindOf(contact)) {
    case ContactKind::kPhone:
      return E164(contact, market);
    case ContactKind::kEmail:
      return absl::AsciiStrToLower(contact);
    case ContactKind::kOther:
      break;
  }
  return std::string(contact);
}

absl::StatusOr<std::string> SearchContactKey(absl::string_view field, absl::string_view contact,
                                             absl::string_view market) {
  std::string key = CaseContactKey(contact, market);
  if (!key.empty()) return key;
  // Blank would otherwise read as no filter at all, and list every case.
  if (absl::StripAsciiWhitespace(contact).empty()) {
    return absl::InvalidArgumentError(absl::StrCat(field, ": blank; leave it empty for no filter"));
  }
  // The number itself stays out of the message: errors may be logged, contacts are confidential.
  return absl::InvalidArgumentError(absl::StrCat(
      field, ": not a phone number that can be read",
      market.empty() ? " (a national number needs market, e.g. DE)"
                     : absl::StrCat(" in market ", market)));
}

std::string ContactKeyRules() {
  // National and international numbers of several regions, numbers too short or of no region,
  // addresses and other text: what a change of rules or of the phone metadata would move.
  static constexpr std::pair<const char*, const char*> kSamples[] = {
      {"030 1234567", "DE"},        {"+49 30 1234567", ""},     {"0049 1512 3456789", "AT"},
      {"01512 3456789", "de"},      {"020 7946 0958", "GB"},    {"06 12 34 56 78", "FR"},
      {"(650) 253-0000", "US"},     {"+1 650 253 0000", ""},    {"010 1234 5678", "CN"},
      {"0800 123 4567", "NL"},      {"+39 06 1234 5678", ""},   {"1234", "DE"},
      {"030 1234567", ""},          {"+999 1234567", ""},       {" Anna@Example.COM ", ""},
      {"walk-in  ", "DE"}};
  uint64_t hash = 14695981039346656037u;  // FNV-1a: the same in every process and build
  for (const auto& [contact, market] : kSamples) {
    for (unsigned char c : CaseContactKey(contact, market) + '|') {
      hash = (hash ^ c) * 1099511628211u;
    }
  }
  return absl::StrCat(absl::Hex(hash, absl::kZeroPad16));
}

}  // namespace closedloop::services
