#include "services/timers/timer_rebuild.h"

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "closedloop/v1/timers.pb.h"
#include "domain/timer_schedule.h"
#include "services/timers/timer_index.h"

namespace closedloop::services {
namespace {

constexpr char kComplaintStreamPrefix[] = "complaint-";

// Appends `changes` (at most kMaxIndexChanges) with one event that accounts for them.
absl::Status WriteChunk(storage::EventLog& log, const v1::Actor& actor, uint32_t complaints,
                        std::vector<storage::IndexChange> changes, bool complete) {
  v1::TimerIndexRebuilt rebuilt;
  rebuilt.set_complaints(complaints);
  rebuilt.set_entries(static_cast<uint32_t>(changes.size()) - (complete ? 1 : 0));
  rebuilt.set_complete(complete);
  storage::AppendRequest append;
  append.stream = kTimersStream;
  storage::ProposedEvent& event = append.events.emplace_back();
  event.set_type(kTimerIndexRebuiltType);
  event.set_payload(rebuilt.SerializeAsString());
  *event.mutable_actor() = actor;
  append.index_changes = std::move(changes);
  return log.Append(std::move(append)).status();
}

}  // namespace

absl::StatusOr<TimerIndexRebuild> RebuildTimerIndexIfMissing(storage::EventLog& log,
                                                             ComplaintCommands& commands,
                                                             const v1::Actor& actor) {
  TimerIndexRebuild outcome;
  absl::StatusOr<std::vector<std::pair<std::string, std::string>>> marker =
      log.ScanIndex(kTimerIndexMarker, absl::StrCat(kTimerIndexMarker, "~"), 1);
  if (!marker.ok()) return marker.status();
  if (!marker->empty() && marker->front().first == kTimerIndexMarker) return outcome;

  storage::EventFilter filed;
  filed.stream_prefix = kComplaintStreamPrefix;
  filed.event_types = {"complaint.filed"};
  std::vector<storage::IndexChange> chunk;
  uint32_t chunk_complaints = 0;
  for (uint64_t from = 1; from <= log.HeadPosition();) {
    absl::StatusOr<storage::ReadAllResult> page = log.ReadAll(from, 1000, filed, 100000);
    if (!page.ok()) return page.status();
    for (const storage::RecordedEvent& record : page->events) {
      const std::string id = record.stream().substr(sizeof(kComplaintStreamPrefix) - 1);
      absl::StatusOr<ComplaintCommands::Loaded> loaded = commands.Load(id);
      if (!loaded.ok()) return loaded.status();
      ++outcome.complaints;
      ++chunk_complaints;
      for (const auto& [timer_id, at] : domain::TimerSchedule(loaded->state)) {
        chunk.push_back({TimerKey({at, id, timer_id}), "", false});
        ++outcome.entries;
        // One slot is kept for the marker, which goes with the last chunk.
        if (chunk.size() == storage::kMaxIndexChanges - 1) {
          if (absl::Status s = WriteChunk(log, actor, chunk_complaints, std::move(chunk), false);
              !s.ok()) {
            return s;
          }
          chunk.clear();
          chunk_complaints = 0;
        }
      }
    }
    from = page->next_position;
  }
  if (outcome.complaints == 0) return outcome;  // nothing to index; the first filing marks it
  chunk.push_back({kTimerIndexMarker, "", false});
  if (absl::Status s = WriteChunk(log, actor, chunk_complaints, std::move(chunk), true); !s.ok()) {
    return s;
  }
  outcome.rebuilt = true;
  return outcome;
}

}  // namespace closedloop::services
