// LoadClient: one client thread of the end-to-end load (closedloop_load_bench). Over a real
// gRPC channel it keeps a pool of cases of its own in flight, walking each through its
// lifecycle (case_script.h), and mixes in the reads an agent's screen and a team lead's
// dashboards make.
//
// Each call to Call() makes one RPC, chosen like this:
//
//   share  rpc                        what
//   -----  -------------------------  ------------------------------------------------------
//   70 %   a command                  if the pool holds fewer than `pool` cases: file one
//                                     (FileComplaint; one time in 10 a FileComplaints batch
//                                     of 10 instead), else the next step of a random case of
//                                     the pool: TriageComplaint, RecordCustomerContact,
//                                     AddComment, AssignComplaint, OpenTask, RespondToTask,
//                                     CompleteTask, ResolveComplaint, CloseComplaint,
//                                     RecordSurvey (case_script.h gives their proportions:
//                                     about 9.9 commands per case, one of them the filing)
//   14 %   GetComplaint               a case of the pool (an agent opens the case), with
//                                     min_position at its last command (read your writes)
//    6 %   ListComplaints             one owner's open cases, first page of 50
//    6 %   GetSuperheroBoard          one owner's board
//    2 %   GetDeadlineBoard           the default window
//    2 %   GetMetrics                 all time
//
// --read_percent changes the 30 % (keeping the reads' proportions); --aggregates=false makes
// every read a GetComplaint.
//
// A failed step is counted under its status code and the case is dropped from the pool (a
// failure means the script and the server disagree, which the report must show).
#ifndef CLOSEDLOOP_TOOLS_BENCH_LOAD_CLIENT_H_
#define CLOSEDLOOP_TOOLS_BENCH_LOAD_CLIENT_H_

#include <cstdint>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "closedloop/v1/complaint_service.grpc.pb.h"
#include "closedloop/v1/query_service.grpc.pb.h"
#include "grpcpp/channel.h"
#include "tools/bench/case_script.h"
#include "tools/bench/load_stats.h"

namespace closedloop::bench {

// The kinds of call the load makes, as numbered in a LoadRecord.
enum Rpc : int {
  kFileComplaint,
  kFileComplaints,
  kTriage,
  kContact,
  kComment,
  kAssign,
  kOpenTask,
  kRespondTask,
  kCompleteTask,
  kResolve,
  kClose,
  kSurvey,
  kGetComplaint,
  kListComplaints,
  kSuperheroBoard,
  kDeadlineBoard,
  kGetMetrics,
  kRpcCount,
};
constexpr int kFirstRead = kGetComplaint;

// The RPC names, indexed by Rpc.
const std::vector<std::string>& RpcNames();

class LoadClient {
 public:
  // `seed` makes each thread's choices its own; `pool` is how many cases it keeps in flight;
  // `read_percent` of the calls are reads (30 as in the table; the reads keep their
  // proportions among themselves, and 0 makes every call a command).
  // `aggregates` false makes every read a GetComplaint (no list, board or metrics).
  LoadClient(const std::shared_ptr<grpc::Channel>& channel, uint64_t seed, int pool,
             int read_percent = 30, bool aggregates = true);

  // Makes one call and records it.
  void Call(LoadRecord& record);

 private:
  CaseWalk Walk(const v1::CommandResponse& filed);
  void File(LoadRecord& record);
  void Advance(LoadRecord& record);
  void Read(int percent, LoadRecord& record);

  std::unique_ptr<v1::ComplaintService::Stub> commands_;
  std::unique_ptr<v1::QueryService::Stub> queries_;
  std::mt19937_64 rng_;
  const int pool_size_;
  const int read_percent_;
  const bool aggregates_;
  std::vector<CaseWalk> pool_;
  uint64_t filed_ = 0;
};

}  // namespace closedloop::bench

#endif  // CLOSEDLOOP_TOOLS_BENCH_LOAD_CLIENT_H_
