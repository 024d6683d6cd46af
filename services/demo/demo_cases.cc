// How each kind of case goes in the demo month. Every step of a case comes at least a minute
// after the one before, so a case's steps keep their order when the month is sorted by time.
#include <algorithm>

#include "absl/strings/str_cat.h"
#include "domain/proto_time.h"
#include "services/demo/demo_script.h"
#include "services/demo/demo_texts.h"

namespace closedloop::services::demo {
namespace {

using absl::Hours;
using absl::Minutes;

// The time of a case's next step: `after` the previous one, and at least a minute later.
absl::Time Then(absl::Time& cursor, absl::Duration after) {
  cursor += std::max(after, Minutes(1));
  return cursor;
}

v1::ContactMethod MethodFor(v1::Channel channel) {
  switch (channel) {
    case v1::CHANNEL_SOCIAL:
    case v1::CHANNEL_APP:
      return v1::CONTACT_METHOD_MESSAGE;
    case v1::CHANNEL_EMAIL:
    case v1::CHANNEL_WEB:
      return v1::CONTACT_METHOD_EMAIL;
    case v1::CHANNEL_STORE:
      return v1::CONTACT_METHOD_IN_PERSON;
    default:
      return v1::CONTACT_METHOD_PHONE;
  }
}

v1::Remedy RemedyOf(const ComplaintCategory& category) {
  v1::Remedy remedy;
  remedy.set_type(category.remedy);
  if (category.amount_minor > 0) {
    remedy.mutable_amount()->set_amount_minor(category.amount_minor);
    remedy.mutable_amount()->set_currency("EUR");
  }
  return remedy;
}

// How a complaint ends: most within the day, some late, some hanging at a partner for days,
// a few forgotten (still open, breached, reminding their owner).
enum class Outcome { kInTime, kLate, kHanging, kForgotten };

Outcome OutcomeOf(DemoRandom& r) {
  const double u = r.Unit();
  if (u < 0.02) return Outcome::kForgotten;
  if (u < 0.09) return Outcome::kHanging;
  if (u < 0.21) return Outcome::kLate;
  return Outcome::kInTime;
}

// First contact: usually well within the 2-hour target, sometimes just in time, sometimes late.
absl::Duration FirstContactDelay(v1::Channel channel, DemoRandom& r) {
  const double u = r.Unit();
  if (channel == v1::CHANNEL_SOCIAL) return u < 0.85 ? r.Minutes(10, 55) : r.Minutes(61, 120);
  if (u < 0.75) return r.Minutes(10, 100);
  if (u < 0.92) return r.Minutes(100, 118);
  return r.Minutes(125, 300);
}

// A department task; returns when it was completed. Most departments answer within the
// 4-hour target; some late, some only after their director and the CXO were escalated to.
absl::Time Task(Script& script, int item, const ComplaintCategory& category, absl::Time& cursor,
                bool at_partner, DemoRandom& r) {
  const absl::Time opened = Then(cursor, r.Minutes(10, 60));
  v1::OpenTaskRequest& open = script.Add<v1::OpenTaskRequest>(opened, item);
  open.set_department(script.Department(category.department));
  open.set_description(at_partner ? "The product is at the partner's service centre: please get "
                                    "a repair date and keep us posted."
                                  : category.task);
  *open.mutable_due() = domain::ToProto(opened + (at_partner ? Hours(72) : Hours(8)));
  const double u = r.Unit();
  const absl::Duration answer = u < 0.75 ? r.Minutes(30, 200) : u < 0.9 ? r.Minutes(250, 470)
                                                                        : r.Minutes(500, 900);
  v1::RespondToTaskRequest& respond =
      script.Add<v1::RespondToTaskRequest>(Then(cursor, answer), item);
  respond.set_task_id("T1");
  respond.set_response(at_partner ? "Repair under way; the partner expects it done within days."
                                  : category.department_answer);
  v1::CompleteTaskRequest& complete =
      script.Add<v1::CompleteTaskRequest>(Then(cursor, r.Minutes(10, 60)), item);
  complete.set_task_id("T1");
  complete.set_outcome("Answer received and checked.");
  return cursor;
}

// Resolution, closure, then a survey or (rarely) a reopening and a second resolution.
void Resolve(Script& script, int item, const ComplaintCategory& category, v1::Channel channel,
             absl::Time at, bool happy, DemoRandom& r) {
  absl::Time cursor = at;
  v1::ResolveComplaintRequest& resolve = script.Add<v1::ResolveComplaintRequest>(cursor, item);
  resolve.set_resolution(category.resolution);
  *resolve.mutable_remedy() = RemedyOf(category);
  resolve.set_root_cause(category.code);
  if (!r.Chance(0.85)) return;  // the customer has not confirmed yet
  script.Add<v1::CloseComplaintRequest>(Then(cursor, r.Minutes(60, 30 * 60)), item)
      .set_customer_confirmed(r.Chance(0.92));
  if (r.Chance(0.05)) {
    script.Add<v1::ReopenComplaintRequest>(Then(cursor, r.Minutes(20 * 60, 60 * 60)), item)
        .set_reason("The customer called back: the problem is back.");
    script.Contact(Then(cursor, r.Minutes(20, 90)), item, MethodFor(channel),
                   v1::CONTACT_OUTCOME_REACHED, "Talked the new problem through with the customer.");
    v1::ResolveComplaintRequest& again = script.Add<v1::ResolveComplaintRequest>(
        Then(cursor, r.Minutes(120, 480)), item);
    again.set_resolution(absl::StrCat(category.resolution, " Second attempt, checked with the customer."));
    *again.mutable_remedy() = RemedyOf(category);
    script.Add<v1::CloseComplaintRequest>(Then(cursor, r.Minutes(120, 1200)), item)
        .set_customer_confirmed(true);
    return;
  }
  if (r.Chance(0.6)) script.Survey(Then(cursor, r.Minutes(60, 48 * 60)), item, happy, r);
}

}  // namespace

void ComplaintCase(Script& script, int item, absl::Time filed_at, DemoRandom& r) {
  const ComplaintCategory& category = r.Pick(ComplaintCategories());
  const v1::Channel channel = r.Pick(category.channels);
  script.File(item, filed_at, channel, v1::ITEM_KIND_COMPLAINT, r.Pick(category.texts), r);
  absl::Time cursor = filed_at;

  v1::TriageComplaintRequest& triage =
      script.Add<v1::TriageComplaintRequest>(Then(cursor, r.Minutes(4, 30)), item);
  triage.set_category(category.code);
  triage.set_root_cause_code(category.code);
  triage.set_severity(r.Chance(0.2) ? v1::SEVERITY_HIGH : v1::SEVERITY_NORMAL);
  triage.set_department(script.Department(category.department));
  if (r.Chance(0.08)) script.Add<v1::AssignComplaintRequest>(Then(cursor, r.Minutes(5, 30)), item);
  for (const LinkableProblem& problem : script.problems()) {
    if (problem.category == category.code && cursor > problem.opened && cursor < problem.fixed) {
      script.Add<v1::LinkToProblemRequest>(Then(cursor, r.Minutes(5, 20)), item, problem.index);
    }
  }

  const absl::Duration delay = FirstContactDelay(channel, r);
  if (r.Chance(0.2)) {
    script.Contact(Then(cursor, std::min(delay / 2, r.Minutes(5, 30))), item, v1::CONTACT_METHOD_PHONE,
                   v1::CONTACT_OUTCOME_LEFT_MESSAGE, "No answer; left a message asking for a call-back.");
  }
  cursor = std::max(cursor + Minutes(1), filed_at + delay);
  script.Contact(cursor, item, MethodFor(channel), v1::CONTACT_OUTCOME_REACHED,
                 "Talked to the customer: apologised and explained the next steps.");
  if (r.Chance(0.6)) {
    script.Comment(Then(cursor, r.Minutes(5, 40)), item, v1::VISIBILITY_INTERNAL, r.Pick(InternalNotes()));
  }
  if (r.Chance(0.03)) {
    v1::EscalateRequest& escalate = script.Add<v1::EscalateRequest>(Then(cursor, r.Minutes(30, 120)), item);
    escalate.set_to("head-of-customer-experience");
    escalate.set_reason("The customer threatens to go to the press; goodwill above my limit.");
  }

  const Outcome outcome = OutcomeOf(r);
  if (outcome == Outcome::kForgotten) return;
  const bool at_partner = outcome == Outcome::kHanging;
  if (script.HasDepartments() && (at_partner || r.Chance(0.55))) {
    Task(script, item, category, cursor, at_partner, r);
  }
  absl::Time resolve_at;
  switch (outcome) {
    case Outcome::kInTime:
      resolve_at = std::max(filed_at + r.Minutes(180, 22 * 60), cursor + r.Minutes(10, 45));
      break;
    case Outcome::kLate:
      resolve_at = std::max(filed_at + r.Minutes(25 * 60, 40 * 60), cursor + r.Minutes(10, 45));
      break;
    default: {
      resolve_at = std::max(filed_at + r.Minutes(60 * 60, 140 * 60), cursor + r.Minutes(10, 45));
      // Hanging: the customer is updated about daily until it is solved.
      for (absl::Time update = filed_at + Hours(24) + r.Minutes(60, 20 * 60); update < resolve_at - Hours(1);
           update += r.Minutes(18 * 60, 23 * 60)) {
        if (update <= cursor) continue;
        cursor = update;
        script.Contact(update, item, MethodFor(channel), v1::CONTACT_OUTCOME_REACHED,
                       "Update: the repair at the partner's service centre is still under way.");
      }
      break;
    }
  }
  if (r.Chance(0.3)) {
    script.Comment(Then(cursor, r.Minutes(5, 60)), item, v1::VISIBILITY_PUBLIC,
                   "We are on it and will get back to you today.");
  }
  Resolve(script, item, category, channel, std::max(resolve_at, cursor + Minutes(1)),
          outcome == Outcome::kInTime, r);
}

void RedButtonCase(Script& script, int item, absl::Time filed_at, DemoRandom& r) {
  absl::Time cursor = filed_at;
  if (r.Chance(0.35)) {
    script.File(item, filed_at, v1::CHANNEL_RED_BUTTON, v1::ITEM_KIND_COMPLAINT,
                r.Pick(RedButtonMisuses()), r);
    script.Add<v1::RedirectToSupportRequest>(Then(cursor, r.Minutes(3, 12)), item)
        .set_reason("Not an emergency: a question for regular support; gave the hotline number.");
    return;
  }
  script.File(item, filed_at, v1::CHANNEL_RED_BUTTON, v1::ITEM_KIND_COMPLAINT,
              r.Pick(RedButtonEmergencies()), r);
  v1::TriageComplaintRequest& triage = script.Add<v1::TriageComplaintRequest>(Then(cursor, r.Minutes(2, 5)), item);
  triage.set_category("emergency");
  triage.set_severity(v1::SEVERITY_CRITICAL);
  script.Contact(Then(cursor, r.Chance(0.8) ? r.Minutes(3, 9) : r.Minutes(12, 25)), item,
                 v1::CONTACT_METHOD_PHONE, v1::CONTACT_OUTCOME_REACHED,
                 "Called back at once; the customer is calmer and knows what happens next.");
  script.Comment(Then(cursor, r.Minutes(5, 20)), item, v1::VISIBILITY_INTERNAL,
                 "Red button: handled personally, every department informed.");
  v1::ResolveComplaintRequest& resolve =
      script.Add<v1::ResolveComplaintRequest>(Then(cursor, r.Minutes(60, 360)), item);
  resolve.set_resolution("Solved the same day; goodwill compensation paid.");
  resolve.mutable_remedy()->set_type(v1::REMEDY_TYPE_COMPENSATION);
  resolve.mutable_remedy()->mutable_amount()->set_amount_minor(5000);
  resolve.mutable_remedy()->mutable_amount()->set_currency("EUR");
  script.Add<v1::CloseComplaintRequest>(Then(cursor, r.Minutes(60, 600)), item).set_customer_confirmed(true);
  script.Survey(Then(cursor, r.Minutes(60, 1440)), item, /*happy=*/true, r);
}

void RecommendationCase(Script& script, int item, absl::Time filed_at, DemoRandom& r) {
  static const std::vector<v1::Channel> channels = {
      v1::CHANNEL_WEB, v1::CHANNEL_WEB, v1::CHANNEL_WEB, v1::CHANNEL_APP,    v1::CHANNEL_APP,
      v1::CHANNEL_APP, v1::CHANNEL_EMAIL, v1::CHANNEL_HOTLINE, v1::CHANNEL_STORE, v1::CHANNEL_SOCIAL};
  const Recommendation& idea = r.Pick(Recommendations());
  const v1::Channel channel = r.Pick(channels);
  script.File(item, filed_at, channel, v1::ITEM_KIND_RECOMMENDATION, idea.text, r);
  absl::Time cursor = filed_at;
  if (r.Chance(0.6)) {
    script.Add<v1::TriageComplaintRequest>(Then(cursor, r.Minutes(30, 600)), item)
        .set_category(idea.category);
  }
  // Answered within the 72-hour target, mostly; a few late; a few not yet.
  const double u = r.Unit();
  if (u < 0.01) return;
  const absl::Duration answer = u < 0.97 ? r.Minutes(60, 40 * 60) : r.Minutes(73 * 60, 96 * 60);
  cursor = std::max(cursor + Minutes(1), filed_at + answer);
  const v1::ContactMethod method =
      channel == v1::CHANNEL_HOTLINE ? v1::CONTACT_METHOD_PHONE
      : channel == v1::CHANNEL_STORE ? v1::CONTACT_METHOD_IN_PERSON
                                     : MethodFor(channel);
  script.Contact(cursor, item, method, v1::CONTACT_OUTCOME_REACHED, idea.answer);
  script.Add<v1::ResolveComplaintRequest>(Then(cursor, r.Minutes(1, 30)), item)
      .set_resolution(idea.answer);
  script.Add<v1::CloseComplaintRequest>(Then(cursor, r.Minutes(1, 10)), item);
}

}  // namespace closedloop::services::demo
