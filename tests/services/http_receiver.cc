#include "tests/services/http_receiver.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdlib>
#include <stdexcept>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"

namespace closedloop::testing {
namespace {

struct Connection {
  int fd = -1;
  std::string in;
};

void Fail(const std::string& what) { throw std::runtime_error(what + " failed"); }

void SendAll(int fd, const std::string& bytes) {
  size_t sent = 0;
  while (sent < bytes.size()) {
    ssize_t n = send(fd, bytes.data() + sent, bytes.size() - sent, MSG_NOSIGNAL);
    if (n <= 0) return;  // the client went away; its next read tells it so
    sent += static_cast<size_t>(n);
  }
}

// Parses one complete request at the front of `in` into `request` and removes it. False when
// `in` does not hold a whole request yet.
bool TakeRequest(std::string& in, ReceivedRequest& request) {
  const size_t head_end = in.find("\r\n\r\n");
  if (head_end == std::string::npos) return false;
  std::vector<std::string> lines = absl::StrSplit(in.substr(0, head_end), "\r\n");
  std::vector<std::string> request_line = absl::StrSplit(lines[0], ' ');
  if (request_line.size() != 3) Fail("request line \"" + lines[0] + "\"");
  ReceivedRequest parsed;
  parsed.method = request_line[0];
  parsed.path = request_line[1];
  size_t content_length = 0;
  for (size_t i = 1; i < lines.size(); ++i) {
    const size_t colon = lines[i].find(':');
    if (colon == std::string::npos) Fail("header line \"" + lines[i] + "\"");
    std::string name = lines[i].substr(0, colon);
    std::string value(absl::StripAsciiWhitespace(lines[i].substr(colon + 1)));
    if (absl::EqualsIgnoreCase(name, "Content-Length") && !absl::SimpleAtoi(value, &content_length)) {
      Fail("Content-Length \"" + value + "\"");
    }
    parsed.headers.emplace_back(std::move(name), std::move(value));
  }
  const size_t body_start = head_end + 4;
  if (in.size() < body_start + content_length) return false;
  parsed.body = in.substr(body_start, content_length);
  in.erase(0, body_start + content_length);
  request = std::move(parsed);
  return true;
}

const char* Reason(int status) {
  switch (status) {
    case 200: return "OK";
    case 204: return "No Content";
    case 301: return "Moved Permanently";
    case 400: return "Bad Request";
    case 500: return "Internal Server Error";
    case 503: return "Service Unavailable";
    default: return "Whatever";
  }
}

}  // namespace

std::string ReceivedRequest::Header(const std::string& name) const {
  for (const auto& [n, v] : headers) {
    if (absl::EqualsIgnoreCase(n, name)) return v;
  }
  return "";
}

HttpReceiver::HttpReceiver() { Start(); }

HttpReceiver::~HttpReceiver() {
  if (thread_.joinable()) Stop();
}

std::string HttpReceiver::Url(const std::string& path) const {
  return absl::StrCat("http://127.0.0.1:", port_, path);
}

void HttpReceiver::SetStatus(int status, std::string body, std::string location) {
  absl::MutexLock lock(&mu_);
  status_ = status;
  answer_ = std::move(body);
  location_ = std::move(location);
}

void HttpReceiver::SetSilent(bool silent) {
  absl::MutexLock lock(&mu_);
  silent_ = silent;
}

void HttpReceiver::Listen() {
  listen_fd_ = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (listen_fd_ < 0) Fail("socket");
  // Connections this receiver closed linger in TIME_WAIT; without this a restart could not
  // bind the same port again.
  int one = 1;
  setsockopt(listen_fd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  address.sin_port = htons(static_cast<uint16_t>(port_));
  if (bind(listen_fd_, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) Fail("bind");
  if (listen(listen_fd_, 64) != 0) Fail("listen");
  socklen_t length = sizeof address;
  if (getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&address), &length) != 0) {
    Fail("getsockname");
  }
  port_ = ntohs(address.sin_port);
}

void HttpReceiver::Start() {
  if (thread_.joinable()) return;
  Listen();
  if (pipe2(wake_pipe_, O_CLOEXEC) != 0) Fail("pipe");
  thread_ = std::thread([this, listen_fd = listen_fd_, wake_fd = wake_pipe_[0]] {
    Serve(listen_fd, wake_fd);
  });
}

void HttpReceiver::Stop() {
  if (!thread_.joinable()) return;
  const char byte = 'x';
  if (write(wake_pipe_[1], &byte, 1) != 1) Fail("write to the wake pipe");
  thread_.join();
  close(listen_fd_);
  close(wake_pipe_[0]);
  close(wake_pipe_[1]);
  listen_fd_ = wake_pipe_[0] = wake_pipe_[1] = -1;
}

void HttpReceiver::SetCountOnly(bool count_only) {
  absl::MutexLock lock(&mu_);
  count_only_ = count_only;
}

bool HttpReceiver::WaitForRequests(size_t n, absl::Duration timeout) {
  const absl::Time deadline = absl::Now() + timeout;
  absl::MutexLock lock(&mu_);
  while (received_count_ < n) {
    if (received_.WaitWithDeadline(&mu_, deadline) && received_count_ < n) return false;
  }
  return true;
}

std::vector<ReceivedRequest> HttpReceiver::Requests() const {
  absl::MutexLock lock(&mu_);
  return requests_;
}

size_t HttpReceiver::Received() const {
  absl::MutexLock lock(&mu_);
  return received_count_;
}

uint64_t HttpReceiver::ReceivedBodyBytes() const {
  absl::MutexLock lock(&mu_);
  return received_body_bytes_;
}

int HttpReceiver::Connections() const {
  absl::MutexLock lock(&mu_);
  return connections_;
}

void HttpReceiver::Serve(int listen_fd, int wake_fd) {
  std::vector<Connection> connections;
  for (;;) {
    std::vector<pollfd> fds = {{wake_fd, POLLIN, 0}, {listen_fd, POLLIN, 0}};
    for (const Connection& c : connections) fds.push_back({c.fd, POLLIN, 0});
    if (poll(fds.data(), fds.size(), -1) < 0) continue;  // EINTR
    if (fds[0].revents != 0) break;
    if (fds[1].revents & POLLIN) {
      const int fd = accept4(listen_fd, nullptr, nullptr, SOCK_CLOEXEC);
      if (fd >= 0) {
        connections.push_back({fd, ""});
        absl::MutexLock lock(&mu_);
        ++connections_;
      }
    }
    // Only the connections polled above: one just accepted has no entry in `fds` yet.
    std::vector<Connection> open;
    for (size_t i = 0; i < connections.size(); ++i) {
      Connection& c = connections[i];
      bool keep = true;
      if (i + 2 < fds.size() && fds[i + 2].revents != 0) {
        char buffer[16384];
        const ssize_t n = read(c.fd, buffer, sizeof buffer);
        if (n <= 0) {
          keep = false;
        } else {
          c.in.append(buffer, static_cast<size_t>(n));
          ReceivedRequest request;
          while (keep && TakeRequest(c.in, request)) {
            const bool close_after = absl::EqualsIgnoreCase(request.Header("Connection"), "close");
            std::string response;
            {
              absl::MutexLock lock(&mu_);
              if (!silent_) {
                response = absl::StrCat(
                    "HTTP/1.1 ", status_, " ", Reason(status_), "\r\n",
                    location_.empty() ? "" : absl::StrCat("Location: ", location_, "\r\n"),
                    "Content-Type: text/plain\r\nContent-Length: ", answer_.size(), "\r\n\r\n",
                    answer_);
              }
              ++received_count_;
              received_body_bytes_ += request.body.size();
              if (!count_only_) requests_.push_back(std::move(request));
              received_.SignalAll();
            }
            if (!response.empty()) SendAll(c.fd, response);
            if (close_after) keep = false;
          }
        }
      }
      if (keep) {
        open.push_back(std::move(c));
      } else {
        close(c.fd);
      }
    }
    connections = std::move(open);
  }
  for (const Connection& c : connections) close(c.fd);
}

}  // namespace closedloop::testing
