// Filing in two steps (domain/filing.h): given a filing, when it is drafted and its owner picked
// afterwards, then the events are exactly those the one-step decision gives, and a filing the
// decider refuses is refused by the draft alone.
#include "domain/filing.h"

#include <catch2/catch.hpp>

#include "domain/sla_policy.h"
#include "google/protobuf/util/message_differencer.h"
#include "tests/domain/complaint_test_util.h"

namespace closedloop::domain {
namespace {

using testing::Filing;
using testing::RetailDirectory;
using testing::T0;

DecisionContext Context(const v1::Directory& directory, const v1::SlaPolicy& policy) {
  DecisionContext context;
  context.now = T0();
  context.directory = &directory;
  context.policy = &policy;
  return context;
}

TEST_CASE("Given a filing drafted, when completed with the least-loaded member, then its events are those Decide gives",
          "[filing]") {
  const v1::Directory directory = RetailDirectory();
  const v1::SlaPolicy policy = DefaultSlaPolicy();
  DecisionContext context = Context(directory, policy);
  context.load = {{"anna", 3}, {"bob", 1}};

  absl::StatusOr<FilingDraft> draft = DraftFiling(Filing(), context);
  REQUIRE(draft.ok());
  REQUIRE(draft->team != nullptr);
  CHECK(draft->team->name() == "cx");
  absl::StatusOr<std::string> owner = LeastLoadedMember(*draft->team, context.load);
  REQUIRE(owner.ok());
  CHECK(*owner == "bob");
  const std::vector<v1::ComplaintEvent> completed = CompleteFiling(*std::move(draft), *owner);

  absl::StatusOr<std::vector<v1::ComplaintEvent>> decided = Decide(Filing(), {}, context);
  REQUIRE(decided.ok());
  REQUIRE(completed.size() == decided->size());
  for (size_t i = 0; i < completed.size(); ++i) {
    INFO(completed[i].ShortDebugString() << " vs " << (*decided)[i].ShortDebugString());
    CHECK(google::protobuf::util::MessageDifferencer::Equals(completed[i], (*decided)[i]));
  }
  CHECK(Fold(completed).owner == "bob");
}

TEST_CASE("Given a draft, then it names the team and its deadlines but no owner, whoever is free",
          "[filing]") {
  const v1::Directory directory = RetailDirectory();
  const v1::SlaPolicy policy = DefaultSlaPolicy();
  DecisionContext context = Context(directory, policy);
  context.load = {{"anna", 0}, {"bob", 9}};  // not read by a draft

  absl::StatusOr<FilingDraft> draft = DraftFiling(Filing(), context);
  REQUIRE(draft.ok());
  const ComplaintState drafted = Fold(draft->events);
  CHECK(drafted.team == "cx");
  CHECK(drafted.owner.empty());
  CHECK_FALSE(drafted.deadlines.empty());
}

TEST_CASE("Given a filing the decider refuses, when drafted, then the draft is refused with the same error",
          "[filing]") {
  const v1::SlaPolicy policy = DefaultSlaPolicy();
  v1::Directory directory = RetailDirectory();
  FileComplaint no_text = Filing();
  no_text.filing.clear_text();
  const absl::StatusOr<FilingDraft> draft = DraftFiling(no_text, Context(directory, policy));
  REQUIRE_FALSE(draft.ok());
  CHECK(draft.status() == Decide(no_text, {}, Context(directory, policy)).status());
  CHECK(draft.status().code() == absl::StatusCode::kInvalidArgument);

  // A team without members can own nothing, whoever would be free.
  directory.mutable_teams(0)->clear_members();
  const absl::StatusOr<FilingDraft> memberless = DraftFiling(Filing(), Context(directory, policy));
  REQUIRE_FALSE(memberless.ok());
  CHECK(memberless.status() == Decide(Filing(), {}, Context(directory, policy)).status());
  CHECK(memberless.status().code() == absl::StatusCode::kFailedPrecondition);
}

}  // namespace
}  // namespace closedloop::domain
