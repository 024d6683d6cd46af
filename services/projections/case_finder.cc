#include "services/projections/case_finder.h"

#include "services/projections/contact_key.h"

namespace closedloop::services {

void CaseFinder::Index(const v1::ComplaintView& view) {
  const v1::Filed& filing = view.filing();
  const std::string& id = view.complaint_id();
  if (id.empty()) return;
  if (!filing.order_ref().empty()) by_order_[filing.order_ref()].insert(id);
  if (!filing.external_ref().empty()) by_external_[filing.external_ref()].insert(id);
  if (filing.customer_contact().empty()) return;
  if (std::string key = CaseContactKey(filing.customer_contact(), filing.market()); !key.empty()) {
    by_contact_[std::move(key)].insert(id);
  }
}

const IdSet& CaseFinder::Find(const Keyed& index, const std::string& key) {
  static const IdSet* const kNone = new IdSet();
  auto found = index.find(key);
  return found == index.end() ? *kNone : found->second;
}

}  // namespace closedloop::services
