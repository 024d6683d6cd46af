// libFuzzer target: the state a clean stop saves beside the views (ProjectionState::Saved), as
// the next start reads it back. The input edits a valid saved state of random cases: it is a
// sequence of edits, each a 1-byte kind (overwrite, insert, erase), a 3-byte big-endian offset
// (taken modulo the state's size) and a 1-byte length, followed, for an overwrite or an
// insert, by that many bytes. Whatever the edits make, Resume either refuses it or gives a
// state that every query, another save and resume (which must accept it), further events and
// one more save and resume can use without a crash.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <map>
#include <random>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "closedloop/v1/event.pb.h"
#include "closedloop/v1/query_service.pb.h"
#include "google/protobuf/stubs/logging.h"
#include "services/projections/complaint_lookup.h"
#include "services/projections/projection_state.h"
#include "services/projections/stored_facts.h"
#include "tests/domain/random_case.h"

namespace {

using namespace closedloop;  // NOLINT: a fuzz target's main file

void Check(bool ok) {
  if (!ok) std::abort();  // an invariant broke: libFuzzer reports the input
}

// The view store, in memory: the fuzzer's runs must be fast and leave nothing behind.
class MapLoader : public services::ViewLoader {
 public:
  explicit MapLoader(std::map<std::string, std::string> entries) : entries_(std::move(entries)) {}
  absl::StatusOr<std::string> Load(const std::string& key) const override {
    auto found = entries_.find(key);
    if (found == entries_.end()) return absl::NotFoundError(key);
    return found->second;
  }
  absl::StatusOr<services::CaseNumbers> Numbers(const std::string&) const override {
    return services::CaseNumbers();
  }
  absl::Status Scan(const std::string& from, const std::string& to,
                    absl::FunctionRef<absl::Status(absl::string_view, absl::string_view)> visit)
      const override {
    for (auto it = entries_.lower_bound(from); it != entries_.end() && it->first < to; ++it) {
      if (absl::Status status = visit(it->first, it->second); !status.ok()) return status;
    }
    return absl::OkStatus();
  }

 private:
  std::map<std::string, std::string> entries_;
};

constexpr int kCases = 60;

// The store of kCases random cases, and the state saved beside it.
struct Base {
  std::unique_ptr<MapLoader> loader;
  std::string saved;
};

const Base& TheBase() {
  static const Base* const base = [] {
    std::mt19937 rng(17);
    std::map<std::string, std::string> entries;
    std::vector<v1::ComplaintView> views;
    for (int n = 1; n <= kCases; ++n) {
      views.push_back(testing::RandomCase(rng, n));
      v1::ComplaintView& view = views.back();
      view.set_owner(absl::StrCat("owner-", n % 3));
      entries[services::ProjectionState::ComplaintKey(view.complaint_id())] =
          view.SerializeAsString();
      entries.insert(services::FactsEntryOf(view.complaint_id(), view));
    }
    auto* made = new Base{std::make_unique<MapLoader>(std::move(entries)), ""};
    services::ProjectionState state;
    state.set_loader(made->loader.get());
    for (const v1::ComplaintView& view : views) {
      Check(state.Restore(services::ProjectionState::ComplaintKey(view.complaint_id()),
                          view.SerializeAsString())
                .ok());
    }
    made->saved = state.Saved();
    return made;
  }();
  return *base;
}

std::string Edited(const uint8_t* data, size_t size) {
  std::string saved = TheBase().saved;
  size_t at = 0;
  while (at + 5 <= size) {
    const uint8_t kind = data[at] % 3;
    size_t offset = (size_t{data[at + 1]} << 16) | (size_t{data[at + 2]} << 8) | data[at + 3];
    const size_t length = data[at + 4];
    at += 5;
    offset = saved.empty() ? 0 : offset % (saved.size() + 1);
    if (kind == 2) {
      saved.erase(offset, length);
      continue;
    }
    const size_t take = std::min(length, size - at);
    const std::string bytes(reinterpret_cast<const char*>(data + at), take);
    at += take;
    if (kind == 0) {
      saved.replace(offset, std::min(take, saved.size() - offset), bytes);
    } else {
      saved.insert(offset, bytes);
    }
  }
  return saved;
}

v1::RecordedEvent Record(uint64_t position, int n, const v1::ComplaintEvent& event) {
  v1::RecordedEvent record;
  record.set_position(position);
  record.set_stream(absl::StrCat("complaint-CL-", n));
  record.set_revision(100 + position);
  record.set_payload(event.SerializeAsString());
  record.mutable_recorded_at()->set_seconds(1793610000 + static_cast<int64_t>(position));
  return record;
}

// Lists `request` through at most 5 pages.
void ListPages(const services::ProjectionState& state, v1::ListComplaintsRequest request,
               const services::ListScope& scope = {}) {
  request.set_page_size(7);
  for (int page = 0; page < 5; ++page) {
    absl::StatusOr<v1::ListComplaintsResponse> listed = services::ListPage(state, request, scope);
    if (!listed.ok() || listed->next_page_token().empty()) return;
    request.set_page_token(listed->next_page_token());
  }
}

void Query(const services::ProjectionState& state) {
  const absl::Time now = testing::kRandomCaseStart + absl::Hours(24 * 45);
  v1::ListComplaintsRequest request;
  ListPages(state, request);
  v1::ListComplaintsRequest open;
  open.add_states(v1::COMPLAINT_STATE_OPEN);
  open.add_states(v1::COMPLAINT_STATE_IN_PROGRESS);
  v1::ListComplaintsRequest in_range;
  *in_range.mutable_filed_after() = domain::ToProto(testing::kRandomCaseStart + absl::Hours(24 * 20));
  *in_range.mutable_filed_before() = domain::ToProto(now);
  v1::ListComplaintsRequest breached_in_range = in_range;
  breached_in_range.set_breached_only(true);
  for (const char* department : {"dept-0", "dept-1", ""}) {
    for (const v1::ListComplaintsRequest* scoped : {&request, &open, &in_range, &breached_in_range}) {
      ListPages(state, *scoped, services::ListScope{department});
    }
  }
  request = open;
  ListPages(state, request);
  request.set_owner("owner-1");
  ListPages(state, request);
  for (void (v1::ListComplaintsRequest::*flag)(bool) :
       {&v1::ListComplaintsRequest::set_breached_only, &v1::ListComplaintsRequest::set_hanging_only}) {
    v1::ListComplaintsRequest flagged;
    (flagged.*flag)(true);
    ListPages(state, flagged);
  }
  v1::ListComplaintsRequest filed;
  *filed.mutable_filed_after() = domain::ToProto(testing::kRandomCaseStart + absl::Hours(24 * 20));
  *filed.mutable_filed_before() = domain::ToProto(now);
  ListPages(state, filed);
  filed.set_team("team-1");
  ListPages(state, filed);
  (void)state.Metrics(absl::InfinitePast(), absl::InfiniteFuture());
  (void)state.Metrics(testing::kRandomCaseStart + absl::Minutes(24 * 60 * 3 + 90), now);
  (void)state.Catalog("", now);
  (void)state.Catalog("dept-1", now);
  (void)state.DeadlineBoard(now, absl::Hours(24 * 30), 500);
  for (const char* owner : {"owner-0", "owner-1", "owner-2", "zed"}) {
    (void)state.SuperheroBoard(owner, now, 500);
  }
  (void)state.Load();
  (void)state.OfCustomer("cust-1");
  for (int n = 1; n <= kCases + 2; ++n) (void)state.Complaint(absl::StrCat("CL-", n));
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  google::protobuf::SetLogHandler(nullptr);
  (void)TheBase();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const Base& base = TheBase();
  const std::string saved = Edited(data, size);
  services::ProjectionState state;
  state.set_loader(base.loader.get());
  absl::StatusOr<std::vector<std::string>> kept = state.Resume(saved);
  if (!kept.ok()) return 0;
  for (const std::string& id : *kept) {
    absl::StatusOr<services::ProjectionState::ComplaintPtr> view =
        services::ProjectionState::ReadComplaint(*base.loader, id);
    if (!view.ok()) return 0;  // the start reads every view instead
    state.ResumeKept(id, *std::move(view));
  }
  Query(state);

  // Saved again, what was resumed resumes alike.
  {
    services::ProjectionState again;
    again.set_loader(base.loader.get());
    Check(again.Resume(state.Saved()).ok());
  }

  // The follower's next events: a case changes owner, closes, reopens, is filed anew.
  uint64_t position = 1;
  for (int n = 1; n <= kCases + 1; n += 4) {
    v1::ComplaintEvent event;
    event.mutable_assigned()->set_owner("zed");
    (void)state.Apply(Record(position++, n, event));
    event.Clear();
    event.mutable_closed();
    (void)state.Apply(Record(position++, n + 1, event));
    event.Clear();
    event.mutable_reopened()->set_reason("again");
    (void)state.Apply(Record(position++, n + 2, event));
  }
  Query(state);
  // And after those changes, saved and resumed without a crash. Not necessarily accepted: the
  // edits may have made rows that disagree with the stored views (a department a case never
  // named) in ways no check of the saved state alone can see, and which the changes then turn
  // into rows that do not hold together.
  services::ProjectionState changed;
  changed.set_loader(base.loader.get());
  (void)changed.Resume(state.Saved());
  return 0;
}
