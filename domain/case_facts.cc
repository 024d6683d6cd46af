#include "domain/case_facts.h"

#include "domain/proto_time.h"

namespace closedloop::domain {
namespace {

const v1::DeadlineView* FirstResolutionDeadline(const v1::ComplaintView& view) {
  for (const v1::DeadlineView& d : view.deadlines()) {
    if (d.kind() == v1::DEADLINE_KIND_RESOLUTION) return &d;
  }
  return nullptr;
}

}  // namespace

CaseFacts FactsOf(const v1::ComplaintView& view) {
  const v1::Filed& filing = view.filing();
  CaseFacts facts;
  facts.filed = FromProto(filing.filed_at());
  facts.channel = filing.channel();
  if (view.kind() == v1::ITEM_KIND_COMPLAINT) {
    facts.kind = CaseFacts::Kind::kComplaint;
  } else if (view.kind() == v1::ITEM_KIND_RECOMMENDATION) {
    facts.kind = CaseFacts::Kind::kRecommendation;
  }
  if (view.has_first_contact_at()) {
    facts.first_contacted = true;
    facts.first_contact_ns = absl::ToInt64Nanoseconds(FromProto(view.first_contact_at()) - facts.filed);
  }
  if (view.has_first_resolved_at()) {
    const absl::Time resolved_at = FromProto(view.first_resolved_at());
    facts.resolved = true;
    facts.resolution_ns = absl::ToInt64Nanoseconds(resolved_at - facts.filed);
    const v1::DeadlineView* target = FirstResolutionDeadline(view);
    facts.within_target = target == nullptr || resolved_at <= FromProto(target->due());
    facts.one_call = view.reached_contacts_before_resolution() <= 1;
  }
  facts.reopened = view.reopen_count() > 0;
  facts.breach_count = view.breach_count();
  facts.redirected = view.state() == v1::COMPLAINT_STATE_REDIRECTED || !view.redirect_reason().empty();
  if (view.surveyed()) {
    facts.surveyed = true;
    facts.promoter = view.survey().nps() >= 9;
    facts.detractor = view.survey().nps() <= 6;
    facts.csat = view.survey().csat();
  }
  facts.team = &view.team();
  facts.department = &view.department();
  facts.store = &filing.store();
  return facts;
}

}  // namespace closedloop::domain
