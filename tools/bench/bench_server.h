// What the end-to-end benchmarks share: an in-process server on a fresh RocksDB (the daemon's
// parts, with the built-in configuration and the projections running), a client channel to it
// over loopback, and realistic filings.
#ifndef CLOSEDLOOP_TOOLS_BENCH_BENCH_SERVER_H_
#define CLOSEDLOOP_TOOLS_BENCH_BENCH_SERVER_H_

#include <unistd.h>

#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "closedloop/v1/complaint_service.grpc.pb.h"
#include "grpcpp/create_channel.h"
#include "services/daemon/config.h"
#include "services/api/server.h"

namespace closedloop::bench {

inline const v1::Channel kChannels[] = {v1::CHANNEL_HOTLINE, v1::CHANNEL_WEB, v1::CHANNEL_APP,
                                        v1::CHANNEL_SOCIAL, v1::CHANNEL_STORE, v1::CHANNEL_EMAIL};

// The i-th filing: channels in turn, 50,000 distinct customers.
inline v1::Filed Filing(uint64_t i) {
  v1::Filed filing;
  filing.set_channel(kChannels[i % 6]);
  filing.set_kind(v1::ITEM_KIND_COMPLAINT);
  filing.set_customer_ref(absl::StrCat("customer-", i % 50000));
  filing.set_customer_contact("+49 30 1234567");
  filing.set_text("The sofa arrived with a broken leg and nobody answers the phone.");
  filing.set_market("DE");
  return filing;
}

struct BenchServer {
  std::string path;
  std::unique_ptr<storage::EventLog> log;
  std::unique_ptr<services::ClosedLoopServer> server;
  std::shared_ptr<grpc::Channel> channel;

  // A fresh store under `dir`, removed again on destruction; `clock` is the server's, and
  // `webhooks` the endpoints it delivers to (with a cursor store beside the log).
  explicit BenchServer(const std::string& dir,
                       std::function<absl::Time()> clock = [] { return absl::Now(); },
                       std::vector<services::WebhookTarget> webhooks = {}) {
    path = absl::StrCat(dir, "/closedloop-bench-", getpid());
    std::filesystem::remove_all(path);
    std::filesystem::create_directories(path);
    storage::EventLogOptions options;
    options.path = path + "/log";
    options.clock = clock;
    log = *storage::EventLog::Open(options);
    services::ServerOptions server_options;
    server_options.views_path = path + "/views";
    server_options.config = services::DefaultConfig();
    server_options.clock = std::move(clock);
    if (!webhooks.empty()) {
      server_options.cursors_path = path + "/cursors";
      server_options.webhooks = std::move(webhooks);
    }
    server = *services::ClosedLoopServer::Start(*log, std::move(server_options));
    grpc::ChannelArguments args;
    args.SetMaxReceiveMessageSize(64 << 20);
    channel = grpc::CreateCustomChannel(absl::StrCat("127.0.0.1:", server->port()),
                                        grpc::InsecureChannelCredentials(), args);
  }
  ~BenchServer() {
    server.reset();
    log.reset();
    std::filesystem::remove_all(path);
  }
};

// Files Filing(first) .. Filing(first + size - 1) in one FileComplaints call; all succeeded?
inline bool FileBatch(v1::ComplaintService::Stub& stub, uint64_t first, int size) {
  grpc::ClientContext context;
  v1::FileComplaintsRequest request;
  for (int k = 0; k < size; ++k) *request.add_filings()->mutable_complaint() = Filing(first + k);
  v1::FileComplaintsResponse response;
  if (!stub.FileComplaints(&context, request, &response).ok()) return false;
  return std::all_of(response.results().begin(), response.results().end(),
                     [](const auto& r) { return r.code() == 0; });
}

}  // namespace closedloop::bench

#endif  // CLOSEDLOOP_TOOLS_BENCH_BENCH_SERVER_H_
