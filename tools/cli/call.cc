#include "tools/cli/call.h"

#include <cstdint>
#include <random>

#include "absl/strings/escaping.h"

namespace closedloop::cli {

FlagSpec RequestIdFlag() {
  return {"request_id", "ID",
          "idempotency key (default: a random one); repeating a command "
          "with the same id records it once"};
}

std::string RequestId(const Args& args) {
  if (args.Has("request_id")) return args.String("request_id");
  std::random_device device;
  std::string bytes;
  for (int i = 0; i < 4; ++i) {
    const uint32_t word = device();
    bytes.append(reinterpret_cast<const char*>(&word), sizeof word);
  }
  return absl::BytesToHexString(bytes);
}

grpc::Status WithRetryHint(const grpc::Status& status, const std::string& request_id) {
  const grpc::StatusCode code = status.error_code();
  if (code != grpc::StatusCode::UNAVAILABLE && code != grpc::StatusCode::DEADLINE_EXCEEDED &&
      code != grpc::StatusCode::ABORTED) {
    return status;
  }
  return grpc::Status(
      code, absl::StrCat(status.error_message(), " (retry safely with --request_id=", request_id, ")"));
}

}  // namespace closedloop::cli
