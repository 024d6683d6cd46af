#include "tools/cli/metrics_page.h"

#include <cstdio>
#include <map>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "closedloop/v1/complaint.pb.h"
#include "tools/cli/enum_labels.h"
#include "tools/cli/output.h"

namespace closedloop::cli {
namespace {

std::string Satisfaction(const v1::Satisfaction& s) {
  if (s.responses() == 0) return "no responses";
  return absl::StrFormat("%d response(s), NPS %.1f, CSAT %.2f", s.responses(), s.nps(), s.csat());
}

// Proto maps iterate in no particular order; people read tables sorted by key.
template <typename Value>
std::map<std::string, Value> Sorted(const google::protobuf::Map<std::string, Value>& map) {
  return std::map<std::string, Value>(map.begin(), map.end());
}

// The metrics key channels by their full enum name; people read the short label.
std::string ChannelLabel(const std::string& name) {
  const google::protobuf::EnumValueDescriptor* value = v1::Channel_descriptor()->FindValueByName(name);
  return value == nullptr ? name : EnumLabel(v1::Channel_descriptor(), value->number());
}

void Line(const char* label, const std::string& value) { std::printf("%-26s%s\n", label, value.c_str()); }

std::string OneCall(const v1::Metrics::OneCallResolution& r) {
  return absl::StrCat(Percent(r.rate()), " (", r.one_call(), " of ", r.resolved(), ")");
}

}  // namespace

void PrintMetricsPage(const v1::Metrics& m) {
  Line("complaints", absl::StrCat(m.complaints()));
  Line("recommendations", absl::StrCat(m.recommendations()));
  Line("first contact p50 / p90",
       absl::StrCat(FormatDuration(m.first_contact_p50()), " / ", FormatDuration(m.first_contact_p90())));
  Line("resolution p50 / p90",
       absl::StrCat(FormatDuration(m.resolution_p50()), " / ", FormatDuration(m.resolution_p90())));
  Line("resolved", absl::StrCat(m.resolved(), " (", Percent(m.resolved_within_target()), " within target)"));
  Line("one-call resolution", OneCall(m.one_call_resolution()));
  Line("reopen rate", Percent(m.reopen_rate()));
  Line("red button", absl::StrCat(m.red_button_cases(), " case(s), ", Percent(m.red_button_redirect_rate()),
                                  " redirected"));
  Line("repeat complainers", absl::StrCat(m.repeat_complainers()));
  Line("satisfaction", Satisfaction(m.satisfaction()));
  Line("position", absl::StrCat(m.position()));

  if (!m.breaches_by_department().empty()) {
    std::printf("\nbreaches by department\n");
    Table table({"DEPARTMENT", "BREACHES"});
    for (const auto& [department, count] : Sorted(m.breaches_by_department())) {
      table.Add({department.empty() ? "(none yet)" : department, absl::StrCat(count)});
    }
    table.Print();
  }
  if (!m.by_channel().empty()) {
    std::printf("\nby channel\n");
    Table table({"CHANNEL", "COMPLAINTS", "RECOMMENDATIONS"});
    for (const auto& [channel, mix] : Sorted(m.by_channel())) {
      table.Add({ChannelLabel(channel), absl::StrCat(mix.complaints()), absl::StrCat(mix.recommendations())});
    }
    table.Print();
  }
  if (!m.one_call_resolution_by_channel().empty()) {
    std::printf("\none-call resolution by channel\n");
    Table table({"CHANNEL", "ONE-CALL"});
    for (const auto& [channel, r] : Sorted(m.one_call_resolution_by_channel())) {
      table.Add({ChannelLabel(channel), OneCall(r)});
    }
    table.Print();
  }
  if (!m.one_call_resolution_by_team().empty()) {
    std::printf("\none-call resolution by team\n");
    Table table({"TEAM", "ONE-CALL"});
    for (const auto& [team, r] : Sorted(m.one_call_resolution_by_team())) {
      table.Add({team.empty() ? "(none)" : team, OneCall(r)});
    }
    table.Print();
  }
  if (!m.satisfaction_by_month().empty()) {
    std::printf("\nsatisfaction by month\n");
    Table table({"MONTH", "SATISFACTION"});
    for (const auto& [month, s] : Sorted(m.satisfaction_by_month())) {
      table.Add({month, Satisfaction(s)});
    }
    table.Print();
  }
}

}  // namespace closedloop::cli
