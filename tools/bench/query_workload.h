// The read side over a large store, as issue 17's benchmark asks: every query a dashboard, a
// superhero or an agent on a repeat call makes, timed from several client threads against a
// running server. Used by closedloop_replay_bench's `queries` workload on a generated store.
//
//   row                    the call
//   ---------------------  ----------------------------------------------------------------
//   superhero_board        GetSuperheroBoard of the owner with the most open cases
//   deadline_board_4h      GetDeadlineBoard, 4 h window
//   metrics_30d            GetMetrics of the cases filed in the last 30 days
//   catalog                GetDepartmentCatalog, every department
//   customer_history       GetCustomerHistory of a sampled case's customer (a new one per call)
//   get_complaint          GetComplaint of a sampled case
//   list <filter> p1 / pN  ListComplaints with one documented filter: its first page, and a
//                          later page (the 10th, or the last one there is) by page_token
//   list <ref> p1          ListComplaints by customer_ref, order_ref, external_ref or
//                          customer_contact of a sampled case (a new one per call)
//   list as <department>   ListComplaints as a department (the cases it may read: attributed
//     <filter> p1 / pN     to it or holding a task for it), with no filter, the open states,
//                          or a filing range; with a department channel only
//
// Sampled cases: a page each of the newest open cases, the newest closed ones, and the cases
// filed 2-3 days before the server's present.
#ifndef CLOSEDLOOP_TOOLS_BENCH_QUERY_WORKLOAD_H_
#define CLOSEDLOOP_TOOLS_BENCH_QUERY_WORKLOAD_H_

#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/time/time.h"
#include "closedloop/v1/query_service.grpc.pb.h"
#include "grpcpp/channel.h"

namespace closedloop::bench {

struct QueryWorkloadOptions {
  int threads = 4;
  absl::Duration each = absl::Seconds(3);  // how long each row runs
  // The server's clock: "the last 30 days" and the sampled filing window are relative to it.
  std::function<absl::Time()> clock = [] { return absl::Now(); };
  // A channel calling as `department`'s role (bench/bearer_channel.h), for its scoped lists;
  // none: no such rows.
  std::shared_ptr<grpc::Channel> department_channel;
  std::string department = "warehouse";
};

// What a call needs from a sampled case.
struct Sample {
  std::string id;
  std::string customer_ref;
  std::string order_ref;
  std::string external_ref;
  std::string contact;
  std::string market;
};

// The sampled cases (above), as of the server's present `now`.
std::vector<Sample> SampleCases(v1::QueryService::Stub& stub, absl::Time now);

// The owner with the most open cases, and that count.
std::pair<std::string, int> BusiestOwner(v1::QueryService::Stub& stub);

// Runs every row against the server behind `channel` and prints a table of latencies.
void RunQueryWorkload(const std::shared_ptr<grpc::Channel>& channel,
                      const QueryWorkloadOptions& options);

}  // namespace closedloop::bench

#endif  // CLOSEDLOOP_TOOLS_BENCH_QUERY_WORKLOAD_H_
