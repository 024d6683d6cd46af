// Validation and helpers for AppendRequest, ExpectedRevision and EventFilter.
#include "storage/append_request.h"

#include <algorithm>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "storage/record_hash.h"

namespace closedloop::storage {
namespace {

constexpr char kActualRevisionPayload[] = "closedloop.v1/actual_revision";

bool IsPrintableNoSpace(std::string_view s) {
  return std::all_of(s.begin(), s.end(), [](char c) { return c > ' ' && c < 0x7f; });
}

void AppendField(std::string& out, std::string_view s) {
  out.append(std::to_string(s.size()));
  out.push_back(':');
  out.append(s);
}

}  // namespace

bool ExpectedRevision::IsSatisfiedBy(uint64_t actual) const {
  switch (kind_) {
    case Kind::kAny:
      return true;
    case Kind::kNoStream:
      return actual == 0;
    case Kind::kStreamExists:
      return actual > 0;
    case Kind::kExact:
      return actual == revision_;
  }
  return false;
}

std::string ExpectedRevision::ToString() const {
  switch (kind_) {
    case Kind::kAny:
      return "any";
    case Kind::kNoStream:
      return "no stream";
    case Kind::kStreamExists:
      return "stream exists";
    case Kind::kExact:
      return absl::StrCat(revision_);
  }
  return "?";
}

bool EventFilter::Matches(const RecordedEvent& event) const {
  if (!absl::StartsWith(event.stream(), stream_prefix)) return false;
  if (event_types.empty()) return true;
  return std::find(event_types.begin(), event_types.end(), event.type()) != event_types.end();
}

absl::Status ValidateStreamName(std::string_view stream) {
  if (stream.empty()) return absl::InvalidArgumentError("stream: must not be empty");
  if (stream.size() > kMaxStreamNameBytes) {
    return absl::InvalidArgumentError(
        absl::StrCat("stream: longer than ", kMaxStreamNameBytes, " bytes"));
  }
  if (!IsPrintableNoSpace(stream)) {
    return absl::InvalidArgumentError("stream: only printable ASCII without spaces is allowed");
  }
  if (stream[0] == '$') return absl::InvalidArgumentError("stream: names starting with '$' are reserved");
  return absl::OkStatus();
}

absl::Status ValidateAppendRequest(const AppendRequest& request) {
  if (absl::Status s = ValidateStreamName(request.stream); !s.ok()) return s;
  if (request.request_id.size() > kMaxRequestIdBytes) {
    return absl::InvalidArgumentError(
        absl::StrCat("request_id: longer than ", kMaxRequestIdBytes, " bytes"));
  }
  if (!IsPrintableNoSpace(request.request_id)) {
    return absl::InvalidArgumentError("request_id: only printable ASCII without spaces is allowed");
  }
  if (request.events.empty()) return absl::InvalidArgumentError("events: at least one is required");
  if (request.events.size() > static_cast<size_t>(kMaxEventsPerAppend)) {
    return absl::InvalidArgumentError(
        absl::StrCat("events: more than ", kMaxEventsPerAppend, " in one append"));
  }
  for (size_t i = 0; i < request.events.size(); ++i) {
    const ProposedEvent& e = request.events[i];
    if (e.type().empty() || e.type().size() > kMaxEventTypeBytes || !IsPrintableNoSpace(e.type())) {
      return absl::InvalidArgumentError(absl::StrCat(
          "events[", i, "].type: must be 1 to ", kMaxEventTypeBytes,
          " bytes of printable ASCII without spaces"));
    }
    if (e.ByteSizeLong() > kMaxEventBytes) {
      return absl::InvalidArgumentError(
          absl::StrCat("events[", i, "]: larger than ", kMaxEventBytes, " bytes"));
    }
  }
  if (request.index_changes.size() > static_cast<size_t>(kMaxIndexChanges)) {
    return absl::InvalidArgumentError(
        absl::StrCat("index_changes: more than ", kMaxIndexChanges, " in one append"));
  }
  for (size_t i = 0; i < request.index_changes.size(); ++i) {
    const IndexChange& c = request.index_changes[i];
    if (c.key.empty() || c.key.size() > kMaxIndexKeyBytes) {
      return absl::InvalidArgumentError(
          absl::StrCat("index_changes[", i, "].key: must be 1 to ", kMaxIndexKeyBytes, " bytes"));
    }
    if (c.value.size() > kMaxEventBytes) {
      return absl::InvalidArgumentError(
          absl::StrCat("index_changes[", i, "].value: larger than ", kMaxEventBytes, " bytes"));
    }
  }
  return absl::OkStatus();
}

std::string RequestDigest(const AppendRequest& request) {
  std::string content;
  AppendField(content, request.stream);
  AppendField(content, request.expected.ToString());
  for (const ProposedEvent& e : request.events) {
    AppendField(content, e.type());
    AppendField(content, e.payload());
    AppendField(content, e.actor().principal());
    AppendField(content, e.actor().role());
  }
  // Index changes join the digest only when present, so digests of older receipts still match.
  if (!request.index_changes.empty()) AppendField(content, "index_changes");
  for (const IndexChange& c : request.index_changes) {
    AppendField(content, c.remove ? "-" : "+");
    AppendField(content, c.key);
    AppendField(content, c.value);
  }
  return Sha256(content);
}

absl::Status WrongRevisionError(const std::string& stream, const ExpectedRevision& expected,
                                uint64_t actual) {
  absl::Status status = absl::AbortedError(absl::StrCat(
      "stream '", stream, "' is at revision ", actual, ", expected ", expected.ToString()));
  status.SetPayload(kActualRevisionPayload, absl::Cord(absl::StrCat(actual)));
  return status;
}

std::optional<uint64_t> ActualRevisionOf(const absl::Status& status) {
  auto payload = status.GetPayload(kActualRevisionPayload);
  uint64_t revision = 0;
  if (!payload || !absl::SimpleAtoi(std::string(*payload), &revision)) return std::nullopt;
  return revision;
}

}  // namespace closedloop::storage
