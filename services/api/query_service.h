// QueryService: reads for superheroes, departments, dashboards and auditors, answered from the
// projections (GetComplaint as of a point folds the complaint's stream instead).
#ifndef CLOSEDLOOP_SERVICES_API_QUERY_SERVICE_H_
#define CLOSEDLOOP_SERVICES_API_QUERY_SERVICE_H_

#include <functional>

#include "absl/time/time.h"
#include "closedloop/v1/query_service.grpc.pb.h"
#include "services/access/authorization.h"
#include "services/projections/projections.h"
#include "services/api/stream_limiter.h"
#include "storage/event_log.h"

namespace closedloop::services {

// Synchronous API: queries are short reads under a shared lock; WatchBoard parks its own
// thread between changes, as AuditService.Subscribe does.
class QueryServiceImpl final : public v1::QueryService::Service {
 public:
  QueryServiceImpl(storage::EventLog& log, Projections& projections,
                   std::function<absl::Time()> clock, const Authorizer& authorizer,
                   StreamLimiter& streams)
      : log_(log),
        projections_(projections),
        clock_(std::move(clock)),
        authorizer_(authorizer),
        streams_(streams) {}

  grpc::Status GetComplaint(grpc::ServerContext* context, const v1::GetComplaintRequest* request,
                            v1::ComplaintView* response) override;
  grpc::Status ListComplaints(grpc::ServerContext* context,
                              const v1::ListComplaintsRequest* request,
                              v1::ListComplaintsResponse* response) override;
  grpc::Status GetSuperheroBoard(grpc::ServerContext* context,
                                 const v1::GetSuperheroBoardRequest* request,
                                 v1::SuperheroBoard* response) override;
  grpc::Status GetDeadlineBoard(grpc::ServerContext* context,
                                const v1::GetDeadlineBoardRequest* request,
                                v1::DeadlineBoard* response) override;
  grpc::Status GetDepartmentCatalog(grpc::ServerContext* context,
                                    const v1::GetDepartmentCatalogRequest* request,
                                    v1::DepartmentCatalog* response) override;
  grpc::Status GetCustomerHistory(grpc::ServerContext* context,
                                  const v1::GetCustomerHistoryRequest* request,
                                  v1::CustomerHistory* response) override;
  grpc::Status GetMetrics(grpc::ServerContext* context, const v1::GetMetricsRequest* request,
                          v1::Metrics* response) override;
  grpc::Status GetProblemBoard(grpc::ServerContext* context,
                               const v1::GetProblemBoardRequest* request,
                               v1::ProblemBoard* response) override;
  grpc::Status WatchBoard(grpc::ServerContext* context, const v1::WatchBoardRequest* request,
                          grpc::ServerWriter<v1::BoardUpdate>* writer) override;

 private:
  // Authorizes the call, checks the projections follow the log, and waits for `min_position`
  // within the call's deadline: the caller.
  absl::StatusOr<domain::Caller> Ready(grpc::ServerContext* context, const char* method,
                                       uint64_t min_position);

  storage::EventLog& log_;
  Projections& projections_;
  const std::function<absl::Time()> clock_;
  const Authorizer& authorizer_;
  StreamLimiter& streams_;
};

}  // namespace closedloop::services

#endif  // CLOSEDLOOP_SERVICES_API_QUERY_SERVICE_H_
