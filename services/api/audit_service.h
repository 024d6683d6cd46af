// AuditService: read-only access to the log for auditors and projections.
#ifndef CLOSEDLOOP_SERVICES_API_AUDIT_SERVICE_H_
#define CLOSEDLOOP_SERVICES_API_AUDIT_SERVICE_H_

#include "closedloop/v1/audit_service.grpc.pb.h"
#include "services/access/authorization.h"
#include "services/api/stream_limiter.h"
#include "storage/event_log.h"

namespace closedloop::services {

// Uses the synchronous API: every handler only reads, and Subscribe blocks its own thread
// while waiting for new events, which is what a sync server's thread pool is for.
class AuditServiceImpl final : public v1::AuditService::Service {
 public:
  AuditServiceImpl(storage::EventLog& log, const Authorizer& authorizer, StreamLimiter& streams)
      : log_(log), authorizer_(authorizer), streams_(streams) {}

  grpc::Status ReadStream(grpc::ServerContext* context, const v1::ReadStreamRequest* request,
                          v1::ReadStreamResponse* response) override;
  grpc::Status ReadAll(grpc::ServerContext* context, const v1::ReadAllRequest* request,
                       v1::ReadAllResponse* response) override;
  grpc::Status Subscribe(grpc::ServerContext* context, const v1::SubscribeRequest* request,
                         grpc::ServerWriter<v1::SubscribeResponse>* writer) override;
  grpc::Status VerifyChain(grpc::ServerContext* context, const v1::VerifyChainRequest* request,
                           v1::VerifyChainResponse* response) override;

 private:
  storage::EventLog& log_;
  const Authorizer& authorizer_;
  StreamLimiter& streams_;
};

}  // namespace closedloop::services

#endif  // CLOSEDLOOP_SERVICES_API_AUDIT_SERVICE_H_
