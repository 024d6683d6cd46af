// The configuration: the built-in default, parsing and validating files, and recording it in
// the log whenever it changes.
#include "services/daemon/config.h"

#include <catch2/catch.hpp>

#include "domain/routing.h"
#include "tests/storage/log_test_util.h"
#include "tests/temp_dir.h"

namespace closedloop::services {
namespace {

constexpr char kSmallConfig[] = R"pb(
  directory {
    teams { name: "cx" members: "anna" }
    teams { name: "red" members: "rita" red_button: true }
    departments { name: "warehouse" responsible: "wes" escalation_chain: "director" }
    routing_rules { name: "all" team: "cx" }
  }
)pb";

v1::Actor System() {
  v1::Actor actor;
  actor.set_principal("system:test");
  actor.set_role("system");
  return actor;
}

TEST_CASE("the built-in default configuration is valid") {
  CHECK(ValidateConfig(DefaultConfig()).ok());
  CHECK(DefaultConfig().directory().departments_size() == 6);
}

TEST_CASE("the built-in default routes every channel to its team") {
  const v1::Config config = DefaultConfig();
  const std::vector<std::pair<v1::Channel, std::string>> expected = {
      {v1::CHANNEL_HOTLINE, "cx-hotline"}, {v1::CHANNEL_SOCIAL, "cx-social"},
      {v1::CHANNEL_WEB, "cx-digital"},     {v1::CHANNEL_EMAIL, "cx-digital"},
      {v1::CHANNEL_APP, "cx-digital"},     {v1::CHANNEL_STORE, "cx-stores"},
      {v1::CHANNEL_RED_BUTTON, "red-button"}};
  for (const auto& [channel, team] : expected) {
    v1::Filed item;
    item.set_channel(channel);
    item.set_kind(v1::ITEM_KIND_COMPLAINT);
    absl::StatusOr<domain::RoutingDecision> route = domain::Route(item, "", config.directory(), {});
    INFO(v1::Channel_Name(channel) << ": " << route.status().ToString());
    REQUIRE(route.ok());
    CHECK(route->team == team);
  }
}

TEST_CASE("a text-format config parses, and a missing policy means the default policy") {
  absl::StatusOr<v1::Config> config = ParseConfig(kSmallConfig, /*json=*/false);
  INFO(config.status().ToString());
  REQUIRE(config.ok());
  CHECK(config->directory().teams_size() == 2);
  CHECK(config->sla_policy().version() == "default-1");
}

TEST_CASE("a JSON config parses") {
  absl::StatusOr<v1::Config> config = ParseConfig(
      R"({"directory": {"teams": [{"name": "cx", "members": ["anna"]},
                                  {"name": "red", "members": ["rita"], "redButton": true}],
          "routingRules": [{"name": "all", "team": "cx"}]}})",
      /*json=*/true);
  INFO(config.status().ToString());
  REQUIRE(config.ok());
  CHECK(config->directory().routing_rules(0).team() == "cx");
}

TEST_CASE("a config with a syntax error is refused naming the line") {
  absl::StatusOr<v1::Config> config = ParseConfig("directory { teams { name: }", false);
  CHECK(config.status().code() == absl::StatusCode::kInvalidArgument);
  CHECK(std::string(config.status().message()).find("line 1") != std::string::npos);
}

TEST_CASE("an invalid config is refused naming the field") {
  absl::StatusOr<v1::Config> config =
      ParseConfig(R"pb(directory { teams { name: "cx" } routing_rules { name: "all" team: "cx" } })pb", false);
  CHECK(config.status().code() == absl::StatusCode::kInvalidArgument);
  CHECK(std::string(config.status().message()).find("directory.teams[0].members") != std::string::npos);
}

TEST_CASE("a config without a red-button team is refused at start, naming the field") {
  // Accepted, it would refuse every red-button filing while the daemon looks healthy.
  absl::StatusOr<v1::Config> config = ParseConfig(
      R"pb(directory { teams { name: "cx" members: "anna" } routing_rules { name: "all" team: "cx" } })pb",
      false);
  REQUIRE_FALSE(config.ok());
  CHECK(config.status().code() == absl::StatusCode::kInvalidArgument);
  CHECK(std::string(config.status().message()).find("directory.teams") != std::string::npos);
  CHECK(std::string(config.status().message()).find("red_button") != std::string::npos);

  v1::Config without = DefaultConfig();
  for (v1::Team& team : *without.mutable_directory()->mutable_teams()) team.set_red_button(false);
  CHECK(ValidateConfig(without).code() == absl::StatusCode::kInvalidArgument);
}

TEST_CASE("a config file that cannot be read is not found") {
  CHECK(LoadConfigFile("/nonexistent/closedloop.conf").status().code() == absl::StatusCode::kNotFound);
}

TEST_CASE("the configuration is recorded once, and again only after it changed") {
  testing::TempDir dir;
  auto log = storage::testing::OpenLog(dir.Sub("db"));
  v1::Config config = DefaultConfig();
  absl::StatusOr<bool> first = RecordConfigIfChanged(*log, config, System());
  REQUIRE(first.ok());
  CHECK(*first);
  absl::StatusOr<bool> same = RecordConfigIfChanged(*log, config, System());
  REQUIRE(same.ok());
  CHECK_FALSE(*same);
  config.mutable_directory()->mutable_teams(0)->add_members("zoe");
  absl::StatusOr<bool> changed = RecordConfigIfChanged(*log, config, System());
  REQUIRE(changed.ok());
  CHECK(*changed);

  auto events = log->ReadStream(kConfigStream, 0, storage::Direction::kForward, 10);
  REQUIRE(events.ok());
  REQUIRE(events->size() == 2);
  v1::ConfigApplied applied;
  REQUIRE(applied.ParseFromString((*events)[1].payload()));
  CHECK((*events)[1].type() == "config.applied");
  CHECK(applied.sha256() == ConfigHash(config));
  CHECK(applied.config().directory().teams(0).members_size() == 4);
  CHECK(applied.version() == "default-1");
}

}  // namespace
}  // namespace closedloop::services
