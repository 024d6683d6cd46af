// Reading protobuf text-format files (the configuration, the token file) with errors that say
// where: "tokens: line 3, column 7: Expected identifier".
#ifndef CLOSEDLOOP_SERVICES_DAEMON_TEXT_PROTO_H_
#define CLOSEDLOOP_SERVICES_DAEMON_TEXT_PROTO_H_

#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "google/protobuf/message.h"

namespace closedloop::services {

// Parses `text` into `message`; INVALID_ARGUMENT "<what>: line L, column C: ..." otherwise.
absl::Status ParseTextProto(const std::string& text, absl::string_view what,
                            google::protobuf::Message& message);

// The whole file at `path`; NOT_FOUND "<what>: cannot read <path>" when it cannot be read.
absl::StatusOr<std::string> ReadWholeFile(const std::string& path, absl::string_view what);

}  // namespace closedloop::services

#endif  // CLOSEDLOOP_SERVICES_DAEMON_TEXT_PROTO_H_
