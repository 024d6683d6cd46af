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

#include "closedloop/v1/views.pb.h"
#include "services/projections/view_index.h"

namespace closedloop::services {

class CaseFinder {
 public:
  // Adds the case's number under its filing's order_ref, external_ref and contact key (those
  // it has). Numbers, not views: a change replaces a case's view, and the case is indexed
  // only once. A case whose id has no number is not indexed (the log holds none).
  void Index(const v1::ComplaintView& view);

  // The cases (numbers in filing order) with this order_ref, external_ref, or contact key, and
  // perhaps a few of another (NumbersByKey): the caller checks each. Empty if none.
  const CaseNumbers& OfOrder(const std::string& order_ref) const { return by_order_.Find(order_ref); }
  const CaseNumbers& OfExternal(const std::string& external_ref) const {
    return by_external_.Find(external_ref);
  }
  const CaseNumbers& OfContact(const std::string& contact_key) const {
    return by_contact_.Find(contact_key);
  }

 private:
  NumbersByKey by_order_;
  NumbersByKey by_external_;
  NumbersByKey by_contact_;
};

}  // namespace closedloop::services

#endif  // CLOSEDLOOP_SERVICES_PROJECTIONS_CASE_FINDER_H_
