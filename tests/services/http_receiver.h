// A real HTTP/1.1 server of the tests' own on 127.0.0.1: it records every request (method,
// path, headers, body) and answers with the status the test sets. One thread, plain POSIX
// sockets, Content-Length bodies, keep-alive. It can be stopped and started again on the same
// port (a receiver that is down for a while) or told to read requests and never answer (a
// receiver that hangs). A test waits for "n requests received" with a deadline, never sleeps.
// A benchmark that sends for minutes sets it to only count, so it does not keep every body.
// Thread-safe.
#ifndef CLOSEDLOOP_TESTS_SERVICES_HTTP_RECEIVER_H_
#define CLOSEDLOOP_TESTS_SERVICES_HTTP_RECEIVER_H_

#include <cstdint>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"

namespace closedloop::testing {

struct ReceivedRequest {
  std::string method;
  std::string path;
  std::vector<std::pair<std::string, std::string>> headers;  // as sent, in order
  std::string body;

  // The value of the first header named `name` (case-insensitive), "" when absent.
  std::string Header(const std::string& name) const;
};

class HttpReceiver {
 public:
  // Listens on 127.0.0.1, on a port the kernel picks.
  HttpReceiver();
  ~HttpReceiver();
  HttpReceiver(const HttpReceiver&) = delete;
  HttpReceiver& operator=(const HttpReceiver&) = delete;

  int port() const { return port_; }
  std::string Url(const std::string& path = "/hook") const;

  // How the following requests are answered (default: 200 with body "ok"), with a Location
  // header when `location` is not empty.
  void SetStatus(int status, std::string body = "ok", std::string location = "");
  // When true, requests are recorded and never answered: the connection stays open, silent.
  void SetSilent(bool silent);
  // When true, requests are answered and counted (Received, ReceivedBodyBytes) but not kept:
  // Requests() holds only those received before.
  void SetCountOnly(bool count_only);

  // Closes the listening socket and every connection: posts are refused until Start().
  void Stop();
  // Listens again on the same port.
  void Start();

  // Waits until at least `n` requests were received in all; false when `timeout` passes first.
  bool WaitForRequests(size_t n, absl::Duration timeout = absl::Seconds(30));
  std::vector<ReceivedRequest> Requests() const;
  // How many requests were received in all, and the bytes of their bodies.
  size_t Received() const;
  uint64_t ReceivedBodyBytes() const;
  // How many TCP connections were accepted in all (keep-alive shows as fewer than requests).
  int Connections() const;

 private:
  void Listen();
  void Serve(int listen_fd, int wake_fd);

  int port_ = 0;
  int listen_fd_ = -1;
  int wake_pipe_[2] = {-1, -1};
  std::thread thread_;

  mutable absl::Mutex mu_;
  absl::CondVar received_;
  std::vector<ReceivedRequest> requests_ ABSL_GUARDED_BY(mu_);
  size_t received_count_ ABSL_GUARDED_BY(mu_) = 0;
  uint64_t received_body_bytes_ ABSL_GUARDED_BY(mu_) = 0;
  bool count_only_ ABSL_GUARDED_BY(mu_) = false;
  int connections_ ABSL_GUARDED_BY(mu_) = 0;
  int status_ ABSL_GUARDED_BY(mu_) = 200;
  std::string answer_ ABSL_GUARDED_BY(mu_) = "ok";
  std::string location_ ABSL_GUARDED_BY(mu_);
  bool silent_ ABSL_GUARDED_BY(mu_) = false;
};

}  // namespace closedloop::testing

#endif  // CLOSEDLOOP_TESTS_SERVICES_HTTP_RECEIVER_H_
