// Properties of the complaint decider over generated command sequences:
//  1. folding the produced events from scratch gives the state the decisions were made on;
//  2. a command that is idempotent by nature (assign, link, close, redirect, fire a deadline),
//     decided again right after it was accepted, yields no events.
#include <catch2/catch.hpp>

#include <random>

#include "absl/strings/str_cat.h"
#include "tests/domain/complaint_test_util.h"

namespace closedloop::domain {
namespace {

using namespace testing;  // NOLINT: test helpers

std::string Describe(const ComplaintState& s) {
  std::string out = absl::StrCat(
      "status=", StatusName(s.status), " kind=", s.kind, " severity=", s.severity,
      " category=", s.category, " department=", s.department, " team=", s.team,
      " owner=", s.owner, " contacts=", s.contacts, " reached=", s.customer_reached,
      " comments=", s.comments, " hanging=", s.hanging, " reopened=", s.reopen_count,
      " problem=", s.problem_id, " surveyed=", s.surveyed, " timers=", s.deadlines.size(),
      " filed=", s.filed.ShortDebugString());
  for (const auto& [id, t] : s.tasks) {
    absl::StrAppend(&out, " task ", id, ":", t.department, "/", t.responsible, "/",
                    absl::FormatTime(t.due), "/", t.responded, t.completed, t.escalation_level);
  }
  for (const auto& [id, d] : s.deadlines) {
    absl::StrAppend(&out, " deadline ", id, ":", d.kind, "/", absl::FormatTime(d.due), "/",
                    d.warn_at ? absl::FormatTime(*d.warn_at) : "-", "/", d.task_id, "/",
                    static_cast<int>(d.status));
  }
  return out;
}

bool IdempotentByNature(const ComplaintCommand& c) {
  return std::holds_alternative<AssignComplaint>(c) || std::holds_alternative<LinkToProblem>(c) ||
         std::holds_alternative<CloseComplaint>(c) || std::holds_alternative<RedirectToSupport>(c) ||
         std::holds_alternative<FireDeadline>(c);
}

// A command chosen at random, with arguments that are sometimes valid and sometimes not.
ComplaintCommand RandomCommand(std::mt19937& rng, const ComplaintState& state, absl::Time now) {
  auto pick = [&](int n) { return static_cast<int>(rng() % n); };
  switch (pick(14)) {
    case 0:
      return TriageComplaint{pick(2) ? v1::ITEM_KIND_COMPLAINT : v1::ITEM_KIND_RECOMMENDATION,
                             pick(2) ? "delivery" : "quality", v1::SEVERITY_HIGH,
                             pick(2) ? "warehouse" : "", absl::StrCat("RC-", pick(3))};
    case 1:
      return AssignComplaint{pick(2) ? "anna" : "bob"};
    case 2:
      return RecordCustomerContact{v1::CONTACT_METHOD_PHONE,
                                   pick(3) ? v1::CONTACT_OUTCOME_REACHED : v1::CONTACT_OUTCOME_NO_ANSWER,
                                   "call"};
    case 3:
      return AddComment{pick(2) ? v1::VISIBILITY_INTERNAL : v1::VISIBILITY_PUBLIC, "ivan", "note"};
    case 4:
      return OpenTask{"warehouse", "", "check", now + absl::Hours(1 + pick(48))};
    case 5:
      return RespondToTask{absl::StrCat("T", 1 + pick(3)), "answer"};
    case 6:
      return CompleteTask{absl::StrCat("T", 1 + pick(3)), "done"};
    case 7:
      return Resolution();
    case 8:
      return CloseComplaint{pick(2) == 0};
    case 9:
      return ReopenComplaint{"again"};
    case 10:
      return RedirectToSupport{"misuse"};
    case 11:
      return LinkToProblem{pick(2) ? "P-1" : "P-2"};
    case 12:
      return RecordSurvey{pick(12), pick(6), ""};
    default: {
      // Fire one of the scheduled deadlines at a moment around its due time.
      if (state.deadlines.empty()) return AddComment{v1::VISIBILITY_INTERNAL, "ivan", "idle"};
      auto it = state.deadlines.begin();
      std::advance(it, pick(static_cast<int>(state.deadlines.size())));
      return FireDeadline{it->first, it->second.due + absl::Minutes(pick(120) - 60)};
    }
  }
}

TEST_CASE("replaying the events of any command sequence rebuilds the same state, and repeated idempotent commands add nothing", "[complaint][property]") {
  std::mt19937 rng(20261123);
  int accepted = 0;
  int idempotent_checked = 0;
  for (int sequence = 0; sequence < 200; ++sequence) {
    History h;
    absl::Time now = T0();
    h.Run(Filing(static_cast<v1::Channel>(1 + rng() % 7),
                 rng() % 4 ? v1::ITEM_KIND_COMPLAINT : v1::ITEM_KIND_RECOMMENDATION),
          now);
    for (int step = 0; step < 30; ++step) {
      now += absl::Minutes(rng() % 180);
      const ComplaintCommand command = RandomCommand(rng, h.state(), now);
      absl::StatusOr<std::vector<v1::ComplaintEvent>> events = h.When(command, now);
      if (!events.ok()) continue;
      ++accepted;
      for (const v1::ComplaintEvent& e : *events) h.Append(e);
      if (IdempotentByNature(command) && !events->empty()) {
        auto again = h.When(command, now);
        INFO(again.status().ToString());
        REQUIRE(again.ok());
        CHECK(again->empty());
        ++idempotent_checked;
      }
    }
    INFO("sequence " << sequence);
    REQUIRE(Describe(Fold(h.events())) == Describe(h.state()));
  }
  // The generator must exercise the decider, not just fail validation.
  CHECK(accepted > 2000);
  CHECK(idempotent_checked > 200);
}

}  // namespace
}  // namespace closedloop::domain
