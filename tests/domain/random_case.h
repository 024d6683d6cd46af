// RandomCase: a random complaint view as the projections could hold it, every field the
// metrics and the department catalog read varying; filed within 90 days from 2026-10-01 UTC. For property tests.
#ifndef CLOSEDLOOP_TESTS_DOMAIN_RANDOM_CASE_H_
#define CLOSEDLOOP_TESTS_DOMAIN_RANDOM_CASE_H_

#include <random>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "closedloop/v1/views.pb.h"
#include "domain/proto_time.h"

namespace closedloop::testing {

inline const absl::Time kRandomCaseStart =
    absl::FromCivil(absl::CivilSecond(2026, 10, 1, 0, 0, 0), absl::UTCTimeZone());

inline v1::ComplaintView RandomCase(std::mt19937& rng, int n) {
  auto pick = [&](int k) { return static_cast<int>(rng() % static_cast<unsigned>(k)); };
  v1::ComplaintView v;
  const std::string id = absl::StrCat("CL-", n);
  v.set_complaint_id(id);
  const v1::ItemKind kinds[] = {v1::ITEM_KIND_COMPLAINT, v1::ITEM_KIND_COMPLAINT,
                                v1::ITEM_KIND_RECOMMENDATION, v1::ITEM_KIND_UNSPECIFIED};
  v.set_kind(kinds[pick(4)]);
  const v1::Channel channels[] = {v1::CHANNEL_HOTLINE, v1::CHANNEL_WEB, v1::CHANNEL_RED_BUTTON,
                                  v1::CHANNEL_STORE};
  v1::Filed& filing = *v.mutable_filing();
  filing.set_channel(channels[pick(4)]);
  const absl::Time filed = kRandomCaseStart + absl::Minutes(pick(60 * 24 * 90));
  *filing.mutable_filed_at() = domain::ToProto(filed);
  if (pick(4) != 0) filing.set_customer_ref(absl::StrCat("cust-", pick(40)));
  filing.set_store(pick(3) == 0 ? "" : absl::StrCat("store-", pick(3)));
  v.set_team(absl::StrCat("team-", pick(3)));
  v.set_department(pick(4) == 0 ? "" : absl::StrCat("dept-", pick(3)));
  v.set_state(pick(2) == 0 ? v1::COMPLAINT_STATE_OPEN : v1::COMPLAINT_STATE_CLOSED);
  if (filing.channel() == v1::CHANNEL_RED_BUTTON && pick(3) == 0) {
    v.set_state(v1::COMPLAINT_STATE_REDIRECTED);
    v.set_redirect_reason("not urgent");
  }
  if (pick(2) == 0) *v.mutable_first_contact_at() = domain::ToProto(filed + absl::Seconds(pick(86400 * 2)));
  if (pick(2) == 0) {
    *v.mutable_first_resolved_at() = domain::ToProto(filed + absl::Seconds(pick(86400 * 5)));
    v.set_reached_contacts_before_resolution(pick(3));
  }
  if (pick(2) == 0) {
    v1::DeadlineView& d = *v.add_deadlines();
    d.set_kind(v1::DEADLINE_KIND_RESOLUTION);
    *d.mutable_due() = domain::ToProto(filed + absl::Hours(24 + pick(48)));
  }
  v.set_breach_count(pick(3));
  v.set_reopen_count(pick(4) == 0 ? 1 : 0);
  if (pick(3) == 0) {
    v.set_surveyed(true);
    v.mutable_survey()->set_nps(pick(11));
    v.mutable_survey()->set_csat(1 + pick(5));
  }
  if (pick(3) != 0) v.set_root_cause_code(absl::StrCat("rc-", pick(3)));
  for (int t = pick(4); t > 0; --t) {
    closedloop::v1::TaskView& task = *v.add_tasks();
    task.set_task_id(absl::StrCat("T", v.tasks_size()));
    task.set_department(pick(5) == 0 ? "" : absl::StrCat("dept-", pick(4)));
    const absl::Time opened = filed + absl::Minutes(pick(600));
    *task.mutable_opened_at() = domain::ToProto(opened);
    if (pick(3) != 0) *task.mutable_due() = domain::ToProto(opened + absl::Hours(pick(72)));
    if (pick(2) == 0) *task.mutable_responded_at() = domain::ToProto(opened + absl::Seconds(1 + pick(86400)));
    if (pick(3) == 0) *task.mutable_completed_at() = domain::ToProto(opened + absl::Hours(1 + pick(48)));
    task.set_escalation_level(pick(4) == 0 ? 1 + pick(2) : 0);
  }
  return v;
}

// The same case changed at random: its id and filing (which never change) stay.
inline closedloop::v1::ComplaintView RandomChangeOf(std::mt19937& rng, const closedloop::v1::ComplaintView& v) {
  closedloop::v1::ComplaintView next = RandomCase(rng, 0);
  *next.mutable_filing() = v.filing();
  next.set_complaint_id(v.complaint_id());
  return next;
}

}  // namespace closedloop::testing

#endif  // CLOSEDLOOP_TESTS_DOMAIN_RANDOM_CASE_H_
