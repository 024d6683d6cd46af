#include "services/commands/complaint_commands.h"

#include "absl/strings/str_cat.h"
#include "absl/synchronization/blocking_counter.h"
#include "services/timers/timer_index.h"

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
                                                     const RequestKey& request,
                                                     const domain::Caller* caller) {
  absl::StatusOr<StreamCommandResult<v1::ComplaintEvent>> result = commands_.Run(
      ComplaintStream(complaint_id), request, actor, domain::RecordedType(command),
      [&](const domain::ComplaintState& state, absl::Time now) {
        domain::DecisionContext context = Context(now);
        context.caller = caller;
        if (std::holds_alternative<domain::FileComplaint>(command) && load_) {
          context.load = load_({}).load;
        }
        return domain::Decide(command, state, context);
      });
  if (!result.ok()) return result.status();
  CommandResult out = ToCommandResult(complaint_id, *std::move(result));
  Scheduled(out);
  return out;
}

absl::StatusOr<std::optional<ComplaintCommands::Prepared>> ComplaintCommands::Prepare(
    const std::string& complaint_id, const domain::ComplaintCommand& command,
    const v1::Actor& actor, const RequestKey& request) {
  return commands_.Prepare(ComplaintStream(complaint_id), request, actor,
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
    const RequestKey& request) {
  auto earlier = commands_.FindCreation(request, kStreamPrefix);
  if (!earlier.ok()) return earlier.status();
  if (!earlier->has_value()) return std::nullopt;
  std::string id = (*earlier)->stream.substr(sizeof(kStreamPrefix) - 1);
  return ToCommandResult(std::move(id), **std::move(earlier));
}

absl::StatusOr<CommandResult> ComplaintCommands::DecideFiling(v1::Filed filing,
                                                              PendingAssignments::Ticket& ticket) {
  // Decide under a placeholder id first, so that a filing the decider refuses spends no number.
  filing.set_complaint_id("CL-0");
  absl::StatusOr<std::vector<v1::ComplaintEvent>> events;
  domain::ComplaintState decided;
  {
    absl::MutexLock turn(&routing_mu_);
    domain::DecisionContext context = Context(commands_.Now());
    const std::vector<std::string> pending = pending_.Named();
    LoadAt load = load_ ? load_(pending) : LoadAt{};
    pending_.AddTo(pending, load.applied, load.load);
    context.load = std::move(load.load);
    events = domain::Decide(domain::FileComplaint{std::move(filing)}, domain::ComplaintState{}, context);
    if (!events.ok()) return events.status();
    decided = domain::Fold(*events);
    ticket = pending_.Add(decided.owner);
  }
  absl::StatusOr<std::string> id = ids_.Next();
  if (!id.ok()) {
    pending_.Drop(ticket);
    return id.status();
  }
  pending_.Name(ticket, *id);
  // Only the filed event carries the complaint's id.
  for (v1::ComplaintEvent& event : *events) {
    if (event.has_filed()) event.mutable_filed()->set_complaint_id(*id);
  }
  CommandResult result;
  result.complaint_id = *id;
  result.index_changes = TimerIndexChanges(*id, domain::ComplaintState{}, decided);
  result.index_changes.push_back({kTimerIndexMarker, "", false});
  result.events = *std::move(events);
  return result;
}

absl::StatusOr<CommandResult> ComplaintCommands::File(v1::Filed filing, const v1::Actor& actor,
                                                      const RequestKey& request) {
  std::vector<Filing> one;
  one.push_back(Filing{std::move(filing), request});
  return std::move(FileMany(std::move(one), actor).front());
}

void ComplaintCommands::FileAsync(v1::Filed filing, const v1::Actor& actor,
                                  const RequestKey& request, FileDone done) {
  // A retry while the first request is still in flight joins it; otherwise this one leads,
  // and whoever retries meanwhile gets its outcome.
  std::optional<FileDone> lead = in_flight_.Lead(request, std::move(done));
  if (!lead) return;
  if (!request.id.empty()) {
    lead = [this, id = request.id, done = *std::move(lead)](
               absl::StatusOr<CommandResult> result) mutable {
      in_flight_.Finish(id, result);
      std::move(done)(std::move(result));
    };
  }
  absl::StatusOr<std::optional<CommandResult>> earlier = FindFiling(request);
  if (!earlier.ok()) return std::move(*lead)(earlier.status());
  if (earlier->has_value()) return std::move(*lead)(**std::move(earlier));
  FileNew(std::move(filing), actor, request, *std::move(lead));
}

void ComplaintCommands::FileNew(v1::Filed filing, const v1::Actor& actor,
                                const RequestKey& request, FileDone done) {
  PendingAssignments::Ticket ticket = 0;
  filing.set_filed_by(actor.principal());
  absl::StatusOr<CommandResult> decided = DecideFiling(std::move(filing), ticket);
  if (!decided.ok()) return std::move(done)(decided.status());
  storage::AppendRequest append =
      commands_.ToAppend(ComplaintStream(decided->complaint_id), storage::ExpectedRevision::NoStream(),
                         request, actor, decided->events);
  append.index_changes = decided->index_changes;
  log_.AppendAsync(std::move(append), [this, ticket, request, result = *std::move(decided),
                                       done = std::move(done)](
                                          absl::StatusOr<storage::AppendResult> appended) mutable {
    if (!appended.ok() || appended->deduplicated) pending_.Drop(ticket);
    if (!appended.ok()) return std::move(done)(appended.status());
    if (appended->deduplicated) {
      // The same request reached the log first from another process's retry: answer with
      // what it recorded (this decision's number stays unused).
      absl::StatusOr<std::optional<CommandResult>> earlier = FindFiling(request);
      if (!earlier.ok()) return std::move(done)(earlier.status());
      if (!earlier->has_value()) return std::move(done)(absl::InternalError("receipt vanished"));
      return std::move(done)(**std::move(earlier));
    }
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
    FileAsync(std::move(filings[i].filing), actor, filings[i].request,
              [&results, &pending, i](absl::StatusOr<CommandResult> result) {
                results[i] = std::move(result);
                pending.DecrementCount();
              });
  }
  pending.Wait();
  return results;
}

}  // namespace closedloop::services
