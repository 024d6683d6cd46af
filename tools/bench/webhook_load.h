// What `closedloop_load_bench --webhooks=N` adds: N webhook endpoints (role dashboard, every
// event type), each delivering to an HTTP receiver of its own on 127.0.0.1
// (tests/services/http_receiver.h, set to only count), and what the report says of them:
//
//   - events delivered per second per endpoint during the mix (requests the receiver got),
//   - the lag behind the head (head - delivered position, as AdminService.ListWebhookEndpoints
//     reports it to operators) sampled every 100 ms during the mix: p50, p99, max, and at its end,
//   - how long after the mix each endpoint had delivered up to the head of the mix's end,
//   - the ceiling for the receiving side: the same size of POST, in a loop over one keep-alive
//     connection (HttpPoster) to the same receiver. Delivery, sequential per endpoint, cannot
//     beat it.
#ifndef CLOSEDLOOP_TOOLS_BENCH_WEBHOOK_LOAD_H_
#define CLOSEDLOOP_TOOLS_BENCH_WEBHOOK_LOAD_H_

#include <cstdint>
#include <memory>
#include <thread>
#include <vector>

#include "absl/synchronization/notification.h"
#include "absl/time/time.h"
#include "closedloop/v1/admin_service.grpc.pb.h"
#include "grpcpp/channel.h"
#include "services/webhooks/webhook_target.h"
#include "tests/services/http_receiver.h"

namespace closedloop::bench {

class WebhookLoad {
 public:
  // Starts `endpoints` receivers.
  explicit WebhookLoad(int endpoints);
  ~WebhookLoad();
  WebhookLoad(const WebhookLoad&) = delete;
  WebhookLoad& operator=(const WebhookLoad&) = delete;

  // The endpoints, for ServerOptions.webhooks.
  std::vector<services::WebhookTarget> Targets() const;

  // Asks the server at `channel` for the endpoints' state from now on.
  void Connect(const std::shared_ptr<grpc::Channel>& channel);
  // Delivery alone, with no load: waits until every endpoint has delivered up to `head` (the
  // preload's backlog, for `limit` at most) and prints how fast each worked it off.
  void DrainBacklog(uint64_t head, absl::Duration limit);

  // The mix starts, with the log at `head`: sampling the lag begins.
  void LoadStarted(uint64_t head);
  // The mix's last call returned, with the log at `head`: sampling ends.
  void LoadStopped(uint64_t head);

  // Prints the figures of the mix, then waits until every endpoint has delivered up to the head
  // of LoadStopped (for `limit` at most) and prints how long after the mix each got there.
  void Report(absl::Duration limit);

  // Prints the ceiling: POSTs of the average body size delivered (with the same headers) from
  // one thread over one keep-alive connection to the first receiver, for `seconds`.
  void PostCeiling(int seconds);

 private:
  std::vector<v1::WebhookEndpointState> States() const;
  // Polls until every endpoint's delivered position reaches `head` or `limit` passes; the
  // seconds after `since` at which each got there, -1 for one that did not.
  std::vector<double> WaitForHead(uint64_t head, absl::Time since, absl::Duration limit) const;

  std::vector<std::unique_ptr<testing::HttpReceiver>> receivers_;
  std::unique_ptr<v1::AdminService::Stub> admin_;
  uint64_t head_started_ = 0;
  uint64_t head_stopped_ = 0;
  absl::Time started_;
  absl::Time stopped_;
  std::vector<size_t> received_started_;  // per endpoint
  std::vector<size_t> received_stopped_;
  std::vector<uint64_t> lag_stopped_;
  std::vector<std::vector<uint64_t>> lags_;  // per endpoint, the samples
  absl::Notification stop_sampling_;
  std::thread sampler_;
};

}  // namespace closedloop::bench

#endif  // CLOSEDLOOP_TOOLS_BENCH_WEBHOOK_LOAD_H_
