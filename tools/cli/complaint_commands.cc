// The ComplaintService subcommands: file, comment, contact, task open|respond|complete,
// resolve, close, reopen, triage, assign, escalate, redirect, link, survey. Each sends one
// command with a request id and prints the complaint id and the log position it produced (pass
// that to a query's --min_position to read it back).
#include <cstdlib>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "closedloop/v1/complaint_service.grpc.pb.h"
#include "domain/proto_time.h"
#include "tools/cli/call.h"
#include "tools/cli/command.h"
#include "tools/cli/output.h"

namespace closedloop::cli {
namespace {

using Stub = v1::ComplaintService::Stub;

// A command's result for people: the complaint, what was recorded and where.
void PrintCommandResponse(const v1::CommandResponse& response) {
  const std::string where =
      absl::StrCat("(position ", response.position(), ", revision ", response.revision(), ")");
  if (response.deduplicated()) {
    std::printf("%s: already recorded by this request id; nothing new %s\n", response.complaint_id().c_str(),
                where.c_str());
  } else if (response.event_types().empty()) {
    std::printf("%s: nothing to change %s\n", response.complaint_id().c_str(), where.c_str());
  } else {
    std::printf("%s: %s %s\n", response.complaint_id().c_str(),
                absl::StrJoin(response.event_types(), ", ").c_str(), where.c_str());
  }
}

// Sends the command (with a request id) and prints its result. Every command subcommand ends
// here, so retries are safe the same way everywhere.
template <typename Request>
int Send(Args& args, const Connection& connection,
         grpc::Status (Stub::*method)(grpc::ClientContext*, const Request&, v1::CommandResponse*),
         const Request& request) {
  return CallAndPrint(args, connection, method, request, PrintCommandResponse);
}

int File(Args& args, const Connection& connection) {
  v1::FileComplaintRequest request;
  v1::Filed& filed = *request.mutable_complaint();
  filed.set_channel(args.RequiredEnum<v1::Channel>("channel"));
  filed.set_kind(args.Enum("kind", v1::ITEM_KIND_COMPLAINT));
  filed.set_severity(args.Enum("severity", v1::SEVERITY_UNSPECIFIED));
  filed.set_text(args.Text(0, "TEXT"));
  filed.set_customer_ref(args.String("customer"));
  filed.set_customer_contact(args.String("contact"));
  filed.set_market(args.String("market"));
  filed.set_site(args.String("site"));
  filed.set_store(args.String("store"));
  filed.set_language(args.String("language"));
  filed.set_seller_country(args.String("seller_country"));
  filed.set_buyer_country(args.String("buyer_country"));
  filed.set_order_ref(args.String("order"));
  filed.set_external_ref(args.String("external_ref"));
  return Send(args, connection, &Stub::FileComplaint, request);
}

int Comment(Args& args, const Connection& connection) {
  v1::AddCommentRequest request;
  request.set_complaint_id(args.Operand(0, "COMPLAINT-ID"));
  request.set_text(args.Text(1, "TEXT"));
  // Internal unless asked: a comment meant for staff must never reach the customer by default.
  request.set_visibility(args.Enum("visibility", v1::VISIBILITY_INTERNAL));
  const char* user = std::getenv("USER");
  request.set_author(args.String("author", user != nullptr ? user : ""));
  if (request.author().empty()) args.Fail("--author is required (no $USER to default to)");
  return Send(args, connection, &Stub::AddComment, request);
}

int Contact(Args& args, const Connection& connection) {
  v1::RecordCustomerContactRequest request;
  request.set_complaint_id(args.Operand(0, "COMPLAINT-ID"));
  args.AtMost(1);
  request.set_method(args.RequiredEnum<v1::ContactMethod>("method"));
  request.set_outcome(args.RequiredEnum<v1::ContactOutcome>("outcome"));
  request.set_summary(args.String("summary"));
  return Send(args, connection, &Stub::RecordCustomerContact, request);
}

int TaskOpen(Args& args, const Connection& connection) {
  v1::OpenTaskRequest request;
  request.set_complaint_id(args.Operand(0, "COMPLAINT-ID"));
  request.set_description(args.Text(1, "DESCRIPTION"));
  request.set_department(args.Required("department"));
  request.set_responsible(args.String("responsible"));
  if (!args.Has("due")) args.Fail("--due is required");
  if (std::optional<absl::Time> due = args.Time("due")) *request.mutable_due() = domain::ToProto(*due);
  return Send(args, connection, &Stub::OpenTask, request);
}

int TaskRespond(Args& args, const Connection& connection) {
  v1::RespondToTaskRequest request;
  request.set_complaint_id(args.Operand(0, "COMPLAINT-ID"));
  request.set_task_id(args.Operand(1, "TASK-ID"));
  request.set_response(args.Text(2, "RESPONSE"));
  return Send(args, connection, &Stub::RespondToTask, request);
}

int TaskComplete(Args& args, const Connection& connection) {
  v1::CompleteTaskRequest request;
  request.set_complaint_id(args.Operand(0, "COMPLAINT-ID"));
  request.set_task_id(args.Operand(1, "TASK-ID"));
  request.set_outcome(args.Text(2, "OUTCOME"));
  return Send(args, connection, &Stub::CompleteTask, request);
}

int Resolve(Args& args, const Connection& connection) {
  v1::ResolveComplaintRequest request;
  request.set_complaint_id(args.Operand(0, "COMPLAINT-ID"));
  request.set_resolution(args.Text(1, "RESOLUTION"));
  request.set_root_cause(args.String("root_cause"));
  if (args.Has("remedy")) {
    v1::Remedy& remedy = *request.mutable_remedy();
    remedy.set_type(args.Enum("remedy", v1::REMEDY_TYPE_UNSPECIFIED));
    if (args.Has("amount_minor")) {
      remedy.mutable_amount()->set_amount_minor(args.Int("amount_minor"));
      remedy.mutable_amount()->set_currency(args.Required("currency"));
    }
  } else if (args.Has("amount_minor") || args.Has("currency")) {
    args.Fail("--amount_minor and --currency need --remedy");
  }
  return Send(args, connection, &Stub::ResolveComplaint, request);
}

int Close(Args& args, const Connection& connection) {
  v1::CloseComplaintRequest request;
  request.set_complaint_id(args.Operand(0, "COMPLAINT-ID"));
  args.AtMost(1);
  request.set_customer_confirmed(args.Switch("confirmed"));
  return Send(args, connection, &Stub::CloseComplaint, request);
}

int Reopen(Args& args, const Connection& connection) {
  v1::ReopenComplaintRequest request;
  request.set_complaint_id(args.Operand(0, "COMPLAINT-ID"));
  request.set_reason(args.Text(1, "REASON"));
  return Send(args, connection, &Stub::ReopenComplaint, request);
}

int Triage(Args& args, const Connection& connection) {
  v1::TriageComplaintRequest request;
  request.set_complaint_id(args.Operand(0, "COMPLAINT-ID"));
  args.AtMost(1);
  request.set_kind(args.Enum("kind", v1::ITEM_KIND_UNSPECIFIED));
  request.set_category(args.String("category"));
  request.set_severity(args.Enum("severity", v1::SEVERITY_UNSPECIFIED));
  request.set_department(args.String("department"));
  request.set_root_cause_code(args.String("root_cause"));
  if (!args.Has("kind") && !args.Has("category") && !args.Has("severity") && !args.Has("department") &&
      !args.Has("root_cause")) {
    args.Fail("nothing to triage: give --kind, --category, --severity, --department or --root_cause");
  }
  return Send(args, connection, &Stub::TriageComplaint, request);
}

int Assign(Args& args, const Connection& connection) {
  v1::AssignComplaintRequest request;
  request.set_complaint_id(args.Operand(0, "COMPLAINT-ID"));
  request.set_owner(args.Operand(1, "OWNER"));
  args.AtMost(2);
  return Send(args, connection, &Stub::AssignComplaint, request);
}

int Escalate(Args& args, const Connection& connection) {
  v1::EscalateRequest request;
  request.set_complaint_id(args.Operand(0, "COMPLAINT-ID"));
  request.set_reason(args.Text(1, "REASON"));
  request.set_to(args.Required("to"));
  return Send(args, connection, &Stub::Escalate, request);
}

int Redirect(Args& args, const Connection& connection) {
  v1::RedirectToSupportRequest request;
  request.set_complaint_id(args.Operand(0, "COMPLAINT-ID"));
  request.set_reason(args.Text(1, "REASON"));
  return Send(args, connection, &Stub::RedirectToSupport, request);
}

int Link(Args& args, const Connection& connection) {
  v1::LinkToProblemRequest request;
  request.set_complaint_id(args.Operand(0, "COMPLAINT-ID"));
  request.set_problem_id(args.Operand(1, "PROBLEM-ID"));
  args.AtMost(2);
  return Send(args, connection, &Stub::LinkToProblem, request);
}

int Survey(Args& args, const Connection& connection) {
  v1::RecordSurveyRequest request;
  request.set_complaint_id(args.Operand(0, "COMPLAINT-ID"));
  args.AtMost(1);
  // Both are answers, and 0 is a valid NPS: absent must not read as a score.
  for (const char* name : {"nps", "csat"}) {
    if (!args.Has(name)) args.Fail(absl::StrCat("--", name, " is required"));
  }
  // Out of int32's range would wrap into a valid score; the server refuses anything out of range.
  auto score = [&](const char* name) {
    const int64_t value = args.Int(name);
    if (value < -1 || value > 100) args.Fail(absl::StrCat("--", name, ": ", value, " is out of range"));
    return static_cast<int32_t>(value);
  };
  request.set_nps(score("nps"));
  request.set_csat(score("csat"));
  request.set_comment(args.String("comment"));
  return Send(args, connection, &Stub::RecordSurvey, request);
}

}  // namespace

std::vector<Command> ComplaintCommands() {
  const FlagSpec request_id = RequestIdFlag();
  return {
      {"file",
       "TEXT...",
       "file a complaint or recommendation; prints its id",
       "The item is routed, assigned an owner and given its SLA deadlines by the server.",
       {{"channel", "CHANNEL", "required: hotline, social, web, email, store, app, red_button"},
        {"kind", "KIND", "complaint (default) or recommendation"},
        {"severity", "SEVERITY", "low, normal, high or critical"},
        {"customer", "REF", "the customer's reference; optional (an anonymous post has none)"},
        {"contact", "PHONE|EMAIL", "how to reach the customer (confidential)"},
        {"market", "MARKET", ""},
        {"site", "SITE", ""},
        {"store", "STORE", ""},
        {"language", "LANG", ""},
        {"seller_country", "CC", ""},
        {"buyer_country", "CC", ""},
        {"order", "REF", "the order it is about"},
        {"external_ref", "REF", "the id in the system it came from"},
        request_id},
       File},
      {"comment",
       "COMPLAINT-ID TEXT...",
       "add a comment (internal unless --visibility=public)",
       "",
       {{"visibility", "VISIBILITY", "internal (default: staff only) or public"},
        {"author", "NAME", "who wrote it (default: $USER)"},
        request_id},
       Comment},
      {"contact",
       "COMPLAINT-ID",
       "record an attempt to contact the customer",
       "The first contact that reaches the customer closes the first-level loop.",
       {{"method", "METHOD", "required: phone, email, message or in_person"},
        {"outcome", "OUTCOME", "required: reached, no_answer or left_message"},
        {"summary", "TEXT", "what was said"},
        request_id},
       Contact},
      {"task open",
       "COMPLAINT-ID DESCRIPTION...",
       "ask a department for an answer by a due time",
       "Tasks are numbered T1, T2, ... per case; `closedloop show` lists them.",
       {{"department", "NAME", "required: a configured department"},
        {"due", "WHEN", "required: a time (2026-11-24T10:00:00Z) or a duration from now (4h)"},
        {"responsible", "NAME", "who in the department (default: its responsible)"},
        request_id},
       TaskOpen},
      {"task respond",
       "COMPLAINT-ID TASK-ID RESPONSE...",
       "record a department's answer to a task",
       "",
       {request_id},
       TaskRespond},
      {"task complete", "COMPLAINT-ID TASK-ID OUTCOME...", "complete a task", "", {request_id}, TaskComplete},
      {"resolve",
       "COMPLAINT-ID RESOLUTION...",
       "resolve a case: what was done, with a remedy",
       "The customer must have been reached first. A complaint needs --remedy (the API's\n"
       "remedy.type; without it the server answers INVALID_ARGUMENT naming remedy.type),\n"
       "none if nothing was given; a recommendation may omit it.",
       {{"remedy", "TYPE",
         "required for a complaint: none, refund, replacement, repair, apology "
         "or compensation"},
        {"amount_minor", "N", "a refund's or compensation's amount, in the currency's minor unit (cents)"},
        {"currency", "CODE", "ISO 4217 code of --amount_minor, e.g. EUR"},
        {"root_cause", "TEXT", "what caused it"},
        request_id},
       Resolve},
      {"close",
       "COMPLAINT-ID",
       "close a resolved case",
       "",
       {{"confirmed", "", "the customer confirmed they are satisfied"}, request_id},
       Close},
      {"reopen", "COMPLAINT-ID REASON...", "reopen a resolved or closed case", "", {request_id}, Reopen},
      {"triage",
       "COMPLAINT-ID",
       "classify a case: kind, category, severity, department, root cause",
       "Only the options given change; the others keep their value.",
       {{"kind", "KIND", "complaint or recommendation"},
        {"category", "NAME", ""},
        {"severity", "SEVERITY", "low, normal, high or critical"},
        {"department", "NAME", "a configured department"},
        {"root_cause", "CODE", "the root cause code"},
        request_id},
       Triage},
      {"assign",
       "COMPLAINT-ID OWNER",
       "hand a case to another owner",
       "OWNER must be a member of a configured team; a red-button case goes only to a\n"
       "member of the red-button team.",
       {request_id},
       Assign},
      {"escalate",
       "COMPLAINT-ID REASON...",
       "escalate a case by hand to someone up the chain",
       "",
       {{"to", "NAME", "required: who takes it up"}, request_id},
       Escalate},
      {"redirect",
       "COMPLAINT-ID REASON...",
       "send a red-button case that was no emergency back to ordinary support",
       "Only red-button cases can be redirected.",
       {request_id},
       Redirect},
      {"link",
       "COMPLAINT-ID PROBLEM-ID",
       "link a case to a problem (a recurring weak spot)",
       "The problem records the link too; `closedloop problems` lists problems and their cases.",
       {request_id},
       Link},
      {"survey",
       "COMPLAINT-ID",
       "record the customer's survey answer after resolution",
       "One survey per case, once it is resolved or closed.",
       {{"nps", "N", "required: 0-10, how likely they are to recommend us"},
        {"csat", "N", "required: 1-5, how satisfied they are with the resolution"},
        {"comment", "TEXT", "what they said"},
        request_id},
       Survey},
  };
}

}  // namespace closedloop::cli
