// A projection that stopped on an error is not served: its frozen views would answer as if
// nothing had happened since. Queries answer UNAVAILABLE naming the failure, and health
// checking reports NOT_SERVING so that traffic moves elsewhere.
#include <catch2/catch.hpp>

#include <string>

#include "tests/services/api_test_util.h"
#include "tests/storage/log_test_util.h"
#include "tools/health_client.h"

namespace closedloop {
namespace {

using namespace testing;  // NOLINT: the API test helpers

TEST_CASE("a projection stopped by an unreadable event answers UNAVAILABLE and reports "
          "NOT_SERVING", "[projections]") {
  TestServer s;
  const v1::CommandResponse filed =
      Ok(*s.complaints, &v1::ComplaintService::Stub::FileComplaint,
         Msg<v1::FileComplaintRequest>("complaint { channel: CHANNEL_HOTLINE "
                                       "kind: ITEM_KIND_COMPLAINT customer_ref: 'c1' "
                                       "text: 'The lamp flickers.' }"));
  View(s, filed.complaint_id(), filed.position());
  absl::StatusOr<std::string> health = tools::CheckHealth(s.channel, absl::Seconds(30));
  REQUIRE(health.ok());
  CHECK(*health == "SERVING");

  // An event the projections cannot read (as a damaged record or a bug would leave).
  storage::AppendRequest request;
  request.stream = "complaint-CL-2";
  request.events.push_back(storage::testing::Event("complaint.filed", "\xff\xff\xff\xff"));
  REQUIRE(s.log->Append(std::move(request)).ok());
  const absl::Status stopped =
      s.server->projections().WaitFor(s.log->HeadPosition(), absl::Now() + absl::Seconds(60));
  INFO(stopped.ToString());
  REQUIRE(stopped.code() == absl::StatusCode::kUnavailable);

  // Even a case the frozen views hold is not served from them.
  v1::GetComplaintRequest get;
  get.set_complaint_id(filed.complaint_id());
  v1::ComplaintView view;
  const grpc::Status refused = Call(*s.queries, &v1::QueryService::Stub::GetComplaint, get, &view);
  CHECK(refused.error_code() == grpc::StatusCode::UNAVAILABLE);
  CHECK(refused.error_message().find("projections stopped") != std::string::npos);
  CHECK(refused.error_message().find("CL-2") != std::string::npos);
  v1::Metrics metrics;
  CHECK(Call(*s.queries, &v1::QueryService::Stub::GetMetrics, v1::GetMetricsRequest(), &metrics)
            .error_code() == grpc::StatusCode::UNAVAILABLE);

  health = tools::CheckHealth(s.channel, absl::Seconds(30));
  REQUIRE(health.ok());
  CHECK(*health == "NOT_SERVING");
}

}  // namespace
}  // namespace closedloop
