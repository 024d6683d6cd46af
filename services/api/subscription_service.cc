#include "services/api/subscription_service.h"

#include "absl/strings/str_cat.h"
#include "domain/event_delivery.h"
#include "services/api/status_util.h"
#include "services/delivery/scoped_events.h"

namespace closedloop::services {
namespace {

// How often a waiting stream checks whether its client went away.
constexpr absl::Duration kPoll = absl::Milliseconds(200);
constexpr size_t kBatch = 256;

absl::Status NoGroups() {
  return absl::FailedPreconditionError("consumer groups: this server keeps no cursor store");
}

}  // namespace

grpc::Status SubscriptionServiceImpl::SubscribeGroup(
    grpc::ServerContext* context, const v1::SubscribeGroupRequest* request,
    grpc::ServerWriter<v1::SubscribeGroupResponse>* writer) {
  absl::StatusOr<domain::Caller> caller = authorizer_.Authorize(*context, "SubscribeGroup");
  if (!caller.ok()) return ToGrpcStatus(caller.status());
  if (groups_ == nullptr) return ToGrpcStatus(NoGroups());
  if (absl::Status s = ConsumerGroups::CheckName(request->group()); !s.ok()) return ToGrpcStatus(s);
  if (absl::Status s = domain::CheckDeliveryFilter("filter", request->filter()); !s.ok()) {
    return ToGrpcStatus(s);
  }
  if (const uint64_t head = log_.HeadPosition(); request->start_position() > head + 1) {
    return ToGrpcStatus(absl::OutOfRangeError(absl::StrCat(
        "start_position: ", request->start_position(), " is past the head at ", head)));
  }
  absl::StatusOr<StreamLimiter::Slot> slot = streams_.Acquire(caller->principal);
  if (!slot.ok()) return ToGrpcStatus(slot.status());
  absl::StatusOr<uint64_t> acknowledged =
      groups_->Join(caller->principal, request->group(), request->start_position());
  if (!acknowledged.ok()) return ToGrpcStatus(acknowledged.status());

  ScopedEvents events(log_, projections_, EventReader{*caller, request->filter()},
                      *acknowledged + 1);
  bool caught_up = false;
  v1::SubscribeGroupResponse message;
  while (!context->IsCancelled()) {
    if (absl::Status open = streams_.CheckOpen(); !open.ok()) return ToGrpcStatus(open);
    // While catching up, never wait: a read that moves no further then means the head.
    const absl::Time deadline = caught_up ? absl::Now() + kPoll : absl::InfinitePast();
    const uint64_t cursor = events.cursor();
    absl::StatusOr<std::vector<v1::DeliveredEvent>> batch = events.Next(kBatch, deadline);
    if (!batch.ok()) return ToGrpcStatus(batch.status());
    for (v1::DeliveredEvent& event : *batch) {
      *message.mutable_event() = std::move(event);
      if (!writer->Write(message)) {
        return grpc::Status(grpc::StatusCode::CANCELLED, "client went away");
      }
    }
    if (!caught_up && events.cursor() == cursor) {
      caught_up = true;
      v1::GroupCaughtUp* marker = message.mutable_caught_up();
      marker->set_head_position(cursor - 1);
      marker->set_resumed_after(*acknowledged);
      if (!writer->Write(message)) break;
    }
  }
  return grpc::Status(grpc::StatusCode::CANCELLED, "subscription ended by the client");
}

grpc::Status SubscriptionServiceImpl::Acknowledge(grpc::ServerContext* context,
                                                  const v1::AcknowledgeRequest* request,
                                                  v1::AcknowledgeResponse* response) {
  absl::StatusOr<domain::Caller> caller = authorizer_.Authorize(*context, "Acknowledge");
  if (!caller.ok()) return ToGrpcStatus(caller.status());
  if (groups_ == nullptr) return ToGrpcStatus(NoGroups());
  if (absl::Status s = ConsumerGroups::CheckName(request->group()); !s.ok()) return ToGrpcStatus(s);
  if (const uint64_t head = log_.HeadPosition(); request->position() > head) {
    return ToGrpcStatus(absl::OutOfRangeError(absl::StrCat(
        "position: ", request->position(), " is past the head at ", head)));
  }
  absl::StatusOr<uint64_t> acknowledged =
      groups_->Acknowledge(caller->principal, request->group(), request->position());
  if (!acknowledged.ok()) return ToGrpcStatus(acknowledged.status());
  response->set_acknowledged_position(*acknowledged);
  return grpc::Status::OK;
}

}  // namespace closedloop::services
