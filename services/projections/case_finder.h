// CaseFinder: the indexes that find a case by what a caller has on a repeat call instead of a
// case id: its order number, its reference in another system, the customer's phone number or
// e-mail address (as a contact key, contact_key.h). A ListComplaints filter on one of them
// starts from its index, so that the query costs the matches, not a pass over all cases.
//
// A case's filing never changes after its first event, so a case is indexed once, when it is
// filed or restored, and never moved. Reading a phone number costs tens of microseconds
// (libphonenumber), which is why it is not repeated per event.
//
// Thread safety: none; it is part of ProjectionState.
#ifndef CLOSEDLOOP_SERVICES_PROJECTIONS_CASE_FINDER_H_
#define CLOSEDLOOP_SERVICES_PROJECTIONS_CASE_FINDER_H_

#include <string>

#include "absl/container/flat_hash_map.h"
#include "closedloop/v1/views.pb.h"
#include "services/projections/view_index.h"

namespace closedloop::services {

class CaseFinder {
 public:
  // Adds the case's id under its filing's order_ref, external_ref and contact key (those it
  // has). Ids, not views: a change replaces a case's view, and the case is indexed only once.
  void Index(const v1::ComplaintView& view);

  // The cases (ids in filing order) with exactly this order_ref, external_ref, or contact key;
  // empty if none.
  const IdSet& OfOrder(const std::string& order_ref) const { return Find(by_order_, order_ref); }
  const IdSet& OfExternal(const std::string& external_ref) const {
    return Find(by_external_, external_ref);
  }
  const IdSet& OfContact(const std::string& contact_key) const {
    return Find(by_contact_, contact_key);
  }

 private:
  using Keyed = absl::flat_hash_map<std::string, IdSet>;
  static const IdSet& Find(const Keyed& index, const std::string& key);

  Keyed by_order_;
  Keyed by_external_;
  Keyed by_contact_;
};

}  // namespace closedloop::services

#endif  // CLOSEDLOOP_SERVICES_PROJECTIONS_CASE_FINDER_H_
