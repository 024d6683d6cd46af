#include "services/commands/complaint_commands.h"

#include "absl/strings/str_cat.h"
#include "absl/synchronization/blocking_counter.h"
#include "domain/filing.h"
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
      load_(load),
      owners_(std::move(load)) {}

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

absl::StatusOr<CommandResult> ComplaintCommands::File(v1::Filed filing, const v1::Actor& actor,
                                                      const RequestKey& request) {
  std::vector<Filing> one;
  one.push_back(Filing{std::move(filing), request});
  return std::move(FileMany(std::move(one), actor).front());
}

std::optional<ComplaintCommands::FileDone> ComplaintCommands::Admit(const RequestKey& request,
                                                                   FileDone done) {
  // A retry while the first request is still in flight joins it; otherwise this one leads,
  // and whoever retries meanwhile gets its outcome.
  std::optional<FileDone> lead = in_flight_.Lead(request, std::move(done));
  if (!lead) return std::nullopt;
  if (!request.id.empty()) {
    lead = [this, id = request.id, done = *std::move(lead)](
               absl::StatusOr<CommandResult> result) mutable {
      in_flight_.Finish(id, result);
      std::move(done)(std::move(result));
    };
  }
  absl::StatusOr<std::optional<CommandResult>> earlier = FindFiling(request);
  if (!earlier.ok()) {
    std::move(*lead)(earlier.status());
    return std::nullopt;
  }
  if (earlier->has_value()) {
    std::move(*lead)(**std::move(earlier));
    return std::nullopt;
  }
  return lead;
}

void ComplaintCommands::FileAsync(v1::Filed filing, const v1::Actor& actor,
                                  const RequestKey& request, FileDone done) {
  std::optional<FileDone> lead = Admit(request, std::move(done));
  if (!lead) return;
  std::vector<NewFiling> one;
  one.push_back(NewFiling{std::move(filing), request, *std::move(lead)});
  FileNew(std::move(one), actor);
}

void ComplaintCommands::FileNew(std::vector<NewFiling> filings, const v1::Actor& actor) {
  // Everything but the owners is decided here, side by side with other callers' filings; only
  // the owners' picks take turns.
  const domain::DecisionContext context = Context(commands_.Now());
  std::vector<NewFiling> routed;
  std::vector<domain::FilingDraft> drafts;
  std::vector<const v1::Team*> teams;
  for (NewFiling& f : filings) {
    f.filing.set_filed_by(actor.principal());
    // Decided under a placeholder id first, so that a filing the decider refuses spends no
    // number.
    f.filing.set_complaint_id("CL-0");
    absl::StatusOr<domain::FilingDraft> draft =
        domain::DraftFiling(domain::FileComplaint{std::move(f.filing)}, context);
    if (!draft.ok()) {
      std::move(f.done)(draft.status());
      continue;
    }
    teams.push_back(draft->team);
    drafts.push_back(*std::move(draft));
    routed.push_back(std::move(f));
  }
  std::vector<OwnerPicker::Pick> picks = owners_.PickOwners(teams);
  for (size_t i = 0; i < routed.size(); ++i) {
    OwnerPicker::Pick& pick = picks[i];
    if (!pick.owner.ok()) {
      std::move(routed[i].done)(pick.owner.status());
      continue;
    }
    absl::StatusOr<std::string> id = ids_.Next();
    if (!id.ok()) {
      owners_.Drop(pick.ticket);
      std::move(routed[i].done)(id.status());
      continue;
    }
    owners_.Name(pick.ticket, *id);
    CommandResult decided;
    decided.complaint_id = *id;
    decided.events = domain::CompleteFiling(std::move(drafts[i]), *pick.owner);
    // Only the filed event carries the complaint's id.
    for (v1::ComplaintEvent& event : decided.events) {
      if (event.has_filed()) event.mutable_filed()->set_complaint_id(*id);
    }
    decided.index_changes =
        TimerIndexChanges(*id, domain::ComplaintState{}, domain::Fold(decided.events));
    decided.index_changes.push_back({kTimerIndexMarker, "", false});
    Append(std::move(decided), pick.ticket, actor, routed[i].request, std::move(routed[i].done));
  }
}

void ComplaintCommands::Append(CommandResult decided, PendingAssignments::Ticket ticket,
                               const v1::Actor& actor, const RequestKey& request, FileDone done) {
  storage::AppendRequest append =
      commands_.ToAppend(ComplaintStream(decided.complaint_id), storage::ExpectedRevision::NoStream(),
                         request, actor, decided.events);
  append.index_changes = decided.index_changes;
  log_.AppendAsync(std::move(append), [this, ticket, request, result = std::move(decided),
                                       done = std::move(done)](
                                          absl::StatusOr<storage::AppendResult> appended) mutable {
    if (!appended.ok() || appended->deduplicated) owners_.Drop(ticket);
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
  std::vector<NewFiling> fresh;
  for (size_t i = 0; i < filings.size(); ++i) {
    std::optional<FileDone> lead =
        Admit(filings[i].request, [&results, &pending, i](absl::StatusOr<CommandResult> result) {
          results[i] = std::move(result);
          pending.DecrementCount();
        });
    if (!lead) continue;
    fresh.push_back(NewFiling{std::move(filings[i].filing), std::move(filings[i].request),
                              *std::move(lead)});
  }
  FileNew(std::move(fresh), actor);
  pending.Wait();
  return results;
}

}  // namespace closedloop::services
