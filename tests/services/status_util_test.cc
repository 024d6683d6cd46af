#include "services/status_util.h"

#include <catch2/catch.hpp>

namespace closedloop::services {
namespace {

TEST_CASE("every absl status code maps to the gRPC code of the same meaning, message kept") {
  const std::vector<std::pair<absl::Status, grpc::StatusCode>> cases = {
      {absl::InvalidArgumentError("stream: bad"), grpc::StatusCode::INVALID_ARGUMENT},
      {absl::NotFoundError("x"), grpc::StatusCode::NOT_FOUND},
      {absl::AlreadyExistsError("x"), grpc::StatusCode::ALREADY_EXISTS},
      {absl::FailedPreconditionError("x"), grpc::StatusCode::FAILED_PRECONDITION},
      {absl::AbortedError("x"), grpc::StatusCode::ABORTED},
      {absl::PermissionDeniedError("x"), grpc::StatusCode::PERMISSION_DENIED},
      {absl::UnauthenticatedError("x"), grpc::StatusCode::UNAUTHENTICATED},
      {absl::ResourceExhaustedError("x"), grpc::StatusCode::RESOURCE_EXHAUSTED},
      {absl::UnavailableError("x"), grpc::StatusCode::UNAVAILABLE},
      {absl::OutOfRangeError("x"), grpc::StatusCode::OUT_OF_RANGE},
      {absl::DataLossError("x"), grpc::StatusCode::DATA_LOSS},
      {absl::InternalError("x"), grpc::StatusCode::INTERNAL},
      {absl::CancelledError("x"), grpc::StatusCode::CANCELLED},
      {absl::DeadlineExceededError("x"), grpc::StatusCode::DEADLINE_EXCEEDED},
  };
  for (const auto& [status, code] : cases) {
    grpc::Status mapped = ToGrpcStatus(status);
    CHECK(mapped.error_code() == code);
    CHECK(mapped.error_message() == std::string(status.message()));
  }
  CHECK(ToGrpcStatus(absl::OkStatus()).ok());
}

}  // namespace
}  // namespace closedloop::services
