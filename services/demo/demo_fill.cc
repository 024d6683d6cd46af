#include "services/demo/demo_fill.h"

#include <atomic>
#include <filesystem>
#include <memory>
#include <type_traits>
#include <vector>

#include "absl/strings/str_cat.h"
#include "closedloop/v1/complaint_service.grpc.pb.h"
#include "closedloop/v1/problem_service.grpc.pb.h"
#include "closedloop/v1/query_service.grpc.pb.h"
#include "grpcpp/create_channel.h"
#include "services/daemon/config.h"
#include "services/demo/demo_scenario.h"
#include "services/api/server.h"
#include "storage/event_log.h"

namespace closedloop::services::demo {
namespace {

using ComplaintStub = v1::ComplaintService::Stub;
using ProblemStub = v1::ProblemService::Stub;

// The RPC of each request type.
constexpr auto MethodOf(const v1::FileComplaintRequest*) { return &ComplaintStub::FileComplaint; }
constexpr auto MethodOf(const v1::TriageComplaintRequest*) { return &ComplaintStub::TriageComplaint; }
constexpr auto MethodOf(const v1::AssignComplaintRequest*) { return &ComplaintStub::AssignComplaint; }
constexpr auto MethodOf(const v1::RecordCustomerContactRequest*) { return &ComplaintStub::RecordCustomerContact; }
constexpr auto MethodOf(const v1::AddCommentRequest*) { return &ComplaintStub::AddComment; }
constexpr auto MethodOf(const v1::OpenTaskRequest*) { return &ComplaintStub::OpenTask; }
constexpr auto MethodOf(const v1::RespondToTaskRequest*) { return &ComplaintStub::RespondToTask; }
constexpr auto MethodOf(const v1::CompleteTaskRequest*) { return &ComplaintStub::CompleteTask; }
constexpr auto MethodOf(const v1::EscalateRequest*) { return &ComplaintStub::Escalate; }
constexpr auto MethodOf(const v1::ResolveComplaintRequest*) { return &ComplaintStub::ResolveComplaint; }
constexpr auto MethodOf(const v1::CloseComplaintRequest*) { return &ComplaintStub::CloseComplaint; }
constexpr auto MethodOf(const v1::ReopenComplaintRequest*) { return &ComplaintStub::ReopenComplaint; }
constexpr auto MethodOf(const v1::RedirectToSupportRequest*) { return &ComplaintStub::RedirectToSupport; }
constexpr auto MethodOf(const v1::LinkToProblemRequest*) { return &ComplaintStub::LinkToProblem; }
constexpr auto MethodOf(const v1::RecordSurveyRequest*) { return &ComplaintStub::RecordSurvey; }
constexpr auto MethodOf(const v1::OpenProblemRequest*) { return &ProblemStub::OpenProblem; }
constexpr auto MethodOf(const v1::AddActionItemRequest*) { return &ProblemStub::AddActionItem; }
constexpr auto MethodOf(const v1::CompleteActionItemRequest*) { return &ProblemStub::CompleteActionItem; }
constexpr auto MethodOf(const v1::MarkFixedRequest*) { return &ProblemStub::MarkFixed; }
constexpr auto MethodOf(const v1::VerifyFixRequest*) { return &ProblemStub::VerifyFix; }

template <typename Stub, typename Request, typename Response>
Response ResponseOf(grpc::Status (Stub::*)(grpc::ClientContext*, const Request&, Response*));

// Plays the script's steps against the server, filling in the ids it assigned.
class StepRunner {
 public:
  StepRunner(std::shared_ptr<grpc::Channel> channel, const v1::Config& config, uint64_t seed,
             DemoFillSummary& summary)
      : complaints_(v1::ComplaintService::NewStub(channel)),
        problems_(v1::ProblemService::NewStub(channel)),
        queries_(v1::QueryService::NewStub(channel)),
        config_(config),
        seed_(seed),
        summary_(summary) {}

  void Run(const DemoStep& step, int index) {
    std::visit([&](const auto& request) { Send(step, index, request); }, step.request);
  }

 private:
  struct Case {
    std::string id;  // empty until filed
    std::string team;
    std::string owner;
    std::string department;  // of its task
    v1::ItemKind kind = v1::ITEM_KIND_UNSPECIFIED;
  };

  template <typename Request>
  void Send(const DemoStep& step, int index, Request request) {
    request.set_request_id(absl::StrCat("demo-", seed_, "-", index));
    Case* item = nullptr;
    if (step.item >= 0) {
      if (static_cast<size_t>(step.item) >= cases_.size()) cases_.resize(step.item + 1);
      item = &cases_[step.item];
    }
    std::string principal = item != nullptr && !item->owner.empty() ? item->owner : "cx-lead";
    if constexpr (requires { request.set_complaint_id(""); }) {
      if (item == nullptr || item->id.empty()) return;  // its filing was refused
      request.set_complaint_id(item->id);
    }
    if constexpr (requires { request.set_problem_id(""); }) {
      if (step.problem < 0 || static_cast<size_t>(step.problem) >= problem_ids_.size() ||
          problem_ids_[step.problem].empty()) {
        return;  // its opening was refused
      }
      request.set_problem_id(problem_ids_[step.problem]);
    }
    if constexpr (std::is_same_v<Request, v1::FileComplaintRequest>) {
      principal = IntakeOf(request.complaint().channel());
    } else if constexpr (std::is_same_v<Request, v1::AddCommentRequest>) {
      if (request.author().empty()) request.set_author(principal);
    } else if constexpr (std::is_same_v<Request, v1::AssignComplaintRequest>) {
      request.set_owner(Colleague(*item));
      if (request.owner().empty()) return;
    } else if constexpr (std::is_same_v<Request, v1::OpenTaskRequest>) {
      item->department = request.department();
    } else if constexpr (std::is_same_v<Request, v1::RespondToTaskRequest>) {
      principal = Responsible(item->department);
    } else if constexpr (std::is_same_v<Request, v1::OpenProblemRequest> ||
                         std::is_same_v<Request, v1::AddActionItemRequest> ||
                         std::is_same_v<Request, v1::CompleteActionItemRequest> ||
                         std::is_same_v<Request, v1::MarkFixedRequest> ||
                         std::is_same_v<Request, v1::VerifyFixRequest>) {
      principal = "quality-manager";
    }

    constexpr auto method = MethodOf(static_cast<const Request*>(nullptr));
    decltype(ResponseOf(method)) response;
    grpc::ClientContext context;
    context.AddMetadata("x-closedloop-principal", principal);
    context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(60));
    grpc::Status status;
    if constexpr (std::is_same_v<decltype(ResponseOf(method)), v1::CommandResponse>) {
      status = (complaints_.get()->*method)(&context, request, &response);
    } else {
      status = (problems_.get()->*method)(&context, request, &response);
    }
    if (!status.ok()) {
      Refused(status, request.GetDescriptor()->name());
      return;
    }
    ++summary_.commands;
    if constexpr (std::is_same_v<Request, v1::FileComplaintRequest>) {
      Filed(*item, request.complaint(), response);
    } else if constexpr (std::is_same_v<Request, v1::OpenProblemRequest>) {
      if (problem_ids_.size() <= static_cast<size_t>(step.problem)) problem_ids_.resize(step.problem + 1);
      problem_ids_[step.problem] = response.problem_id();
      ++summary_.problems;
    }
  }

  void Filed(Case& item, const v1::Filed& filed, const v1::CommandResponse& response) {
    item.id = response.complaint_id();
    item.kind = filed.kind();
    ++summary_.items;
    if (filed.kind() == v1::ITEM_KIND_RECOMMENDATION) {
      ++summary_.recommendations;
      return;
    }
    ++summary_.complaints;
    if (filed.channel() == v1::CHANNEL_RED_BUTTON) ++summary_.red_button;
    // The owner and team routing chose: they act on the case from now on.
    grpc::ClientContext context;
    v1::GetComplaintRequest get;
    get.set_complaint_id(item.id);
    get.set_min_position(response.position());
    v1::ComplaintView view;
    if (grpc::Status s = queries_->GetComplaint(&context, get, &view); !s.ok()) {
      Refused(s, "GetComplaintRequest");
      return;
    }
    item.team = view.team();
    item.owner = view.owner();
  }

  // Another member of the case's team, for a reassignment.
  std::string Colleague(const Case& item) const {
    for (const v1::Team& team : config_.directory().teams()) {
      if (team.name() != item.team) continue;
      for (const std::string& member : team.members()) {
        if (member != item.owner) return member;
      }
    }
    return "";
  }

  std::string Responsible(const std::string& department) const {
    for (const v1::Department& d : config_.directory().departments()) {
      if (d.name() == department && !d.responsible().empty()) return d.responsible();
    }
    return "cx-lead";
  }

  static std::string IntakeOf(v1::Channel channel) {
    switch (channel) {
      case v1::CHANNEL_WEB: return "web-shop";
      case v1::CHANNEL_APP: return "mobile-app";
      case v1::CHANNEL_SOCIAL: return "social-monitor";
      case v1::CHANNEL_EMAIL: return "mail-gateway";
      case v1::CHANNEL_STORE: return "store-desk";
      case v1::CHANNEL_RED_BUTTON: return "red-button-line";
      default: return "contact-center";
    }
  }

  void Refused(const grpc::Status& status, const std::string& what) {
    static const char* const kNames[] = {
        "OK",      "CANCELLED",         "UNKNOWN",        "INVALID_ARGUMENT", "DEADLINE_EXCEEDED",
        "NOT_FOUND", "ALREADY_EXISTS",  "PERMISSION_DENIED", "RESOURCE_EXHAUSTED",
        "FAILED_PRECONDITION", "ABORTED", "OUT_OF_RANGE", "UNIMPLEMENTED", "INTERNAL",
        "UNAVAILABLE", "DATA_LOSS", "UNAUTHENTICATED"};
    const int code = status.error_code();
    const std::string name = code >= 0 && code <= 16 ? kNames[code] : absl::StrCat("CODE_", code);
    if (summary_.refused.empty()) {
      summary_.first_refusal = absl::StrCat(what, ": ", name, ": ", status.error_message());
    }
    ++summary_.refused[name];
  }

  std::unique_ptr<ComplaintStub> complaints_;
  std::unique_ptr<ProblemStub> problems_;
  std::unique_ptr<v1::QueryService::Stub> queries_;
  const v1::Config& config_;
  const uint64_t seed_;
  DemoFillSummary& summary_;
  std::vector<Case> cases_;
  std::vector<std::string> problem_ids_;
};

}  // namespace

absl::StatusOr<DemoFillSummary> FillDemo(const std::string& data_dir, const DemoFillOptions& options) {
  if (options.days < 1 || options.days > 366) {
    return absl::InvalidArgumentError(absl::StrCat("demo days: must be 1..366, got ", options.days));
  }
  DemoScenarioOptions scenario;
  scenario.seed = options.seed;
  scenario.end = options.end;
  scenario.days = options.days;
  for (const v1::Department& d : options.config.directory().departments()) {
    scenario.departments.push_back(d.name());
  }
  const std::vector<DemoStep> steps = RetailMonth(scenario);

  // The month's clock: at each step's time in turn.
  std::atomic<int64_t> now{absl::ToUnixMicros(
      (steps.empty() ? options.end : steps.front().at) - absl::Hours(1))};
  auto clock = [&now] { return absl::FromUnixMicros(now.load()); };

  storage::EventLogOptions log_options;
  log_options.path = data_dir;
  log_options.clock = clock;
  absl::StatusOr<std::unique_ptr<storage::EventLog>> log = storage::EventLog::Open(log_options);
  if (!log.ok()) return log.status();
  if (const uint64_t head = (*log)->HeadPosition(); head != 0) {
    return absl::FailedPreconditionError(absl::StrCat(
        "the store in ", data_dir, " already holds ", head,
        " events; the demo fills only a new, empty store"));
  }
  v1::Actor actor;
  actor.set_principal("system:demo");
  actor.set_role("system");
  if (absl::StatusOr<bool> recorded = RecordConfigIfChanged(**log, options.config, actor); !recorded.ok()) {
    return recorded.status();
  }

  ServerOptions server_options;
  server_options.views_path = (std::filesystem::path(data_dir) / "views").string();
  server_options.config = options.config;
  server_options.clock = clock;
  absl::StatusOr<std::unique_ptr<ClosedLoopServer>> server =
      ClosedLoopServer::Start(**log, std::move(server_options));
  if (!server.ok()) return server.status();

  DemoFillSummary summary;
  StepRunner runner(grpc::CreateChannel(absl::StrCat("127.0.0.1:", (*server)->port()),
                                        grpc::InsecureChannelCredentials()),
                    options.config, options.seed, summary);
  // Everything due by the step's time fires before it (the timer service's own loop may get
  // there first: the log is the same either way).
  auto fire_due = [&]() { return (*server)->timers().FireDue().status(); };
  for (size_t i = 0; i < steps.size(); ++i) {
    now = absl::ToUnixMicros(steps[i].at);
    if (absl::Status s = fire_due(); !s.ok()) return s;
    if (std::holds_alternative<v1::FileComplaintRequest>(steps[i].request)) {
      // Assignment balances the team's open cases as the projections count them: let them
      // count every case so far, so that the same seed assigns the same owners.
      if (absl::Status s = (*server)->projections().WaitFor((*log)->HeadPosition(),
                                                            absl::Now() + absl::Minutes(1));
          !s.ok()) {
        return s;
      }
    }
    runner.Run(steps[i], static_cast<int>(i));
  }
  now = absl::ToUnixMicros(options.end);
  if (absl::Status s = fire_due(); !s.ok()) return s;
  summary.events = (*log)->HeadPosition();
  if (absl::Status s = (*server)->projections().WaitFor(summary.events, absl::Now() + absl::Minutes(5));
      !s.ok()) {
    return s;
  }
  const std::string timer = TimerActor().principal();
  absl::StatusOr<uint64_t> scanned = (*log)->ScanAll(
      1, storage::EventFilter{}, summary.events, [&](const storage::RecordedEvent& event) {
        ++summary.events_by_type[event.type()];
        if (event.actor().principal() == timer) ++summary.timer_events;
        return true;
      });
  if (!scanned.ok()) return scanned.status();
  (*server)->Shutdown(absl::Seconds(5));
  server->reset();
  log->reset();
  return summary;
}

}  // namespace closedloop::services::demo
