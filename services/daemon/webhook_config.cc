#include "services/daemon/webhook_config.h"

#include <algorithm>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "closedloop/v1/complaint.pb.h"
#include "closedloop/v1/problem.pb.h"
#include "domain/access.h"
#include "services/daemon/text_proto.h"
#include "services/webhooks/http_post.h"

namespace closedloop::services {
namespace {

constexpr size_t kMaxNameLength = 64;

absl::Status Invalid(absl::string_view field, absl::string_view problem) {
  return absl::InvalidArgumentError(absl::StrCat(field, ": ", problem));
}

bool IsNameChar(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-'; }

// The role an endpoint reads as: its own, or the default.
std::string RoleOf(const v1::WebhookEndpoint& endpoint) {
  return endpoint.role().empty() ? kDefaultWebhookRole : endpoint.role();
}

// "complaint.<oneof case>" and "problem.<oneof case>" must name a case of their event, so that
// a misspelt type is refused at start rather than silently matching nothing. Other types
// ("config.applied", "timers.index_rebuilt", ...) are only checked for their shape.
absl::Status CheckEventType(absl::string_view field, const std::string& type) {
  const size_t dot = type.find('.');
  const bool shaped = dot != std::string::npos && dot > 0 && dot + 1 < type.size() &&
                      std::all_of(type.begin(), type.end(), [](char c) {
                        return absl::ascii_islower(c) || absl::ascii_isdigit(c) || c == '_' || c == '.';
                      });
  if (!shaped) {
    return Invalid(field, absl::StrCat("\"", type, "\" is not an event type like \"complaint.filed\""));
  }
  const std::string prefix = type.substr(0, dot);
  const std::string name = type.substr(dot + 1);
  const google::protobuf::Descriptor* event = nullptr;
  if (prefix == "complaint") event = v1::ComplaintEvent::descriptor();
  if (prefix == "problem") event = v1::ProblemEvent::descriptor();
  if (event != nullptr) {
    const google::protobuf::FieldDescriptor* kind = event->FindFieldByName(name);
    if (kind == nullptr || kind->containing_oneof() == nullptr) {
      return Invalid(field, absl::StrCat("no event has the type \"", type, "\""));
    }
  }
  return absl::OkStatus();
}

absl::Status CheckName(absl::string_view field, const std::string& name,
                       absl::flat_hash_set<std::string>& seen) {
  if (name.empty()) return Invalid(field, "required");
  if (name.size() > kMaxNameLength || !std::all_of(name.begin(), name.end(), IsNameChar)) {
    return Invalid(field, absl::StrCat("\"", name, "\": lowercase letters, digits and '-', at most ",
                                       kMaxNameLength));
  }
  if (!seen.insert(name).second) return Invalid(field, absl::StrCat("duplicate \"", name, "\""));
  return absl::OkStatus();
}

// The role, and the fields whose presence depends on it.
absl::Status CheckRole(absl::string_view field, const v1::WebhookEndpoint& endpoint,
                       const v1::Directory& directory) {
  const std::string role = RoleOf(endpoint);
  if (!domain::IsTokenRole(role) || role == domain::kRoleAdmin) {
    return Invalid(absl::StrCat(field, ".role"),
                   absl::StrCat("\"", role, "\" is not a role an endpoint can read as"));
  }
  // The customers' contact data leaves the company only through its messaging gateway: other
  // endpoints never receive it, whatever their role (delivery strips it), and the gateway reads
  // as a role that sees it, or it could not reach anyone.
  if (endpoint.messaging() && !domain::ScopeOf(role).contact_details) {
    return Invalid(absl::StrCat(field, ".role"),
                   absl::StrCat("\"", role, "\" does not see customers' contact data, which a "
                                "messaging endpoint needs (e.g. role \"agent\")"));
  }
  if (endpoint.messaging() && endpoint.alerts()) {
    return Invalid(absl::StrCat(field, ".alerts"),
                   "not with messaging: alerts go to staff, messages to customers");
  }
  const bool department_role = role == domain::kRoleDepartment;
  if (department_role && endpoint.department().empty()) {
    return Invalid(absl::StrCat(field, ".department"), "required for role \"department\"");
  }
  if (!department_role && !endpoint.department().empty()) {
    return Invalid(absl::StrCat(field, ".department"), "only for role \"department\"");
  }
  if (department_role && std::none_of(directory.departments().begin(), directory.departments().end(),
                                      [&](const v1::Department& d) { return d.name() == endpoint.department(); })) {
    return Invalid(absl::StrCat(field, ".department"),
                   absl::StrCat("no department \"", endpoint.department(), "\" in the directory"));
  }
  const bool integrator = role == domain::kRoleIntegrator;
  if (integrator && endpoint.principal().empty()) {
    return Invalid(absl::StrCat(field, ".principal"), "required for role \"integrator\"");
  }
  if (!integrator && !endpoint.principal().empty()) {
    return Invalid(absl::StrCat(field, ".principal"), "only for role \"integrator\"");
  }
  return absl::OkStatus();
}

// The filters: each name must exist, or the endpoint would silently receive nothing.
absl::Status CheckFilters(absl::string_view field, const v1::WebhookEndpoint& endpoint,
                          const v1::Directory& directory) {
  for (int i = 0; i < endpoint.event_types_size(); ++i) {
    if (auto s = CheckEventType(absl::StrCat(field, ".event_types[", i, "]"), endpoint.event_types(i));
        !s.ok()) {
      return s;
    }
  }
  for (int i = 0; i < endpoint.teams_size(); ++i) {
    const std::string& team = endpoint.teams(i);
    if (std::none_of(directory.teams().begin(), directory.teams().end(),
                     [&](const v1::Team& t) { return t.name() == team; })) {
      return Invalid(absl::StrCat(field, ".teams[", i, "]"),
                     absl::StrCat("no team \"", team, "\" in the directory"));
    }
  }
  for (int i = 0; i < endpoint.departments_size(); ++i) {
    const std::string& department = endpoint.departments(i);
    if (std::none_of(directory.departments().begin(), directory.departments().end(),
                     [&](const v1::Department& d) { return d.name() == department; })) {
      return Invalid(absl::StrCat(field, ".departments[", i, "]"),
                     absl::StrCat("no department \"", department, "\" in the directory"));
    }
  }
  for (int i = 0; i < endpoint.channels_size(); ++i) {
    if (endpoint.channels(i) == v1::CHANNEL_UNSPECIFIED || !v1::Channel_IsValid(endpoint.channels(i))) {
      return Invalid(absl::StrCat(field, ".channels[", i, "]"), "must name a channel");
    }
  }
  return absl::OkStatus();
}

absl::Status CheckEndpoint(absl::string_view field, const v1::WebhookEndpoint& endpoint,
                           const v1::Directory& directory, absl::flat_hash_set<std::string>& names) {
  if (auto s = CheckName(absl::StrCat(field, ".name"), endpoint.name(), names); !s.ok()) return s;
  if (endpoint.url().empty()) return Invalid(absl::StrCat(field, ".url"), "required");
  if (absl::Status s = CheckPostUrl(endpoint.url()); !s.ok()) {
    return Invalid(absl::StrCat(field, ".url"), s.message());
  }
  if (auto s = CheckFilters(field, endpoint, directory); !s.ok()) return s;
  if (auto s = CheckRole(field, endpoint, directory); !s.ok()) return s;
  if (endpoint.secret_file().empty()) {
    return Invalid(absl::StrCat(field, ".secret_file"),
                   "required (a file holding the signing secret; never the secret itself)");
  }
  if (endpoint.has_max_age()) {
    const google::protobuf::Duration& age = endpoint.max_age();
    const bool nanos_valid = age.nanos() >= 0 && age.nanos() < 1000000000;
    if (!nanos_valid || age.seconds() < 0 || (age.seconds() == 0 && age.nanos() == 0)) {
      return Invalid(absl::StrCat(field, ".max_age"), "must be positive");
    }
  }
  return absl::OkStatus();
}

}  // namespace

void ApplyWebhookDefaults(v1::Config& config) {
  for (v1::WebhookEndpoint& endpoint : *config.mutable_webhooks()) {
    if (endpoint.role().empty()) endpoint.set_role(kDefaultWebhookRole);
    if (endpoint.max_attempts() == 0) endpoint.set_max_attempts(kDefaultWebhookMaxAttempts);
    if (!endpoint.has_max_age()) {
      endpoint.mutable_max_age()->set_seconds(absl::ToInt64Seconds(kDefaultWebhookMaxAge));
    }
  }
}

absl::Status ValidateWebhooks(const v1::Config& config) {
  absl::flat_hash_set<std::string> names;
  for (int i = 0; i < config.webhooks_size(); ++i) {
    if (auto s = CheckEndpoint(absl::StrCat("webhooks[", i, "]"), config.webhooks(i),
                               config.directory(), names);
        !s.ok()) {
      return s;
    }
  }
  return absl::OkStatus();
}

absl::StatusOr<std::vector<WebhookTarget>> LoadWebhookTargets(const v1::Config& config) {
  v1::Config with_defaults = config;
  ApplyWebhookDefaults(with_defaults);
  std::vector<WebhookTarget> targets;
  for (int i = 0; i < with_defaults.webhooks_size(); ++i) {
    const v1::WebhookEndpoint& endpoint = with_defaults.webhooks(i);
    const std::string field = absl::StrCat("webhooks[", i, "].secret_file");
    absl::StatusOr<std::string> secret = ReadWholeFile(endpoint.secret_file(), field);
    if (!secret.ok()) return secret.status();
    // `echo secret > file` writes a newline that is no part of the secret.
    if (absl::EndsWith(*secret, "\n")) secret->pop_back();
    if (secret->empty()) {
      return Invalid(field, absl::StrCat(endpoint.secret_file(), " is empty"));
    }
    targets.push_back({endpoint, *std::move(secret)});
  }
  return targets;
}

}  // namespace closedloop::services
