// The finder's keys: a case is found by order, external reference, contact or customer from
// keys stored beside the views (case_finder.h), read through the state's own snapshot. These
// tests check the keys' encoding against a real view store, and that a state with a store finds
// what a state keeping the finder in memory finds, as of its own position.
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "services/projections/case_finder.h"
#include "services/projections/contact_key.h"
#include "services/projections/projection_state.h"
#include "services/projections/view_loader.h"
#include "storage/view_store.h"
#include "tests/temp_dir.h"

namespace closedloop {
namespace {

using services::CaseNumbers;
using services::FindBy;
using services::ProjectionState;

struct Refs {
  std::string order, external, contact, customer, market;
};

v1::ComplaintView CaseWith(uint64_t number, const Refs& refs) {
  v1::ComplaintView view;
  view.set_complaint_id(absl::StrCat("CL-", number));
  view.set_state(v1::COMPLAINT_STATE_CLOSED);
  v1::Filed& filing = *view.mutable_filing();
  filing.set_order_ref(refs.order);
  filing.set_external_ref(refs.external);
  filing.set_customer_contact(refs.contact);
  filing.set_customer_ref(refs.customer);
  filing.set_market(refs.market);
  return view;
}

std::unique_ptr<storage::ViewStore> OpenStore(const std::string& path) {
  absl::StatusOr<std::unique_ptr<storage::ViewStore>> store = storage::ViewStore::Open(path, "test");
  REQUIRE(store.ok());
  return *std::move(store);
}

// Commits the cases' views and finder keys, as the projections do for cases filed in a batch.
void CommitCases(storage::ViewStore& store, const std::vector<v1::ComplaintView>& views,
                 uint64_t checkpoint) {
  std::vector<std::pair<std::string, std::string>> writes;
  for (const v1::ComplaintView& view : views) {
    writes.emplace_back(ProjectionState::ComplaintKey(view.complaint_id()), view.SerializeAsString());
    for (std::string& key : services::FinderKeysOf(view)) writes.emplace_back(std::move(key), "");
  }
  REQUIRE(store.Commit(writes, checkpoint, absl::StrCat("h", checkpoint)).ok());
}

CaseNumbers Found(const ProjectionState& state, FindBy by, const std::string& key) {
  absl::StatusOr<CaseNumbers> found = state.CasesUnder(by, key);
  REQUIRE(found.ok());
  return *found;
}

TEST_CASE("finder keys find exactly their own key's cases, in filing order", "[find]") {
  testing::TempDir dir;
  auto store = OpenStore(dir.Sub("views"));
  const std::string zero("A\0B", 3);
  CommitCases(*store,
              {CaseWith(256, {"A1", "", "030 1234567", "cust", "DE"}),
               CaseWith(9, {"A1", "A1", "+49 30 1234567", "cust-2", ""}),
               CaseWith(10, {"A1", "", "", "cust", ""}), CaseWith(3, {"A12", "", "", "", ""}),
               CaseWith(5, {"A", "", "Anna@Example.com", "", ""}), CaseWith(6, {zero, "", "", "", ""})},
              1);
  services::SnapshotLoader loader(*store);
  loader.At(store->SnapshotNow());
  ProjectionState state;
  state.set_loader(&loader);
  // Numbers in filing order (9 < 10 < 256, which text order would not give), and no key that
  // merely starts with another: "A" finds neither "A1" nor "A12" nor "A\0B".
  CHECK(Found(state, FindBy::kOrder, "A1") == CaseNumbers{9, 10, 256});
  CHECK(Found(state, FindBy::kOrder, "A12") == CaseNumbers{3});
  CHECK(Found(state, FindBy::kOrder, "A") == CaseNumbers{5});
  CHECK(Found(state, FindBy::kOrder, zero) == CaseNumbers{6});
  CHECK(Found(state, FindBy::kOrder, std::string("A\0", 2)) == CaseNumbers{});
  // What a key finds by is part of it: an external reference "A1" is not an order "A1".
  CHECK(Found(state, FindBy::kExternal, "A1") == CaseNumbers{9});
  CHECK(Found(state, FindBy::kCustomer, "cust") == CaseNumbers{10, 256});
  // Contacts are stored as their keys: one number written two ways, an address in any case.
  absl::StatusOr<std::string> phone = services::SearchContactKey("c", "+49301234567", "");
  REQUIRE(phone.ok());
  CHECK(Found(state, FindBy::kContact, *phone) == CaseNumbers{9, 256});
  CHECK(Found(state, FindBy::kContact, "anna@example.com") == CaseNumbers{5});
  CHECK(Found(state, FindBy::kCustomer, "nobody").empty());
  // A view's key is not a finder key, so a restore passes over finder keys only.
  CHECK_FALSE(services::IsFinderKey(ProjectionState::ComplaintKey("CL-9")));
  const std::vector<std::string> keys = services::FinderKeysOf(CaseWith(7, {"", "", "", "cust", ""}));
  REQUIRE(keys.size() == 1);
  CHECK(services::IsFinderKey(keys[0]));
  // Anything else under 'k' is not one, and a restore reports it as an unknown key.
  CHECK_FALSE(services::IsFinderKey(services::FinderPrefix(FindBy::kCustomer, "cust")));
  CHECK_FALSE(services::IsFinderKey(keys[0] + "x"));
  std::string unknown_kind = keys[0];
  unknown_kind[1] = 'z';
  CHECK_FALSE(services::IsFinderKey(unknown_kind));
  CHECK(state.Restore(unknown_kind, "").code() == absl::StatusCode::kDataLoss);
  CHECK(state.Restore(keys[0], "").ok());
}

TEST_CASE("a state with a store finds what a state in memory finds, as of its own position",
          "[find]") {
  testing::TempDir dir;
  auto store = OpenStore(dir.Sub("views"));
  services::SnapshotLoader loader(*store);
  ProjectionState stored;
  stored.set_loader(&loader);
  ProjectionState in_memory;
  std::vector<v1::ComplaintView> views;
  for (uint64_t n = 1; n <= 300; ++n) {
    views.push_back(CaseWith(n, {absl::StrCat("order-", n % 17), absl::StrCat("ext-", n % 5),
                                 absl::StrCat("+49 30 ", 1000000 + n % 11), absl::StrCat("cust-", n % 23),
                                 "DE"}));
  }
  CommitCases(*store, views, 1);
  loader.At(store->SnapshotNow());
  for (const v1::ComplaintView& view : views) {
    for (ProjectionState* state : {&stored, &in_memory}) {
      REQUIRE(state->Restore(ProjectionState::ComplaintKey(view.complaint_id()), view.SerializeAsString()).ok());
    }
  }
  int compared = 0;
  for (uint64_t n = 0; n < 23; ++n) {
    for (const auto& [by, key] : {std::pair<FindBy, std::string>{FindBy::kOrder, absl::StrCat("order-", n)},
                                  {FindBy::kExternal, absl::StrCat("ext-", n)},
                                  {FindBy::kCustomer, absl::StrCat("cust-", n)},
                                  {FindBy::kContact,
                                   services::CaseContactKey(absl::StrCat("+49 30 ", 1000000 + n), "DE")}}) {
      const CaseNumbers expected = Found(in_memory, by, key);
      CHECK(Found(stored, by, key) == expected);
      compared += static_cast<int>(expected.size());
    }
  }
  // Every case once per kind: the keys with n < 23 cover every order (n % 17), external
  // reference (n % 5), customer (n % 23) and contact (n % 11).
  CHECK(compared == 4 * 300);
  // A case the store gets after the state's position is not found by the state.
  CommitCases(*store, {CaseWith(301, {"order-0", "", "", "cust-0", ""})}, 2);
  CHECK(Found(stored, FindBy::kOrder, "order-0") == Found(in_memory, FindBy::kOrder, "order-0"));
  loader.At(store->SnapshotNow());
  CHECK(Found(stored, FindBy::kOrder, "order-0").back() == 301);
}

}  // namespace
}  // namespace closedloop
