// WebhookDelivery: one endpoint's delivery loop. On a thread of its own it reads the events the
// endpoint's role receives (ScopedEvents), and POSTs each, in log order, as signed JSON; an
// event the endpoint refuses or does not answer is retried with exponential backoff and jitter
// until it is delivered, or becomes a dead letter after max_attempts or max_age, and the loop
// goes on. After each batch the delivered position is written, synced, to the cursor store,
// so a restart (even after kill -9) delivers again at most the batch in flight, with the same
// event ids.
//
// A slow or dead endpoint holds up only its own loop: it reads the log like any subscriber,
// from disk when it falls behind, and never slows an append.
//
// Thread safety: every public method may be called from any thread.
#ifndef CLOSEDLOOP_SERVICES_WEBHOOKS_WEBHOOK_DELIVERY_H_
#define CLOSEDLOOP_SERVICES_WEBHOOKS_WEBHOOK_DELIVERY_H_

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <thread>

#include "absl/base/thread_annotations.h"
#include "absl/random/random.h"
#include "absl/status/status.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "closedloop/v1/admin_service.pb.h"
#include "closedloop/v1/delivery.pb.h"
#include "domain/access.h"
#include "services/delivery/scoped_events.h"
#include "services/projections/projections.h"
#include "services/webhooks/http_post.h"
#include "services/webhooks/webhook_target.h"
#include "storage/cursor_store.h"
#include "storage/event_log.h"

namespace closedloop::services {

// How delivery waits: the defaults suit a daemon; tests shorten them.
struct WebhookTiming {
  // The wait after the first failed attempt at an event; it doubles with each further failure
  // up to max_retry, and each wait is drawn between half and all of that (jitter, so that many
  // endpoints failing together do not retry together).
  absl::Duration first_retry = absl::Seconds(1);
  absl::Duration max_retry = absl::Minutes(5);
  absl::Duration connect_timeout = absl::Seconds(5);
  absl::Duration total_timeout = absl::Seconds(10);
};

class WebhookDelivery {
 public:
  // Records in the case's history that an alert endpoint delivered an alert (the event that
  // carried it); called on the loop's thread after each such delivery, and again for the same
  // event after a redelivery (the recorder must make that harmless).
  using AlertRecorder =
      std::function<void(const std::string& endpoint, const v1::DeliveredEvent& delivered)>;

  WebhookDelivery(WebhookTarget target, storage::EventLog& log, Projections& projections,
                  storage::CursorStore& cursors, WebhookTiming timing, AlertRecorder record_alert);
  ~WebhookDelivery() { Stop(); }
  WebhookDelivery(const WebhookDelivery&) = delete;
  WebhookDelivery& operator=(const WebhookDelivery&) = delete;

  // Reads the endpoint's record (a new endpoint starts at the log's head: it receives what
  // comes from now on) and starts the loop. Errors: the cursor store's.
  absl::Status Start();
  // Interrupts the loop (an attempt under way finishes first) and waits for it to end.
  void Stop();

  const std::string& name() const { return target_.endpoint.name(); }
  // Where the endpoint stands, for operators.
  v1::WebhookEndpointState State() const;
  // Delivers again from `from_position` on (0: 1). OUT_OF_RANGE past the head + 1.
  absl::Status Replay(uint64_t from_position);

 private:
  void Run();
  // POSTs `event` until delivered or dead-lettered (true), or until interrupted (false).
  bool Deliver(const v1::DeliveredEvent& event);
  // Waits before the retry after `attempts` failures; false when interrupted.
  bool Backoff(uint32_t attempts);
  void DeadLetter(const v1::DeliveredEvent& event, uint32_t attempts, const std::string& error);
  // Writes the record, synced. Errors: the store's.
  absl::Status Persist();
  // Writes it unless it equals `last` (what this caller wrote before), and keeps it there.
  absl::Status PersistIfChanged(std::string& last);
  bool Interrupted() const ABSL_SHARED_LOCKS_REQUIRED(mu_) { return stopping_ || replaying_; }

  const WebhookTarget target_;
  const EventReader reader_;
  const AlertRecorder record_alert_;
  storage::EventLog& log_;
  Projections& projections_;
  storage::CursorStore& cursors_;
  const WebhookTiming timing_;
  // The loop thread's own.
  HttpPoster poster_;
  absl::BitGen random_;

  // Held across a record's read and write (never inside mu_'s hold).
  absl::Mutex persist_mu_;
  mutable absl::Mutex mu_;
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  // A replay moved the position: the loop reads again from there.
  bool replaying_ ABSL_GUARDED_BY(mu_) = false;
  v1::WebhookCursor cursor_ ABSL_GUARDED_BY(mu_);
  v1::WebhookEndpointState state_ ABSL_GUARDED_BY(mu_);
  // The loop's current reader, to interrupt its wait for events.
  ScopedEvents* events_ ABSL_GUARDED_BY(mu_) = nullptr;
  std::thread thread_;
};

}  // namespace closedloop::services

#endif  // CLOSEDLOOP_SERVICES_WEBHOOKS_WEBHOOK_DELIVERY_H_
