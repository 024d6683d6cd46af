// FileComplaint's decision (Decide), and the same decision in two steps (filing.h).
#include "domain/filing.h"

#include "absl/strings/str_cat.h"
#include "domain/complaint_decision.h"
#include "domain/proto_time.h"
#include "domain/validation.h"

namespace closedloop::domain {
namespace {

absl::Status CheckFiling(const v1::Filed& f) {
  if (absl::Status s = FirstError({RequireName("complaint_id", f.complaint_id()),
                         RequireEnum("channel", f.channel(), v1::Channel_IsValid),
                         RequireEnum("kind", f.kind(), v1::ItemKind_IsValid),
                         // Optional: an anonymous post or a red-button call names no customer.
                         LimitText("customer_ref", f.customer_ref(), kMaxNameBytes),
                         RequireText("text", f.text()),
                         LimitText("customer_contact", f.customer_contact(), kMaxNameBytes),
                         LimitText("market", f.market(), kMaxNameBytes),
                         LimitText("site", f.site(), kMaxNameBytes),
                         LimitText("seller_country", f.seller_country(), kMaxNameBytes),
                         LimitText("buyer_country", f.buyer_country(), kMaxNameBytes),
                         LimitText("language", f.language(), kMaxNameBytes),
                         LimitText("store", f.store(), kMaxNameBytes),
                         LimitText("order_ref", f.order_ref(), kMaxNameBytes),
                         LimitText("external_ref", f.external_ref(), kMaxNameBytes)}); !s.ok()) {
    return s;
  }
  if (f.severity() != v1::SEVERITY_UNSPECIFIED) {
    return RequireEnum("severity", f.severity(), v1::Severity_IsValid);
  }
  return absl::OkStatus();
}

// Emits the filing's events into `d`, owned by the least-loaded member of its team under `load`,
// or by nobody yet when `load` is nullptr (a draft); returns that team.
absl::StatusOr<const v1::Team*> DecideFiling(const FileComplaint& c, Decision& d,
                                             const OpenCaseLoad* load) {
  if (absl::Status s = CheckFiling(c.filing); !s.ok()) return s;
  if (d.state().status != ComplaintStatus::kNone) {
    return absl::AlreadyExistsError(
        absl::StrCat("complaint ", d.state().filed.complaint_id(), " was already filed"));
  }
  v1::Filed filed = c.filing;
  if (filed.severity() == v1::SEVERITY_UNSPECIFIED) filed.set_severity(v1::SEVERITY_NORMAL);
  *filed.mutable_filed_at() = ToProto(d.context().now);

  const v1::Directory empty;
  const v1::Directory& directory = d.context().directory ? *d.context().directory : empty;
  absl::StatusOr<TeamChoice> choice = ChooseTeam(filed, "", directory);
  if (!choice.ok()) return choice.status();
  RoutingDecision route{choice->team->name(), std::move(choice->rule), ""};
  if (load != nullptr) {
    absl::StatusOr<std::string> owner = LeastLoadedMember(*choice->team, *load);
    if (!owner.ok()) return owner.status();
    route.owner = *std::move(owner);
  }

  v1::ComplaintEvent filed_event;
  *filed_event.mutable_filed() = std::move(filed);
  d.Emit(std::move(filed_event));
  d.EmitRouting(route);

  // Deadlines are computed now, with the policy in force now, and written into the log.
  const SlaTargets targets = d.Targets();
  const absl::Time now = d.context().now;
  if (targets.first_contact) {
    if (absl::Status s = d.Schedule(v1::DEADLINE_KIND_FIRST_CONTACT, now, *targets.first_contact);
        !s.ok()) {
      return s;
    }
  }
  if (d.state().kind == v1::ITEM_KIND_COMPLAINT && targets.resolution) {
    if (absl::Status s = d.Schedule(v1::DEADLINE_KIND_RESOLUTION, now, *targets.resolution);
        !s.ok()) {
      return s;
    }
  }
  return choice->team;
}

}  // namespace

absl::Status DecideFile(const FileComplaint& c, Decision& d) {
  return DecideFiling(c, d, &d.context().load).status();
}

absl::StatusOr<FilingDraft> DraftFiling(const FileComplaint& command,
                                        const DecisionContext& context) {
  const ComplaintState none;
  Decision decision(none, context);
  absl::StatusOr<const v1::Team*> team = DecideFiling(command, decision, nullptr);
  if (!team.ok()) return team.status();
  return FilingDraft{decision.TakeEvents(), *team};
}

std::vector<v1::ComplaintEvent> CompleteFiling(FilingDraft draft, const std::string& owner) {
  for (v1::ComplaintEvent& event : draft.events) {
    if (event.has_assigned()) event.mutable_assigned()->set_owner(owner);
  }
  return std::move(draft.events);
}

}  // namespace closedloop::domain
