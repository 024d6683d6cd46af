// The second-level loop: problem open|action|complete-action|fixed|verify (ProblemService)
// and problems (QueryService.GetProblemBoard). A problem is a weak spot behind recurring
// complaints, with corrective action items until its fix is verified; `closedloop link`
// attaches a case to one.
#include <cstdio>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "closedloop/v1/problem_service.grpc.pb.h"
#include "closedloop/v1/query_service.grpc.pb.h"
#include "domain/proto_time.h"
#include "tools/cli/call.h"
#include "tools/cli/command.h"
#include "tools/cli/enum_labels.h"
#include "tools/cli/output.h"

namespace closedloop::cli {
namespace {

using Stub = v1::ProblemService::Stub;

// "PR-1: problem.opened (position 9, revision 1)"; an action item's id follows the problem's.
void PrintProblemResponse(const v1::ProblemCommandResponse& response) {
  const std::string what = response.item_id().empty()
                               ? response.problem_id()
                               : absl::StrCat(response.problem_id(), " ", response.item_id());
  const std::string where =
      absl::StrCat("(position ", response.position(), ", revision ", response.revision(), ")");
  if (response.deduplicated()) {
    std::printf("%s: already recorded by this request id; nothing new %s\n", what.c_str(), where.c_str());
  } else if (response.event_types().empty()) {
    std::printf("%s: nothing to change %s\n", what.c_str(), where.c_str());
  } else {
    std::printf("%s: %s %s\n", what.c_str(), absl::StrJoin(response.event_types(), ", ").c_str(),
                where.c_str());
  }
}

template <typename Request>
int Send(Args& args, const Connection& connection,
         grpc::Status (Stub::*method)(grpc::ClientContext*, const Request&, v1::ProblemCommandResponse*),
         const Request& request) {
  return CallAndPrint(args, connection, method, request, PrintProblemResponse);
}

int Open(Args& args, const Connection& connection) {
  v1::OpenProblemRequest request;
  request.set_description(args.Text(0, "DESCRIPTION"));
  request.set_department(args.Required("department"));
  request.set_source(args.RequiredEnum<v1::ProblemSource>("source"));
  return Send(args, connection, &Stub::OpenProblem, request);
}

int AddAction(Args& args, const Connection& connection) {
  v1::AddActionItemRequest request;
  request.set_problem_id(args.Operand(0, "PROBLEM-ID"));
  request.set_description(args.Text(1, "DESCRIPTION"));
  request.set_owner(args.Required("owner"));
  if (!args.Has("due")) args.Fail("--due is required");
  if (std::optional<absl::Time> due = args.Time("due")) *request.mutable_due() = domain::ToProto(*due);
  return Send(args, connection, &Stub::AddActionItem, request);
}

int CompleteAction(Args& args, const Connection& connection) {
  v1::CompleteActionItemRequest request;
  request.set_problem_id(args.Operand(0, "PROBLEM-ID"));
  request.set_item_id(args.Operand(1, "ITEM-ID"));
  request.set_outcome(args.Text(2, "OUTCOME"));
  return Send(args, connection, &Stub::CompleteActionItem, request);
}

int Fixed(Args& args, const Connection& connection) {
  v1::MarkFixedRequest request;
  request.set_problem_id(args.Operand(0, "PROBLEM-ID"));
  request.set_summary(args.Text(1, "SUMMARY"));
  return Send(args, connection, &Stub::MarkFixed, request);
}

int Verify(Args& args, const Connection& connection) {
  v1::VerifyFixRequest request;
  request.set_problem_id(args.Operand(0, "PROBLEM-ID"));
  request.set_evidence(args.Text(1, "EVIDENCE"));
  return Send(args, connection, &Stub::VerifyFix, request);
}

void PrintProblemBoard(const v1::ProblemBoard& board) {
  Table problems(
      {"PROBLEM", "STATE", "DEPARTMENT", "SOURCE", "OPENED", "ITEMS DONE", "CASES", "DESCRIPTION"});
  Table items({"PROBLEM", "ITEM", "OWNER", "DUE", "DONE", "DESCRIPTION"});
  for (const v1::ProblemView& p : board.problems()) {
    int done = 0;
    for (const v1::ActionItemView& item : p.action_items()) {
      done += item.completed() ? 1 : 0;
      items.Add({p.problem_id(), item.item_id(), item.owner(), FormatTime(item.due()),
                 item.completed() ? FormatTime(item.completed_at()) : "-", Shorten(item.description(), 80)});
    }
    const std::string cases = p.linked_complaints().empty() ? "-" : absl::StrJoin(p.linked_complaints(), ",");
    problems.Add({p.problem_id(), Label(p.state()), p.department(), Label(p.source()),
                  FormatTime(p.opened_at()), absl::StrCat(done, "/", p.action_items_size()),
                  Shorten(cases, 40), Shorten(p.description(), 80)});
  }
  problems.Print();
  if (!items.empty()) {
    std::printf("\naction items\n");
    items.Print();
  }
  std::printf("(%d problem(s); position %llu)\n", board.problems_size(),
              static_cast<unsigned long long>(board.position()));
}

int Problems(Args& args, const Connection& connection) {
  v1::GetProblemBoardRequest request;
  args.AtMost(0);
  request.set_min_position(args.Uint("min_position"));
  return CallAndPrint(args, connection, &v1::QueryService::Stub::GetProblemBoard, request, PrintProblemBoard);
}

}  // namespace

std::vector<Command> ProblemCommands() {
  const FlagSpec request_id = RequestIdFlag();
  return {
      {"problem open",
       "DESCRIPTION...",
       "open a problem: a weak spot in a process behind recurring complaints",
       "Problems are numbered PR-1, PR-2, ...; link cases to one with `closedloop link`.",
       {{"department", "NAME", "required: the department responsible for the weak process"},
        {"source", "SOURCE", "required: complaints, manager_shift or other"},
        request_id},
       Open},
      {"problem action",
       "PROBLEM-ID DESCRIPTION...",
       "add a corrective action item with an owner and a due time",
       "Items are numbered A1, A2, ... per problem.",
       {{"owner", "NAME", "required: who does it"},
        {"due", "WHEN", "required: a time (2026-11-24T10:00:00Z) or a duration from now (72h)"},
        request_id},
       AddAction},
      {"problem complete-action",
       "PROBLEM-ID ITEM-ID OUTCOME...",
       "complete an action item",
       "",
       {request_id},
       CompleteAction},
      {"problem fixed",
       "PROBLEM-ID SUMMARY...",
       "the fix is in place (every action item completed)",
       "",
       {request_id},
       Fixed},
      {"problem verify",
       "PROBLEM-ID EVIDENCE...",
       "the fix was checked and works: the second-level loop is closed",
       "Only after `problem fixed`.",
       {request_id},
       Verify},
      {"problems",
       "",
       "problems with their action items and linked cases",
       "Open problems first, then fixed, then verified.",
       {MinPositionFlag()},
       Problems},
  };
}

}  // namespace closedloop::cli
