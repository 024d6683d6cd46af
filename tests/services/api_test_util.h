// Client-side helpers for the API tests: calls with a deadline, requests from text format.
#ifndef CLOSEDLOOP_TESTS_SERVICES_API_TEST_UTIL_H_
#define CLOSEDLOOP_TESTS_SERVICES_API_TEST_UTIL_H_

#include <catch2/catch.hpp>

#include <chrono>
#include <string>

#include "absl/time/time.h"
#include "domain/proto_time.h"
#include "google/protobuf/text_format.h"
#include "grpcpp/client_context.h"
#include "tests/services/test_server.h"

namespace closedloop::testing {

// One unary call with a 30 s deadline.
template <typename Stub, typename Request, typename Response>
grpc::Status Call(Stub& stub, grpc::Status (Stub::*method)(grpc::ClientContext*, const Request&, Response*),
                  const Request& request, Response* response) {
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(30));
  return (stub.*method)(&context, request, response);
}

// One unary call that must succeed; its response.
template <typename Stub, typename Request, typename Response>
Response Ok(Stub& stub, grpc::Status (Stub::*method)(grpc::ClientContext*, const Request&, Response*),
            const Request& request) {
  Response response;
  const grpc::Status status = Call(stub, method, request, &response);
  INFO(status.error_message());
  REQUIRE(status.error_code() == grpc::StatusCode::OK);
  return response;
}

// A message from text format.
template <typename Message>
Message Msg(const std::string& text) {
  Message message;
  INFO(text);
  REQUIRE(google::protobuf::TextFormat::ParseFromString(text, &message));
  return message;
}

// A command request from text format, for complaint `id`.
template <typename Request>
Request Cmd(const std::string& text, const std::string& id) {
  Request request = Msg<Request>(text);
  request.set_complaint_id(id);
  return request;
}

// The complaint's current view, once the projections have reached `min_position`.
inline v1::ComplaintView View(TestServer& s, const std::string& id, uint64_t min_position = 0) {
  v1::GetComplaintRequest request;
  request.set_complaint_id(id);
  request.set_min_position(min_position);
  return Ok(*s.queries, &v1::QueryService::Stub::GetComplaint, request);
}

inline absl::Time T(const google::protobuf::Timestamp& t) { return domain::FromProto(t); }

}  // namespace closedloop::testing

#endif  // CLOSEDLOOP_TESTS_SERVICES_API_TEST_UTIL_H_
