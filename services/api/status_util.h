// The one place where absl::Status becomes grpc::Status. absl's codes match gRPC's one to one,
// so the mapping keeps the code and the message; nothing else in the code knows grpc::Status.
//
// The message is capped: it travels in the response's trailers, and one that echoes a huge
// input (a 60 KB path, say) would exceed what the client accepts as metadata, so the caller
// would see no answer at all until its deadline. A longer message keeps its first bytes and
// says how much was cut.
#ifndef CLOSEDLOOP_SERVICES_API_STATUS_UTIL_H_
#define CLOSEDLOOP_SERVICES_API_STATUS_UTIL_H_

#include <cstddef>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "grpcpp/support/status.h"

namespace closedloop::services {

// The longest message a client receives, marker included.
inline constexpr size_t kMaxErrorMessageBytes = 1024;

// `message` if it fits in kMaxErrorMessageBytes; else its start, cut on a UTF-8 character
// boundary, and a marker naming the bytes left out.
inline std::string CappedMessage(absl::string_view message) {
  if (message.size() <= kMaxErrorMessageBytes) return std::string(message);
  // The marker's length with the largest count a message could have.
  constexpr size_t kMarkerRoom = 40;
  size_t cut = kMaxErrorMessageBytes - kMarkerRoom;
  while (cut > 0 && (static_cast<unsigned char>(message[cut]) & 0xC0) == 0x80) --cut;
  return absl::StrCat(message.substr(0, cut), "... [", message.size() - cut, " more bytes cut]");
}

inline grpc::Status ToGrpcStatus(const absl::Status& status) {
  if (status.ok()) return grpc::Status::OK;
  return grpc::Status(static_cast<grpc::StatusCode>(status.code()),
                      CappedMessage(status.message()));
}

}  // namespace closedloop::services

#endif  // CLOSEDLOOP_SERVICES_API_STATUS_UTIL_H_
