// Helpers shared by the storage tests: open a real log, build proposed events.
#ifndef CLOSEDLOOP_TESTS_STORAGE_LOG_TEST_UTIL_H_
#define CLOSEDLOOP_TESTS_STORAGE_LOG_TEST_UTIL_H_

#include <catch2/catch.hpp>

#include <memory>
#include <string>

#include "storage/event_log.h"

namespace closedloop::storage::testing {

// Opens the log with `options`; fails the test if it cannot.
inline std::unique_ptr<EventLog> OpenLog(EventLogOptions options) {
  absl::StatusOr<std::unique_ptr<EventLog>> log = EventLog::Open(std::move(options));
  INFO(log.status().ToString());
  REQUIRE(log.ok());
  return *std::move(log);
}

// Opens the log at `path` with default options, or a small in-memory window if given.
inline std::unique_ptr<EventLog> OpenLog(const std::string& path,
                                         size_t recent_events_capacity = 65536) {
  EventLogOptions options;
  options.path = path;
  options.recent_events_capacity = recent_events_capacity;
  return OpenLog(std::move(options));
}

inline ProposedEvent Event(const std::string& type, const std::string& payload) {
  ProposedEvent event;
  event.set_type(type);
  event.set_payload(payload);
  event.mutable_actor()->set_principal("user:test");
  event.mutable_actor()->set_role("tester");
  return event;
}

}  // namespace closedloop::storage::testing

#endif  // CLOSEDLOOP_TESTS_STORAGE_LOG_TEST_UTIL_H_
