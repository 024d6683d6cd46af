// libFuzzer target: what a caller sends. The first byte picks an RPC, the rest is its request
// in protobuf wire format, handed to the real service handler in process (as gRPC would after
// decoding): authorization, validation, building the command, deciding it against the case's
// state, appending to a real log. Nothing may crash, and a refused command must append
// nothing. The log starts with a few cases, a task and a problem, so commands have something
// to act on.
//
// CLOSEDLOOP_FUZZ_WRITE_SEEDS=<dir> writes both fuzzers' seed corpora and exits (see WriteSeeds).
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "google/protobuf/stubs/logging.h"
#include "google/protobuf/text_format.h"
#include "services/api/audit_service.h"
#include "services/commands/complaint_commands.h"
#include "services/projections/complaint_lookup.h"
#include "services/api/complaint_service.h"
#include "services/daemon/config.h"
#include "services/commands/problem_commands.h"
#include "services/api/problem_service.h"
#include "storage/event_log.h"

namespace {

using namespace closedloop;  // NOLINT: a fuzz target's main file

const absl::Time kNow = absl::FromUnixSeconds(1793610000);  // 2026-11-02 09:00 UTC

void Check(bool ok) {
  if (!ok) std::abort();  // an invariant broke: libFuzzer reports the input
}

// The server's parts, over a log in a fresh directory (tmpfs when there is one: every accepted
// command is a synced append).
struct Harness {
  Harness() {
    const char* base = std::filesystem::is_directory("/dev/shm") ? "/dev/shm" : "/tmp";
    dir = absl::StrCat(base, "/closedloop-fuzz-", getpid());
    std::filesystem::remove_all(dir);
    storage::EventLogOptions options;
    options.path = dir;
    options.clock = [] { return kNow; };
    log = *storage::EventLog::Open(options);
    auto clock = [] { return kNow; };
    complaints = std::make_unique<services::ComplaintCommands>(*log, clock, config.sla_policy(),
                                                               config.directory());
    problems = std::make_unique<services::ProblemCommands>(*log, clock, config.directory());
    complaint_service = std::make_unique<services::ComplaintServiceImpl>(*complaints, *problems, *authorizer);
    problem_service = std::make_unique<services::ProblemServiceImpl>(*problems, *authorizer);
    audit_service = std::make_unique<services::AuditServiceImpl>(*log, *authorizer, streams);
  }
  ~Harness() {
    log.reset();
    std::filesystem::remove_all(dir);
  }

  std::string dir;
  v1::Config config = services::DefaultConfig();
  std::shared_ptr<const services::Authorizer> authorizer = services::Authorizer::InsecureLocal();
  services::StreamLimiter streams;
  std::unique_ptr<storage::EventLog> log;
  std::unique_ptr<services::ComplaintCommands> complaints;
  std::unique_ptr<services::ProblemCommands> problems;
  std::unique_ptr<services::ComplaintServiceImpl> complaint_service;
  std::unique_ptr<services::ProblemServiceImpl> problem_service;
  std::unique_ptr<services::AuditServiceImpl> audit_service;
};

struct Rpc {
  const char* name;
  const char* seed;  // a valid request in text format
  std::function<void(Harness&, const std::string& bytes)> run;
};

// A command handler: decoded, run; refused means nothing appended.
template <typename Service, typename Request, typename Response>
std::function<void(Harness&, const std::string&)> Command(
    std::unique_ptr<Service> Harness::*service,
    grpc::Status (Service::*method)(grpc::ServerContext*, const Request*, Response*),
    bool atomic = true) {
  return [=](Harness& h, const std::string& bytes) {
    Request request;
    if (!request.ParseFromString(bytes)) return;  // gRPC answers this itself
    grpc::ServerContext context;
    Response response;
    const uint64_t head = h.log->HeadPosition();
    const grpc::Status status = ((*(h.*service)).*method)(&context, &request, &response);
    Check(status.error_code() != grpc::StatusCode::UNKNOWN &&
          status.error_code() != grpc::StatusCode::INTERNAL &&
          status.error_code() != grpc::StatusCode::DATA_LOSS);
    if (!status.ok() && atomic) Check(h.log->HeadPosition() == head);
    Check(h.log->HeadPosition() >= head);
  };
}

template <typename Request, typename Response>
std::function<void(Harness&, const std::string&)> Audit(
    grpc::Status (services::AuditServiceImpl::*method)(grpc::ServerContext*, const Request*, Response*)) {
  return Command(&Harness::audit_service, method);
}

using CS = services::ComplaintServiceImpl;
using PS = services::ProblemServiceImpl;
using AS = services::AuditServiceImpl;

const std::vector<Rpc>& Rpcs() {
  static const std::vector<Rpc> kRpcs = {
      {"FileComplaints",
       "filings { complaint { channel: CHANNEL_SOCIAL kind: ITEM_KIND_COMPLAINT "
       "customer_ref: 'c9' customer_contact: '+49 1' market: 'DE' language: 'de' text: 'late' } }",
       Command(&Harness::complaint_service, &CS::FileComplaints)},
      {"TriageComplaint",
       "complaint_id: 'CL-1' kind: ITEM_KIND_COMPLAINT category: 'sofa' severity: SEVERITY_HIGH "
       "department: 'delivery' root_cause_code: 'RC-2'",
       Command(&Harness::complaint_service, &CS::TriageComplaint)},
      {"AssignComplaint", "complaint_id: 'CL-1' owner: 'bob'",
       Command(&Harness::complaint_service, &CS::AssignComplaint)},
      {"RecordCustomerContact",
       "complaint_id: 'CL-2' method: CONTACT_METHOD_PHONE outcome: CONTACT_OUTCOME_REACHED summary: 'ok'",
       Command(&Harness::complaint_service, &CS::RecordCustomerContact)},
      {"AddComment", "complaint_id: 'CL-1' visibility: VISIBILITY_PUBLIC author: 'anna' text: 'hi'",
       Command(&Harness::complaint_service, &CS::AddComment)},
      {"OpenTask",
       "complaint_id: 'CL-1' department: 'warehouse' description: 'legs' due { seconds: 1793700000 }",
       Command(&Harness::complaint_service, &CS::OpenTask)},
      {"RespondToTask", "complaint_id: 'CL-1' task_id: 'T1' response: 'in stock'",
       Command(&Harness::complaint_service, &CS::RespondToTask)},
      {"CompleteTask", "complaint_id: 'CL-1' task_id: 'T1' outcome: 'sent'",
       Command(&Harness::complaint_service, &CS::CompleteTask)},
      {"Escalate", "complaint_id: 'CL-1' to: 'cxo' reason: 'slow'",
       Command(&Harness::complaint_service, &CS::Escalate)},
      {"ResolveComplaint",
       "complaint_id: 'CL-2' resolution: 'refund' remedy { type: REMEDY_TYPE_REFUND amount { "
       "currency: 'EUR' amount_minor: 2000 } } root_cause: 'carrier'",
       Command(&Harness::complaint_service, &CS::ResolveComplaint)},
      {"CloseComplaint", "complaint_id: 'CL-2' customer_confirmed: true",
       Command(&Harness::complaint_service, &CS::CloseComplaint)},
      {"ReopenComplaint", "complaint_id: 'CL-2' reason: 'broke again'",
       Command(&Harness::complaint_service, &CS::ReopenComplaint)},
      {"RedirectToSupport", "complaint_id: 'CL-3' reason: 'a question, not a complaint'",
       Command(&Harness::complaint_service, &CS::RedirectToSupport)},
      {"LinkToProblem", "complaint_id: 'CL-1' problem_id: 'PR-1'",
       Command(&Harness::complaint_service, &CS::LinkToProblem, /*atomic=*/false)},
      {"RecordSurvey", "complaint_id: 'CL-2' nps: 9 csat: 5 comment: 'quick'",
       Command(&Harness::complaint_service, &CS::RecordSurvey)},
      {"OpenProblem", "department: 'warehouse' description: 'legs break' source: PROBLEM_SOURCE_COMPLAINTS",
       Command(&Harness::problem_service, &PS::OpenProblem)},
      {"AddActionItem",
       "problem_id: 'PR-1' description: 'pad legs' owner: 'wes' due { seconds: 1794000000 }",
       Command(&Harness::problem_service, &PS::AddActionItem)},
      {"CompleteActionItem", "problem_id: 'PR-1' item_id: 'A1' outcome: 'padded'",
       Command(&Harness::problem_service, &PS::CompleteActionItem)},
      {"MarkFixed", "problem_id: 'PR-1' summary: 'padded'", Command(&Harness::problem_service, &PS::MarkFixed)},
      {"VerifyFix", "problem_id: 'PR-1' evidence: 'no breaks'", Command(&Harness::problem_service, &PS::VerifyFix)},
      {"ReadStream", "stream: 'complaint-CL-1' page_size: 5", Audit(&AS::ReadStream)},
      {"ReadAll", "from_position: 2 page_size: 3 filter { stream_prefix: 'complaint-' }", Audit(&AS::ReadAll)},
      {"VerifyChain", "from_position: 1", Audit(&AS::VerifyChain)},
      {"GetComplaintAsOf", "complaint_id: 'CL-1' as_of_position: 6",
       [](Harness& h, const std::string& bytes) {
         v1::GetComplaintRequest request;
         if (!request.ParseFromString(bytes)) return;
         if (request.as_of_case() == v1::GetComplaintRequest::AS_OF_NOT_SET) return;
         (void)services::ComplaintAsOf(*h.log, request);
       }},
  };
  return kRpcs;
}

// A seed in wire format: `text` parsed as the request type of the RPC named `name`.
template <typename Request>
std::string Wire(const char* text) {
  Request request;
  if (!google::protobuf::TextFormat::ParseFromString(text, &request)) std::abort();
  return request.SerializeAsString();
}

std::string SeedBytes(const std::string& name, const char* text) {
  if (name == "FileComplaints") return Wire<v1::FileComplaintsRequest>(text);
  if (name == "TriageComplaint") return Wire<v1::TriageComplaintRequest>(text);
  if (name == "AssignComplaint") return Wire<v1::AssignComplaintRequest>(text);
  if (name == "RecordCustomerContact") return Wire<v1::RecordCustomerContactRequest>(text);
  if (name == "AddComment") return Wire<v1::AddCommentRequest>(text);
  if (name == "OpenTask") return Wire<v1::OpenTaskRequest>(text);
  if (name == "RespondToTask") return Wire<v1::RespondToTaskRequest>(text);
  if (name == "CompleteTask") return Wire<v1::CompleteTaskRequest>(text);
  if (name == "Escalate") return Wire<v1::EscalateRequest>(text);
  if (name == "ResolveComplaint") return Wire<v1::ResolveComplaintRequest>(text);
  if (name == "CloseComplaint") return Wire<v1::CloseComplaintRequest>(text);
  if (name == "ReopenComplaint") return Wire<v1::ReopenComplaintRequest>(text);
  if (name == "RedirectToSupport") return Wire<v1::RedirectToSupportRequest>(text);
  if (name == "LinkToProblem") return Wire<v1::LinkToProblemRequest>(text);
  if (name == "RecordSurvey") return Wire<v1::RecordSurveyRequest>(text);
  if (name == "OpenProblem") return Wire<v1::OpenProblemRequest>(text);
  if (name == "AddActionItem") return Wire<v1::AddActionItemRequest>(text);
  if (name == "CompleteActionItem") return Wire<v1::CompleteActionItemRequest>(text);
  if (name == "MarkFixed") return Wire<v1::MarkFixedRequest>(text);
  if (name == "VerifyFix") return Wire<v1::VerifyFixRequest>(text);
  if (name == "ReadStream") return Wire<v1::ReadStreamRequest>(text);
  if (name == "ReadAll") return Wire<v1::ReadAllRequest>(text);
  if (name == "VerifyChain") return Wire<v1::VerifyChainRequest>(text);
  if (name == "GetComplaintAsOf") return Wire<v1::GetComplaintRequest>(text);
  std::abort();
}

// The harness: three cases, a warehouse task on CL-1 and a problem. Replaced by a fresh one
// every kInputsPerLog inputs, so the log (in memory, on tmpfs) stays small however long the
// fuzzer runs.
constexpr int kInputsPerLog = 20000;
std::unique_ptr<Harness> harness;
int inputs_on_harness = 0;

Harness& TheHarness() {
  if (harness == nullptr || inputs_on_harness == kInputsPerLog) {
    harness.reset();
    harness = std::make_unique<Harness>();
    inputs_on_harness = 0;
    for (const char* name : {"FileComplaints", "FileComplaints", "FileComplaints", "OpenTask", "OpenProblem"}) {
      for (const Rpc& rpc : Rpcs()) {
        if (rpc.name == std::string(name)) rpc.run(*harness, SeedBytes(name, rpc.seed));
      }
    }
    // libFuzzer ends with exit(): the last harness's directory goes then.
    static const bool cleanup = std::atexit([] { harness.reset(); }) == 0;
    (void)cleanup;
  }
  return *harness;
}

// Writes <dir>/request/<rpc>: one valid request per RPC; and <dir>/event/<stream>: the records
// those requests left in the log, per stream and all together, in event_fuzzer's framing.
void WriteSeeds(const std::string& dir) {
  std::filesystem::create_directories(dir + "/request");
  std::filesystem::create_directories(dir + "/event");
  Harness& h = TheHarness();
  for (size_t i = 0; i < Rpcs().size(); ++i) {
    const std::string bytes = SeedBytes(Rpcs()[i].name, Rpcs()[i].seed);
    std::ofstream(absl::StrCat(dir, "/request/", Rpcs()[i].name), std::ios::binary)
        << static_cast<char>(i) << bytes;
    Rpcs()[i].run(h, bytes);
  }
  std::map<std::string, std::string> framed;  // stream -> its records, length-prefixed
  absl::StatusOr<storage::ReadAllResult> all = h.log->ReadAll(1, 10000, {}, 10000);
  Check(all.ok());
  for (const storage::RecordedEvent& record : all->events) {
    const std::string bytes = record.SerializeAsString();
    Check(bytes.size() < 65536);
    const std::string frame = std::string(1, static_cast<char>(bytes.size() >> 8)) +
                              static_cast<char>(bytes.size() & 0xff) + bytes;
    framed[record.stream()] += frame;
    framed["all"] += frame;
  }
  for (const auto& [stream, bytes] : framed) {
    std::ofstream(absl::StrCat(dir, "/event/", stream), std::ios::binary) << bytes;
  }
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  // Every undecodable string would be logged; the fuzzer makes millions of them.
  google::protobuf::SetLogHandler(nullptr);
  if (const char* dir = std::getenv("CLOSEDLOOP_FUZZ_WRITE_SEEDS")) {
    WriteSeeds(dir);
    std::exit(0);
  }
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const std::vector<Rpc>& rpcs = Rpcs();
  const Rpc& rpc = rpcs[data[0] % rpcs.size()];
  Harness& h = TheHarness();
  ++inputs_on_harness;
  rpc.run(h, std::string(reinterpret_cast<const char*>(data + 1), size - 1));
  return 0;
}
