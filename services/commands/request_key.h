// RequestKey: how a request id is known to the event log.
//
// A caller's request id belongs to the principal that sent it. The log keeps it as
// "c/<digest of the principal>/<id>", so two callers may use one id independently, one can
// never learn of or reach another's request through an id, and no caller can reach an internal
// request id ("timer/..."), which never starts with "c/". The key's digest covers what the
// caller sent (the RPC and its request without the id), not what the server chose (an assigned
// complaint id, a stream): the same id with another request is refused with ALREADY_EXISTS,
// and a retry is recognised even when it would be decided anew.
#ifndef CLOSEDLOOP_SERVICES_COMMANDS_REQUEST_KEY_H_
#define CLOSEDLOOP_SERVICES_COMMANDS_REQUEST_KEY_H_

#include <string>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "domain/access.h"
#include "google/protobuf/message.h"

namespace closedloop::services {

struct RequestKey {
  RequestKey() = default;
  // An internal request id (the timer's, a tool's), used as is: a retry is recognised by the
  // content of its append.
  RequestKey(std::string log_id) : id(std::move(log_id)) {}  // NOLINT: implicit on purpose
  RequestKey(const char* log_id) : id(log_id) {}              // NOLINT

  std::string id;      // the log's request id; empty = the request has none
  std::string digest;  // what the caller sent; empty = compare the appended content
};

// The key of `request_id` sent by `caller` with `request` to the RPC `method`; an empty key
// when `request_id` is empty. `request` is hashed without its request_id field.
RequestKey ClientRequestKey(const domain::Caller& caller, absl::string_view method,
                            const google::protobuf::Message& request,
                            const std::string& request_id);

// ALREADY_EXISTS for a request id used before for another request. It names neither the
// earlier request nor its case.
absl::Status ReusedError(const RequestKey& request);

// The request id as its sender sent it: `log_id` without the "c/<digest>/" of a caller's key.
absl::string_view SentIdOf(absl::string_view log_id);

}  // namespace closedloop::services

#endif  // CLOSEDLOOP_SERVICES_COMMANDS_REQUEST_KEY_H_
