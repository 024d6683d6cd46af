#include "services/daemon/config.h"

#include <algorithm>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "domain/routing.h"
#include "domain/sla_policy.h"
#include "google/protobuf/io/coded_stream.h"
#include "google/protobuf/io/zero_copy_stream_impl_lite.h"
#include "google/protobuf/util/json_util.h"
#include "services/daemon/text_proto.h"
#include "services/daemon/webhook_config.h"
#include "storage/record_hash.h"

namespace closedloop::services {
namespace {

void AddTeam(v1::Directory& d, const std::string& name, std::initializer_list<const char*> members,
             bool red_button = false) {
  v1::Team* team = d.add_teams();
  team->set_name(name);
  for (const char* m : members) team->add_members(m);
  team->set_red_button(red_button);
}

void AddDepartment(v1::Directory& d, const std::string& name, const std::string& responsible,
                   const std::string& director) {
  v1::Department* department = d.add_departments();
  department->set_name(name);
  department->set_responsible(responsible);
  department->add_escalation_chain(director);
  department->add_escalation_chain("chief-experience-officer");
}

void AddRoute(v1::Directory& d, const std::string& name, v1::Channel channel, const std::string& team) {
  v1::RoutingRule* rule = d.add_routing_rules();
  rule->set_name(name);
  rule->set_channel(channel);
  rule->set_team(team);
}

absl::Status Prefixed(const absl::Status& status, absl::string_view prefix) {
  if (status.ok()) return status;
  return absl::Status(status.code(), absl::StrCat(prefix, status.message()));
}

}  // namespace

v1::Config DefaultConfig() {
  v1::Config config;
  *config.mutable_sla_policy() = domain::DefaultSlaPolicy();
  v1::Directory& d = *config.mutable_directory();
  AddTeam(d, "cx-hotline", {"anna", "bob", "carla"});
  AddTeam(d, "cx-social", {"dave", "erin"});
  AddTeam(d, "cx-digital", {"farid", "greta"});
  AddTeam(d, "cx-stores", {"hana", "ivan"});
  AddTeam(d, "red-button", {"rita", "sam"}, /*red_button=*/true);
  AddDepartment(d, "warehouse", "wes", "warehouse-director");
  AddDepartment(d, "delivery", "dina", "logistics-director");
  AddDepartment(d, "payments", "pete", "finance-director");
  AddDepartment(d, "stores", "stella", "retail-director");
  AddDepartment(d, "marketing", "mia", "marketing-director");
  AddDepartment(d, "carrier", "carrier-desk", "carrier-account-manager");
  AddRoute(d, "social-posts", v1::CHANNEL_SOCIAL, "cx-social");
  AddRoute(d, "web", v1::CHANNEL_WEB, "cx-digital");
  AddRoute(d, "app", v1::CHANNEL_APP, "cx-digital");
  AddRoute(d, "email", v1::CHANNEL_EMAIL, "cx-digital");
  AddRoute(d, "in-store", v1::CHANNEL_STORE, "cx-stores");
  AddRoute(d, "everything-else", v1::CHANNEL_UNSPECIFIED, "cx-hotline");
  return config;
}

absl::Status ValidateConfig(const v1::Config& config) {
  if (absl::Status s = Prefixed(domain::ValidateSlaPolicy(config.sla_policy()), "sla_policy.");
      !s.ok()) {
    return s;
  }
  if (absl::Status s = Prefixed(domain::ValidateDirectory(config.directory()), "directory.");
      !s.ok()) {
    return s;
  }
  // Routing sends every red-button filing to the red-button team only: without one, each
  // emergency would be refused at filing time, long after the daemon started happily.
  if (std::none_of(config.directory().teams().begin(), config.directory().teams().end(),
                   [](const v1::Team& team) { return team.red_button(); })) {
    return absl::InvalidArgumentError(
        "directory.teams: no team has red_button: true; red-button filings need one");
  }
  return ValidateWebhooks(config);
}

absl::StatusOr<v1::Config> ParseConfig(const std::string& text, bool json) {
  v1::Config config;
  if (json) {
    auto status = google::protobuf::util::JsonStringToMessage(text, &config);
    if (!status.ok()) {
      return absl::InvalidArgumentError(absl::StrCat("config: ", status.ToString()));
    }
  } else {
    if (absl::Status s = ParseTextProto(text, "config", config); !s.ok()) return s;
  }
  if (!config.has_sla_policy()) *config.mutable_sla_policy() = domain::DefaultSlaPolicy();
  if (absl::Status s = ValidateConfig(config); !s.ok()) return s;
  ApplyWebhookDefaults(config);
  return config;
}

absl::StatusOr<v1::Config> LoadConfigFile(const std::string& path) {
  absl::StatusOr<std::string> text = ReadWholeFile(path, "config");
  if (!text.ok()) return text.status();
  return ParseConfig(*text, absl::EndsWith(path, ".json"));
}

std::string ConfigHash(const v1::Config& config) {
  std::string bytes;
  {
    google::protobuf::io::StringOutputStream stream(&bytes);
    google::protobuf::io::CodedOutputStream coded(&stream);
    coded.SetSerializationDeterministic(true);  // maps (calendars) in key order
    config.SerializeToCodedStream(&coded);
  }
  return storage::Sha256(bytes);
}

absl::StatusOr<bool> RecordConfigIfChanged(storage::EventLog& log, const v1::Config& config,
                                           const v1::Actor& actor) {
  absl::StatusOr<uint64_t> revision = log.StreamRevision(kConfigStream);
  if (!revision.ok()) return revision.status();
  const std::string hash = ConfigHash(config);
  if (*revision > 0) {
    auto last = log.ReadStream(kConfigStream, 0, storage::Direction::kBackward, 1);
    if (!last.ok()) return last.status();
    v1::ConfigApplied applied;
    if (!last->empty() && applied.ParseFromString(last->front().payload()) &&
        applied.sha256() == hash) {
      return false;
    }
  }
  v1::ConfigApplied applied;
  applied.set_version(config.sla_policy().version());
  applied.set_sha256(hash);
  *applied.mutable_config() = config;
  storage::AppendRequest request;
  request.stream = kConfigStream;
  request.expected = storage::ExpectedRevision::Exact(*revision);
  storage::ProposedEvent& event = request.events.emplace_back();
  event.set_type(kConfigAppliedType);
  event.set_payload(applied.SerializeAsString());
  *event.mutable_actor() = actor;
  absl::StatusOr<storage::AppendResult> result = log.Append(std::move(request));
  if (!result.ok()) return result.status();
  return true;
}

}  // namespace closedloop::services
