// The webhooks block of the configuration: what is accepted, each field refused by name, the
// defaults, and the secrets read from their files, never recorded.
#include "services/daemon/webhook_config.h"

#include <catch2/catch.hpp>
#include <sys/wait.h>

#include <fstream>
#include <functional>

#include "absl/strings/str_cat.h"
#include "services/daemon/config.h"
#include "tests/services/daemon_util.h"
#include "tests/storage/log_test_util.h"
#include "tests/temp_dir.h"

namespace closedloop::services {
namespace {

constexpr char kDirectory[] = R"pb(
  directory {
    teams { name: "cx" members: "anna" }
    teams { name: "red" members: "rita" red_button: true }
    departments { name: "warehouse" responsible: "wes" escalation_chain: "director" }
    routing_rules { name: "all" team: "cx" }
  }
)pb";

void WriteFile(const std::string& path, const std::string& content) {
  std::ofstream file(path);
  file << content;
}

std::string Message(const absl::Status& status) { return std::string(status.message()); }

// A valid config with two endpoints: one with every field set, one with only the required.
v1::Config TwoEndpoints(const std::string& secret_file) {
  absl::StatusOr<v1::Config> config = ParseConfig(absl::StrCat(kDirectory, R"pb(
    webhooks {
      name: "warehouse-desk"
      url: "https://desk.example.com/hooks/closedloop?source=cx"
      event_types: "complaint.task_opened"
      event_types: "complaint.escalated"
      teams: "cx"
      departments: "warehouse"
      channels: CHANNEL_HOTLINE
      channels: CHANNEL_WEB
      role: "department"
      department: "warehouse"
      secret_file: ")pb", secret_file, R"pb("
      max_attempts: 5
      max_age { seconds: 3600 }
    }
    webhooks { name: "wallboard" url: "http://127.0.0.1:8080/" secret_file: ")pb", secret_file, R"pb(" }
  )pb"), /*json=*/false);
  INFO(config.status().ToString());
  REQUIRE(config.ok());
  return *config;
}

TEST_CASE("a config with webhook endpoints is accepted, and unset fields get their defaults") {
  const v1::Config config = TwoEndpoints("/etc/closedloop/secret");
  REQUIRE(config.webhooks_size() == 2);
  const v1::WebhookEndpoint& full = config.webhooks(0);
  CHECK(full.role() == "department");
  CHECK(full.max_attempts() == 5);
  CHECK(full.max_age().seconds() == 3600);
  CHECK(full.channels_size() == 2);
  const v1::WebhookEndpoint& plain = config.webhooks(1);
  CHECK(plain.role() == "dashboard");
  CHECK(plain.max_attempts() == 12);
  CHECK(plain.max_age().seconds() == 24 * 3600);
  CHECK_FALSE(plain.messaging());
}

TEST_CASE("a config without webhooks is valid, and the built-in default has none") {
  CHECK(DefaultConfig().webhooks_size() == 0);
  CHECK(ParseConfig(kDirectory, false).ok());
}

TEST_CASE("each bad webhook field is refused, naming the endpoint and the field") {
  struct Case {
    std::string field;
    std::function<void(v1::WebhookEndpoint&)> change;
  };
  const std::vector<Case> cases = {
      {"webhooks[1].name: required", [](auto& e) { e.clear_name(); }},
      {"webhooks[1].name: \"Wall_Board\"", [](auto& e) { e.set_name("Wall_Board"); }},
      {"webhooks[1].name: \"", [](auto& e) { e.set_name(std::string(65, 'a')); }},
      {"webhooks[1].name: duplicate \"warehouse-desk\"", [](auto& e) { e.set_name("warehouse-desk"); }},
      {"webhooks[1].url: required", [](auto& e) { e.clear_url(); }},
      {"webhooks[1].url: \"ftp://example.com/x\": the scheme must be http or https",
       [](auto& e) { e.set_url("ftp://example.com/x"); }},
      {"webhooks[1].url: \"example.com/hook\"", [](auto& e) { e.set_url("example.com/hook"); }},
      {"webhooks[1].url: \"http://:8080/hook\"", [](auto& e) { e.set_url("http://:8080/hook"); }},
      {"webhooks[1].url: \"http://exa mple.com/\"", [](auto& e) { e.set_url("http://exa mple.com/"); }},
      {"webhooks[1].event_types[1]: no event has the type \"complaint.filled\"",
       [](auto& e) { e.add_event_types("complaint.filed"); e.add_event_types("complaint.filled"); }},
      {"webhooks[1].event_types[0]: no event has the type \"problem.closed\"",
       [](auto& e) { e.add_event_types("problem.closed"); }},
      {"webhooks[1].event_types[0]: \"Complaint Filed\" is not an event type",
       [](auto& e) { e.add_event_types("Complaint Filed"); }},
      {"webhooks[1].event_types[0]: \"\" is not an event type", [](auto& e) { e.add_event_types(""); }},
      {"webhooks[1].teams[0]: no team \"cx-social\"", [](auto& e) { e.add_teams("cx-social"); }},
      {"webhooks[1].departments[0]: no department \"payments\"",
       [](auto& e) { e.add_departments("payments"); }},
      {"webhooks[1].channels[0]: must name a channel",
       [](auto& e) { e.add_channels(v1::CHANNEL_UNSPECIFIED); }},
      {"webhooks[1].role: \"admin\" is not a role", [](auto& e) { e.set_role("admin"); }},
      {"webhooks[1].role: \"local\" is not a role", [](auto& e) { e.set_role("local"); }},
      {"webhooks[1].role: \"root\" is not a role", [](auto& e) { e.set_role("root"); }},
      {"webhooks[1].role: \"dashboard\" does not see customers' contact data",
       [](auto& e) { e.set_role("dashboard"); e.set_messaging(true); }},
      {"webhooks[1].role: \"internal\" does not see customers' contact data",
       [](auto& e) { e.set_role("internal"); e.set_messaging(true); }},
      {"webhooks[1].alerts: not with messaging",
       [](auto& e) { e.set_role("agent"); e.set_messaging(true); e.set_alerts(true); }},
      {"webhooks[1].department: required for role \"department\"",
       [](auto& e) { e.set_role("department"); }},
      {"webhooks[1].department: no department \"payments\"",
       [](auto& e) { e.set_role("department"); e.set_department("payments"); }},
      {"webhooks[1].department: only for role \"department\"",
       [](auto& e) { e.set_department("warehouse"); }},
      {"webhooks[1].principal: required for role \"integrator\"",
       [](auto& e) { e.set_role("integrator"); e.set_messaging(true); }},
      {"webhooks[1].principal: only for role \"integrator\"", [](auto& e) { e.set_principal("shop"); }},
      {"webhooks[1].secret_file: required", [](auto& e) { e.clear_secret_file(); }},
      {"webhooks[1].max_age: must be positive", [](auto& e) { e.mutable_max_age()->set_seconds(-1); }},
      {"webhooks[1].max_age: must be positive", [](auto& e) { e.mutable_max_age()->set_seconds(0); }},
  };
  for (const Case& c : cases) {
    v1::Config config = TwoEndpoints("/etc/closedloop/secret");
    c.change(*config.mutable_webhooks(1));
    const absl::Status status = ValidateConfig(config);
    INFO(c.field << " <- " << status.ToString());
    CHECK(status.code() == absl::StatusCode::kInvalidArgument);
    CHECK_THAT(Message(status), Catch::StartsWith(c.field));
  }
}

TEST_CASE("a messaging endpoint reads as a role that sees contact data, and any endpoint as any role but admin") {
  v1::Config config = TwoEndpoints("/etc/closedloop/secret");
  v1::WebhookEndpoint& gateway = *config.mutable_webhooks(1);
  gateway.set_messaging(true);
  for (const char* role : {"agent", "superhero", "auditor"}) {
    gateway.set_role(role);
    INFO(role);
    CHECK(ValidateConfig(config).ok());
  }
  gateway.set_role("integrator");
  gateway.set_principal("web-shop");
  CHECK(ValidateConfig(config).ok());
  // Without messaging, contact data is stripped at delivery: every role may be read as.
  gateway.set_messaging(false);
  CHECK(ValidateConfig(config).ok());
  gateway.clear_principal();
  for (const char* role : {"agent", "superhero", "auditor", "dashboard", "internal"}) {
    gateway.set_role(role);
    INFO(role);
    CHECK(ValidateConfig(config).ok());
  }
}

TEST_CASE("a bad webhook in a config file stops the parse, naming the field") {
  absl::StatusOr<v1::Config> config = ParseConfig(
      absl::StrCat(kDirectory, R"pb(webhooks { name: "x" url: "mailto:cx@example.com" secret_file: "s" })pb"),
      false);
  CHECK(config.status().code() == absl::StatusCode::kInvalidArgument);
  CHECK_THAT(Message(config.status()), Catch::StartsWith("webhooks[0].url: "));
}

TEST_CASE("the secrets are read from their files, without one trailing newline") {
  testing::TempDir dir;
  WriteFile(dir.Sub("secret"), "whsec_abc\n");
  v1::Config config = TwoEndpoints(dir.Sub("secret"));
  WriteFile(dir.Sub("other"), "two-lines\n\n");
  config.mutable_webhooks(1)->set_secret_file(dir.Sub("other"));
  absl::StatusOr<std::vector<WebhookTarget>> targets = LoadWebhookTargets(config);
  INFO(targets.status().ToString());
  REQUIRE(targets.ok());
  REQUIRE(targets->size() == 2);
  CHECK((*targets)[0].secret == "whsec_abc");
  CHECK((*targets)[0].endpoint.name() == "warehouse-desk");
  CHECK((*targets)[1].secret == "two-lines\n");
  CHECK((*targets)[1].endpoint.role() == "dashboard");
}

TEST_CASE("the defaults are filled in for targets of a config that did not pass the parser") {
  testing::TempDir dir;
  WriteFile(dir.Sub("secret"), "s");
  v1::Config config = DefaultConfig();
  v1::WebhookEndpoint* endpoint = config.add_webhooks();
  endpoint->set_name("wallboard");
  endpoint->set_url("http://127.0.0.1:1/");
  endpoint->set_secret_file(dir.Sub("secret"));
  REQUIRE(ValidateConfig(config).ok());
  absl::StatusOr<std::vector<WebhookTarget>> targets = LoadWebhookTargets(config);
  REQUIRE(targets.ok());
  CHECK(targets->at(0).endpoint.role() == "dashboard");
  CHECK(targets->at(0).endpoint.max_attempts() == 12);
  CHECK(targets->at(0).endpoint.max_age().seconds() == 86400);
}

TEST_CASE("a missing or empty secret file is refused, naming the field and the file") {
  testing::TempDir dir;
  v1::Config config = TwoEndpoints(dir.Sub("nowhere"));
  absl::StatusOr<std::vector<WebhookTarget>> missing = LoadWebhookTargets(config);
  CHECK(missing.status().code() == absl::StatusCode::kNotFound);
  CHECK_THAT(Message(missing.status()),
             Catch::StartsWith("webhooks[0].secret_file: ") && Catch::Contains(dir.Sub("nowhere")));

  WriteFile(dir.Sub("empty"), "\n");
  config = TwoEndpoints(dir.Sub("empty"));
  absl::StatusOr<std::vector<WebhookTarget>> empty = LoadWebhookTargets(config);
  CHECK(empty.status().code() == absl::StatusCode::kInvalidArgument);
  CHECK_THAT(Message(empty.status()),
             Catch::StartsWith("webhooks[0].secret_file: ") && Catch::Contains("is empty"));
}

TEST_CASE("the recorded configuration holds the secret's path, never the secret") {
  testing::TempDir dir;
  WriteFile(dir.Sub("secret"), "whsec_never-in-the-log\n");
  const v1::Config config = TwoEndpoints(dir.Sub("secret"));
  REQUIRE(LoadWebhookTargets(config).ok());
  auto log = storage::testing::OpenLog(dir.Sub("db"));
  v1::Actor actor;
  actor.set_principal("system:test");
  REQUIRE(RecordConfigIfChanged(*log, config, actor).ok());
  auto events = log->ReadStream(kConfigStream, 0, storage::Direction::kForward, 10);
  REQUIRE(events.ok());
  REQUIRE(events->size() == 1);
  const std::string& payload = events->front().payload();
  CHECK(payload.find(dir.Sub("secret")) != std::string::npos);
  CHECK(payload.find("whsec_never-in-the-log") == std::string::npos);
}

TEST_CASE("closedloopd refuses to start when a webhook's secret file is missing, naming the file") {
  testing::TempDir dir;
  const std::string config_path = dir.Sub("closedloop.conf");
  WriteFile(config_path, absl::StrCat(kDirectory, R"pb(webhooks { name: "wallboard" url: "http://127.0.0.1:1/" secret_file: ")pb",
                                      dir.Sub("missing-secret"), "\" }\n"));
  testing::Daemon d = testing::StartDaemon(dir.Sub("data"), {"--config=" + config_path});
  const bool refused = d.ReadUntil("webhooks[0].secret_file: cannot read " + dir.Sub("missing-secret"));
  CHECK(refused);
  if (!refused) kill(d.pid, SIGKILL);  // it started: end it, the test has failed already
  int status = 0;
  REQUIRE(waitpid(d.pid, &status, 0) == d.pid);
  CHECK(WIFEXITED(status));
  CHECK(WEXITSTATUS(status) == 1);
  close(d.stderr_fd);
}

}  // namespace
}  // namespace closedloop::services
