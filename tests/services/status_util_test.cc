#include "services/api/status_util.h"

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

TEST_CASE("a message over 1 KiB reaches the client cut, with a marker, on a character boundary") {
  const std::string short_enough(kMaxErrorMessageBytes, 'x');
  CHECK(ToGrpcStatus(absl::InvalidArgumentError(short_enough)).error_message() == short_enough);

  const std::string path = "directory: /" + std::string(60 * 1024, 'a') + " already exists";
  const grpc::Status capped = ToGrpcStatus(absl::AlreadyExistsError(path));
  CHECK(capped.error_code() == grpc::StatusCode::ALREADY_EXISTS);
  CHECK(capped.error_message().size() <= kMaxErrorMessageBytes);
  CHECK(capped.error_message().rfind("directory: /aaa", 0) == 0);
  CHECK(capped.error_message().find("more bytes cut]") != std::string::npos);

  // Two-byte characters throughout: the cut never splits one.
  std::string umlauts;
  for (int i = 0; i < 2000; ++i) umlauts += "\xc3\xa4";
  const std::string cut = ToGrpcStatus(absl::InvalidArgumentError(umlauts)).error_message();
  const size_t kept = cut.find("...");
  REQUIRE(kept != std::string::npos);
  CHECK(kept % 2 == 0);
  CHECK(cut.size() <= kMaxErrorMessageBytes);
}

}  // namespace
}  // namespace closedloop::services
