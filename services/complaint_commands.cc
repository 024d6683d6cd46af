#include "services/complaint_commands.h"

#include "absl/hash/hash.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"

namespace closedloop::services {
namespace {

// Attempts per command when another writer keeps changing the same complaint. Each retry
// reloads and decides again, so a conflict costs one extra read, not a lost update.
constexpr int kMaxAttempts = 8;
constexpr size_t kLoadPage = 1000;

CommandResult FromReceipt(const std::string& complaint_id, const v1::AppendReceipt& receipt) {
  CommandResult result;
  result.complaint_id = complaint_id;
  result.stream_revision = receipt.stream_revision();
  result.position = receipt.last_position();
  result.deduplicated = true;
  return result;
}

}  // namespace

std::string ComplaintStream(const std::string& complaint_id) {
  return absl::StrCat("complaint-", complaint_id);
}

ComplaintCommands::ComplaintCommands(storage::EventLog& log, std::function<absl::Time()> clock,
                                     const v1::SlaPolicy& policy, const v1::Directory& directory)
    : log_(log), clock_(std::move(clock)), policy_(policy), directory_(directory) {}

absl::Mutex& ComplaintCommands::StripeOf(const std::string& complaint_id) {
  return stripes_[absl::Hash<std::string>()(complaint_id) % kStripes];
}

absl::StatusOr<ComplaintCommands::Loaded> ComplaintCommands::Load(const std::string& complaint_id) {
  const std::string stream = ComplaintStream(complaint_id);
  Loaded loaded;
  for (uint64_t from = 1;;) {
    absl::StatusOr<std::vector<storage::RecordedEvent>> page =
        log_.ReadStream(stream, from, storage::Direction::kForward, kLoadPage);
    if (!page.ok()) return page.status();
    for (const storage::RecordedEvent& record : *page) {
      v1::ComplaintEvent event;
      if (!absl::StartsWith(record.type(), "complaint.") || !event.ParseFromString(record.payload())) {
        return absl::DataLossError(absl::StrCat("event ", record.position(), " of ", stream,
                                                " is not a readable complaint event"));
      }
      loaded.state = domain::Evolve(std::move(loaded.state), event);
      loaded.revision = record.revision();
    }
    if (page->size() < kLoadPage) return loaded;
    from = loaded.revision + 1;
  }
}

absl::StatusOr<CommandResult> ComplaintCommands::Run(const std::string& complaint_id,
                                                     const domain::ComplaintCommand& command,
                                                     const v1::Actor& actor,
                                                     const std::string& request_id) {
  const std::string stream = ComplaintStream(complaint_id);
  absl::MutexLock turn(&StripeOf(complaint_id));
  for (int attempt = 0; attempt < kMaxAttempts; ++attempt) {
    if (!request_id.empty()) {
      absl::StatusOr<std::optional<v1::AppendReceipt>> receipt = log_.FindReceipt(request_id);
      if (!receipt.ok()) return receipt.status();
      if (receipt->has_value()) {
        if ((*receipt)->stream() != stream) {
          return absl::AlreadyExistsError(absl::StrCat(
              "request_id '", request_id, "' was already used for another complaint"));
        }
        return FromReceipt(complaint_id, **receipt);
      }
    }
    const uint64_t head = log_.HeadPosition();
    absl::StatusOr<Loaded> loaded = Load(complaint_id);
    if (!loaded.ok()) return loaded.status();

    domain::DecisionContext context;
    context.now = clock_();
    context.policy = &policy_;
    context.directory = &directory_;
    absl::StatusOr<std::vector<v1::ComplaintEvent>> events =
        domain::Decide(command, loaded->state, context);
    if (!events.ok()) return events.status();

    CommandResult result;
    result.complaint_id = complaint_id;
    if (events->empty()) {  // nothing would change: nothing to append
      result.stream_revision = loaded->revision;
      result.position = head;
      return result;
    }
    storage::AppendRequest append;
    append.stream = stream;
    append.expected = storage::ExpectedRevision::Exact(loaded->revision);
    append.request_id = request_id;
    for (const v1::ComplaintEvent& event : *events) {
      storage::ProposedEvent& proposed = append.events.emplace_back();
      proposed.set_type(domain::EventType(event));
      proposed.set_payload(event.SerializeAsString());
      *proposed.mutable_actor() = actor;
    }
    absl::StatusOr<storage::AppendResult> appended = log_.Append(std::move(append));
    if (appended.ok()) {
      result.stream_revision = appended->stream_revision;
      result.position = appended->last_position;
      result.deduplicated = appended->deduplicated;
      if (!appended->deduplicated) result.events = *std::move(events);
      return result;
    }
    if (appended.status().code() != absl::StatusCode::kAborted) return appended.status();
    // Someone else changed the complaint since it was loaded: decide again on the new state.
  }
  return absl::AbortedError(absl::StrCat("complaint ", complaint_id, " kept changing during ",
                                         kMaxAttempts, " attempts; retry the command"));
}

}  // namespace closedloop::services
