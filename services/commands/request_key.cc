#include "services/commands/request_key.h"

#include <memory>

#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "google/protobuf/io/coded_stream.h"
#include "google/protobuf/io/zero_copy_stream_impl_lite.h"
#include "storage/record_hash.h"

namespace closedloop::services {
namespace {

// Bytes of the principal's digest in the log's request id: 16 bytes (32 hex digits) keep the
// id short and make a collision between two principals practically impossible.
constexpr size_t kPrincipalDigestBytes = 16;

std::string DeterministicBytes(const google::protobuf::Message& message) {
  std::string bytes;
  {
    google::protobuf::io::StringOutputStream stream(&bytes);
    google::protobuf::io::CodedOutputStream coded(&stream);
    coded.SetSerializationDeterministic(true);
    message.SerializeToCodedStream(&coded);
  }
  return bytes;
}

}  // namespace

RequestKey ClientRequestKey(const domain::Caller& caller, absl::string_view method,
                            const google::protobuf::Message& request,
                            const std::string& request_id) {
  RequestKey key;
  if (request_id.empty()) return key;
  const std::string principal = storage::Sha256(caller.principal).substr(0, kPrincipalDigestBytes);
  key.id = absl::StrCat("c/", absl::BytesToHexString(principal), "/", request_id);
  std::unique_ptr<google::protobuf::Message> sent(request.New());
  sent->CopyFrom(request);
  if (const google::protobuf::FieldDescriptor* field =
          sent->GetDescriptor()->FindFieldByName("request_id")) {
    sent->GetReflection()->ClearField(sent.get(), field);
  }
  std::string content = absl::StrCat(method.size(), ":", method);
  content.append(DeterministicBytes(*sent));
  key.digest = storage::Sha256(content);
  return key;
}

absl::Status ReusedError(const RequestKey& request) {
  return absl::AlreadyExistsError(absl::StrCat("request_id: '", SentIdOf(request.id),
                                               "' was already used for another request"));
}

absl::string_view SentIdOf(absl::string_view log_id) {
  constexpr size_t kPrefix = 2 + 2 * kPrincipalDigestBytes + 1;  // "c/" hex "/"
  if (log_id.size() > kPrefix && absl::StartsWith(log_id, "c/") && log_id[kPrefix - 1] == '/') {
    return log_id.substr(kPrefix);
  }
  return log_id;
}

}  // namespace closedloop::services
