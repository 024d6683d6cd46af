#include "services/api/server.h"

#include <cstdio>

#include <filesystem>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "grpcpp/ext/proto_server_reflection_plugin.h"
#include "grpcpp/health_check_service_interface.h"
#include "grpcpp/security/server_credentials.h"
#include "grpcpp/server_builder.h"
#include "services/metrics/server_metrics.h"

namespace closedloop::services {

bool IsLoopback(absl::string_view address) {
  // host:port, [v6]:port, or a unix socket (local by nature).
  if (absl::StartsWith(address, "unix:")) return true;
  const size_t colon = address.rfind(':');
  absl::string_view host = colon == absl::string_view::npos ? address : address.substr(0, colon);
  if (absl::ConsumePrefix(&host, "[")) absl::ConsumeSuffix(&host, "]");
  if (host == "localhost" || host == "::1") return true;
  // 127.0.0.0/8, written as an address: "127.example.com" is a name that could be anywhere.
  return absl::StartsWith(host, "127.") &&
         host.find_first_not_of("0123456789.") == absl::string_view::npos;
}

namespace {

// Records in the case's history that `endpoint` delivered the alert of `delivered`. Its request
// id names the endpoint and the raising event, so a redelivery after a crash records nothing
// twice: the log answers the retry with the first append.
void RecordAlert(ComplaintCommands& commands, const std::string& endpoint,
                 const v1::DeliveredEvent& delivered) {
  domain::RecordAlertSent command;
  command.endpoint = endpoint;
  command.raised_by = delivered.id();
  command.alert = delivered.alert();
  v1::Actor actor;
  actor.set_principal(absl::StrCat("webhook:", endpoint));
  actor.set_role("system");
  const RequestKey request(absl::StrCat("alert/", endpoint, "/", delivered.id()));
  absl::StatusOr<CommandResult> recorded =
      commands.Run(delivered.alert().complaint_id(), command, actor, request);
  // A full write queue or a conflict passes: try again (the request id makes it safe).
  for (int retry = 0; retry < 3 && (absl::IsUnavailable(recorded.status()) ||
                                    absl::IsAborted(recorded.status()));
       ++retry) {
    recorded = commands.Run(delivered.alert().complaint_id(), command, actor, request);
  }
  if (!recorded.ok()) {
    std::fprintf(stderr, "closedloopd: webhook %s: recording the alert of event %llu: %s\n",
                 endpoint.c_str(), static_cast<unsigned long long>(delivered.id()),
                 recorded.status().ToString().c_str());
  }
}

}  // namespace

ClosedLoopServer::ClosedLoopServer(storage::EventLog& log, ServerOptions options)
    : options_(std::move(options)),
      streams_(options_.max_streams_per_principal),
      complaint_commands_(log, options_.clock, options_.config.sla_policy(),
                          options_.config.directory(),
                          [this](const std::vector<std::string>& ids) { return projections_->Load(ids); }),
      problem_commands_(log, options_.clock, options_.config.directory()),
      timers_(log, complaint_commands_, options_.clock),
      audit_(log, *options_.authorizer, streams_),
      complaints_(complaint_commands_, problem_commands_, *options_.authorizer),
      problems_(problem_commands_, *options_.authorizer) {
  complaint_commands_.OnTimerScheduled([this](absl::Time at) { timers_.Wake(at); });
}

absl::StatusOr<std::unique_ptr<ClosedLoopServer>> ClosedLoopServer::Start(storage::EventLog& log,
                                                                          ServerOptions options) {
  grpc::EnableDefaultHealthCheckService(true);
  grpc::reflection::InitProtoReflectionServerBuilderPlugin();

  if (options.authorizer->insecure_local() && !IsLoopback(options.listen_address)) {
    return absl::FailedPreconditionError(absl::StrCat(
        "insecure local mode serves loopback only, not ", options.listen_address,
        "; give a token file (--tokens) to listen there"));
  }
  std::unique_ptr<ClosedLoopServer> server(new ClosedLoopServer(log, std::move(options)));
  const std::string& views_path = server->options_.views_path;
  std::error_code error;
  std::filesystem::create_directories(views_path, error);
  if (error) {
    return absl::UnavailableError(absl::StrCat("cannot create ", views_path, ": ", error.message()));
  }
  absl::StatusOr<std::unique_ptr<storage::ViewStore>> store =
      storage::ViewStore::Open(views_path, Projections::Format());
  if (!store.ok()) return store.status();
  server->store_ = *std::move(store);
  server->projections_ = std::make_unique<Projections>(log, *server->store_);
  if (absl::Status started = server->projections_->Start(); !started.ok()) return started;
  // A store the log does not hold was cleared, and replays from position 1.
  server->views_resumed_after_ = server->projections_->resumed_after();
  // A store from before the due-time index gets its index before any timer or call runs.
  absl::StatusOr<TimerIndexRebuild> rebuild =
      RebuildTimerIndexIfMissing(log, server->complaint_commands_, TimerActor());
  if (!rebuild.ok()) return rebuild.status();
  server->timer_index_rebuild_ = *rebuild;
  // Its first pass fires whatever came due while the daemon was down.
  server->timers_.Start();
  server->queries_ =
      std::make_unique<QueryServiceImpl>(log, *server->projections_, server->options_.clock,
                                         *server->options_.authorizer, server->streams_);

  if (const std::string& cursors_path = server->options_.cursors_path; !cursors_path.empty()) {
    std::filesystem::create_directories(cursors_path, error);
    if (error) {
      return absl::UnavailableError(
          absl::StrCat("cannot create ", cursors_path, ": ", error.message()));
    }
    absl::StatusOr<std::unique_ptr<storage::CursorStore>> cursors =
        storage::CursorStore::Open(cursors_path);
    if (!cursors.ok()) return cursors.status();
    server->cursors_ = *std::move(cursors);
  }
  server->subscriptions_ = std::make_unique<SubscriptionServiceImpl>(
      log, *server->projections_, server->cursors_.get(), *server->options_.authorizer,
      server->streams_);

  if (!server->options_.webhooks.empty()) {
    if (server->cursors_ == nullptr) {
      return absl::FailedPreconditionError("webhooks: delivery needs a cursor store (cursors_path)");
    }
    ComplaintCommands& commands = server->complaint_commands_;
    server->webhooks_ = std::make_unique<Webhooks>(
        server->options_.webhooks, log, *server->projections_, *server->cursors_,
        server->options_.webhook_timing,
        [&commands](const std::string& endpoint, const v1::DeliveredEvent& delivered) {
          RecordAlert(commands, endpoint, delivered);
        });
    if (absl::Status started = server->webhooks_->Start(); !started.ok()) return started;
  }
  server->admin_ = std::make_unique<AdminServiceImpl>(
      server->options_.config, *server->options_.authorizer, log, *server->store_,
      server->webhooks_.get(), server->cursors_.get());

  grpc::ServerBuilder builder;
  if (!server->options_.metrics_listen_address.empty()) {
    // Bound before the gRPC port, so that a bad metrics address stops start-up before any
    // call is served; after the webhooks start, whose series it reads.
    server->metrics_ = std::make_unique<metrics::ServerMetrics>();
    std::vector<std::string> teams;
    for (const v1::Team& team : server->options_.config.directory().teams()) {
      teams.push_back(team.name());
    }
    if (absl::Status serving = server->metrics_->Serve(
            server->options_.metrics_listen_address, log, *server->projections_,
            server->webhooks_.get(), std::move(teams), server->options_.clock);
        !serving.ok()) {
      return serving;
    }
    std::vector<std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface>> creators;
    creators.push_back(server->metrics_->NewInterceptorFactory());
    builder.experimental().SetInterceptorCreators(std::move(creators));
  }
  builder.SetMaxReceiveMessageSize(server->options_.max_message_bytes);
  builder.AddListeningPort(server->options_.listen_address, server->options_.credentials,
                           &server->port_);
  builder.RegisterService(server->admin_.get());
  builder.RegisterService(&server->audit_);
  builder.RegisterService(&server->complaints_);
  builder.RegisterService(&server->problems_);
  builder.RegisterService(server->queries_.get());
  builder.RegisterService(server->subscriptions_.get());
  server->server_ = builder.BuildAndStart();
  if (server->server_ == nullptr || server->port_ == 0) {
    return absl::UnavailableError(
        absl::StrCat("cannot listen on ", server->options_.listen_address));
  }
  // Frozen views must not look healthy: a load balancer or orchestrator then moves traffic
  // away (the queries themselves answer UNAVAILABLE naming the failure).
  grpc::Server* grpc_server = server->server_.get();
  server->projections_->OnFailure([grpc_server](const absl::Status&) {
    if (grpc::HealthCheckServiceInterface* health = grpc_server->GetHealthCheckService()) {
      health->SetServingStatus(false);
    }
  });
  return server;
}

int ClosedLoopServer::metrics_port() const {
  return metrics_ == nullptr ? 0 : metrics_->port();
}

void ClosedLoopServer::Shutdown(absl::Duration grace) {
  if (shut_down_) return;
  shut_down_ = true;
  // The grace counts from now, whatever the steps before the calls' drain take.
  const absl::Time cut = absl::Now() + grace;
  // Scrapes read the projections and the log: stop answering them before either stops.
  if (metrics_ != nullptr) metrics_->Stop();
  // Returns once the current group of firings is appended (a catch-up pass stops between
  // groups); the rest fire at the next start.
  timers_.Stop();
  // Live streams end now with UNAVAILABLE rather than at the end of the grace with CANCELLED.
  streams_.Close();
  if (server_ != nullptr) {
    if (grpc::HealthCheckServiceInterface* health = server_->GetHealthCheckService()) {
      health->Shutdown();  // health checks now answer NOT_SERVING
    }
    // Unary calls still running at `cut` are cancelled by gRPC: their callers see CANCELLED,
    // which the README documents as retryable with the same request id.
    server_->Shutdown(absl::ToChronoTime(cut));
    server_->Wait();
  }
  // Before the projections: a delivery waits on them. An attempt under way finishes first.
  if (webhooks_ != nullptr) webhooks_->Stop();
  if (projections_ != nullptr) projections_->Stop();
}

ClosedLoopServer::~ClosedLoopServer() { Shutdown(absl::ZeroDuration()); }

}  // namespace closedloop::services
