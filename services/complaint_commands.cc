#include "services/complaint_commands.h"

#include "absl/strings/str_cat.h"
#include "absl/synchronization/blocking_counter.h"
#include "services/timer_index.h"

namespace closedloop::services {
namespace {

constexpr char kStreamPrefix[] = "complaint-";

std::string ComplaintEventType(const v1::ComplaintEvent& event) { return domain::EventType(event); }

CommandResult ToCommandResult(std::string complaint_id,
                              StreamCommandResult<v1::ComplaintEvent> result) {
  CommandResult out;
  out.complaint_id = std::move(complaint_id);
  out.stream_revision = result.stream_revision;
  out.position = result.position;
  out.deduplicated = result.deduplicated;
  out.events = std::move(result.events);
  out.index_changes = std::move(result.index_changes);
  return out;
}

// Every complaint command keeps the due-time index of its deadlines in step with its events.
std::vector<storage::IndexChange> DeadlineIndexChanges(const std::string& stream,
                                                       const domain::ComplaintState& before,
                                                       const domain::ComplaintState& after) {
  return TimerIndexChanges(stream.substr(sizeof(kStreamPrefix) - 1), before, after);
}

}  // namespace

std::string ComplaintStream(const std::string& complaint_id) {
  return absl::StrCat(kStreamPrefix, complaint_id);
}

ComplaintCommands::ComplaintCommands(storage::EventLog& log, std::function<absl::Time()> clock,
                                     const v1::SlaPolicy& policy, const v1::Directory& directory,
                                     LoadSource load)
    : log_(log),
      commands_(log, std::move(clock), "complaint.", &domain::Evolve, &ComplaintEventType,
                &DeadlineIndexChanges),
      ids_(log, "complaint", "CL-"),
      policy_(policy),
      directory_(directory),
      load_(std::move(load)) {}

domain::DecisionContext ComplaintCommands::Context(absl::Time now) const {
  domain::DecisionContext context;
  context.now = now;
  context.policy = &policy_;
  context.directory = &directory_;
  return context;
}

absl::StatusOr<ComplaintCommands::Loaded> ComplaintCommands::Load(const std::string& complaint_id) {
  return commands_.Load(ComplaintStream(complaint_id));
}

absl::StatusOr<CommandResult> ComplaintCommands::Run(const std::string& complaint_id,
                                                     const domain::ComplaintCommand& command,
                                                     const v1::Actor& actor,
                                                     const std::string& request_id,
                                                     const domain::Caller* caller) {
  absl::StatusOr<StreamCommandResult<v1::ComplaintEvent>> result = commands_.Run(
      ComplaintStream(complaint_id), request_id, actor, domain::RecordedType(command),
      [&](const domain::ComplaintState& state, absl::Time now) {
        domain::DecisionContext context = Context(now);
        context.caller = caller;
        if (std::holds_alternative<domain::FileComplaint>(command) && load_) context.load = load_();
        return domain::Decide(command, state, context);
      });
  if (!result.ok()) return result.status();
  CommandResult out = ToCommandResult(complaint_id, *std::move(result));
  Scheduled(out);
  return out;
}

absl::StatusOr<std::optional<ComplaintCommands::Prepared>> ComplaintCommands::Prepare(
    const std::string& complaint_id, const domain::ComplaintCommand& command,
    const v1::Actor& actor, const std::string& request_id) {
  return commands_.Prepare(ComplaintStream(complaint_id), request_id, actor,
                           [&](const domain::ComplaintState& state, absl::Time now) {
                             return domain::Decide(command, state, Context(now));
                           });
}

absl::StatusOr<CommandResult> ComplaintCommands::Appended(
    const std::string& complaint_id, Prepared prepared,
    const absl::StatusOr<storage::AppendResult>& appended) {
  absl::StatusOr<StreamCommandResult<v1::ComplaintEvent>> result =
      commands_.Appended(std::move(prepared), appended);
  if (!result.ok()) return result.status();
  return ToCommandResult(complaint_id, *std::move(result));
}

void ComplaintCommands::Scheduled(const CommandResult& result) const {
  if (!timer_listener_) return;
  if (std::optional<absl::Time> earliest = EarliestAdded(result.index_changes)) {
    timer_listener_(*earliest);
  }
}

absl::StatusOr<std::optional<CommandResult>> ComplaintCommands::FindFiling(
    const std::string& request_id) {
  auto earlier = commands_.FindCreation(request_id, kStreamPrefix);
  if (!earlier.ok()) return earlier.status();
  if (!earlier->has_value()) return std::nullopt;
  std::string id = (*earlier)->stream.substr(sizeof(kStreamPrefix) - 1);
  return ToCommandResult(std::move(id), **std::move(earlier));
}

absl::StatusOr<CommandResult> ComplaintCommands::DecideFiling(v1::Filed filing) {
  // Decide under a placeholder id first, so that a filing the decider refuses spends no number.
  filing.set_complaint_id("CL-0");
  domain::DecisionContext context = Context(commands_.Now());
  if (load_) context.load = load_();
  absl::StatusOr<std::vector<v1::ComplaintEvent>> events =
      domain::Decide(domain::FileComplaint{std::move(filing)}, domain::ComplaintState{}, context);
  if (!events.ok()) return events.status();
  absl::StatusOr<std::string> id = ids_.Next();
  if (!id.ok()) return id.status();
  // Only the filed event carries the complaint's id.
  for (v1::ComplaintEvent& event : *events) {
    if (event.has_filed()) event.mutable_filed()->set_complaint_id(*id);
  }
  CommandResult result;
  result.complaint_id = *id;
  result.index_changes =
      TimerIndexChanges(*id, domain::ComplaintState{}, domain::Fold(*events));
  result.index_changes.push_back({kTimerIndexMarker, "", false});
  result.events = *std::move(events);
  return result;
}

absl::StatusOr<CommandResult> ComplaintCommands::File(v1::Filed filing, const v1::Actor& actor,
                                                      const std::string& request_id) {
  std::vector<Filing> one;
  one.push_back(Filing{std::move(filing), request_id});
  return std::move(FileMany(std::move(one), actor).front());
}

void ComplaintCommands::FileAsync(v1::Filed filing, const v1::Actor& actor,
                                  const std::string& request_id, FileDone done) {
  absl::StatusOr<std::optional<CommandResult>> earlier = FindFiling(request_id);
  if (!earlier.ok()) return std::move(done)(earlier.status());
  if (earlier->has_value()) return std::move(done)(**std::move(earlier));
  absl::StatusOr<CommandResult> decided = DecideFiling(std::move(filing));
  if (!decided.ok()) return std::move(done)(decided.status());
  storage::AppendRequest append =
      commands_.ToAppend(ComplaintStream(decided->complaint_id), storage::ExpectedRevision::NoStream(),
                         request_id, actor, decided->events);
  append.index_changes = decided->index_changes;
  log_.AppendAsync(std::move(append), [this, result = *std::move(decided), done = std::move(done)](
                                          absl::StatusOr<storage::AppendResult> appended) mutable {
    if (!appended.ok()) return std::move(done)(appended.status());
    result.stream_revision = appended->stream_revision;
    result.position = appended->last_position;
    Scheduled(result);
    std::move(done)(std::move(result));
  });
}

std::vector<absl::StatusOr<CommandResult>> ComplaintCommands::FileMany(std::vector<Filing> filings,
                                                                       const v1::Actor& actor) {
  // Every filing is a new stream, so the appends are independent: put them all in flight and
  // let the log's group commit sync them together.
  std::vector<absl::StatusOr<CommandResult>> results(filings.size(),
                                                     absl::UnknownError("not filed"));
  absl::BlockingCounter pending(static_cast<int>(filings.size()));
  for (size_t i = 0; i < filings.size(); ++i) {
    FileAsync(std::move(filings[i].filing), actor, filings[i].request_id,
              [&results, &pending, i](absl::StatusOr<CommandResult> result) {
                results[i] = std::move(result);
                pending.DecrementCount();
              });
  }
  pending.Wait();
  return results;
}

}  // namespace closedloop::services
