#include "services/metrics/metrics_endpoint.h"

#include <exception>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"

namespace closedloop::services::metrics {
namespace {

// Threads answering scrapes: one Prometheus server scrapes one request at a time; a second
// thread lets a person's curl through meanwhile.
constexpr size_t kServingThreads = 2;

// The port of "host:port" or "[v6]:port", if it is a number.
bool HasPort(const std::string& address) {
  const size_t colon = address.rfind(':');
  if (colon == std::string::npos || colon == 0) return false;
  int port = 0;
  return absl::SimpleAtoi(address.substr(colon + 1), &port) && port >= 0 && port <= 65535;
}

}  // namespace

absl::StatusOr<std::unique_ptr<MetricsEndpoint>> MetricsEndpoint::Start(
    const std::string& address,
    std::vector<std::shared_ptr<prometheus::Collectable>> collectables) {
  // civetweb reads a bare number as "every interface": refuse it instead of guessing.
  if (!HasPort(address)) {
    return absl::InvalidArgumentError(
        absl::StrCat("metrics address must be host:port, not '", address, "'"));
  }
  std::unique_ptr<prometheus::Exposer> exposer;
  try {
    // The Exposer reports a failed bind only by throwing.
    exposer = std::make_unique<prometheus::Exposer>(address, kServingThreads);
  } catch (const std::exception& e) {
    return absl::UnavailableError(absl::StrCat("cannot serve metrics on ", address, ": ", e.what()));
  }
  const std::vector<int> ports = exposer->GetListeningPorts();
  if (ports.empty()) {
    return absl::UnavailableError(absl::StrCat("cannot serve metrics on ", address));
  }
  for (const std::shared_ptr<prometheus::Collectable>& c : collectables) {
    exposer->RegisterCollectable(c);
  }
  return std::unique_ptr<MetricsEndpoint>(
      new MetricsEndpoint(std::move(exposer), std::move(collectables), ports.front()));
}

}  // namespace closedloop::services::metrics
