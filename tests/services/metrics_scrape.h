// Scraping a metrics endpoint in tests: a real HTTP GET of /metrics, parsed back into
// samples that a test looks up by name and labels.
#ifndef CLOSEDLOOP_TESTS_SERVICES_METRICS_SCRAPE_H_
#define CLOSEDLOOP_TESTS_SERVICES_METRICS_SCRAPE_H_

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <cstdlib>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"

namespace closedloop::testing {

using Labels = std::map<std::string, std::string>;

// The body of GET `path` from 127.0.0.1:`port` over HTTP/1.0 (the server closes the
// connection after the response, which ends the read); empty on any failure.
inline std::string HttpGet(int port, const std::string& path) {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  REQUIRE(fd >= 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<uint16_t>(port));
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  std::string response;
  if (connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0) {
    const std::string request = "GET " + path + " HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n";
    if (send(fd, request.data(), request.size(), 0) == static_cast<ssize_t>(request.size())) {
      char buffer[8192];
      for (ssize_t n; (n = recv(fd, buffer, sizeof buffer, 0)) > 0;) response.append(buffer, n);
    }
  }
  close(fd);
  INFO(response.substr(0, 200));
  REQUIRE(response.rfind("HTTP/1.1 200", 0) == 0);
  const size_t body = response.find("\r\n\r\n");
  REQUIRE(body != std::string::npos);
  return response.substr(body + 4);
}

// One sample of the text exposition format: name{label="value",...} value.
struct Sample {
  std::string name;
  Labels labels;
  double value = 0;
};

inline std::vector<Sample> Parse(const std::string& text) {
  std::vector<Sample> samples;
  for (absl::string_view line : absl::StrSplit(text, '\n', absl::SkipEmpty())) {
    if (line.front() == '#') continue;
    Sample& s = samples.emplace_back();
    // FAIL only on a malformed line: a REQUIRE per line would count thousands of assertions.
    const size_t space = line.rfind(' ');
    if (space == absl::string_view::npos) FAIL("malformed line: " << line);
    absl::string_view series = line.substr(0, space);
    s.value = std::strtod(std::string(line.substr(space + 1)).c_str(), nullptr);
    const size_t brace = series.find('{');
    s.name = std::string(series.substr(0, brace));
    if (brace == absl::string_view::npos) continue;
    absl::string_view labels = series.substr(brace + 1);
    if (!absl::ConsumeSuffix(&labels, "}")) FAIL("malformed labels: " << line);
    // Our label values hold no commas or quotes, so a plain split is exact here.
    for (absl::string_view pair : absl::StrSplit(labels, ',', absl::SkipEmpty())) {
      const std::vector<std::string> kv = absl::StrSplit(pair, absl::MaxSplits('=', 1));
      if (kv.size() != 2) FAIL("malformed label: " << line);
      s.labels[kv[0]] = std::string(absl::StripSuffix(absl::StripPrefix(kv[1], "\""), "\""));
    }
  }
  return samples;
}

// The value of the series `name` with exactly `labels`, if the scrape has it.
inline std::optional<double> Find(const std::vector<Sample>& samples, const std::string& name,
                           const Labels& labels = {}) {
  for (const Sample& s : samples) {
    if (s.name == name && s.labels == labels) return s.value;
  }
  return std::nullopt;
}

// Like Find, but the series must be there.
inline double Value(const std::vector<Sample>& samples, const std::string& name, const Labels& labels = {}) {
  std::optional<double> value = Find(samples, name, labels);
  INFO(name);
  for (const auto& [k, v] : labels) INFO(k << "=" << v);
  REQUIRE(value.has_value());
  return *value;
}


}  // namespace closedloop::testing

#endif  // CLOSEDLOOP_TESTS_SERVICES_METRICS_SCRAPE_H_
