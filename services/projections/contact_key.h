// Contact keys: a customer's phone number or e-mail address in the one form under which the
// case finder indexes it, so that a caller finds a case however the number was written.
//
//   phone number  only digits, spaces and + - ( ) . / with at least one digit: parsed with
//                 libphonenumber in the market's region (ISO 3166 code, any case) and written in
//                 E.164, so "+49 30 1234567" and "030 1234567" in market DE are both
//                 "+49301234567". A number in international form ("+49 ...", "0049 ..." in a
//                 market) needs no market; a national one does.
//   e-mail        contains '@': trimmed and lower-cased (ASCII), "Anna@Example.COM " is
//                 "anna@example.com"; mail providers treat the whole address without case.
//   anything else trimmed, otherwise exact.
//
// Thread safety: both functions may be called from any thread.
#ifndef CLOSEDLOOP_SERVICES_PROJECTIONS_CONTACT_KEY_H_
#define CLOSEDLOOP_SERVICES_PROJECTIONS_CONTACT_KEY_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace closedloop::services {

// The key of a filed case's contact, read in the case's market; "" when there is none to index:
// no contact, or a phone number that cannot be read (a national number without a market, too
// few digits), which no search could name (SearchContactKey refuses it).
std::string CaseContactKey(absl::string_view contact, absl::string_view market);

// The key of a contact a caller searches for, with `market` as the region of a national
// number. INVALID_ARGUMENT naming `field` when it is blank, or looks like a phone number but
// cannot be read, so that a caller learns of a typo or a missing market instead of finding
// nothing.
absl::StatusOr<std::string> SearchContactKey(absl::string_view field, absl::string_view contact,
                                             absl::string_view market);

// The rules' fingerprint: a hash of the keys of a fixed set of sample contacts. Keys are
// stored (case_finder.h) and made once per case, so a store whose keys were made under other
// rules (a libphonenumber upgrade with new metadata, or a change here) must be made again: the
// fingerprint is part of the view store's format (Projections::Format).
std::string ContactKeyRules();

}  // namespace closedloop::services

#endif  // CLOSEDLOOP_SERVICES_PROJECTIONS_CONTACT_KEY_H_
