// The complaint lifecycle: given events, when a command, then events or an error.
#include <catch2/catch.hpp>

#include "tests/domain/complaint_test_util.h"

namespace closedloop::domain {
namespace {

using namespace testing;  // NOLINT: test helpers
using Strings = std::vector<std::string>;

TEST_CASE("filing a complaint routes and assigns it and schedules its first-contact and resolution deadlines", "[complaint]") {
  History h;
  auto events = h.When(Filing());
  REQUIRE(events.ok());
  CHECK(Types(*events) == Strings{"complaint.filed", "complaint.routed", "complaint.assigned",
                                  "complaint.deadline_scheduled", "complaint.deadline_scheduled"});
  CHECK((*events)[1].routed().team() == "cx");
  CHECK((*events)[1].routed().rule() == "everything-else");
  CHECK((*events)[2].assigned().owner() == "anna");
  CHECK((*events)[0].filed().severity() == v1::SEVERITY_NORMAL);
  CHECK(FromProto((*events)[3].deadline_scheduled().due()) == T0() + absl::Hours(2));
  CHECK(FromProto((*events)[4].deadline_scheduled().due()) == T0() + absl::Hours(24));
  CHECK(FromProto((*events)[4].deadline_scheduled().warn_at()) == T0() + absl::Hours(18));
}

TEST_CASE("the owner is the team member with the fewest open cases", "[complaint]") {
  History h;
  DecisionContext context = h.Context(T0());
  context.load["anna"] = 3;
  context.load["bob"] = 1;
  auto events = Decide(Filing(), h.state(), context);
  REQUIRE(events.ok());
  CHECK((*events)[2].assigned().owner() == "bob");
}

TEST_CASE("filing the same complaint twice is refused as already existing", "[complaint]") {
  History h;
  h.Run(Filing());
  RequireError(h.When(Filing()), absl::StatusCode::kAlreadyExists, "CL-1");
}

TEST_CASE("a filing without text or channel, or with a malformed customer, is refused naming the field", "[complaint]") {
  History h;
  FileComplaint no_text = Filing();
  no_text.filing.clear_text();
  RequireError(h.When(no_text), absl::StatusCode::kInvalidArgument, "text");
  FileComplaint no_channel = Filing();
  no_channel.filing.set_channel(v1::CHANNEL_UNSPECIFIED);
  RequireError(h.When(no_channel), absl::StatusCode::kInvalidArgument, "channel");
  FileComplaint bad_customer = Filing();
  bad_customer.filing.set_customer_ref("c\n7");
  RequireError(h.When(bad_customer), absl::StatusCode::kInvalidArgument, "customer_ref");
  FileComplaint long_customer = Filing();
  long_customer.filing.set_customer_ref(std::string(201, 'c'));
  RequireError(h.When(long_customer), absl::StatusCode::kInvalidArgument, "customer_ref");
  FileComplaint too_long = Filing();
  too_long.filing.set_text(std::string(16 * 1024 + 1, 'x'));
  RequireError(h.When(too_long), absl::StatusCode::kInvalidArgument, "text");
  FileComplaint bad_severity = Filing();
  bad_severity.filing.set_severity(static_cast<v1::Severity>(99));
  RequireError(h.When(bad_severity), absl::StatusCode::kInvalidArgument, "severity");
}

TEST_CASE("a filing without a customer reference, an anonymous post or a red-button call, is filed and routed", "[complaint]") {
  for (v1::Channel channel : {v1::CHANNEL_SOCIAL, v1::CHANNEL_RED_BUTTON}) {
    History h;
    FileComplaint anonymous = Filing(channel);
    anonymous.filing.clear_customer_ref();
    anonymous.filing.clear_customer_contact();
    auto events = h.When(anonymous);
    INFO(v1::Channel_Name(channel) << ": " << events.status().ToString());
    REQUIRE(events.ok());
    CHECK(Types(*events)[0] == "complaint.filed");
    CHECK((*events)[0].filed().customer_ref().empty());
  }
}

TEST_CASE("a complaint resolved without a remedy type is refused naming remedy.type", "[complaint]") {
  History h;
  h.Run(Filing()).Run(Reached());
  ResolveComplaint no_remedy = Resolution();
  no_remedy.remedy.Clear();
  RequireError(h.When(no_remedy), absl::StatusCode::kInvalidArgument, "remedy.type");
}

TEST_CASE("a recommendation is tracked without a resolution clock", "[complaint]") {
  History h;
  h.Run(Filing(v1::CHANNEL_WEB, v1::ITEM_KIND_RECOMMENDATION));
  CHECK(h.TimerOf(v1::DEADLINE_KIND_RESOLUTION).empty());
  // It is answered (resolved) without a remedy and without a prior contact.
  ResolveComplaint answer;
  answer.resolution = "Thank you: the idea goes to the assortment team.";
  h.Run(answer);
  CHECK(h.state().status == ComplaintStatus::kResolved);
}

TEST_CASE("a red-button case goes only to the red-button team with a 15-minute first-contact target", "[complaint]") {
  History h;
  h.Run(Filing(v1::CHANNEL_RED_BUTTON));
  CHECK(h.state().team == "red-button");
  CHECK(h.state().owner == "rita");
  const DeadlineState& first = h.state().deadlines.at(h.TimerOf(v1::DEADLINE_KIND_FIRST_CONTACT));
  CHECK(first.due == T0() + absl::Minutes(15));
}

TEST_CASE("assigning the current owner changes nothing, reassigning records the previous owner", "[complaint]") {
  History h;
  h.Run(Filing());
  auto same = h.When(AssignComplaint{"anna"});
  REQUIRE(same.ok());
  CHECK(same->empty());
  auto other = h.When(AssignComplaint{"bob"});
  REQUIRE(other.ok());
  REQUIRE(other->size() == 1);
  CHECK((*other)[0].assigned().previous_owner() == "anna");
}

TEST_CASE("the first reached contact closes the first-level loop, an unanswered call does not", "[complaint]") {
  History h;
  h.Run(Filing());
  auto missed = h.When(RecordCustomerContact{v1::CONTACT_METHOD_PHONE, v1::CONTACT_OUTCOME_NO_ANSWER, ""});
  REQUIRE(missed.ok());
  CHECK(Types(*missed) == Strings{"complaint.customer_contacted"});
  CHECK_FALSE((*missed)[0].customer_contacted().first_contact());

  auto reached = h.When(Reached(), T0() + absl::Minutes(30));
  REQUIRE(reached.ok());
  CHECK(Types(*reached) == Strings{"complaint.customer_contacted", "complaint.deadline_satisfied"});
  CHECK((*reached)[0].customer_contacted().first_contact());
  CHECK((*reached)[1].deadline_satisfied().timer_id() == h.TimerOf(v1::DEADLINE_KIND_FIRST_CONTACT));
}

TEST_CASE("a complaint cannot be resolved before the customer was reached", "[complaint]") {
  History h;
  h.Run(Filing());
  RequireError(h.When(Resolution()), absl::StatusCode::kFailedPrecondition, "not been reached");
}

TEST_CASE("resolving satisfies every running deadline", "[complaint]") {
  History h;
  h.Run(Filing()).Run(Reached());
  auto events = h.When(Resolution(), T0() + absl::Hours(3));
  REQUIRE(events.ok());
  CHECK(Types(*events) == Strings{"complaint.resolved", "complaint.deadline_satisfied"});
  CHECK((*events)[1].deadline_satisfied().timer_id() == h.TimerOf(v1::DEADLINE_KIND_RESOLUTION));
}

TEST_CASE("a refund needs a positive amount and an ISO currency", "[complaint]") {
  History h;
  h.Run(Filing()).Run(Reached());
  ResolveComplaint refund = Resolution();
  refund.remedy.set_type(v1::REMEDY_TYPE_REFUND);
  RequireError(h.When(refund), absl::StatusCode::kInvalidArgument, "remedy.amount.amount_minor");
  refund.remedy.mutable_amount()->set_amount_minor(4999);
  refund.remedy.mutable_amount()->set_currency("euro");
  RequireError(h.When(refund), absl::StatusCode::kInvalidArgument, "remedy.amount.currency");
  refund.remedy.mutable_amount()->set_currency("EUR");
  CHECK(h.When(refund).ok());
}

TEST_CASE("Given a reached case, when resolved with an absurd or misplaced amount, then it is refused", "[complaint]") {
  History h;
  h.Run(Filing()).Run(Reached());
  ResolveComplaint refund = Resolution();
  refund.remedy.set_type(v1::REMEDY_TYPE_COMPENSATION);
  refund.remedy.mutable_amount()->set_currency("EUR");
  refund.remedy.mutable_amount()->set_amount_minor(-500);
  RequireError(h.When(refund), absl::StatusCode::kInvalidArgument, "remedy.amount.amount_minor: must be positive");
  refund.remedy.mutable_amount()->set_amount_minor(INT64_MAX);
  RequireError(h.When(refund), absl::StatusCode::kInvalidArgument, "remedy.amount.amount_minor: at most 100000000000");
  refund.remedy.mutable_amount()->set_amount_minor(100'000'000'000);
  CHECK(h.When(refund).ok());
  ResolveComplaint apology = Resolution();
  apology.remedy.set_type(v1::REMEDY_TYPE_APOLOGY);
  apology.remedy.mutable_amount()->set_amount_minor(100);
  RequireError(h.When(apology), absl::StatusCode::kInvalidArgument, "remedy.amount: only for a refund or compensation");
}

TEST_CASE("resolving a closed complaint is refused naming its state", "[complaint]") {
  History h;
  h.Run(Filing()).Run(Reached()).Run(Resolution()).Run(CloseComplaint{true});
  RequireError(h.When(Resolution()), absl::StatusCode::kFailedPrecondition, "closed");
}

TEST_CASE("only a resolved complaint can be closed, and closing twice changes nothing", "[complaint]") {
  History h;
  h.Run(Filing()).Run(Reached());
  RequireError(h.When(CloseComplaint{true}), absl::StatusCode::kFailedPrecondition, "in progress");
  h.Run(Resolution()).Run(CloseComplaint{true});
  auto again = h.When(CloseComplaint{true});
  REQUIRE(again.ok());
  CHECK(again->empty());
}

TEST_CASE("reopening a closed complaint starts a new resolution clock", "[complaint]") {
  History h;
  h.Run(Filing()).Run(Reached()).Run(Resolution()).Run(CloseComplaint{false});
  const absl::Time later = T0() + absl::Hours(48);
  auto events = h.When(ReopenComplaint{"the new leg is broken too"}, later);
  REQUIRE(events.ok());
  CHECK(Types(*events) == Strings{"complaint.reopened", "complaint.deadline_scheduled"});
  CHECK(FromProto((*events)[1].deadline_scheduled().due()) == later + absl::Hours(24));
  h.Run(ReopenComplaint{"the new leg is broken too"}, later);
  CHECK(h.state().status == ComplaintStatus::kInProgress);
}

TEST_CASE("an open complaint cannot be reopened", "[complaint]") {
  History h;
  h.Run(Filing());
  RequireError(h.When(ReopenComplaint{"why"}), absl::StatusCode::kFailedPrecondition, "open");
}

TEST_CASE("comments are allowed in every state, closed included, and need a visibility", "[complaint]") {
  History h;
  h.Run(Filing()).Run(Reached()).Run(Resolution()).Run(CloseComplaint{true});
  auto comment = h.When(AddComment{v1::VISIBILITY_INTERNAL, "ivan", "Carrier damaged two more."});
  REQUIRE(comment.ok());
  REQUIRE(comment->size() == 1);
  CHECK((*comment)[0].comment_added().comment_id() == "C1");
  RequireError(h.When(AddComment{v1::VISIBILITY_UNSPECIFIED, "ivan", "x"}),
               absl::StatusCode::kInvalidArgument, "visibility");
}

TEST_CASE("a task goes to a known department with a future due time and its responsible by default", "[complaint]") {
  History h;
  h.Run(Filing()).Run(Reached());
  const absl::Time due = T0() + absl::Hours(8);
  auto events = h.When(OpenTask{"warehouse", "", "check the stock of legs", due});
  REQUIRE(events.ok());
  CHECK(Types(*events) == Strings{"complaint.task_opened", "complaint.deadline_scheduled",
                                  "complaint.deadline_scheduled"});
  CHECK((*events)[0].task_opened().task_id() == "T1");
  CHECK((*events)[0].task_opened().responsible() == "wes");
  CHECK((*events)[1].deadline_scheduled().task_id() == "T1");
  CHECK(FromProto((*events)[1].deadline_scheduled().due()) == T0() + absl::Hours(4));
  RequireError(h.When(OpenTask{"bakery", "", "x", due}), absl::StatusCode::kInvalidArgument, "department");
  RequireError(h.When(OpenTask{"warehouse", "", "x", T0()}), absl::StatusCode::kInvalidArgument, "due");
}

TEST_CASE("completing a task twice is refused, an unknown task is not found", "[complaint]") {
  History h;
  h.Run(Filing()).Run(Reached()).Run(OpenTask{"warehouse", "", "check", T0() + absl::Hours(8)});
  auto done = h.When(CompleteTask{"T1", "legs in stock"});
  REQUIRE(done.ok());
  // Both of its clocks: the reply and the due time.
  CHECK(Types(*done) == Strings{"complaint.task_completed", "complaint.deadline_satisfied",
                                "complaint.deadline_satisfied"});
  h.Run(CompleteTask{"T1", "legs in stock"});
  RequireError(h.When(CompleteTask{"T1", "again"}), absl::StatusCode::kFailedPrecondition, "already completed");
  RequireError(h.When(CompleteTask{"T7", "x"}), absl::StatusCode::kNotFound, "T7");
}

TEST_CASE("only a red-button case can be redirected, and it lands in ordinary support with an owner and ordinary clocks", "[complaint]") {
  History ordinary;
  ordinary.Run(Filing());
  RequireError(ordinary.When(RedirectToSupport{"misuse"}), absl::StatusCode::kFailedPrecondition, "red-button");

  History red;
  red.Run(Filing(v1::CHANNEL_RED_BUTTON));
  REQUIRE(red.state().owner == "rita");
  const absl::Time at = T0() + absl::Minutes(5);
  auto events = red.When(RedirectToSupport{"a question about opening hours"}, at);
  REQUIRE(events.ok());
  REQUIRE(Types(*events) == Strings{"complaint.redirected_to_support", "complaint.deadline_satisfied",
                                    "complaint.deadline_satisfied", "complaint.routed",
                                    "complaint.assigned", "complaint.deadline_scheduled",
                                    "complaint.deadline_scheduled"});
  // Routed by the ordinary rules, named like any routing, to an owner there.
  CHECK((*events)[3].routed().team() == "cx");
  CHECK((*events)[3].routed().rule() == "everything-else");
  CHECK((*events)[4].assigned().owner() == "anna");
  CHECK((*events)[4].assigned().previous_owner() == "rita");
  // Ordinary support's clocks, from now.
  CHECK((*events)[5].deadline_scheduled().sla_rule() == "complaint");
  CHECK(FromProto((*events)[5].deadline_scheduled().due()) == at + absl::Hours(2));
  red.Run(RedirectToSupport{"a question about opening hours"}, at);
  CHECK(red.state().status == ComplaintStatus::kOpen);
  CHECK(red.state().team == "cx");

  // It is worked like any case, and redirecting again changes nothing.
  auto again = red.When(RedirectToSupport{"again"}, at);
  REQUIRE(again.ok());
  CHECK(again->empty());
  auto contacted = red.When(Reached(), at + absl::Minutes(30));
  REQUIRE(contacted.ok());
  CHECK(Types(*contacted) == Strings{"complaint.customer_contacted", "complaint.deadline_satisfied"});
}

TEST_CASE("a complaint links to at most one problem, and relinking the same one changes nothing", "[complaint]") {
  History h;
  h.Run(Filing()).Run(LinkToProblem{"P-1"});
  auto same = h.When(LinkToProblem{"P-1"});
  REQUIRE(same.ok());
  CHECK(same->empty());
  RequireError(h.When(LinkToProblem{"P-2"}), absl::StatusCode::kFailedPrecondition, "P-1");
}

TEST_CASE("a survey needs a resolved case and scores in range", "[complaint]") {
  History h;
  h.Run(Filing()).Run(Reached());
  RequireError(h.When(RecordSurvey{9, 5, ""}), absl::StatusCode::kFailedPrecondition, "in progress");
  h.Run(Resolution());
  RequireError(h.When(RecordSurvey{11, 5, ""}), absl::StatusCode::kInvalidArgument, "nps");
  RequireError(h.When(RecordSurvey{9, 0, ""}), absl::StatusCode::kInvalidArgument, "csat");
  h.Run(RecordSurvey{9, 5, "quick and kind"});
  RequireError(h.When(RecordSurvey{9, 5, ""}), absl::StatusCode::kFailedPrecondition, "already");
}

TEST_CASE("commands on a complaint that was never filed are not found", "[complaint]") {
  History h;
  RequireError(h.When(Reached()), absl::StatusCode::kNotFound, "not filed");
  RequireError(h.When(AddComment{v1::VISIBILITY_PUBLIC, "x", "y"}), absl::StatusCode::kNotFound, "not filed");
}

}  // namespace
}  // namespace closedloop::domain
