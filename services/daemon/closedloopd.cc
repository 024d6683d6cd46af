// closedloopd: the Closed Loop daemon. One process, an embedded RocksDB, one gRPC port.
#include <signal.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "services/daemon/config.h"
#include "services/daemon/webhook_config.h"
#include "services/demo/demo_fill.h"
#include "services/api/server.h"
#include "services/access/tls_credentials.h"
#include "storage/event_log.h"

ABSL_FLAG(std::string, data_dir, "./data",
          "Directory of the embedded RocksDB event log; created if missing. Only one daemon may "
          "use a directory at a time. The projections keep their views in its subdirectory "
          "views/, a cache of the log: delete it to have them rebuilt from the log.");
ABSL_FLAG(std::string, listen, "127.0.0.1:50051",
          "Address to serve gRPC on, host:port. Use 0.0.0.0:PORT to accept remote clients, "
          "port 0 to pick a free port.");
ABSL_FLAG(std::string, metrics_listen, "",
          "Address to serve Prometheus metrics on over HTTP (GET /metrics), host:port; port 0 "
          "picks a free port. No authentication: bind it where only monitoring can reach it. "
          "Empty: no metrics endpoint.");
ABSL_FLAG(std::string, config, "",
          "Configuration file: SLA policy, teams, departments and routing, as a "
          "closedloop.v1.Config in protobuf text format (JSON if it ends in .json). Empty: the "
          "built-in retail-chain default. An invalid file stops the daemon before it serves.");
ABSL_FLAG(std::string, tokens, "",
          "Token file: the bearer tokens callers authenticate with, as SHA-256 hashes mapped to "
          "a principal and a role (closedloop.v1.TokenFile in protobuf text format; see "
          "README). Required unless --insecure_local.");
ABSL_FLAG(bool, insecure_local, false,
          "Development and quickstart only: no tokens, every caller is the local operator with "
          "every permission. Refused unless --listen is a loopback address.");
ABSL_FLAG(std::string, tls_cert, "",
          "PEM certificate chain of the server: serve TLS (with --tls_key). Empty: plaintext.");
ABSL_FLAG(std::string, tls_key, "", "PEM private key of --tls_cert.");
ABSL_FLAG(std::string, tls_client_ca, "",
          "PEM CA certificates: require mutual TLS, clients presenting a certificate it signed.");
ABSL_FLAG(bool, demo, false,
          "Before serving, fill an empty --data_dir with a month of a retail chain's complaints "
          "(about 80 items a day across the channels, escalations, breaches, problems, surveys), "
          "ending now, so that the boards are full at once. A store that already holds events "
          "is left as it is. For trying Closed Loop out, not for production data.");
ABSL_FLAG(uint64_t, demo_seed, 1, "The demo month's seed: the same seed gives the same month.");
ABSL_FLAG(int, demo_days, 30, "How many days the demo fills (1..366).");
ABSL_FLAG(absl::Duration, shutdown_grace, absl::Seconds(10),
          "On SIGINT/SIGTERM, how long in-flight calls may run before they are cancelled.");

namespace {

// Who may call, from --tokens or --insecure_local; nullptr after printing why not.
std::shared_ptr<const closedloop::services::Authorizer> AuthorizerFromFlags() {
  using closedloop::services::Authorizer;
  const std::string path = absl::GetFlag(FLAGS_tokens);
  const bool insecure = absl::GetFlag(FLAGS_insecure_local);
  if (!path.empty() && insecure) {
    std::fprintf(stderr, "closedloopd: give --tokens or --insecure_local, not both\n");
    return nullptr;
  }
  if (insecure) {
    std::fprintf(stderr,
                 "closedloopd: INSECURE LOCAL MODE: no authentication, every caller has every "
                 "permission; for development on this machine only\n");
    return Authorizer::InsecureLocal();
  }
  if (path.empty()) {
    std::fprintf(stderr,
                 "closedloopd: no --tokens file: callers cannot authenticate. Give --tokens=FILE, "
                 "or --insecure_local for development on this machine (see README)\n");
    return nullptr;
  }
  absl::StatusOr<closedloop::services::TokenTable> tokens =
      closedloop::services::TokenTable::Load(path);
  if (!tokens.ok()) {
    std::fprintf(stderr, "closedloopd: invalid --tokens %s: %s\n", path.c_str(),
                 std::string(tokens.status().message()).c_str());
    return nullptr;
  }
  std::fprintf(stderr, "closedloopd: %zu tokens from %s\n", tokens->size(), path.c_str());
  return Authorizer::WithTokens(*std::move(tokens));
}

// --demo: fills an empty store with the demo month; false after printing why it could not.
bool FillDemo(const std::string& data_dir, const closedloop::v1::Config& config) {
  namespace demo = closedloop::services::demo;
  demo::DemoFillOptions options;
  options.seed = absl::GetFlag(FLAGS_demo_seed);
  options.days = absl::GetFlag(FLAGS_demo_days);
  options.end = absl::Now();
  options.config = config;
  std::fprintf(stderr, "closedloopd: demo: filling %s with %d days of a retail chain (seed %llu)...\n",
               data_dir.c_str(), options.days, static_cast<unsigned long long>(options.seed));
  const absl::Time started = absl::Now();
  absl::StatusOr<demo::DemoFillSummary> filled = demo::FillDemo(data_dir, options);
  if (absl::IsFailedPrecondition(filled.status())) {
    std::fprintf(stderr, "closedloopd: demo: not filled: %s\n", std::string(filled.status().message()).c_str());
    return true;
  }
  if (!filled.ok()) {
    std::fprintf(stderr, "closedloopd: demo: %s\n", filled.status().ToString().c_str());
    return false;
  }
  auto count = [&](const char* type) {
    auto it = filled->events_by_type.find(type);
    return it == filled->events_by_type.end() ? 0 : it->second;
  };
  std::fprintf(stderr,
               "closedloopd: demo: %d items (%d complaints, %d of them red-button; %d "
               "recommendations), %d problems, %llu events with %d deadline warnings, %d "
               "breaches and %d escalations, in %.1f s\n",
               filled->items, filled->complaints, filled->red_button, filled->recommendations,
               filled->problems, static_cast<unsigned long long>(filled->events),
               count("complaint.deadline_warned"), count("complaint.deadline_breached"),
               count("complaint.escalated"), absl::ToDoubleSeconds(absl::Now() - started));
  if (!filled->refused.empty()) {
    std::fprintf(stderr, "closedloopd: demo: %zu kinds of command were refused, first: %s\n",
                 filled->refused.size(), filled->first_refusal.c_str());
  }
  return true;
}

int RunDaemon() {
  // Block the stop signals in every thread (threads inherit the mask), then wait for them here.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGINT);
  sigaddset(&stop_signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);

  std::shared_ptr<const closedloop::services::Authorizer> authorizer = AuthorizerFromFlags();
  if (authorizer == nullptr) return 1;
  const closedloop::services::TlsFiles tls{absl::GetFlag(FLAGS_tls_cert), absl::GetFlag(FLAGS_tls_key),
                                           absl::GetFlag(FLAGS_tls_client_ca)};
  absl::StatusOr<std::shared_ptr<grpc::ServerCredentials>> credentials =
      closedloop::services::ServerCredentialsFrom(tls);
  if (!credentials.ok()) {
    std::fprintf(stderr, "closedloopd: %s\n", std::string(credentials.status().message()).c_str());
    return 1;
  }
  std::fprintf(stderr, "closedloopd: transport %s\n",
               !tls.client_ca.empty() ? "mutual TLS (client certificates required)"
               : !tls.cert_chain.empty() ? "TLS"
                                         : "plaintext");

  const std::string config_path = absl::GetFlag(FLAGS_config);
  absl::StatusOr<closedloop::v1::Config> config =
      config_path.empty() ? closedloop::services::DefaultConfig()
                          : closedloop::services::LoadConfigFile(config_path);
  if (!config.ok()) {
    std::fprintf(stderr, "closedloopd: invalid --config %s: %s\n", config_path.c_str(),
                 std::string(config.status().message()).c_str());
    return 1;
  }
  // The webhook secrets are read now, so that a missing one stops the start, not a delivery.
  absl::StatusOr<std::vector<closedloop::services::WebhookTarget>> webhook_targets =
      closedloop::services::LoadWebhookTargets(*config);
  if (!webhook_targets.ok()) {
    std::fprintf(stderr, "closedloopd: --config %s: %s\n", config_path.c_str(),
                 std::string(webhook_targets.status().message()).c_str());
    return 1;
  }

  const std::string data_dir = absl::GetFlag(FLAGS_data_dir);
  std::error_code error;
  std::filesystem::create_directories(data_dir, error);
  if (error) {
    std::fprintf(stderr, "closedloopd: cannot create --data_dir %s: %s\n", data_dir.c_str(),
                 error.message().c_str());
    return 1;
  }
  if (absl::GetFlag(FLAGS_demo) && !FillDemo(data_dir, *config)) return 1;
  closedloop::storage::EventLogOptions options;
  options.path = data_dir;
  absl::StatusOr<std::unique_ptr<closedloop::storage::EventLog>> log =
      closedloop::storage::EventLog::Open(options);
  if (!log.ok()) {
    std::fprintf(stderr, "closedloopd: cannot open the event log: %s\n", log.status().ToString().c_str());
    return 1;
  }
  closedloop::v1::Actor daemon;
  daemon.set_principal("system:closedloopd");
  daemon.set_role("system");
  absl::StatusOr<bool> recorded = closedloop::services::RecordConfigIfChanged(**log, *config, daemon);
  if (!recorded.ok()) {
    std::fprintf(stderr, "closedloopd: cannot record the configuration: %s\n",
                 recorded.status().ToString().c_str());
    return 1;
  }
  std::fprintf(stderr, "closedloopd: configuration %s (policy %s) %s\n",
               config_path.empty() ? "built-in default" : config_path.c_str(),
               config->sla_policy().version().c_str(),
               *recorded ? "recorded in the log" : "unchanged since last recorded");

  closedloop::services::ServerOptions server_options;
  server_options.listen_address = absl::GetFlag(FLAGS_listen);
  server_options.metrics_listen_address = absl::GetFlag(FLAGS_metrics_listen);
  server_options.views_path = (std::filesystem::path(data_dir) / "views").string();
  server_options.cursors_path = (std::filesystem::path(data_dir) / "cursors").string();
  server_options.webhooks = *std::move(webhook_targets);
  server_options.config = *config;
  server_options.authorizer = std::move(authorizer);
  server_options.credentials = *std::move(credentials);
  absl::StatusOr<std::unique_ptr<closedloop::services::ClosedLoopServer>> server =
      closedloop::services::ClosedLoopServer::Start(**log, std::move(server_options));
  if (!server.ok()) {
    std::fprintf(stderr, "closedloopd: %s\n", server.status().ToString().c_str());
    return 1;
  }
  const closedloop::services::Projections& projections = (*server)->projections();
  const std::string how =
      projections.resumed_saved()
          ? (projections.replayed() == 0
                 ? std::string("from the state saved at the last stop")
                 : absl::StrCat("from the state saved ", projections.replayed(),
                                " events earlier, replayed in memory"))
      : projections.resumed_after() == 0 ? "replaying the log into new views"
                                         : "from every stored view";
  std::fprintf(stderr,
               "closedloopd: serving on %s (port %d), event log in %s at position %llu, views "
               "resume after position %llu (%s)\n",
               absl::GetFlag(FLAGS_listen).c_str(), (*server)->port(), data_dir.c_str(),
               static_cast<unsigned long long>((*log)->HeadPosition()),
               static_cast<unsigned long long>((*server)->views_resumed_after()), how.c_str());

  if ((*server)->metrics_port() != 0) {
    std::fprintf(stderr, "closedloopd: metrics on %s (metrics port %d), GET /metrics\n",
                 absl::GetFlag(FLAGS_metrics_listen).c_str(), (*server)->metrics_port());
  }
  if (const auto& rebuild = (*server)->timer_index_rebuild(); rebuild.rebuilt) {
    std::fprintf(stderr, "closedloopd: due-time index rebuilt: %zu entries for %zu complaints\n",
                 rebuild.entries, rebuild.complaints);
  }
  int signal_number = 0;
  sigwait(&stop_signals, &signal_number);
  std::fprintf(stderr, "closedloopd: %s received, shutting down\n", strsignal(signal_number));
  (*server)->Shutdown(absl::GetFlag(FLAGS_shutdown_grace));
  server->reset();
  log->reset();  // waits for in-flight appends, then closes RocksDB
  std::fprintf(stderr, "closedloopd: stopped cleanly\n");
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  absl::SetProgramUsageMessage(
      "The Closed Loop daemon: complaint resolution on an event-sourced log.\n"
      "Usage: closedloopd (--tokens=FILE | --insecure_local) [--data_dir=./data] "
      "[--listen=127.0.0.1:50051] [--metrics_listen=127.0.0.1:9464]");
  absl::ParseCommandLine(argc, argv);
  return RunDaemon();
}
