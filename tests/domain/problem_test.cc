// The problem decider, rule by rule: given events, when a command, then events or an error.
#include "domain/problem.h"

#include <algorithm>
#include <catch2/catch.hpp>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/time.h"
#include "domain/validation.h"

namespace closedloop::domain {
namespace {

using Events = std::vector<v1::ProblemEvent>;

const absl::Time kNow = absl::FromUnixSeconds(1'700'000'000);
const absl::Time kTomorrow = kNow + absl::Hours(24);

// ---- Events as the log holds them ----------------------------------------------------------

v1::ProblemEvent Opened() {
  v1::ProblemEvent event;
  v1::ProblemOpened& opened = *event.mutable_opened();
  opened.set_problem_id("P1");
  opened.set_department("delivery");
  opened.set_description("couriers leave parcels at the door");
  opened.set_source(v1::PROBLEM_SOURCE_COMPLAINTS);
  return event;
}

v1::ProblemEvent ItemAdded(const std::string& item_id) {
  v1::ProblemEvent event;
  v1::ActionItemAdded& added = *event.mutable_action_item_added();
  added.set_item_id(item_id);
  added.set_description("retrain the couriers");
  added.set_owner("head of delivery");
  added.mutable_due()->set_seconds(absl::ToUnixSeconds(kTomorrow));  // whole seconds: no nanos
  return event;
}

v1::ProblemEvent ItemCompleted(const std::string& item_id) {
  v1::ProblemEvent event;
  event.mutable_action_item_completed()->set_item_id(item_id);
  event.mutable_action_item_completed()->set_outcome("done");
  return event;
}

v1::ProblemEvent MarkedFixed() {
  v1::ProblemEvent event;
  event.mutable_marked_fixed()->set_summary("couriers ring twice");
  return event;
}

v1::ProblemEvent FixVerified() {
  v1::ProblemEvent event;
  event.mutable_fix_verified()->set_evidence("no such complaint for a month");
  return event;
}

v1::ProblemEvent Linked(const std::string& complaint_id) {
  v1::ProblemEvent event;
  event.mutable_complaint_linked()->set_complaint_id(complaint_id);
  return event;
}

// ---- Given / When / Then -------------------------------------------------------------------

template <typename... E>
ProblemState Given(const E&... events) {
  return FoldProblem(Events{events...});
}

absl::StatusOr<Events> When(const ProblemState& given, const ProblemCommand& command) {
  return DecideProblem(command, given, kNow);
}

std::string Text(const Events& events) {
  return absl::StrJoin(events, "\n", [](std::string* out, const v1::ProblemEvent& event) {
    absl::StrAppend(out, event.ShortDebugString());
  });
}

void ThenEvents(const absl::StatusOr<Events>& result, const Events& expected) {
  INFO(result.status().ToString());
  REQUIRE(result.ok());
  CHECK(Text(*result) == Text(expected));
}

void ThenError(const absl::StatusOr<Events>& result, absl::StatusCode code,
               const std::string& substring) {
  REQUIRE_FALSE(result.ok());
  CHECK(result.status().code() == code);
  CHECK_THAT(std::string(result.status().message()), Catch::Contains(substring));
}

// Every field of the state, so two states compare equal exactly when their summaries do.
std::string Summary(const ProblemState& state) {
  std::string out =
      absl::StrCat(state.exists ? "exists" : "none", "|", state.problem_id, "|", state.department,
                   "|", state.description, "|", v1::ProblemSource_Name(state.source),
                   "|fixed=", state.fixed ? 1 : 0, ":", state.fix_summary,
                   "|verified=", state.verified ? 1 : 0, ":", state.verification_evidence, "|");
  for (const auto& [id, item] : state.action_items) {
    absl::StrAppend(&out, id, "{", item.description, ",", item.owner, ",",
                    absl::FormatTime(item.due), ",", item.completed ? "completed" : "open", ",",
                    item.outcome, "}");
  }
  return absl::StrCat(out, "|", absl::StrJoin(state.linked_complaints, ","));
}

TEST_CASE("Opening a new problem records its department, description and source", "[problem]") {
  ThenEvents(When(Given(), OpenProblem{"P1", "delivery", "couriers leave parcels at the door",
                                       v1::PROBLEM_SOURCE_COMPLAINTS}),
             {Opened()});
}

TEST_CASE("Opening a problem that exists is ALREADY_EXISTS", "[problem]") {
  ThenError(When(Given(Opened()),
                 OpenProblem{"P1", "delivery", "again", v1::PROBLEM_SOURCE_MANAGER_SHIFT}),
            absl::StatusCode::kAlreadyExists, "problem P1 already exists");
}

TEST_CASE("Every other command on a problem never opened is NOT_FOUND", "[problem]") {
  const std::vector<ProblemCommand> commands = {
      AddActionItem{"retrain the couriers", "head of delivery", kTomorrow},
      CompleteActionItem{"A1", "done"}, MarkFixed{"fixed"}, VerifyFix{"verified"},
      LinkComplaint{"C1"}};
  for (const ProblemCommand& command : commands) {
    INFO("command #" << command.index());
    ThenError(When(Given(), command), absl::StatusCode::kNotFound, "problem not found");
  }
}

TEST_CASE("Each invalid field is INVALID_ARGUMENT naming the field", "[problem]") {
  const std::string long_name(kMaxNameBytes + 1, 'x');
  const std::string long_text(kMaxTextBytes + 1, 'x');
  const auto source = v1::PROBLEM_SOURCE_OTHER;
  struct Case {
    ProblemCommand command;
    std::string field;
  };
  const std::vector<Case> cases = {
      {OpenProblem{"", "delivery", "text", source}, "problem_id"},
      {OpenProblem{long_name, "delivery", "text", source}, "problem_id"},
      {OpenProblem{"P1", "", "text", source}, "department"},
      {OpenProblem{"P1", long_name, "text", source}, "department"},
      {OpenProblem{"P1", "delivery", "", source}, "description"},
      {OpenProblem{"P1", "delivery", long_text, source}, "description"},
      {OpenProblem{"P1", "delivery", "text", v1::PROBLEM_SOURCE_UNSPECIFIED}, "source"},
      {OpenProblem{"P1", "delivery", "text", static_cast<v1::ProblemSource>(42)}, "source"},
      {AddActionItem{"", "owner", kTomorrow}, "description"},
      {AddActionItem{long_text, "owner", kTomorrow}, "description"},
      {AddActionItem{"text", "", kTomorrow}, "owner"},
      {AddActionItem{"text", long_name, kTomorrow}, "owner"},
      {AddActionItem{"text", "owner", absl::Time()}, "due"},
      {CompleteActionItem{"", "done"}, "item_id"},
      {CompleteActionItem{"A1", ""}, "outcome"},
      {CompleteActionItem{"A1", long_text}, "outcome"},
      {MarkFixed{""}, "summary"},
      {MarkFixed{long_text}, "summary"},
      {VerifyFix{""}, "evidence"},
      {VerifyFix{long_text}, "evidence"},
      {LinkComplaint{""}, "complaint_id"},
      {LinkComplaint{long_name}, "complaint_id"},
  };
  for (const Case& c : cases) {
    INFO(c.field);
    // Fields are checked before the state: even an existing problem gets INVALID_ARGUMENT.
    ThenError(When(Given(Opened(), ItemAdded("A1")), c.command), absl::StatusCode::kInvalidArgument,
              c.field + ":");
  }
}

TEST_CASE("Action item ids are numbered by count", "[problem]") {
  ThenEvents(
      When(Given(Opened()), AddActionItem{"retrain the couriers", "head of delivery", kTomorrow}),
      {ItemAdded("A1")});
  ThenEvents(When(Given(Opened(), ItemAdded("A1"), ItemCompleted("A1"), ItemAdded("A2")),
                  AddActionItem{"retrain the couriers", "head of delivery", kTomorrow}),
             {ItemAdded("A3")});
}

TEST_CASE("An action item's due time survives the log to the nanosecond", "[problem]") {
  const absl::Time due = kNow + absl::Minutes(90) + absl::Nanoseconds(123456789);
  const auto result = When(Given(Opened()), AddActionItem{"call the carrier", "ops", due});
  REQUIRE(result.ok());
  const ProblemState state = FoldProblem({Opened(), result->at(0)});
  CHECK(state.action_items.at("A1").due == due);
  CHECK(state.action_items.at("A1").owner == "ops");
}

TEST_CASE("An action item must be due after now", "[problem]") {
  ThenError(When(Given(Opened()), AddActionItem{"text", "owner", kNow}),
            absl::StatusCode::kInvalidArgument, "due: must be after now");
  ThenError(When(Given(Opened()), AddActionItem{"text", "owner", absl::InfiniteFuture()}),
            absl::StatusCode::kInvalidArgument, "due: later than the year 9999");
}

TEST_CASE("Completing an unknown action item is NOT_FOUND naming it", "[problem]") {
  ThenError(When(Given(Opened(), ItemAdded("A1")), CompleteActionItem{"A7", "done"}),
            absl::StatusCode::kNotFound, "action item A7 not found");
}

TEST_CASE("Completing an action item records its outcome", "[problem]") {
  ThenEvents(When(Given(Opened(), ItemAdded("A1")), CompleteActionItem{"A1", "done"}),
             {ItemCompleted("A1")});
}

TEST_CASE("Completing an action item twice is FAILED_PRECONDITION", "[problem]") {
  ThenError(When(Given(Opened(), ItemAdded("A1"), ItemCompleted("A1")),
                 CompleteActionItem{"A1", "done again"}),
            absl::StatusCode::kFailedPrecondition, "action item A1 is already completed");
}

TEST_CASE("A problem without action items cannot be marked fixed", "[problem]") {
  ThenError(When(Given(Opened()), MarkFixed{"couriers ring twice"}),
            absl::StatusCode::kFailedPrecondition, "problem P1 has no action items");
}

TEST_CASE("A problem with open action items cannot be marked fixed, and they are named",
          "[problem]") {
  ThenError(
      When(Given(Opened(), ItemAdded("A1"), ItemAdded("A2"), ItemAdded("A3"), ItemCompleted("A2")),
           MarkFixed{"couriers ring twice"}),
      absl::StatusCode::kFailedPrecondition, "open action items: A1, A3");
}

TEST_CASE("A problem whose action items are all completed is marked fixed", "[problem]") {
  ThenEvents(
      When(Given(Opened(), ItemAdded("A1"), ItemCompleted("A1")), MarkFixed{"couriers ring twice"}),
      {MarkedFixed()});
}

TEST_CASE("Marking a fixed problem fixed again decides nothing", "[problem]") {
  ThenEvents(When(Given(Opened(), ItemAdded("A1"), ItemCompleted("A1"), MarkedFixed()),
                  MarkFixed{"another summary"}),
             {});
}

TEST_CASE("A fix can be verified only after the problem was marked fixed", "[problem]") {
  ThenError(When(Given(Opened(), ItemAdded("A1"), ItemCompleted("A1")),
                 VerifyFix{"no such complaint for a month"}),
            absl::StatusCode::kFailedPrecondition, "problem P1 is not fixed");
  ThenEvents(When(Given(Opened(), ItemAdded("A1"), ItemCompleted("A1"), MarkedFixed()),
                  VerifyFix{"no such complaint for a month"}),
             {FixVerified()});
}

TEST_CASE("Verifying a verified fix again decides nothing", "[problem]") {
  ThenEvents(
      When(Given(Opened(), ItemAdded("A1"), ItemCompleted("A1"), MarkedFixed(), FixVerified()),
           VerifyFix{"more evidence"}),
      {});
}

TEST_CASE("A fixed or verified problem takes no new action items, naming its state", "[problem]") {
  const AddActionItem add{"text", "owner", kTomorrow};
  ThenError(When(Given(Opened(), ItemAdded("A1"), ItemCompleted("A1"), MarkedFixed()), add),
            absl::StatusCode::kFailedPrecondition, "problem P1 is fixed");
  ThenError(
      When(Given(Opened(), ItemAdded("A1"), ItemCompleted("A1"), MarkedFixed(), FixVerified()),
           add),
      absl::StatusCode::kFailedPrecondition, "problem P1 is verified");
}

TEST_CASE("Linking a complaint records it once, linking it again decides nothing", "[problem]") {
  ThenEvents(When(Given(Opened()), LinkComplaint{"C1"}), {Linked("C1")});
  ThenEvents(When(Given(Opened(), Linked("C1")), LinkComplaint{"C1"}), {});
}

TEST_CASE("Complaints can be linked while the problem is open or fixed", "[problem]") {
  const std::vector<ProblemState> states = {
      Given(Opened()), Given(Opened(), ItemAdded("A1")),
      Given(Opened(), ItemAdded("A1"), ItemCompleted("A1"), MarkedFixed())};
  for (const ProblemState& state : states) {
    INFO(Summary(state));
    ThenEvents(When(state, LinkComplaint{"C9"}), {Linked("C9")});
  }
}

TEST_CASE("Given a verified fix, linking a new complaint is refused naming the state, and relinking a linked one decides nothing",
          "[problem]") {
  const ProblemState verified =
      Given(Opened(), ItemAdded("A1"), ItemCompleted("A1"), Linked("C1"), MarkedFixed(), FixVerified());
  ThenError(When(verified, LinkComplaint{"C9"}), absl::StatusCode::kFailedPrecondition, "is verified");
  ThenEvents(When(verified, LinkComplaint{"C1"}), {});
}

TEST_CASE("Evolve records every event and ignores an unset one", "[problem]") {
  const ProblemState state = Given(Opened(), ItemAdded("A1"), ItemCompleted("A1"), Linked("C1"),
                                   MarkedFixed(), FixVerified());
  CHECK(state.exists);
  CHECK(state.department == "delivery");
  CHECK(state.source == v1::PROBLEM_SOURCE_COMPLAINTS);
  CHECK(state.action_items.at("A1").completed);
  CHECK(state.action_items.at("A1").outcome == "done");
  CHECK(state.action_items.at("A1").due == kTomorrow);
  CHECK(state.fixed);
  CHECK(state.verified);
  CHECK(state.linked_complaints.contains("C1"));
  CHECK(Summary(EvolveProblem(state, v1::ProblemEvent())) == Summary(state));
}

TEST_CASE("The event type is the oneof field's name", "[problem]") {
  CHECK(EventType(Opened()) == "problem.opened");
  CHECK(EventType(ItemAdded("A1")) == "problem.action_item_added");
  CHECK(EventType(Linked("C1")) == "problem.complaint_linked");
  CHECK(EventType(v1::ProblemEvent()) == "problem.unknown");
}

// A random command: mostly well formed, about one in ten with a bad field or an item id that
// does not exist yet, so that both outcomes occur and some sequences reach verification.
ProblemCommand RandomCommand(std::mt19937& rng, const ProblemState& state, absl::Time now) {
  const auto pick = [&rng](int n) { return std::uniform_int_distribution<int>(0, n - 1)(rng); };
  switch (pick(6)) {
    case 0:
      return OpenProblem{"P1", pick(10) == 0 ? "" : "delivery", "parcels left at the door",
                         static_cast<v1::ProblemSource>(pick(4))};
    case 1:
      return AddActionItem{"retrain", pick(10) == 0 ? "" : "owner",
                           now + absl::Hours(pick(50) - 2)};
    case 2:  // an existing item, or one past the last
      return CompleteActionItem{
          absl::StrCat("A", 1 + pick(static_cast<int>(state.action_items.size()) + 1)), "done"};
    case 3:
      return MarkFixed{"fixed"};
    case 4:
      return VerifyFix{pick(10) == 0 ? "" : "quiet for a month"};
    default:
      return LinkComplaint{absl::StrCat("C", pick(5))};
  }
}

bool IsNoOpWhenRepeated(const ProblemCommand& command) {
  return std::holds_alternative<LinkComplaint>(command) ||
         std::holds_alternative<MarkFixed>(command) || std::holds_alternative<VerifyFix>(command);
}

TEST_CASE("Property: folding the stored log rebuilds the state, and repeats decide nothing",
          "[problem]") {
  std::mt19937 rng(20240611);  // fixed: a failure reproduces
  int accepted = 0;
  int rejected = 0;
  int reached_verified = 0;
  for (int sequence = 0; sequence < 200; ++sequence) {
    INFO("sequence " << sequence);
    ProblemState state;
    Events log;
    absl::Time now = kNow;
    const int length = std::uniform_int_distribution<int>(1, 40)(rng);
    for (int step = 0; step < length; ++step) {
      INFO("step " << step);
      now += absl::Minutes(std::uniform_int_distribution<int>(0, 120)(rng));
      const ProblemCommand command = RandomCommand(rng, state, now);
      const auto result = DecideProblem(command, state, now);
      if (!result.ok()) {
        ++rejected;
        continue;
      }
      ++accepted;
      for (const v1::ProblemEvent& event : *result) {
        state = EvolveProblem(std::move(state), event);
        log.push_back(event);
      }
      if (IsNoOpWhenRepeated(command)) {
        const auto repeated = DecideProblem(command, state, now);
        REQUIRE(repeated.ok());
        REQUIRE(repeated->empty());
      }
      // The invariants the rules exist for.
      REQUIRE((!state.verified || state.fixed));
      REQUIRE(
          (!state.fixed || (!state.action_items.empty() &&
                            std::all_of(state.action_items.begin(), state.action_items.end(),
                                        [](const auto& item) { return item.second.completed; }))));
    }
    // Fold what storage would hand back: the serialized payloads, parsed again.
    Events stored;
    for (const v1::ProblemEvent& event : log) {
      REQUIRE(stored.emplace_back().ParseFromString(event.SerializeAsString()));
    }
    REQUIRE(Summary(FoldProblem(stored)) == Summary(state));
    if (state.verified) ++reached_verified;
  }
  // The generator must exercise both outcomes and the whole loop, or the property proves little.
  INFO("accepted " << accepted << ", rejected " << rejected << ", verified " << reached_verified);
  CHECK(accepted > 800);
  CHECK(rejected > 800);
  CHECK(reached_verified >= 10);
}

}  // namespace
}  // namespace closedloop::domain
