// What leaves the system, from the command line: `follow` (a consumer group's events over
// SubscriptionService, acknowledged as they are printed) for integrators and scripts, and
// `admin webhooks` (every endpoint's state) and `admin webhooks replay` (AdminService) for
// operators.
#include <cstdio>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "closedloop/v1/admin_service.grpc.pb.h"
#include "closedloop/v1/subscription_service.grpc.pb.h"
#include "tools/cli/call.h"
#include "tools/cli/command.h"
#include "tools/cli/enum_labels.h"
#include "tools/cli/output.h"

namespace closedloop::cli {
namespace {

using AdminStub = v1::AdminService::Stub;
using SubscriptionStub = v1::SubscriptionService::Stub;

// One line per endpoint, for people.
void PrintEndpoints(const std::vector<const v1::WebhookEndpointState*>& states) {
  if (states.empty()) {
    std::printf("no webhook endpoints are configured\n");
    return;
  }
  Table table({"NAME", "STATUS", "DELIVERED", "LAG", "DEAD-LETTERS", "LAST-ERROR"});
  for (const v1::WebhookEndpointState* s : states) {
    std::string status = Label(s->status());
    if (s->status() == v1::WEBHOOK_STATUS_RETRYING) {
      absl::StrAppend(&status, " (event ", s->retrying_event_id(), ", ", s->attempts(), " attempts)");
    }
    std::string error = "-";
    if (!s->last_error().empty()) {
      error = absl::StrCat(FormatTime(s->last_error_at()), " ", Shorten(s->last_error(), 80));
    }
    table.Add({s->name(), status, absl::StrCat(s->delivered_position()), absl::StrCat(s->lag()),
               absl::StrCat(s->dead_letter_count()), error});
  }
  table.Print();
}

int Webhooks(Args& args, const Connection& connection) {
  args.AtMost(0);
  const bool json = args.Switch("json");
  v1::ListWebhookEndpointsResponse response;
  if (int status = Call(args, connection, &AdminStub::ListWebhookEndpoints,
                        v1::ListWebhookEndpointsRequest(), &response);
      status != kExitOk) {
    return status;
  }
  std::vector<const v1::WebhookEndpointState*> states;
  for (const v1::WebhookEndpointState& state : response.endpoints()) {
    if (json) PrintJson(state);
    states.push_back(&state);
  }
  if (!json) PrintEndpoints(states);
  return kExitOk;
}

int Replay(Args& args, const Connection& connection) {
  v1::ReplayWebhookEndpointRequest request;
  request.set_name(args.Operand(0, "NAME"));
  args.AtMost(1);
  if (!args.Has("from")) {
    args.Fail("--from is required: the first log position to deliver again (1: the start of the log)");
  }
  request.set_from_position(args.Uint("from"));
  return CallAndPrint(args, connection, &AdminStub::ReplayWebhookEndpoint, request,
                      [](const v1::WebhookEndpointState& state) { PrintEndpoints({&state}); });
}

// The comma-separated values of a flag, e.g. --type=complaint.filed,complaint.resolved.
void AddValues(Args& args, const std::string& flag, google::protobuf::RepeatedPtrField<std::string>* to) {
  if (!args.Has(flag)) return;
  for (absl::string_view value : absl::StrSplit(args.String(flag), ',', absl::SkipEmpty())) {
    to->Add(std::string(value));
  }
}

void PrintEvent(const v1::DeliveredEvent& e) {
  const bool has_case = e.has_summary();
  std::printf("%10llu  %-28s %-14s %-12s %s\n", static_cast<unsigned long long>(e.id()), e.type().c_str(),
              (has_case ? e.summary().complaint_id() : e.stream()).c_str(),
              (has_case ? Label(e.summary().state()) : std::string("-")).c_str(),
              (has_case ? OrDash(e.summary().owner()) : std::string("-")).c_str());
}

// Prints the group's events as they come, flushing each so a pipe sees it at once. With --ack
// each event is acknowledged once printed (at least once: an event printed but not yet
// acknowledged when the process is interrupted comes again, with the same id), and the
// caught-up marker's head too, so that events the filter skipped are not read again.
int Follow(Args& args, const Connection& connection) {
  v1::SubscribeGroupRequest request;
  request.set_group(args.Operand(0, "GROUP"));
  args.AtMost(1);
  AddValues(args, "type", request.mutable_filter()->mutable_event_types());
  AddValues(args, "team", request.mutable_filter()->mutable_teams());
  AddValues(args, "department", request.mutable_filter()->mutable_departments());
  for (v1::Channel channel : args.Enums<v1::Channel>("channel")) request.mutable_filter()->add_channels(channel);
  request.set_start_position(args.Uint("start"));
  const bool ack = args.Switch("ack");
  const bool until_caught_up = args.Switch("until_caught_up");
  const bool json = args.Switch("json");
  if (!args.ok()) return kExitUsage;

  SubscriptionStub stub(connection.channel());
  uint64_t acknowledged = 0;
  auto acknowledge = [&](uint64_t position) {
    if (position <= acknowledged) return grpc::Status::OK;
    v1::AcknowledgeRequest ack_request;
    ack_request.set_group(request.group());
    ack_request.set_position(position);
    v1::AcknowledgeResponse response;
    grpc::Status status = connection.Call(stub, &SubscriptionStub::Acknowledge, ack_request, &response);
    if (status.ok()) acknowledged = response.acknowledged_position();
    return status;
  };

  std::unique_ptr<grpc::ClientContext> context = connection.NewStreamContext();
  std::unique_ptr<grpc::ClientReader<v1::SubscribeGroupResponse>> reader =
      stub.SubscribeGroup(context.get(), request);
  v1::SubscribeGroupResponse message;
  grpc::Status ack_failed;
  bool done = false;
  while (!done && ack_failed.ok() && reader->Read(&message)) {
    if (message.has_event()) {
      if (json) {
        PrintJson(message.event());
      } else {
        PrintEvent(message.event());
      }
      std::fflush(stdout);
      if (ack) ack_failed = acknowledge(message.event().id());
    } else if (message.has_caught_up()) {
      // Every event up to the head was sent before the marker.
      if (ack) ack_failed = acknowledge(message.caught_up().head_position());
      if (!json) {
        std::printf("-- caught up at position %llu\n",
                    static_cast<unsigned long long>(message.caught_up().head_position()));
        std::fflush(stdout);
      }
      done = until_caught_up;
    }
  }
  // Done with what was asked for, or unable to acknowledge: the stream would run on.
  if (done || !ack_failed.ok()) context->TryCancel();
  const grpc::Status status = reader->Finish();
  if (!ack_failed.ok()) return RpcFailed(ack_failed);
  if (done) return kExitOk;
  return status.ok() ? kExitOk : RpcFailed(status);
}

}  // namespace

std::vector<Command> DeliveryCommands() {
  return {
      {"follow",
       "GROUP",
       "a consumer group's events: the backlog since its last acknowledgement, then new ones",
       "Prints one event a line (position, type, case, its state and owner now) until the\n"
       "process is interrupted (--timeout does not bound it); --json prints one DeliveredEvent a\n"
       "line. A new group starts at --start; an existing one resumes after its acknowledged\n"
       "position. The events are the caller's to read, redacted as its role reads. Flags taking\n"
       "several values take them comma-separated.",
       {{"type", "TYPE[,TYPE]", "only these event types, e.g. complaint.filed"},
        {"team", "TEAM[,TEAM]", "only cases of these teams"},
        {"department", "NAME[,NAME]", "only cases attributed to these departments"},
        {"channel", "CHANNEL[,CHANNEL]", "only cases filed through these channels"},
        {"start", "POSITION", "where a new group starts (default 1: the start of the log)"},
        {"ack", "", "acknowledge each event once printed, and the head once caught up"},
        {"until_caught_up", "", "stop once the backlog is printed"}},
       Follow},
      {"admin webhooks",
       "",
       "every webhook endpoint's state: status, delivered position, lag, dead letters, last error",
       "--json prints one WebhookEndpointState a line, with the latest dead letters.",
       {},
       Webhooks},
      {"admin webhooks replay",
       "NAME",
       "deliver an endpoint's events again from a log position on; its state after",
       "",
       {{"from", "POSITION", "the first log position to deliver again (1: the start of the log)"}},
       Replay},
  };
}

}  // namespace closedloop::cli
