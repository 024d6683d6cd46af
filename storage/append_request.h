// Validation of append requests and the helpers the log implementations share.
#ifndef CLOSEDLOOP_STORAGE_APPEND_REQUEST_H_
#define CLOSEDLOOP_STORAGE_APPEND_REQUEST_H_

#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "storage/event_log.h"

namespace closedloop::storage {

// INVALID_ARGUMENT naming the field, or OK.
absl::Status ValidateStreamName(std::string_view stream);
absl::Status ValidateAppendRequest(const AppendRequest& request);

// SHA-256 of what the request asks to write; equal digests mean a retry of the same append.
std::string RequestDigest(const AppendRequest& request);

// ABORTED, carrying `actual` for ActualRevisionOf().
absl::Status WrongRevisionError(const std::string& stream, const ExpectedRevision& expected,
                                uint64_t actual);

}  // namespace closedloop::storage

#endif  // CLOSEDLOOP_STORAGE_APPEND_REQUEST_H_
