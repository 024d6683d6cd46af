// libFuzzer target: the bytes the daemon reads back from disk. The input is a sequence of
// stored records, each a 2-byte big-endian length and that many bytes of a
// closedloop.v1.RecordedEvent, as the log keeps them. Each record is hash-chained to the one
// before, folded into the projections' views and into a complaint's decision state, and the
// boards and metrics are computed over the result; then every view is stored and restored, as
// the view store does, and must come back identical. Nothing may crash, whatever the bytes.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/time/time.h"
#include "google/protobuf/stubs/logging.h"
#include "closedloop/v1/event.pb.h"
#include "domain/boards.h"
#include "domain/complaint.h"
#include "domain/metrics.h"
#include "services/projections/projection_state.h"
#include "services/timers/timer_index.h"
#include "storage/key_layout.h"
#include "storage/record_hash.h"

namespace {

using namespace closedloop;  // NOLINT: a fuzz target's main file

// Splits the input into records; a truncated last one is dropped, as a reader would.
std::vector<std::string> Records(const uint8_t* data, size_t size) {
  std::vector<std::string> records;
  size_t at = 0;
  while (at + 2 <= size) {
    const size_t length = (size_t{data[at]} << 8) | data[at + 1];
    at += 2;
    if (at + length > size) break;
    records.emplace_back(reinterpret_cast<const char*>(data + at), length);
    at += length;
  }
  return records;
}

void Check(bool ok) {
  if (!ok) std::abort();  // an invariant broke: libFuzzer reports the input
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  // Every undecodable string would be logged; the fuzzer makes millions of them.
  google::protobuf::SetLogHandler(nullptr);
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  services::ProjectionState state;
  domain::ComplaintState decision_state;
  std::string previous_hash = storage::GenesisHash();
  std::set<std::string> changed;  // store keys of the views the records touched
  for (const std::string& bytes : Records(data, size)) {
    v1::RecordedEvent record;
    if (!record.ParseFromString(bytes)) continue;
    // The chain verifier's step, and the keys the record would be stored under.
    const std::string hash = storage::ChainHash(previous_hash, record);
    Check(hash.size() == storage::kHashBytes);
    previous_hash = record.hash() == hash ? hash : record.hash();
    Check(storage::keys::PositionOfEventKey(storage::keys::EventKey(record.position())) == record.position());
    (void)storage::keys::RevisionOfStreamKey(storage::keys::StreamKey(record.stream(), record.revision()),
                                       storage::keys::StreamKeyPrefix(record.stream()));
    (void)services::ParseTimerKey(record.request_id());

    absl::StatusOr<std::string> key = state.Apply(record);
    if (key.ok() && !key->empty()) changed.insert(*key);
    if (absl::StartsWith(record.stream(), "complaint-")) {
      v1::ComplaintEvent event;
      if (event.ParseFromString(record.payload())) {
        decision_state = domain::Evolve(std::move(decision_state), event);
        (void)domain::EventType(event);
      }
    }
  }

  // What the queries compute from the views.
  const absl::Time now = absl::FromUnixSeconds(1793610000);
  std::vector<const v1::ComplaintView*> all;
  for (const auto& [id, view] : state.complaints()) all.push_back(view.get());
  std::vector<const v1::ProblemView*> problems;
  for (const auto& [id, view] : state.problems()) problems.push_back(view.get());
  (void)state.DeadlineBoard(now, absl::Hours(4), 500);
  (void)domain::CatalogOf(all, "", now);
  (void)domain::MetricsOf(all);
  (void)domain::ProblemBoardOf(problems);
  for (const v1::ComplaintView* view : all) {
    (void)state.SuperheroBoard(view->owner(), now, 500);
    // Held here: the views must outlive the pointers to them.
    const absl::StatusOr<std::vector<services::ProjectionState::ComplaintPtr>> cases =
        state.OfCustomer(view->filing().customer_ref());
    std::vector<const v1::ComplaintView*> of_customer;
    for (const auto& c : cases.value()) of_customer.push_back(c.get());
    (void)domain::CustomerHistoryOf(view->filing().customer_ref(), of_customer, now);
  }

  // Stored and restored, every view comes back as it was.
  services::ProjectionState restored;
  for (const std::string& key : changed) {
    Check(restored.Restore(key, state.Serialized(key)).ok());
  }
  for (const std::string& key : changed) Check(restored.Serialized(key) == state.Serialized(key));
  return 0;
}
