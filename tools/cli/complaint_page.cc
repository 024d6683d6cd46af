#include "tools/cli/complaint_page.h"

#include <cstdio>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "tools/cli/enum_labels.h"
#include "tools/cli/output.h"

namespace closedloop::cli {
namespace {

// Task states are not an enum in the view: they follow from which times are set.
std::string TaskState(const v1::TaskView& task) {
  if (task.has_completed_at()) return "completed";
  if (task.has_responded_at()) return "responded";
  return "open";
}

// Two decimals, as most currencies have; the raw minor units are in --json.
std::string Money(const v1::Money& money) {
  const int64_t minor = money.amount_minor();
  const uint64_t magnitude = minor < 0 ? 0 - static_cast<uint64_t>(minor) : minor;
  return absl::StrFormat("%s%d.%02d %s", minor < 0 ? "-" : "", magnitude / 100, magnitude % 100,
                         money.currency());
}

void PrintFacts(const v1::ComplaintView& view) {
  const v1::Filed& filing = view.filing();
  std::vector<std::pair<std::string, std::string>> facts;
  auto add = [&](std::string label, std::string value) {
    if (!value.empty()) facts.emplace_back(std::move(label), std::move(value));
  };
  add("complaint", absl::StrCat(view.complaint_id(), "  ", Label(view.kind()), ", ", Label(view.state()),
                                view.hanging() ? ", HANGING" : ""));
  add("filed", absl::StrCat(FormatTime(filing.filed_at()), " via ", Label(filing.channel()), ", severity ",
                            Label(view.severity())));
  add("customer",
      absl::StrCat(OrDash(filing.customer_ref()), filing.customer_contact().empty()
                                                      ? ""
                                                      : absl::StrCat(" (", filing.customer_contact(), ")")));
  add("text", filing.text());
  std::vector<std::string> where;
  for (const auto& [label, value] :
       std::vector<std::pair<const char*, std::string>>{{"market", filing.market()},
                                                        {"site", filing.site()},
                                                        {"store", filing.store()},
                                                        {"order", filing.order_ref()},
                                                        {"external", filing.external_ref()},
                                                        {"language", filing.language()}}) {
    if (!value.empty()) where.push_back(absl::StrCat(label, " ", value));
  }
  add("context", absl::StrJoin(where, ", "));
  add("owner", absl::StrCat(OrDash(view.owner()), " (team ", OrDash(view.team()), ", rule ",
                            OrDash(view.routing_rule()), ")"));
  add("department", absl::StrCat(OrDash(view.department()), ", category ", OrDash(view.category()),
                                 ", root cause ", OrDash(view.root_cause_code())));
  add("contact", absl::StrCat(view.contact_attempts(), " attempt(s)",
                              view.customer_reached()
                                  ? absl::StrCat(", first reached ", FormatTime(view.first_contact_at()))
                                  : ", not reached yet"));
  if (view.has_resolution()) {
    const v1::Resolved& r = view.resolution();
    std::string remedy;
    if (r.has_remedy()) {
      remedy =
          absl::StrCat(" [", Label(r.remedy().type()),
                       r.remedy().has_amount() ? absl::StrCat(" ", Money(r.remedy().amount())) : "", "]");
    }
    add("resolved", absl::StrCat(FormatTime(view.resolved_at()), ": ", r.resolution(), remedy));
  }
  if (view.has_closed_at()) {
    add("closed", absl::StrCat(FormatTime(view.closed_at()),
                               view.customer_confirmed() ? ", confirmed by the customer" : ""));
  }
  if (view.reopen_count() > 0) add("reopened", absl::StrCat(view.reopen_count(), " time(s)"));
  add("redirected", view.redirect_reason());
  add("problem", view.problem_id());
  if (view.surveyed()) {
    add("survey", absl::StrCat("NPS ", view.survey().nps(), ", CSAT ", view.survey().csat()));
  }
  add("escalations", view.escalation_count() > 0 ? absl::StrCat(view.escalation_count()) : "");
  add("breaches", view.breach_count() > 0 ? absl::StrCat(view.breach_count()) : "");
  add("as of", absl::StrCat("revision ", view.revision(), ", position ", view.last_position(), ", ",
                            FormatTime(view.updated_at())));
  for (auto& [label, value] : facts) {
    std::printf("%-12s%s\n", label.c_str(), value.c_str());
  }
}

}  // namespace

void PrintComplaintPage(const v1::ComplaintView& view) {
  PrintFacts(view);
  if (view.deadlines_size() > 0) {
    std::printf("\ndeadlines\n");
    Table table({"KIND", "DUE", "STATE", "TASK", "WARN AT"});
    for (const v1::DeadlineView& d : view.deadlines()) {
      table.Add({Label(d.kind()), FormatTime(d.due()), Label(d.state()), OrDash(d.task_id()),
                 FormatTime(d.warn_at())});
    }
    table.Print();
  }
  if (view.tasks_size() > 0) {
    std::printf("\ntasks\n");
    Table table({"TASK", "DEPARTMENT", "RESPONSIBLE", "DUE", "STATE", "ESCALATED", "DESCRIPTION"});
    for (const v1::TaskView& t : view.tasks()) {
      table.Add({t.task_id(), t.department(), OrDash(t.responsible()), FormatTime(t.due()), TaskState(t),
                 t.escalation_level() > 0
                     ? absl::StrCat("level ", t.escalation_level(), " to ", t.escalated_to())
                     : "-",
                 Shorten(t.description(), 80)});
    }
    table.Print();
  }
  if (view.comments_size() > 0) {
    std::printf("\ncomments\n");
    Table table({"COMMENT", "VISIBILITY", "AUTHOR", "ADDED", "TEXT"});
    for (const v1::CommentView& c : view.comments()) {
      table.Add({c.comment_id(), Label(c.visibility()), c.author(), FormatTime(c.added_at()),
                 Shorten(c.text(), 100)});
    }
    table.Print();
  }
}

}  // namespace closedloop::cli
