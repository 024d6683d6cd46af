#include "services/api/audit_service.h"

#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "services/api/request_checks.h"
#include "services/api/status_util.h"

namespace closedloop::services {
namespace {

constexpr int kDefaultPageSize = 100;
constexpr int kMaxPageSize = 1000;
// A filtered ReadAll examines at most this many events per call, so one call stays cheap.
constexpr size_t kMaxScannedPerRead = 10000;
constexpr int kMaxFilterTypes = 100;
// How often a waiting Subscribe checks whether its client went away.
constexpr absl::Duration kSubscribePoll = absl::Milliseconds(200);
constexpr size_t kSubscribeBatch = 256;

absl::StatusOr<size_t> PageSize(int requested) {
  if (requested < 0) {
    return absl::InvalidArgumentError(absl::StrCat("page_size: must not be negative, got ", requested));
  }
  if (requested == 0) return kDefaultPageSize;
  return std::min(requested, kMaxPageSize);
}

absl::StatusOr<storage::EventFilter> FilterFrom(const v1::EventFilter& filter) {
  if (filter.stream_prefix().size() > storage::kMaxStreamNameBytes) {
    return absl::InvalidArgumentError("filter.stream_prefix: longer than a stream name can be");
  }
  if (filter.event_types_size() > kMaxFilterTypes) {
    return absl::InvalidArgumentError(
        absl::StrCat("filter.event_types: more than ", kMaxFilterTypes, " types"));
  }
  if (absl::Status s = CheckFilter("filter.stream_prefix", filter.stream_prefix()); !s.ok()) return s;
  for (int i = 0; i < filter.event_types_size(); ++i) {
    if (absl::Status s = CheckFilter(absl::StrCat("filter.event_types[", i, "]"), filter.event_types(i));
        !s.ok()) {
      return s;
    }
  }
  storage::EventFilter result;
  result.stream_prefix = filter.stream_prefix();
  result.event_types.assign(filter.event_types().begin(), filter.event_types().end());
  return result;
}

absl::StatusOr<storage::Direction> DirectionFrom(v1::ReadDirection direction) {
  switch (direction) {
    case v1::READ_DIRECTION_UNSPECIFIED:
    case v1::READ_DIRECTION_FORWARD:
      return storage::Direction::kForward;
    case v1::READ_DIRECTION_BACKWARD:
      return storage::Direction::kBackward;
    default:
      return absl::InvalidArgumentError(
          absl::StrCat("direction: unknown value ", static_cast<int>(direction)));
  }
}

absl::Status ReadStreamPage(storage::EventLog& log, const v1::ReadStreamRequest& request,
                            v1::ReadStreamResponse& response) {
  absl::StatusOr<size_t> limit = PageSize(request.page_size());
  if (!limit.ok()) return limit.status();
  absl::StatusOr<storage::Direction> direction = DirectionFrom(request.direction());
  if (!direction.ok()) return direction.status();
  absl::StatusOr<uint64_t> revision = log.StreamRevision(request.stream());
  if (!revision.ok()) return revision.status();
  if (*revision == 0) return absl::NotFoundError(absl::StrCat("stream '", request.stream(), "' does not exist"));
  absl::StatusOr<std::vector<storage::RecordedEvent>> events =
      log.ReadStream(request.stream(), request.from_revision(), *direction, *limit);
  if (!events.ok()) return events.status();
  response.set_stream_revision(*revision);
  if (events->size() == *limit) {
    uint64_t last = events->back().revision();
    if (*direction == storage::Direction::kForward && last < *revision) {
      response.set_next_revision(last + 1);
    } else if (*direction == storage::Direction::kBackward && last > 1) {
      response.set_next_revision(last - 1);
    }
  }
  for (storage::RecordedEvent& event : *events) *response.add_events() = std::move(event);
  return absl::OkStatus();
}

absl::Status ReadAllPage(storage::EventLog& log, const v1::ReadAllRequest& request,
                         v1::ReadAllResponse& response) {
  absl::StatusOr<size_t> limit = PageSize(request.page_size());
  if (!limit.ok()) return limit.status();
  absl::StatusOr<storage::EventFilter> filter = FilterFrom(request.filter());
  if (!filter.ok()) return filter.status();
  const uint64_t head = log.HeadPosition();
  absl::StatusOr<storage::ReadAllResult> page =
      log.ReadAll(request.from_position(), *limit, *filter, kMaxScannedPerRead);
  if (!page.ok()) return page.status();
  response.set_head_position(head);
  response.set_next_position(page->next_position);
  for (storage::RecordedEvent& event : page->events) *response.add_events() = std::move(event);
  return absl::OkStatus();
}

}  // namespace

grpc::Status AuditServiceImpl::ReadStream(grpc::ServerContext* context,
                                          const v1::ReadStreamRequest* request,
                                          v1::ReadStreamResponse* response) {
  if (auto caller = authorizer_.Authorize(*context, "ReadStream"); !caller.ok()) {
    return ToGrpcStatus(caller.status());
  }
  return ToGrpcStatus(ReadStreamPage(log_, *request, *response));
}

grpc::Status AuditServiceImpl::ReadAll(grpc::ServerContext* context, const v1::ReadAllRequest* request,
                                       v1::ReadAllResponse* response) {
  if (auto caller = authorizer_.Authorize(*context, "ReadAll"); !caller.ok()) {
    return ToGrpcStatus(caller.status());
  }
  return ToGrpcStatus(ReadAllPage(log_, *request, *response));
}

grpc::Status AuditServiceImpl::Subscribe(grpc::ServerContext* context,
                                         const v1::SubscribeRequest* request,
                                         grpc::ServerWriter<v1::SubscribeResponse>* writer) {
  absl::StatusOr<domain::Caller> caller = authorizer_.Authorize(*context, "Subscribe");
  if (!caller.ok()) return ToGrpcStatus(caller.status());
  absl::StatusOr<StreamLimiter::Slot> slot = streams_.Acquire(caller->principal);
  if (!slot.ok()) return ToGrpcStatus(slot.status());
  absl::StatusOr<storage::EventFilter> filter = FilterFrom(request->filter());
  if (!filter.ok()) return ToGrpcStatus(filter.status());
  // One past the head is the next event; a later position was never assigned, and waiting for
  // it would hold the stream open and report a head that does not exist.
  if (const uint64_t head = log_.HeadPosition(); request->from_position() > head + 1) {
    return ToGrpcStatus(absl::OutOfRangeError(absl::StrCat(
        "from_position: ", request->from_position(), " is past the head at ", head)));
  }
  std::unique_ptr<storage::Subscription> subscription =
      log_.Subscribe(request->from_position(), *std::move(filter));
  bool caught_up = false;
  v1::SubscribeResponse message;
  while (!context->IsCancelled()) {
    if (absl::Status open = streams_.CheckOpen(); !open.ok()) return ToGrpcStatus(open);
    // While catching up, never wait: an empty batch then means the head was reached.
    const absl::Time deadline = caught_up ? absl::Now() + kSubscribePoll : absl::InfinitePast();
    absl::StatusOr<std::vector<storage::RecordedEvent>> batch =
        subscription->Next(kSubscribeBatch, deadline);
    if (!batch.ok()) return ToGrpcStatus(batch.status());
    if (batch->empty() && !caught_up) {
      caught_up = true;
      message.mutable_caught_up()->set_head_position(subscription->cursor() - 1);
      if (!writer->Write(message)) break;
    }
    for (storage::RecordedEvent& event : *batch) {
      *message.mutable_event() = std::move(event);
      if (!writer->Write(message)) return grpc::Status(grpc::StatusCode::CANCELLED, "client went away");
    }
  }
  return grpc::Status(grpc::StatusCode::CANCELLED, "subscription ended by the client");
}

grpc::Status AuditServiceImpl::VerifyChain(grpc::ServerContext* context,
                                           const v1::VerifyChainRequest* request,
                                           v1::VerifyChainResponse* response) {
  if (auto caller = authorizer_.Authorize(*context, "VerifyChain"); !caller.ok()) {
    return ToGrpcStatus(caller.status());
  }
  absl::StatusOr<storage::ChainVerification> result =
      log_.VerifyChain(request->from_position(), request->to_position());
  if (!result.ok()) return ToGrpcStatus(result.status());
  response->set_ok(result->ok);
  response->set_verified_from(result->verified_from);
  response->set_verified_to(result->verified_to);
  response->set_first_bad_position(result->first_bad_position);
  response->set_problem(result->problem);
  response->set_head_hash(result->last_hash);
  return grpc::Status::OK;
}

}  // namespace closedloop::services
