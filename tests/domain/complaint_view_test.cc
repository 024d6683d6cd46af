// The read models, fold by fold: given records (event + meta), then the view holds these values.
#include "domain/complaint_view.h"

#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "complaint_test_util.h"
#include "domain/proto_time.h"
#include "google/protobuf/util/message_differencer.h"

namespace closedloop::domain {
namespace {

using testing::T0;
using Differencer = google::protobuf::util::MessageDifferencer;
using absl::Hours;
using absl::Minutes;

absl::Time At(const google::protobuf::Timestamp& t) { return FromProto(t); }

// ---- Events as the log holds them --------------------------------------------------------

template <typename Fill>
v1::ComplaintEvent Make(Fill fill) {
  v1::ComplaintEvent e;
  fill(e);
  return e;
}
v1::ComplaintEvent Filed(v1::Channel channel = v1::CHANNEL_HOTLINE) {
  return Make([&](auto& e) {
    v1::Filed& f = *e.mutable_filed();
    f.set_complaint_id("CL-1");
    f.set_channel(channel);
    f.set_kind(v1::ITEM_KIND_COMPLAINT);
    f.set_severity(v1::SEVERITY_NORMAL);
    f.set_customer_ref("customer-7");
    f.set_text("The sofa arrived with a broken leg.");
    *f.mutable_filed_at() = ToProto(T0());
  });
}
v1::ComplaintEvent Scheduled(const std::string& timer, v1::DeadlineKind kind, absl::Time due,
                             const std::string& task = "") {
  return Make([&](auto& e) {
    v1::DeadlineScheduled& d = *e.mutable_deadline_scheduled();
    d.set_timer_id(timer);
    d.set_kind(kind);
    *d.mutable_due() = ToProto(due);
    if (kind == v1::DEADLINE_KIND_FIRST_CONTACT) *d.mutable_warn_at() = ToProto(due - Minutes(30));
    d.set_task_id(task);
  });
}
v1::ComplaintEvent Contacted(v1::ContactOutcome outcome, bool first) {
  return Make([&](auto& e) {
    e.mutable_customer_contacted()->set_outcome(outcome);
    e.mutable_customer_contacted()->set_first_contact(first);
  });
}
v1::ComplaintEvent Resolved() {
  return Make([](auto& e) {
    e.mutable_resolved()->set_resolution("refunded the sofa");
    e.mutable_resolved()->mutable_remedy()->set_type(v1::REMEDY_TYPE_REFUND);
    e.mutable_resolved()->mutable_remedy()->mutable_amount()->set_amount_minor(49900);
    e.mutable_resolved()->mutable_remedy()->mutable_amount()->set_currency("EUR");
  });
}
v1::ComplaintEvent Reopened() { return Make([](auto& e) { e.mutable_reopened()->set_reason("leg broke again"); }); }
v1::ComplaintEvent Satisfied(const std::string& timer) {
  return Make([&](auto& e) { e.mutable_deadline_satisfied()->set_timer_id(timer); });
}

// ---- One stream: records at T0 + offset, positions interleaved with other streams -----------

class Case {
 public:
  Case& On(absl::Duration offset, const v1::ComplaintEvent& event, const std::string& type = "") {
    EventMeta meta;
    meta.position = position_ += 3;  // other streams write in between
    meta.revision = ++revision_;
    meta.recorded_at = T0() + offset;
    meta.type = type.empty() ? EventType(event) : type;
    meta.actor.set_principal("user:anna");
    meta.actor.set_role("superhero");
    ApplyToView(view_, meta, event);
    history_.push_back(HistoryEntryOf(meta));
    events_.push_back(event);
    return *this;
  }
  const v1::ComplaintView& view() const { return view_; }
  const std::vector<v1::HistoryEntry>& history() const { return history_; }
  const std::vector<v1::ComplaintEvent>& events() const { return events_; }

 private:
  uint64_t position_ = 100;
  uint64_t revision_ = 0;
  v1::ComplaintView view_;
  std::vector<v1::HistoryEntry> history_;
  std::vector<v1::ComplaintEvent> events_;
};

TEST_CASE("the view follows the full loop from filing to the survey", "[view]") {
  Case c;
  c.On(Minutes(0), Filed())
      .On(Minutes(0), Make([](auto& e) { e.mutable_routed()->set_team("cx"); e.mutable_routed()->set_rule("everything-else"); }))
      .On(Minutes(0), Make([](auto& e) { e.mutable_assigned()->set_owner("anna"); }))
      .On(Minutes(0), Scheduled("fc-1", v1::DEADLINE_KIND_FIRST_CONTACT, T0() + Hours(2)))
      .On(Minutes(0), Scheduled("res-1", v1::DEADLINE_KIND_RESOLUTION, T0() + Hours(24)))
      .On(Minutes(10), Contacted(v1::CONTACT_OUTCOME_NO_ANSWER, false))
      .On(Minutes(40), Contacted(v1::CONTACT_OUTCOME_REACHED, true))
      .On(Minutes(40), Satisfied("fc-1"))
      .On(Minutes(45), Make([](auto& e) {
        v1::CommentAdded& c = *e.mutable_comment_added();
        c.set_comment_id("C1"); c.set_visibility(v1::VISIBILITY_INTERNAL); c.set_author("anna"); c.set_text("courier?");
      }))
      .On(Minutes(50), Make([](auto& e) {
        v1::TaskOpened& t = *e.mutable_task_opened();
        t.set_task_id("T1"); t.set_department("warehouse"); t.set_responsible("wes"); t.set_description("check stock");
        *t.mutable_due() = ToProto(T0() + Hours(4));
      }))
      .On(Minutes(50), Scheduled("task-T1", v1::DEADLINE_KIND_TASK_RESPONSE, T0() + Hours(4), "T1"))
      .On(Hours(2), Make([](auto& e) { e.mutable_task_responded()->set_task_id("T1"); e.mutable_task_responded()->set_response("in stock"); }))
      .On(Hours(2), Satisfied("task-T1"))
      .On(Hours(3), Make([](auto& e) { e.mutable_task_completed()->set_task_id("T1"); e.mutable_task_completed()->set_outcome("shipped"); }))
      .On(Hours(5), Resolved())
      .On(Hours(5), Satisfied("res-1"))
      .On(Hours(6), Make([](auto& e) { e.mutable_closed()->set_customer_confirmed(true); }))
      .On(Hours(7), Make([](auto& e) { e.mutable_survey_recorded()->set_nps(9); e.mutable_survey_recorded()->set_csat(5); }));
  const v1::ComplaintView& v = c.view();

  CHECK(v.complaint_id() == "CL-1");
  CHECK(v.state() == v1::COMPLAINT_STATE_CLOSED);
  CHECK(v.filing().customer_ref() == "customer-7");
  CHECK(v.kind() == v1::ITEM_KIND_COMPLAINT);
  CHECK(v.severity() == v1::SEVERITY_NORMAL);
  CHECK(v.team() == "cx");
  CHECK(v.routing_rule() == "everything-else");
  CHECK(v.owner() == "anna");
  CHECK(v.contact_attempts() == 2);
  CHECK(v.customer_reached());
  CHECK(At(v.first_contact_at()) == T0() + Minutes(40));
  CHECK(At(v.last_contact_at()) == T0() + Minutes(40));
  REQUIRE(v.comments_size() == 1);
  CHECK(v.comments(0).visibility() == v1::VISIBILITY_INTERNAL);
  CHECK(v.comments(0).text() == "courier?");
  CHECK(At(v.comments(0).added_at()) == T0() + Minutes(45));
  REQUIRE(v.tasks_size() == 1);
  const v1::TaskView& task = v.tasks(0);
  CHECK(task.responsible() == "wes");
  CHECK(At(task.due()) == T0() + Hours(4));
  CHECK(At(task.opened_at()) == T0() + Minutes(50));
  CHECK(At(task.responded_at()) == T0() + Hours(2));
  CHECK(task.response() == "in stock");
  CHECK(At(task.completed_at()) == T0() + Hours(3));
  CHECK(task.outcome() == "shipped");
  CHECK(task.escalation_level() == 0);
  REQUIRE(v.deadlines_size() == 3);
  CHECK(v.deadlines(0).timer_id() == "fc-1");
  CHECK(At(v.deadlines(0).warn_at()) == T0() + Hours(2) - Minutes(30));
  CHECK_FALSE(v.deadlines(1).has_warn_at());
  CHECK(v.deadlines(2).task_id() == "T1");
  for (const v1::DeadlineView& d : v.deadlines()) CHECK(d.state() == v1::DEADLINE_STATE_SATISFIED);
  CHECK(At(v.deadlines(0).satisfied_at()) == T0() + Minutes(40));
  CHECK(At(v.resolved_at()) == T0() + Hours(5));
  CHECK(At(v.first_resolved_at()) == T0() + Hours(5));
  CHECK(v.resolution().remedy().type() == v1::REMEDY_TYPE_REFUND);
  CHECK(v.resolution().remedy().amount().amount_minor() == 49900);
  CHECK(At(v.closed_at()) == T0() + Hours(6));
  CHECK(v.customer_confirmed());
  CHECK(v.surveyed());
  CHECK(v.survey().nps() == 9);
  CHECK_FALSE(v.hanging());
  CHECK(v.breach_count() == 0);
  CHECK(v.reopen_count() == 0);
  // The view is the case as it stands: its history is the stream's, line by line beside it.
  CHECK(v.history_size() == 0);
  const std::vector<v1::HistoryEntry>& history = c.history();
  REQUIRE(history.size() == 18);
  CHECK(history[0].type() == "complaint.filed");
  CHECK(history[0].position() == 103);
  CHECK(history[0].revision() == 1);
  CHECK(At(history[0].recorded_at()) == T0());
  CHECK(history[17].type() == "complaint.survey_recorded");
  CHECK(history[17].actor().principal() == "user:anna");
  CHECK(history[17].actor().role() == "superhero");
  // The filer is the first event's actor when the filing does not name it.
  CHECK(v.filing().filed_by() == "user:anna");
  CHECK(v.revision() == 18);
  CHECK(v.last_position() == 100 + 3 * 18);
  CHECK(At(v.updated_at()) == T0() + Hours(7));
  // The view agrees with the domain's own fold.
  const ComplaintState state = Fold(c.events());
  CHECK(v.state() == ViewState(state.status));
  CHECK(v.deadlines(1).state() == ViewState(state.deadlines.at("res-1").status));
}

TEST_CASE("a filing keeps the filer it names, and one that names none is the first actor's", "[view]") {
  Case named;
  named.On(Minutes(0), Make([](auto& e) {
    *e.mutable_filed() = Filed().filed();
    e.mutable_filed()->set_filed_by("system:webshop");
  }));
  CHECK(named.view().filing().filed_by() == "system:webshop");
  Case unnamed;
  unnamed.On(Minutes(0), Filed());
  CHECK(unnamed.view().filing().filed_by() == "user:anna");
}

TEST_CASE("a reopen puts the case back and keeps the first resolution", "[view]") {
  Case c;
  c.On(Minutes(0), Filed()).On(Hours(1), Resolved());
  c.On(Hours(2), Reopened());
  CHECK(c.view().state() == v1::COMPLAINT_STATE_OPEN);  // the customer was never reached
  c.On(Hours(3), Contacted(v1::CONTACT_OUTCOME_REACHED, true))
      .On(Hours(4), Resolved())
      .On(Hours(5), Make([](auto& e) { e.mutable_survey_recorded()->set_nps(2); }))
      .On(Hours(6), Reopened());
  const v1::ComplaintView& v = c.view();
  CHECK(v.state() == v1::COMPLAINT_STATE_IN_PROGRESS);
  CHECK(v.reopen_count() == 2);
  CHECK_FALSE(v.surveyed());
  CHECK(v.survey().nps() == 2);  // the latest survey stays on record
  CHECK(At(v.first_resolved_at()) == T0() + Hours(1));
  CHECK(At(v.resolved_at()) == T0() + Hours(4));
  CHECK(v.state() == ViewState(Fold(c.events()).status));
}

TEST_CASE("a redirect to support returns the case to ordinary support as open and clears hanging", "[view]") {
  Case c;
  c.On(Minutes(0), Filed(v1::CHANNEL_RED_BUTTON))
      .On(Hours(30), Scheduled("upd-1", v1::DEADLINE_KIND_CUSTOMER_UPDATE, T0() + Hours(34)));
  REQUIRE(c.view().hanging());
  c.On(Hours(31), Make([](auto& e) { e.mutable_redirected_to_support()->set_reason("order status question"); }));
  CHECK(c.view().state() == v1::COMPLAINT_STATE_OPEN);
  CHECK(c.view().state() == ViewState(Fold(c.events()).status));
  CHECK_FALSE(c.view().hanging());
  CHECK(c.view().redirect_reason() == "order status question");
}

TEST_CASE("a customer-update deadline makes the case hang until it is resolved", "[view]") {
  Case c;
  c.On(Minutes(0), Filed());
  CHECK_FALSE(c.view().hanging());
  c.On(Hours(24), Scheduled("upd-1", v1::DEADLINE_KIND_CUSTOMER_UPDATE, T0() + Hours(28)));
  CHECK(c.view().hanging());
  CHECK(c.view().deadlines(0).state() == v1::DEADLINE_STATE_PENDING);
  c.On(Hours(25), Resolved());
  CHECK_FALSE(c.view().hanging());
  CHECK(c.view().hanging() == Fold(c.events()).hanging);
}

TEST_CASE("warnings and breaches take the timer's fired time and are counted", "[view]") {
  Case c;
  c.On(Minutes(0), Filed())
      .On(Minutes(0), Scheduled("fc-1", v1::DEADLINE_KIND_FIRST_CONTACT, T0() + Hours(2)))
      .On(Minutes(0), Scheduled("res-1", v1::DEADLINE_KIND_RESOLUTION, T0() + Hours(24)))
      .On(Minutes(0), Make([](auto& e) {
        e.mutable_task_opened()->set_task_id("T1"); e.mutable_task_opened()->set_responsible("wes");
      }))
      // Fired while the server was down: recorded later than fired.
      .On(Hours(3), Make([](auto& e) {
        e.mutable_deadline_warned()->set_timer_id("fc-1");
        *e.mutable_deadline_warned()->mutable_fired_at() = ToProto(T0() + Minutes(90));
      }))
      .On(Hours(3), Make([](auto& e) {
        e.mutable_deadline_breached()->set_timer_id("fc-1");
        *e.mutable_deadline_breached()->mutable_fired_at() = ToProto(T0() + Hours(2));
      }))
      .On(Hours(25), Make([](auto& e) {
        e.mutable_deadline_breached()->set_timer_id("res-1");
        *e.mutable_deadline_breached()->mutable_fired_at() = ToProto(T0() + Hours(24));
      }))
      .On(Hours(25), Make([](auto& e) {
        v1::Escalated& x = *e.mutable_escalated();
        x.set_level(2); x.set_to("cxo"); x.set_task_id("T1");
      }))
      .On(Hours(26), Make([](auto& e) { e.mutable_escalated()->set_level(1); }));
  const v1::ComplaintView& v = c.view();
  CHECK(v.breach_count() == 2);
  CHECK(v.deadlines(0).state() == v1::DEADLINE_STATE_BREACHED);
  CHECK(At(v.deadlines(0).warned_at()) == T0() + Minutes(90));
  CHECK(At(v.deadlines(0).breached_at()) == T0() + Hours(2));
  CHECK(At(v.deadlines(1).breached_at()) == T0() + Hours(24));
  CHECK_FALSE(v.deadlines(1).has_warned_at());
  CHECK(v.escalation_count() == 2);
  CHECK(v.tasks(0).escalation_level() == 2);
  CHECK(v.tasks(0).escalated_to() == "cxo");
  const ComplaintState state = Fold(c.events());
  CHECK(v.deadlines(0).state() == ViewState(state.deadlines.at("fc-1").status));
}

TEST_CASE("triage overwrites only what it sets", "[view]") {
  Case c;
  c.On(Minutes(0), Filed())
      .On(Minutes(5), Make([](auto& e) { e.mutable_triaged()->set_category("delivery"); e.mutable_triaged()->set_department("warehouse"); }))
      .On(Minutes(9), Make([](auto& e) { e.mutable_triaged()->set_severity(v1::SEVERITY_HIGH); e.mutable_triaged()->set_root_cause_code("DMG"); }))
      .On(Minutes(9), Make([](auto& e) { e.mutable_linked_to_problem()->set_problem_id("P1"); }));
  const v1::ComplaintView& v = c.view();
  CHECK(v.kind() == v1::ITEM_KIND_COMPLAINT);
  CHECK(v.severity() == v1::SEVERITY_HIGH);
  CHECK(v.category() == "delivery");
  CHECK(v.department() == "warehouse");
  CHECK(v.root_cause_code() == "DMG");
  CHECK(v.problem_id() == "P1");
}

TEST_CASE("an unknown event, or one naming an unknown task or timer, only advances the revision", "[view]") {
  Case c;
  c.On(Minutes(0), Filed()).On(Minutes(0), Scheduled("fc-1", v1::DEADLINE_KIND_FIRST_CONTACT, T0() + Hours(2)));
  const v1::ComplaintView before = c.view();
  v1::ComplaintEvent future;  // oneof case 99, written by a newer binary
  REQUIRE(future.ParseFromString(std::string("\x9a\x06\x02\x08\x01", 5)));
  REQUIRE(future.event_case() == v1::ComplaintEvent::EVENT_NOT_SET);
  c.On(Hours(1), future, "complaint.parcel_lost")
      .On(Hours(1), Make([](auto& e) { e.mutable_task_completed()->set_task_id("T9"); }))
      .On(Hours(2), Satisfied("no-such-timer"))
      .On(Hours(2), Make([](auto& e) { e.mutable_deadline_breached()->set_timer_id("no-such-timer"); }));
  v1::ComplaintView after = c.view();
  REQUIRE(c.history().size() == 6);
  CHECK(c.history()[2].type() == "complaint.parcel_lost");
  CHECK(At(c.history()[2].recorded_at()) == T0() + Hours(1));
  CHECK(after.revision() == 6);
  CHECK(At(after.updated_at()) == T0() + Hours(2));
  after.set_revision(before.revision());
  after.set_last_position(before.last_position());
  *after.mutable_updated_at() = before.updated_at();
  std::string diff;
  {
    Differencer differencer;  // flushes the report when destroyed
    differencer.ReportDifferencesToString(&diff);
    differencer.Compare(before, after);
  }
  INFO(diff);
  CHECK(Differencer::Equals(before, after));
}

}  // namespace
}  // namespace closedloop::domain
