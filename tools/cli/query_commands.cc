// The QueryService subcommands: show, list, board, deadlines, catalog, metrics, customer, and
// watch (a board's live feed). Each but watch takes --min_position, so a script can read what
// its last command wrote.
#include <algorithm>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "closedloop/v1/query_service.grpc.pb.h"
#include "domain/proto_time.h"
#include "tools/cli/call.h"
#include "tools/cli/command.h"
#include "tools/cli/complaint_page.h"
#include "tools/cli/enum_labels.h"
#include "tools/cli/metrics_page.h"
#include "tools/cli/output.h"

namespace closedloop::cli {
namespace {

using Stub = v1::QueryService::Stub;

// What a row of a board shows as flags: the conditions a superhero must not miss.
std::string Flags(const v1::BoardCase& c) {
  std::vector<std::string> flags;
  if (c.breached()) flags.push_back("breached");
  if (c.at_risk()) flags.push_back("at-risk");
  if (c.hanging()) flags.push_back("hanging");
  return flags.empty() ? "-" : absl::StrJoin(flags, ",");
}

std::string NextDeadline(const v1::BoardCase& c) {
  if (!c.has_next_deadline()) return "-";
  return absl::StrCat(Label(c.next_deadline().kind()), " ", FormatTime(c.next_deadline().due()));
}

int Show(Args& args, const Connection& connection) {
  v1::GetComplaintRequest request;
  request.set_complaint_id(args.Operand(0, "COMPLAINT-ID"));
  args.AtMost(1);
  request.set_min_position(args.Uint("min_position"));
  return CallAndPrint(args, connection, &Stub::GetComplaint, request, [](const v1::ComplaintView& view) {
    PrintComplaintPage(view);
    std::printf("\n%d event(s) in its history: closedloop audit history %s\n", view.history_size(),
                view.complaint_id().c_str());
  });
}

int List(Args& args, const Connection& connection) {
  v1::ListComplaintsRequest request;
  args.AtMost(0);
  request.set_min_position(args.Uint("min_position"));
  for (v1::ComplaintState state : args.Enums<v1::ComplaintState>("state")) request.add_states(state);
  request.set_owner(args.String("owner"));
  request.set_team(args.String("team"));
  request.set_department(args.String("department"));
  request.set_channel(args.Enum("channel", v1::CHANNEL_UNSPECIFIED));
  request.set_kind(args.Enum("kind", v1::ITEM_KIND_UNSPECIFIED));
  request.set_severity(args.Enum("severity", v1::SEVERITY_UNSPECIFIED));
  request.set_breached_only(args.Switch("breached"));
  request.set_hanging_only(args.Switch("hanging"));
  request.set_customer_ref(args.String("customer"));
  request.set_order_ref(args.String("order"));
  request.set_external_ref(args.String("external_ref"));
  request.set_customer_contact(args.String("contact"));
  request.set_market(args.String("market"));
  if (auto t = args.Time("filed_after")) *request.mutable_filed_after() = domain::ToProto(*t);
  if (auto t = args.Time("filed_before")) *request.mutable_filed_before() = domain::ToProto(*t);
  // 0 pages through everything: a script exporting a selection wants all of it.
  const uint64_t limit = args.Uint("limit", 50);
  const bool json = args.Switch("json");
  if (!args.ok()) return kExitUsage;

  auto stub = v1::QueryService::NewStub(connection.channel());
  Table table(
      {"COMPLAINT", "STATE", "KIND", "CHANNEL", "SEVERITY", "OWNER", "DEPARTMENT", "FILED", "CUSTOMER"});
  uint64_t shown = 0;
  int32_t total = 0;
  do {
    request.set_page_size(static_cast<int32_t>(limit == 0 ? 1000 : std::min<uint64_t>(limit - shown, 1000)));
    v1::ListComplaintsResponse page;
    if (grpc::Status s = connection.Call(*stub, &Stub::ListComplaints, request, &page); !s.ok()) {
      return RpcFailed(s);
    }
    total = page.total_size();
    for (const v1::ComplaintView& c : page.complaints()) {
      ++shown;
      if (json) {
        PrintJson(c);
        continue;
      }
      table.Add({c.complaint_id(), Label(c.state()), Label(c.kind()), Label(c.filing().channel()),
                 Label(c.severity()), OrDash(c.owner()), OrDash(c.department()),
                 FormatTime(c.filing().filed_at()), OrDash(c.filing().customer_ref())});
    }
    request.set_page_token(page.next_page_token());
  } while (!request.page_token().empty() && (limit == 0 || shown < limit));
  if (!json) {
    table.Print();
    std::printf("(%llu of %d)\n", static_cast<unsigned long long>(shown), total);
  }
  return kExitOk;
}

void PrintCases(const google::protobuf::RepeatedPtrField<v1::BoardCase>& cases) {
  Table table({"COMPLAINT", "STATE", "SEVERITY", "CHANNEL", "NEXT DEADLINE", "FLAGS", "TASKS", "CUSTOMER"});
  for (const v1::BoardCase& c : cases) {
    table.Add({c.complaint_id(), Label(c.state()), Label(c.severity()), Label(c.channel()), NextDeadline(c),
               Flags(c), absl::StrCat(c.open_tasks()), OrDash(c.customer_ref())});
  }
  table.Print();
}

void PrintSuperheroBoard(const v1::SuperheroBoard& board) {
  std::printf("board of %s: %d open, %d at risk, %d breached, %d hanging (position %llu)\n",
              board.owner().c_str(), board.open(), board.at_risk(), board.breached(), board.hanging(),
              static_cast<unsigned long long>(board.position()));
  if (board.cases_size() > 0) PrintCases(board.cases());
}

int Board(Args& args, const Connection& connection) {
  v1::GetSuperheroBoardRequest request;
  request.set_owner(args.Operand(0, "OWNER"));
  args.AtMost(1);
  request.set_min_position(args.Uint("min_position"));
  return CallAndPrint(args, connection, &Stub::GetSuperheroBoard, request, PrintSuperheroBoard);
}

void PrintDeadlines(const char* title, int total,
                    const google::protobuf::RepeatedPtrField<v1::DueDeadline>& rows) {
  std::printf("%s: %d\n", title, total);
  if (rows.empty()) return;
  Table table({"DUE", "DEADLINE", "STATE", "COMPLAINT", "OWNER", "SEVERITY", "TASK", "FLAGS"});
  for (const v1::DueDeadline& d : rows) {
    table.Add({FormatTime(d.deadline().due()), Label(d.deadline().kind()), Label(d.deadline().state()),
               d.complaint().complaint_id(), OrDash(d.complaint().owner()), Label(d.complaint().severity()),
               OrDash(d.deadline().task_id()), Flags(d.complaint())});
  }
  table.Print();
}

void PrintDeadlineBoard(const v1::DeadlineBoard& board, absl::Duration window) {
  PrintDeadlines(absl::StrCat("due within ", absl::FormatDuration(window)).c_str(), board.due_soon_total(),
                 board.due_soon());
  PrintDeadlines("breached", board.breached_total(), board.breached());
  std::printf("(position %llu)\n", static_cast<unsigned long long>(board.position()));
}

int Deadlines(Args& args, const Connection& connection) {
  v1::GetDeadlineBoardRequest request;
  args.AtMost(0);
  const absl::Duration window = args.Duration("window", absl::Hours(4));
  *request.mutable_window() = domain::ToProto(window);
  request.set_min_position(args.Uint("min_position"));
  return CallAndPrint(args, connection, &Stub::GetDeadlineBoard, request,
                      [&](const v1::DeadlineBoard& board) { PrintDeadlineBoard(board, window); });
}

void PrintTasks(const char* title, const google::protobuf::RepeatedPtrField<v1::TaskRef>& tasks) {
  if (tasks.empty()) return;
  std::printf("\n%s\n", title);
  Table table({"COMPLAINT", "TASK", "RESPONSIBLE", "DUE", "ESCALATED", "DESCRIPTION"});
  for (const v1::TaskRef& ref : tasks) {
    const v1::TaskView& t = ref.task();
    table.Add({ref.complaint_id(), t.task_id(), OrDash(t.responsible()), FormatTime(t.due()),
               t.escalation_level() > 0
                   ? absl::StrCat("level ", t.escalation_level(), " to ", t.escalated_to())
                   : "-",
               Shorten(t.description(), 80)});
  }
  table.Print();
}

// With a department, also its open and escalated tasks: what its people act on (every
// department's would drown the table).
void PrintCatalog(const v1::DepartmentCatalog& catalog, bool one_department) {
  Table table({"DEPARTMENT", "OPEN", "TOTAL", "OPEN TASKS", "OVERDUE", "ANSWERED", "RESPONSE P50", "P90",
               "ESCALATED"});
  for (const v1::DepartmentEntry& d : catalog.departments()) {
    table.Add({OrDash(d.department()), absl::StrCat(d.open_cases()), absl::StrCat(d.total_cases()),
               absl::StrCat(d.open_tasks_size()), absl::StrCat(d.overdue_tasks_size()),
               absl::StrCat(d.tasks_answered()), FormatDuration(d.response_time_p50()),
               FormatDuration(d.response_time_p90()), absl::StrCat(d.escalated_tasks())});
  }
  table.Print();
  if (one_department) {
    for (const v1::DepartmentEntry& d : catalog.departments()) {
      PrintTasks("open tasks", d.open_tasks());
      PrintTasks("escalated open tasks", d.escalated_open_tasks());
    }
  }
  std::printf("(position %llu)\n", static_cast<unsigned long long>(catalog.position()));
}

int Catalog(Args& args, const Connection& connection) {
  v1::GetDepartmentCatalogRequest request;
  if (args.operand_count() > 0) request.set_department(args.Operand(0, "DEPARTMENT"));
  args.AtMost(1);
  request.set_min_position(args.Uint("min_position"));
  return CallAndPrint(
      args, connection, &Stub::GetDepartmentCatalog, request,
      [&](const v1::DepartmentCatalog& c) { PrintCatalog(c, !request.department().empty()); });
}

int Customer(Args& args, const Connection& connection) {
  v1::GetCustomerHistoryRequest request;
  request.set_customer_ref(args.Operand(0, "CUSTOMER-ID"));
  args.AtMost(1);
  request.set_min_position(args.Uint("min_position"));
  return CallAndPrint(args, connection, &Stub::GetCustomerHistory, request, [](const v1::CustomerHistory& h) {
    std::printf("customer %s: %d case(s) (position %llu)\n", h.customer_ref().c_str(), h.cases_size(),
                static_cast<unsigned long long>(h.position()));
    if (h.cases_size() > 0) PrintCases(h.cases());
  });
}

// Prints the board as it stands, then again each time it changes, flushing each so a pipe
// sees it at once; stops after `--count` updates, or when the server ends the stream.
int Watch(Args& args, const Connection& connection) {
  v1::WatchBoardRequest request;
  absl::Duration window = absl::Hours(4);
  if (args.operand_count() > 0) {
    request.set_owner(args.Operand(0, "OWNER"));
    if (args.Has("window")) args.Fail("--window is for the deadline board: give it without OWNER");
  } else {
    window = args.Duration("window", window);
    *request.mutable_deadline_window() = domain::ToProto(window);
  }
  args.AtMost(1);
  const uint64_t count = args.Uint("count");
  const bool json = args.Switch("json");
  if (!args.ok()) return kExitUsage;

  Stub stub(connection.channel());
  std::unique_ptr<grpc::ClientContext> context = connection.NewStreamContext();
  std::unique_ptr<grpc::ClientReader<v1::BoardUpdate>> reader = stub.WatchBoard(context.get(), request);
  uint64_t received = 0;
  v1::BoardUpdate update;
  while ((count == 0 || received < count) && reader->Read(&update)) {
    ++received;
    if (json) {
      PrintJson(update);
    } else {
      if (received > 1) std::printf("\n");
      std::printf("-- %s\n", FormatTime(domain::ToProto(absl::Now())).c_str());
      if (update.has_superhero_board()) PrintSuperheroBoard(update.superhero_board());
      if (update.has_deadline_board()) PrintDeadlineBoard(update.deadline_board(), window);
    }
    std::fflush(stdout);
  }
  // Done with what was asked for: the stream would run on, so end it here.
  const bool enough = count != 0 && received == count;
  if (enough) context->TryCancel();
  const grpc::Status status = reader->Finish();
  if (enough) return kExitOk;
  return status.ok() ? kExitOk : RpcFailed(status);
}

int Metrics(Args& args, const Connection& connection) {
  v1::GetMetricsRequest request;
  args.AtMost(0);
  if (auto t = args.Time("filed_after")) *request.mutable_filed_after() = domain::ToProto(*t);
  if (auto t = args.Time("filed_before")) *request.mutable_filed_before() = domain::ToProto(*t);
  request.set_min_position(args.Uint("min_position"));
  return CallAndPrint(args, connection, &Stub::GetMetrics, request, PrintMetricsPage);
}

}  // namespace

std::vector<Command> QueryCommands() {
  const FlagSpec min_position = MinPositionFlag();
  const FlagSpec filed_after = {"filed_after", "WHEN",
                                "only cases filed at or after: a time or a duration from now (-168h)"};
  const FlagSpec filed_before = {"filed_before", "WHEN", "only cases filed before"};
  return {
      {"show", "COMPLAINT-ID", "one case: facts, deadlines, tasks, comments", "", {min_position}, Show},
      {"list",
       "",
       "cases matching filters, newest filing first",
       "--json prints one case a line.",
       {{"state", "STATE[,STATE]", "open, in_progress, resolved, closed, redirected"},
        {"owner", "NAME", ""},
        {"team", "TEAM", ""},
        {"department", "NAME", ""},
        {"channel", "CHANNEL", ""},
        {"kind", "KIND", "complaint or recommendation"},
        {"severity", "SEVERITY", ""},
        {"customer", "REF", ""},
        {"order", "REF", "the order number a case was filed with"},
        {"external_ref", "REF", "the id in the system it came from"},
        {"contact", "PHONE|EMAIL", "the customer's phone number (any usual writing) or e-mail"},
        {"market", "MARKET", "only cases of this market; the region of a national --contact"},
        {"breached", "", "only cases with a breached deadline"},
        {"hanging", "", "only hanging cases"},
        filed_after,
        filed_before,
        {"limit", "N", "at most N cases (default 50); 0 pages through all of them"},
        min_position},
       List},
      {"board", "OWNER", "a superhero's open cases, nearest deadline first", "", {min_position}, Board},
      {"deadlines",
       "",
       "deadlines due soon and deadlines breached, across owners",
       "",
       {{"window", "DURATION", "how far ahead (default 4h, at most 720h)"}, min_position},
       Deadlines},
      {"catalog",
       "[DEPARTMENT]",
       "cases and tasks by department",
       "With a department, also its open and escalated tasks.",
       {min_position},
       Catalog},
      {"metrics",
       "",
       "first contact, resolution, breaches, reopen rate, NPS",
       "",
       {filed_after, filed_before, min_position},
       Metrics},
      {"customer", "CUSTOMER-ID", "every case of one customer, newest first", "", {min_position}, Customer},
      {"watch",
       "[OWNER]",
       "a board's live feed: a superhero's board, or without OWNER the deadline board",
       "Prints the board as it stands, then again each time it changes, until the stream ends or\n"
       "the process is interrupted (--timeout does not bound it). --json prints one BoardUpdate a line.",
       {{"window", "DURATION", "the deadline board's window (default 4h, at most 720h)"},
        {"count", "N", "stop after N updates (the first is the board as it stands)"}},
       Watch},
  };
}

}  // namespace closedloop::cli
