#include "domain/event_delivery.h"

#include <algorithm>

#include "absl/strings/str_cat.h"

namespace closedloop::domain {
namespace {

constexpr int kMaxEntries = 100;
constexpr size_t kMaxBytes = 256;

template <typename List, typename Value>
bool Allows(const List& list, const Value& value) {
  return list.empty() || std::find(list.begin(), list.end(), value) != list.end();
}

absl::Status CheckStrings(absl::string_view field,
                          const google::protobuf::RepeatedPtrField<std::string>& values) {
  if (values.size() > kMaxEntries) {
    return absl::InvalidArgumentError(absl::StrCat(field, ": more than ", kMaxEntries, " entries"));
  }
  for (int i = 0; i < values.size(); ++i) {
    if (values[i].empty() || values[i].size() > kMaxBytes) {
      return absl::InvalidArgumentError(
          absl::StrCat(field, "[", i, "]: must be 1 to ", kMaxBytes, " bytes"));
    }
  }
  return absl::OkStatus();
}

bool ReadsEveryCase(const Caller& caller) {
  return caller.role != kRoleIntegrator && caller.role != kRoleDepartment;
}

}  // namespace

absl::Status CheckDeliveryFilter(absl::string_view field, const v1::DeliveryFilter& filter) {
  if (absl::Status s = CheckStrings(absl::StrCat(field, ".event_types"), filter.event_types());
      !s.ok()) {
    return s;
  }
  if (absl::Status s = CheckStrings(absl::StrCat(field, ".teams"), filter.teams()); !s.ok()) return s;
  if (absl::Status s = CheckStrings(absl::StrCat(field, ".departments"), filter.departments());
      !s.ok()) {
    return s;
  }
  if (filter.channels_size() > kMaxEntries) {
    return absl::InvalidArgumentError(
        absl::StrCat(field, ".channels: more than ", kMaxEntries, " entries"));
  }
  for (int i = 0; i < filter.channels_size(); ++i) {
    const int channel = filter.channels(i);
    if (channel == v1::CHANNEL_UNSPECIFIED || !v1::Channel_IsValid(channel)) {
      return absl::InvalidArgumentError(
          absl::StrCat(field, ".channels[", i, "]: unknown channel ", channel));
    }
  }
  return absl::OkStatus();
}

std::optional<v1::ComplaintEvent> DeliveredComplaintEvent(const Caller& caller,
                                                          const v1::DeliveryFilter& filter,
                                                          absl::string_view type,
                                                          const v1::ComplaintView* view,
                                                          v1::ComplaintEvent event) {
  if (view == nullptr || !MayRead(caller, *view)) return std::nullopt;
  if (!Allows(filter.event_types(), type) || !Allows(filter.teams(), view->team()) ||
      !Allows(filter.departments(), view->department()) ||
      !Allows(filter.channels(), view->filing().channel())) {
    return std::nullopt;
  }
  const ReadScope scope = ScopeOf(caller.role);
  if (event.has_comment_added() && !scope.internal_comments &&
      event.comment_added().visibility() != v1::VISIBILITY_PUBLIC) {
    return std::nullopt;
  }
  if (event.has_filed() && !scope.contact_details) {
    event.mutable_filed()->clear_customer_contact();
  }
  return event;
}

bool DeliversProblemEvent(const Caller& caller, const v1::DeliveryFilter& filter,
                          absl::string_view type) {
  return ReadsEveryCase(caller) && Allows(filter.event_types(), type) && filter.teams().empty() &&
         filter.departments().empty() && filter.channels().empty();
}

v1::CaseSummary SummaryOf(const v1::ComplaintView& view) {
  v1::CaseSummary summary;
  summary.set_complaint_id(view.complaint_id());
  summary.set_state(view.state());
  summary.set_kind(view.kind());
  summary.set_severity(view.severity());
  summary.set_channel(view.filing().channel());
  summary.set_owner(view.owner());
  summary.set_team(view.team());
  summary.set_department(view.department());
  summary.set_customer_ref(view.filing().customer_ref());
  summary.set_market(view.filing().market());
  summary.set_store(view.filing().store());
  if (view.filing().has_filed_at()) *summary.mutable_filed_at() = view.filing().filed_at();
  summary.set_hanging(view.hanging());
  summary.set_breach_count(view.breach_count());
  summary.set_escalation_count(view.escalation_count());
  return summary;
}

}  // namespace closedloop::domain
