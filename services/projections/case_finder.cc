#include "services/projections/case_finder.h"

#include <optional>

#include "services/projections/contact_key.h"
#include "services/projections/list_rows.h"

namespace closedloop::services {

void CaseFinder::Index(const v1::ComplaintView& view) {
  const v1::Filed& filing = view.filing();
  const std::optional<uint64_t> number = CaseNumberOf(view.complaint_id());
  if (!number) return;
  if (!filing.order_ref().empty()) by_order_.Add(filing.order_ref(), *number);
  if (!filing.external_ref().empty()) by_external_.Add(filing.external_ref(), *number);
  if (filing.customer_contact().empty()) return;
  if (std::string key = CaseContactKey(filing.customer_contact(), filing.market()); !key.empty()) {
    by_contact_.Add(key, *number);
  }
}

}  // namespace closedloop::services
