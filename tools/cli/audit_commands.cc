// The auditor's subcommands, over AuditService (and QueryService for a case as of a past
// point): audit history, verify, export, read-all, read-stream.
#include <algorithm>
#include <cstdint>
#include <limits>
#include <optional>

#include "absl/strings/escaping.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "closedloop/v1/audit_service.grpc.pb.h"
#include "closedloop/v1/complaint.pb.h"
#include "closedloop/v1/query_service.grpc.pb.h"
#include "domain/proto_time.h"
#include "tools/cli/call.h"
#include "tools/cli/command.h"
#include "tools/cli/complaint_page.h"
#include "tools/cli/output.h"

namespace closedloop::cli {
namespace {

using AuditStub = v1::AuditService::Stub;
constexpr int kMaxPage = 1000;  // the server's largest page

// The event a complaint record carries, decoded; empty when the payload is not one (a newer
// server's event type, say), so the caller falls back to the raw record.
std::optional<v1::ComplaintEvent> Decode(const v1::RecordedEvent& record) {
  v1::ComplaintEvent event;
  if (!event.ParseFromString(record.payload()) || event.event_case() == v1::ComplaintEvent::EVENT_NOT_SET) {
    return std::nullopt;
  }
  return event;
}

// The event's own fields that are set, as compact JSON (times in RFC 3339, which text format
// would print as raw seconds), e.g. {"owner":"anna"}.
std::string Details(const v1::RecordedEvent& record) {
  std::optional<v1::ComplaintEvent> event = Decode(record);
  if (!event) return absl::StrCat("(", record.payload().size(), " bytes)");
  const google::protobuf::Reflection* reflection = event->GetReflection();
  const google::protobuf::FieldDescriptor* field =
      reflection->GetOneofFieldDescriptor(*event, v1::ComplaintEvent::descriptor()->FindOneofByName("event"));
  return Shorten(ToJson(reflection->GetMessage(*event, field), JsonDefaults::kOmit), 140);
}

void PrintEventLine(const v1::RecordedEvent& e) {
  std::printf("%10llu  %-32s %6llu  %-28s %-24s %s\n", static_cast<unsigned long long>(e.position()),
              e.stream().c_str(), static_cast<unsigned long long>(e.revision()), e.type().c_str(),
              e.actor().principal().c_str(), FormatTime(e.recorded_at()).c_str());
}

// Every event of `stream` from revision `from` on, a page at a time, up to the stream's
// revision when the first page was read (appends made meanwhile are left for the next run).
template <typename Each>
grpc::Status ForEachInStream(const Connection& connection, const std::string& stream, uint64_t from,
                             int page_size, Each each) {
  auto stub = v1::AuditService::NewStub(connection.channel());
  v1::ReadStreamRequest request;
  request.set_stream(stream);
  request.set_page_size(page_size);
  request.set_from_revision(from);
  uint64_t last = 0;
  do {
    v1::ReadStreamResponse page;
    if (grpc::Status s = connection.Call(*stub, &AuditStub::ReadStream, request, &page); !s.ok()) return s;
    if (last == 0) last = page.stream_revision();
    for (const v1::RecordedEvent& e : page.events()) {
      if (e.revision() <= last) each(e);
    }
    request.set_from_revision(page.next_revision());
  } while (request.from_revision() != 0 && request.from_revision() <= last);
  return grpc::Status::OK;
}

// Every event of the log from position `from` on, up to the head when the first page was read.
template <typename Each>
grpc::Status ForEachInLog(const Connection& connection, uint64_t from, int page_size, Each each) {
  auto stub = v1::AuditService::NewStub(connection.channel());
  v1::ReadAllRequest request;
  request.set_page_size(page_size);
  request.set_from_position(std::max<uint64_t>(from, 1));
  std::optional<uint64_t> head;
  while (true) {
    v1::ReadAllResponse page;
    if (grpc::Status s = connection.Call(*stub, &AuditStub::ReadAll, request, &page); !s.ok()) return s;
    if (!head) head = page.head_position();
    for (const v1::RecordedEvent& e : page.events()) {
      if (e.position() <= *head) each(e);
    }
    // next_position is one past what the page examined; it not moving means nothing is left.
    if (page.next_position() > *head || page.next_position() <= request.from_position()) break;
    request.set_from_position(page.next_position());
  }
  return grpc::Status::OK;
}

int History(Args& args, const Connection& connection) {
  v1::GetComplaintRequest request;
  request.set_complaint_id(args.Operand(0, "COMPLAINT-ID"));
  args.AtMost(1);
  // A bare number is a log position; anything else a time (or a duration back from now).
  uint64_t as_of_position = std::numeric_limits<uint64_t>::max();
  absl::Time as_of_time = absl::InfiniteFuture();
  if (args.Has("as_of")) {
    if (uint64_t position = 0; absl::SimpleAtoi(args.String("as_of"), &position)) {
      as_of_position = position;
      request.set_as_of_position(position);
    } else if (std::optional<absl::Time> t = args.Time("as_of")) {
      as_of_time = *t;
      *request.mutable_as_of_time() = domain::ToProto(as_of_time);
    }
  }
  request.set_min_position(args.Uint("min_position"));
  const bool json = args.Switch("json");
  v1::ComplaintView view;
  if (int status = Call(args, connection, &v1::QueryService::Stub::GetComplaint, request, &view);
      status != kExitOk) {
    return status;
  }
  if (json) {
    std::printf("{\"complaint\":%s}\n", ToJson(view).c_str());
  } else {
    PrintComplaintPage(view);
    std::printf("\nevents%s\n",
                args.Has("as_of") ? absl::StrCat(" as of ", args.String("as_of")).c_str() : "");
  }
  Table table({"POSITION", "REV", "RECORDED", "TYPE", "ACTOR", "DETAILS"});
  grpc::Status status = ForEachInStream(
      connection, absl::StrCat("complaint-", view.complaint_id()), 0, kMaxPage,
      [&](const v1::RecordedEvent& e) {
        if (e.position() > as_of_position || domain::FromProto(e.recorded_at()) > as_of_time) return;
        if (json) {
          std::optional<v1::ComplaintEvent> event = Decode(e);
          std::printf("{\"event\":%s,\"data\":%s}\n", ToJson(e).c_str(),
                      event ? ToJson(*event).c_str() : "null");
          return;
        }
        table.Add({absl::StrCat(e.position()), absl::StrCat(e.revision()), FormatTime(e.recorded_at()),
                   e.type(), absl::StrCat(e.actor().principal(), " (", e.actor().role(), ")"), Details(e)});
      });
  if (!status.ok()) return RpcFailed(status);
  if (!json) table.Print();
  return kExitOk;
}

int Verify(Args& args, const Connection& connection) {
  v1::VerifyChainRequest request;
  args.AtMost(0);
  request.set_from_position(args.Uint("from"));
  request.set_to_position(args.Uint("to"));
  const bool json = args.Switch("json");
  v1::VerifyChainResponse response;
  if (int status = Call(args, connection, &AuditStub::VerifyChain, request, &response); status != kExitOk) {
    return status;
  }
  if (json) {
    PrintJson(response);
  } else if (response.ok()) {
    // The head hash is the point: written down outside the system, it lets a later run prove
    // that nothing up to verified_to was rewritten.
    std::printf("chain verified from %llu to %llu\nhead hash: %s\n",
                static_cast<unsigned long long>(response.verified_from()),
                static_cast<unsigned long long>(response.verified_to()),
                absl::BytesToHexString(response.head_hash()).c_str());
  } else {
    std::printf("CHAIN BROKEN at position %llu: %s\n",
                static_cast<unsigned long long>(response.first_bad_position()), response.problem().c_str());
  }
  return response.ok() ? kExitOk : kExitChainBroken;
}

int Export(Args& args, const Connection& connection) {
  const std::string stream = args.operand_count() > 0 ? args.Operand(0, "STREAM") : "";
  args.AtMost(1);
  const uint64_t from = args.Uint("from");
  const uint64_t page_size = args.Uint("page_size", kMaxPage);
  if (page_size == 0 || page_size > kMaxPage) args.Fail(absl::StrCat("--page_size must be 1 to ", kMaxPage));
  if (!args.ok()) return kExitUsage;
  uint64_t count = 0;
  uint64_t last = 0;
  // Always NDJSON: an export is for tools (jq, a warehouse loader), and carries every field,
  // hashes included, so the copy can be verified on its own.
  auto print = [&](const v1::RecordedEvent& e) {
    PrintJson(e);
    ++count;
    last = e.position();
  };
  const int page = static_cast<int>(page_size);
  grpc::Status status = stream.empty() ? ForEachInLog(connection, from, page, print)
                                       : ForEachInStream(connection, stream, from, page, print);
  if (!status.ok()) return RpcFailed(status);
  std::fflush(stdout);
  std::fprintf(stderr, "closedloop: exported %llu event(s)%s\n", static_cast<unsigned long long>(count),
               count > 0 ? absl::StrCat(", the last at position ", last).c_str() : "");
  return kExitOk;
}

int ReadAll(Args& args, const Connection& connection) {
  v1::ReadAllRequest request;
  args.AtMost(0);
  request.set_from_position(args.Uint("from"));
  request.set_page_size(static_cast<int32_t>(args.Int("limit", 100)));
  const bool json = args.Switch("json");
  v1::ReadAllResponse response;
  if (int status = Call(args, connection, &AuditStub::ReadAll, request, &response); status != kExitOk) {
    return status;
  }
  for (const v1::RecordedEvent& e : response.events()) json ? PrintJson(e) : PrintEventLine(e);
  if (!json) {
    std::printf("(%d events; head at %llu)\n", response.events_size(),
                static_cast<unsigned long long>(response.head_position()));
  }
  return kExitOk;
}

int ReadStream(Args& args, const Connection& connection) {
  v1::ReadStreamRequest request;
  request.set_stream(args.Operand(0, "STREAM"));
  args.AtMost(1);
  request.set_from_revision(args.Uint("from"));
  request.set_page_size(static_cast<int32_t>(args.Int("limit", 100)));
  const bool json = args.Switch("json");
  v1::ReadStreamResponse response;
  if (int status = Call(args, connection, &AuditStub::ReadStream, request, &response); status != kExitOk) {
    return status;
  }
  for (const v1::RecordedEvent& e : response.events()) json ? PrintJson(e) : PrintEventLine(e);
  return kExitOk;
}

}  // namespace

std::vector<Command> AuditCommands() {
  const FlagSpec limit = {"limit", "N", "most events to print (default 100, at most 1000)"};
  return {
      {"audit history",
       "COMPLAINT-ID",
       "a case and every event of its stream, optionally as of a past point",
       "--json prints {\"complaint\": view}, then one {\"event\": record, \"data\": decoded} a line.",
       {{"as_of", "TIME|POSITION",
         "the case as it stood then: a log position, a time "
         "(2026-11-24T10:00:00Z) or a duration from now (-24h)"},
        MinPositionFlag()},
       History},
      {"audit verify",
       "",
       "recompute the hash chain; prints the head hash to record elsewhere",
       "Exit status 3 when the chain is broken (the first bad position is printed).",
       {{"from", "N", "first position (default 1)"}, {"to", "N", "last position (default: the head)"}},
       Verify},
      {"audit export",
       "[STREAM]",
       "NDJSON of the whole log, or of one stream, to stdout",
       "Pages through to the head as it stood when the export began; --json is implied.",
       {{"from", "N", "first position (a stream: first revision)"},
        {"page_size", "N", "events per call (default 1000, at most 1000)"}},
       Export},
      {"audit read-all",
       "",
       "one page of the log, one event a line",
       "",
       {{"from", "N", "first position"}, limit},
       ReadAll},
      {"audit read-stream",
       "STREAM",
       "one page of a stream, one event a line",
       "",
       {{"from", "N", "first revision"}, limit},
       ReadStream},
  };
}

}  // namespace closedloop::cli
