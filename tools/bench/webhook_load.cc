#include "tools/bench/webhook_load.h"

#include <sys/resource.h>

#include <algorithm>
#include <cstdio>
#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/clock.h"
#include "grpcpp/client_context.h"
#include "services/webhooks/http_post.h"
#include "services/webhooks/webhook_signature.h"

namespace closedloop::bench {
namespace {

constexpr char kSecret[] = "whsec-bench";
constexpr absl::Duration kSampleEvery = absl::Milliseconds(100);
constexpr absl::Duration kCatchUpPoll = absl::Milliseconds(10);

uint64_t Percentile(std::vector<uint64_t> samples, double p) {
  if (samples.empty()) return 0;
  std::sort(samples.begin(), samples.end());
  return samples[std::min(samples.size() - 1, static_cast<size_t>(p * samples.size()))];
}

// The CPU time this process used so far, user and system: a measure of work that the other
// processes of a busy machine do not change much, unlike rates.
absl::Duration ProcessCpu() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return absl::DurationFromTimeval(usage.ru_utime) + absl::DurationFromTimeval(usage.ru_stime);
}

}  // namespace

WebhookLoad::WebhookLoad(int endpoints) : lags_(endpoints) {
  for (int i = 0; i < endpoints; ++i) {
    receivers_.push_back(std::make_unique<testing::HttpReceiver>());
    // A run delivers hundreds of thousands of events: keeping each would measure the receiver.
    receivers_.back()->SetCountOnly(true);
  }
}

WebhookLoad::~WebhookLoad() {
  if (!stop_sampling_.HasBeenNotified()) stop_sampling_.Notify();
  if (sampler_.joinable()) sampler_.join();
}

std::vector<services::WebhookTarget> WebhookLoad::Targets() const {
  std::vector<services::WebhookTarget> targets;
  for (size_t i = 0; i < receivers_.size(); ++i) {
    services::WebhookTarget target;
    target.endpoint.set_name(absl::StrCat("bench-", i + 1));
    target.endpoint.set_url(receivers_[i]->Url());
    target.endpoint.set_role("dashboard");
    target.endpoint.set_max_attempts(12);
    target.endpoint.mutable_max_age()->set_seconds(24 * 3600);
    target.secret = kSecret;
    targets.push_back(std::move(target));
  }
  return targets;
}

std::vector<v1::WebhookEndpointState> WebhookLoad::States() const {
  grpc::ClientContext context;
  context.set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(10)));
  v1::ListWebhookEndpointsResponse response;
  if (!admin_->ListWebhookEndpoints(&context, v1::ListWebhookEndpointsRequest(), &response).ok()) {
    return {};
  }
  return {response.endpoints().begin(), response.endpoints().end()};
}

void WebhookLoad::Connect(const std::shared_ptr<grpc::Channel>& channel) {
  admin_ = v1::AdminService::NewStub(channel);
}

std::vector<double> WebhookLoad::WaitForHead(uint64_t head, absl::Time since,
                                             absl::Duration limit) const {
  std::vector<double> reached(receivers_.size(), -1);
  const absl::Time deadline = absl::Now() + limit;
  for (;;) {
    const std::vector<v1::WebhookEndpointState> states = States();
    const double after = absl::ToDoubleSeconds(absl::Now() - since);
    bool all = true;
    for (size_t i = 0; i < states.size() && i < reached.size(); ++i) {
      if (reached[i] < 0 && states[i].delivered_position() >= head) reached[i] = after;
      all = all && reached[i] >= 0;
    }
    if (all || absl::Now() >= deadline) return reached;
    absl::SleepFor(kCatchUpPoll);
  }
}

void WebhookLoad::DrainBacklog(uint64_t head, absl::Duration limit) {
  const absl::Time start = absl::Now();
  const absl::Duration cpu = ProcessCpu();
  std::vector<size_t> received;
  for (const auto& receiver : receivers_) received.push_back(receiver->Received());
  std::vector<uint64_t> backlog;
  for (const v1::WebhookEndpointState& state : States()) {
    backlog.push_back(head > state.delivered_position() ? head - state.delivered_position() : 0);
  }
  const std::vector<double> reached = WaitForHead(head, start, limit);
  const absl::Duration used = ProcessCpu() - cpu;
  size_t posts_in_all = 0;
  for (size_t i = 0; i < receivers_.size(); ++i) posts_in_all += receivers_[i]->Received() - received[i];
  std::printf("\nwebhooks, delivery alone (the preload's backlog, no load): %.1f us of the "
              "process's CPU per post (delivery and receiver)\n",
              posts_in_all == 0 ? 0.0 : absl::ToDoubleMicroseconds(used) / posts_in_all);
  for (size_t i = 0; i < receivers_.size(); ++i) {
    const size_t posts = receivers_[i]->Received() - received[i];
    if (reached[i] < 0) {
      std::printf("  bench-%-4zu %llu events behind, not caught up within %s\n", i + 1,
                  static_cast<unsigned long long>(i < backlog.size() ? backlog[i] : 0),
                  absl::FormatDuration(limit).c_str());
      continue;
    }
    std::printf("  bench-%-4zu %llu events behind, caught up in %.2f s: %zu posts, %.0f/s\n",
                i + 1, static_cast<unsigned long long>(i < backlog.size() ? backlog[i] : 0),
                reached[i], posts, reached[i] > 0 ? posts / reached[i] : 0.0);
  }
}

void WebhookLoad::LoadStarted(uint64_t head) {
  head_started_ = head;
  started_ = absl::Now();
  for (const auto& receiver : receivers_) received_started_.push_back(receiver->Received());
  sampler_ = std::thread([this] {
    while (!stop_sampling_.WaitForNotificationWithTimeout(kSampleEvery)) {
      const std::vector<v1::WebhookEndpointState> states = States();
      for (size_t i = 0; i < states.size() && i < lags_.size(); ++i) {
        lags_[i].push_back(states[i].lag());
      }
    }
  });
}

void WebhookLoad::LoadStopped(uint64_t head) {
  stopped_ = absl::Now();
  head_stopped_ = head;
  for (const auto& receiver : receivers_) received_stopped_.push_back(receiver->Received());
  for (const v1::WebhookEndpointState& state : States()) lag_stopped_.push_back(state.lag());
  stop_sampling_.Notify();
  sampler_.join();
}

void WebhookLoad::Report(absl::Duration limit) {
  const double seconds = absl::ToDoubleSeconds(stopped_ - started_);
  const uint64_t appended = head_stopped_ - head_started_;
  std::printf("\nwebhooks: %zu endpoint(s), role dashboard, every event type, each to a receiver "
              "of its own on 127.0.0.1\n"
              "     %llu events appended during the mix (%.0f/s); lag = head - delivered "
              "position, in events, sampled every %lld ms\n",
              receivers_.size(), static_cast<unsigned long long>(appended), appended / seconds,
              static_cast<long long>(absl::ToInt64Milliseconds(kSampleEvery)));
  const std::vector<double> caught_up = WaitForHead(head_stopped_, stopped_, limit);
  std::printf("  %-10s %10s %12s %9s %9s %9s %9s  %s\n", "endpoint", "delivered", "per s in mix",
              "lag p50", "lag p99", "lag max", "at end", "caught up after the mix");
  for (size_t i = 0; i < receivers_.size(); ++i) {
    const size_t delivered = received_stopped_[i] - received_started_[i];
    const std::string caught =
        caught_up[i] < 0 ? absl::StrCat("not within ", absl::FormatDuration(limit))
                         : absl::StrFormat("%.2f s", caught_up[i]);
    std::printf("  bench-%-4zu %10zu %12.0f %9llu %9llu %9llu %9llu  %s\n", i + 1, delivered,
                delivered / seconds, static_cast<unsigned long long>(Percentile(lags_[i], 0.5)),
                static_cast<unsigned long long>(Percentile(lags_[i], 0.99)),
                static_cast<unsigned long long>(Percentile(lags_[i], 1.0)),
                static_cast<unsigned long long>(i < lag_stopped_.size() ? lag_stopped_[i] : 0),
                caught.c_str());
  }
  const size_t received = receivers_[0]->Received();
  std::printf("     %zu events delivered to bench-1 in all, %llu bytes of body on average\n",
              received,
              static_cast<unsigned long long>(
                  received == 0 ? 0 : receivers_[0]->ReceivedBodyBytes() / received));
}

void WebhookLoad::PostCeiling(int seconds) {
  testing::HttpReceiver& receiver = *receivers_[0];
  const size_t received = receiver.Received();
  // A filing's event is about 1.5 KB of JSON; the run's own average when it delivered any.
  const size_t size = received == 0 ? 1500 : receiver.ReceivedBodyBytes() / received;
  services::HttpPostRequest request;
  request.url = receiver.Url();
  request.body = std::string(size, 'x');
  request.headers = {{"Content-Type", "application/json"},
                     {services::kSignatureHeader,
                      services::SignatureHeader(kSecret, request.body, absl::Now())},
                     {"Closedloop-Event-Id", "123456"},
                     {"Closedloop-Event-Type", "complaint.triaged"}};
  services::HttpPoster poster;
  std::vector<float> micros;
  uint64_t failed = 0;
  const absl::Time start = absl::Now();
  const absl::Time stop = start + absl::Seconds(seconds);
  const int connections = receiver.Connections();
  const absl::Duration cpu = ProcessCpu();
  while (absl::Now() < stop) {
    const absl::Time before = absl::Now();
    absl::StatusOr<services::HttpResponse> response = poster.Post(request);
    micros.push_back(static_cast<float>(absl::ToDoubleMicroseconds(absl::Now() - before)));
    if (!response.ok() || response->status_code != 200) ++failed;
  }
  const double took = absl::ToDoubleSeconds(absl::Now() - start);
  const absl::Duration used = ProcessCpu() - cpu;
  std::sort(micros.begin(), micros.end());
  auto ms = [&micros](double p) {
    return micros.empty() ? 0.0
                          : micros[std::min(micros.size() - 1, static_cast<size_t>(p * micros.size()))] /
                                1000.0;
  };
  std::printf("\nceiling: HTTP POST of %zu bytes to the same receiver, 1 thread, over %d "
              "connection(s), %.1f s: %zu posts, %.0f/s, p50 %.3f ms, p99 %.3f ms, %llu failed, "
              "%.1f us of the process's CPU per post (poster and receiver)\n",
              size, receiver.Connections() - connections, took, micros.size(),
              micros.size() / took, ms(0.5), ms(0.99), static_cast<unsigned long long>(failed),
              micros.empty() ? 0.0 : absl::ToDoubleMicroseconds(used) / micros.size());
}

}  // namespace closedloop::bench
