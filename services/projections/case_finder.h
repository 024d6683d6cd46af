// CaseFinder: finds a case by what a caller has on a repeat call instead of a case id: its
// order number, its reference in another system, the customer's phone number or e-mail address
// (as a contact key, contact_key.h), or the customer's reference. A ListComplaints filter on one
// of them, and a customer's history, start from these keys, so that they cost the matches, not
// a pass over all cases.
//
// A case's filing never changes after its first event, so its keys are written once, when it is
// filed. Where they live depends on the state (ProjectionState):
//   - beside the views in the view store, as keys of their own (FinderKeysOf), read through the
//     state's snapshot: a state with a store keeps nothing per case for them in memory;
//   - in a CaseFinder in memory, for a state without a store (a rebuild compared in a test).
// Reading a phone number costs tens of microseconds (libphonenumber), which is why a key is
// made once per case and stored, never made again at start-up; a store whose contact keys were
// made under other rules is rebuilt (ContactKeyRules, Projections::Format).
//
// Store key: "k" <by> <length of the key, 4 bytes big-endian> <key> <case number, 8 bytes
// big-endian>. The length makes a prefix match exact ("A1" never finds "A12"), and big-endian
// numbers sort the cases of one key in filing order.
//
// Thread safety: none for CaseFinder's writes; the free functions may run on any thread.
#ifndef CLOSEDLOOP_SERVICES_PROJECTIONS_CASE_FINDER_H_
#define CLOSEDLOOP_SERVICES_PROJECTIONS_CASE_FINDER_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "closedloop/v1/views.pb.h"
#include "services/projections/view_index.h"

namespace closedloop::services {

// What a case is found by.
enum class FindBy : char { kOrder = 'o', kExternal = 'x', kContact = 'c', kCustomer = 'u' };

// Every store key of the case's filing: one per reference it has (none for an id without a
// number: the log holds none).
std::vector<std::string> FinderKeysOf(const v1::ComplaintView& view);
// The first bytes of every store key of the cases found by `by` under `key`.
std::string FinderPrefix(FindBy by, absl::string_view key);
// The case number a store key under `prefix` ends with; nullopt for a key that is not one.
std::optional<uint64_t> FinderNumber(absl::string_view store_key, absl::string_view prefix);
// Whether a store key is laid out as FinderKeysOf's are.
bool IsFinderKey(absl::string_view store_key);

class CaseFinder {
 public:
  // Adds the case's number under each of its filing's references (those it has).
  void Index(const v1::ComplaintView& view);

  // The cases (numbers in filing order) under `key`, and perhaps a few of another key
  // (NumbersByKey): the caller checks each. Empty if none.
  const CaseNumbers& Of(FindBy by, absl::string_view key) const;

 private:
  NumbersByKey by_order_;
  NumbersByKey by_external_;
  NumbersByKey by_contact_;
  NumbersByKey by_customer_;
};

}  // namespace closedloop::services

#endif  // CLOSEDLOOP_SERVICES_PROJECTIONS_CASE_FINDER_H_
