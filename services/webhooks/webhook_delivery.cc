#include "services/webhooks/webhook_delivery.h"

#include <algorithm>
#include <cstdio>
#include <utility>

#include "absl/strings/str_cat.h"
#include "domain/proto_time.h"
#include "google/protobuf/util/json_util.h"
#include "services/webhooks/webhook_signature.h"

namespace closedloop::services {
namespace {

constexpr size_t kBatch = 64;
constexpr int kMaxDeadLetters = 100;
constexpr size_t kMaxErrorBytes = 300;
// The longest a loop waits for events before it records how far it has read.
constexpr absl::Duration kIdleWait = absl::Seconds(1);

std::string KeyOf(const std::string& name) { return absl::StrCat("webhook/", name); }

// What the endpoint reads: as its role, through its filters; alerts or customer messages
// instead of events when it is an alert or a messaging endpoint; contact data only when it is
// the messaging gateway.
EventReader ReaderOf(const v1::WebhookEndpoint& endpoint) {
  EventReader reader;
  reader.caller.principal =
      endpoint.principal().empty() ? absl::StrCat("webhook:", endpoint.name()) : endpoint.principal();
  reader.caller.role = endpoint.role();
  reader.caller.department = endpoint.department();
  reader.filter.mutable_event_types()->CopyFrom(endpoint.event_types());
  reader.filter.mutable_teams()->CopyFrom(endpoint.teams());
  reader.filter.mutable_departments()->CopyFrom(endpoint.departments());
  reader.filter.mutable_channels()->CopyFrom(endpoint.channels());
  if (endpoint.alerts()) reader.delivers = EventReader::Delivers::kAlerts;
  if (endpoint.messaging()) reader.delivers = EventReader::Delivers::kCustomerMessages;
  reader.contact_data = endpoint.messaging();
  return reader;
}

std::string Clipped(std::string text) {
  if (text.size() > kMaxErrorBytes) text.resize(kMaxErrorBytes);
  return text;
}

}  // namespace

WebhookDelivery::WebhookDelivery(WebhookTarget target, storage::EventLog& log,
                                 Projections& projections, storage::CursorStore& cursors,
                                 WebhookTiming timing, AlertRecorder record_alert)
    : target_(std::move(target)),
      reader_(ReaderOf(target_.endpoint)),
      record_alert_(std::move(record_alert)),
      log_(log),
      projections_(projections),
      cursors_(cursors),
      timing_(timing) {
  state_.set_name(target_.endpoint.name());
  state_.set_url(target_.endpoint.url());
  state_.set_status(v1::WEBHOOK_STATUS_DELIVERING);
}

absl::Status WebhookDelivery::Start() {
  absl::StatusOr<std::string> stored = cursors_.Get(KeyOf(name()));
  {
    absl::MutexLock lock(&mu_);
    if (stored.ok()) {
      if (!cursor_.ParseFromString(*stored)) {
        return absl::DataLossError(absl::StrCat("the cursor store's record of webhook ", name(),
                                                " is unreadable"));
      }
    } else if (absl::IsNotFound(stored.status())) {
      cursor_.set_delivered_position(log_.HeadPosition());
    } else {
      return stored.status();
    }
  }
  if (absl::IsNotFound(stored.status())) {
    if (absl::Status persisted = Persist(); !persisted.ok()) return persisted;
  }
  thread_ = std::thread([this] { Run(); });
  return absl::OkStatus();
}

void WebhookDelivery::Stop() {
  {
    absl::MutexLock lock(&mu_);
    stopping_ = true;
    if (events_ != nullptr) events_->Cancel();
  }
  if (thread_.joinable()) thread_.join();
}

v1::WebhookEndpointState WebhookDelivery::State() const {
  const uint64_t head = log_.HeadPosition();
  absl::MutexLock lock(&mu_);
  v1::WebhookEndpointState state = state_;
  state.set_delivered_position(cursor_.delivered_position());
  state.set_head_position(head);
  state.set_lag(head > cursor_.delivered_position() ? head - cursor_.delivered_position() : 0);
  state.set_dead_letter_count(cursor_.dead_letter_count());
  *state.mutable_dead_letters() = cursor_.dead_letters();
  return state;
}

absl::Status WebhookDelivery::Replay(uint64_t from_position) {
  const uint64_t head = log_.HeadPosition();
  if (from_position > head + 1) {
    return absl::OutOfRangeError(
        absl::StrCat("from_position: ", from_position, " is past the head at ", head));
  }
  {
    absl::MutexLock lock(&mu_);
    cursor_.set_delivered_position(from_position == 0 ? 0 : from_position - 1);
    replaying_ = true;
    if (events_ != nullptr) events_->Cancel();
  }
  std::fprintf(stderr, "closedloopd: webhook %s: replaying from position %llu\n", name().c_str(),
               static_cast<unsigned long long>(std::max<uint64_t>(from_position, 1)));
  return Persist();
}

absl::Status WebhookDelivery::Persist() {
  std::string unused;
  return PersistIfChanged(unused);
}

absl::Status WebhookDelivery::PersistIfChanged(std::string& last) {
  // One writer at a time, each writing what it read under the same lock: a replay's position
  // is never overwritten by an older one the loop read before it.
  absl::MutexLock writing(&persist_mu_);
  std::string record;
  {
    absl::MutexLock lock(&mu_);
    record = cursor_.SerializeAsString();
  }
  if (record == last) return absl::OkStatus();
  if (absl::Status put = cursors_.Put(KeyOf(name()), record); !put.ok()) return put;
  last = std::move(record);
  return absl::OkStatus();
}

void WebhookDelivery::Run() {
  for (;;) {
    uint64_t from = 0;
    {
      absl::MutexLock lock(&mu_);
      if (stopping_) return;
      replaying_ = false;
      from = cursor_.delivered_position() + 1;
    }
    ScopedEvents events(log_, projections_, reader_, from);
    {
      absl::MutexLock lock(&mu_);
      if (Interrupted()) continue;
      events_ = &events;
    }
    std::string persisted;
    for (bool reading = true; reading;) {
      // A bounded wait: an endpoint whose filter passes few events still moves its position
      // past the events that were not its own, so its lag says what it has yet to see.
      absl::StatusOr<std::vector<v1::DeliveredEvent>> batch =
          events.Next(kBatch, absl::Now() + kIdleWait);
      if (!batch.ok()) {
        reading = false;
        if (absl::IsCancelled(batch.status())) break;
        // The log or the views failed (or stayed behind): say so, wait, and read again from
        // the position.
        absl::MutexLock lock(&mu_);
        state_.set_status(v1::WEBHOOK_STATUS_STOPPED);
        state_.set_last_error(Clipped(std::string(batch.status().message())));
        *state_.mutable_last_error_at() = domain::ToProto(absl::Now());
        auto interrupted = [this]() ABSL_SHARED_LOCKS_REQUIRED(mu_) { return Interrupted(); };
        mu_.AwaitWithTimeout(absl::Condition(&interrupted), timing_.first_retry);
        break;
      }
      {
        absl::MutexLock lock(&mu_);
        if (state_.status() == v1::WEBHOOK_STATUS_STOPPED) {
          state_.set_status(v1::WEBHOOK_STATUS_DELIVERING);
        }
      }
      for (const v1::DeliveredEvent& event : *batch) {
        const bool delivered = Deliver(event);
        absl::MutexLock lock(&mu_);
        // Delivered (or dead-lettered) stays so, also when a stop came meanwhile; a replay
        // has set the position itself.
        if (delivered && !replaying_) cursor_.set_delivered_position(event.id());
        if (!delivered || Interrupted()) {
          reading = false;
          break;
        }
      }
      {
        // Events that were not the endpoint's are passed too.
        absl::MutexLock lock(&mu_);
        if (!replaying_ && reading) {
          cursor_.set_delivered_position(std::max(cursor_.delivered_position(), events.cursor() - 1));
        }
      }
      if (absl::Status written = PersistIfChanged(persisted); !written.ok()) {
        std::fprintf(stderr, "closedloopd: webhook %s: %s\n", name().c_str(),
                     written.ToString().c_str());
      }
    }
    absl::MutexLock lock(&mu_);
    events_ = nullptr;
  }
}

bool WebhookDelivery::Deliver(const v1::DeliveredEvent& event) {
  HttpPostRequest request;
  request.url = target_.endpoint.url();
  request.connect_timeout = timing_.connect_timeout;
  request.total_timeout = timing_.total_timeout;
  if (!google::protobuf::util::MessageToJsonString(event, &request.body).ok()) {
    DeadLetter(event, 0, "the event could not be written as JSON");
    return true;
  }
  const absl::Time first = absl::Now();
  for (uint32_t attempts = 1;; ++attempts) {
    request.headers = {{"Content-Type", "application/json"},
                       {kSignatureHeader, SignatureHeader(target_.secret, request.body, absl::Now())},
                       {"Closedloop-Event-Id", absl::StrCat(event.id())},
                       {"Closedloop-Event-Type", event.type()}};
    absl::StatusOr<HttpResponse> response = poster_.Post(request);
    if (response.ok() && response->status_code >= 200 && response->status_code < 300) {
      {
        absl::MutexLock lock(&mu_);
        state_.set_status(v1::WEBHOOK_STATUS_DELIVERING);
        state_.set_retrying_event_id(0);
        state_.set_attempts(0);
        state_.set_delivered_since_start(state_.delivered_since_start() + 1);
        *state_.mutable_last_delivered_at() = domain::ToProto(absl::Now());
      }
      if (event.has_alert() && record_alert_) record_alert_(name(), event);
      return true;
    }
    const std::string error = Clipped(
        response.ok() ? absl::StrCat("HTTP ", response->status_code, ": ", response->body)
                      : std::string(response.status().message()));
    {
      absl::MutexLock lock(&mu_);
      state_.set_status(v1::WEBHOOK_STATUS_RETRYING);
      state_.set_retrying_event_id(event.id());
      state_.set_attempts(attempts);
      state_.set_last_error(error);
      *state_.mutable_last_error_at() = domain::ToProto(absl::Now());
    }
    if (attempts >= target_.endpoint.max_attempts() ||
        absl::Now() - first >= domain::FromProto(target_.endpoint.max_age())) {
      DeadLetter(event, attempts, error);
      return true;
    }
    if (!Backoff(attempts)) return false;
  }
}

bool WebhookDelivery::Backoff(uint32_t attempts) {
  absl::Duration wait = timing_.first_retry;
  for (uint32_t i = 1; i < attempts && wait < timing_.max_retry; ++i) wait *= 2;
  wait = std::min(wait, timing_.max_retry);
  wait *= absl::Uniform(random_, 0.5, 1.0);
  absl::MutexLock lock(&mu_);
  auto interrupted = [this]() ABSL_SHARED_LOCKS_REQUIRED(mu_) { return Interrupted(); };
  mu_.AwaitWithTimeout(absl::Condition(&interrupted), wait);
  return !Interrupted();
}

void WebhookDelivery::DeadLetter(const v1::DeliveredEvent& event, uint32_t attempts,
                                 const std::string& error) {
  std::fprintf(stderr, "closedloopd: webhook %s: event %llu (%s) is a dead letter after %u attempts: %s\n",
               name().c_str(), static_cast<unsigned long long>(event.id()), event.type().c_str(),
               attempts, error.c_str());
  absl::MutexLock lock(&mu_);
  v1::DeadLetter* letter = cursor_.add_dead_letters();
  letter->set_event_id(event.id());
  letter->set_type(event.type());
  letter->set_attempts(attempts);
  letter->set_last_error(error);
  *letter->mutable_dead_at() = domain::ToProto(absl::Now());
  cursor_.set_dead_letter_count(cursor_.dead_letter_count() + 1);
  if (cursor_.dead_letters_size() > kMaxDeadLetters) cursor_.mutable_dead_letters()->DeleteSubrange(0, 1);
  state_.set_status(v1::WEBHOOK_STATUS_DELIVERING);
  state_.set_retrying_event_id(0);
  state_.set_attempts(0);
}

}  // namespace closedloop::services
