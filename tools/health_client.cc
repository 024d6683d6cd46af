#include "tools/health_client.h"

#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/notification.h"
#include "grpcpp/client_context.h"
#include "grpcpp/generic/generic_stub.h"
#include "grpcpp/support/byte_buffer.h"

namespace closedloop::tools {
namespace {

constexpr char kCheckMethod[] = "/grpc.health.v1.Health/Check";

// HealthCheckResponse is one field: `ServingStatus status = 1` (a varint). Its wire form is
// small enough to read by hand, so the tools need no copy of the health .proto.
std::string StatusName(const std::string& wire) {
  int status = 0;  // proto3 omits the default, UNKNOWN
  if (wire.size() >= 2 && wire[0] == 0x08) status = static_cast<unsigned char>(wire[1]);
  switch (status) {
    case 1:
      return "SERVING";
    case 2:
      return "NOT_SERVING";
    case 3:
      return "SERVICE_UNKNOWN";
    default:
      return "UNKNOWN";
  }
}

}  // namespace

absl::StatusOr<std::string> CheckHealth(const std::shared_ptr<grpc::Channel>& channel,
                                        absl::Duration timeout) {
  grpc::GenericStub stub(channel);
  grpc::ClientContext context;
  context.set_deadline(absl::ToChronoTime(absl::Now() + timeout));
  // HealthCheckRequest{service: ""} encodes as no bytes; gRPC wants one (empty) slice.
  grpc::Slice empty_slice;
  grpc::ByteBuffer request(&empty_slice, 1);
  grpc::ByteBuffer response;
  grpc::Status status;
  absl::Notification done;
  stub.UnaryCall(&context, kCheckMethod, grpc::StubOptions(), &request, &response,
                 [&](grpc::Status s) {
                   status = std::move(s);
                   done.Notify();
                 });
  done.WaitForNotification();
  if (!status.ok()) {
    return absl::Status(static_cast<absl::StatusCode>(status.error_code()),
                        absl::StrCat("health check: ", status.error_message()));
  }
  std::vector<grpc::Slice> slices;
  std::string wire;
  if (response.Dump(&slices).ok()) {
    for (const grpc::Slice& slice : slices) {
      wire.append(reinterpret_cast<const char*>(slice.begin()), slice.size());
    }
  }
  return StatusName(wire);
}

}  // namespace closedloop::tools
