// The timer service's guarantees over a real log and gRPC server with a fake clock: each
// occurrence fires exactly once however often passes run and however the clock moves, and
// deadlines that came due while the server was down fire once at start, in due order.
#include <catch2/catch.hpp>

#include <map>
#include <string>
#include <tuple>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "tests/services/timer_test_util.h"

namespace closedloop {
namespace {

using namespace testing;  // NOLINT: the API test helpers
using absl::Hours;
using absl::Minutes;

// One warning or breach as recorded in the log.
struct Firing {
  uint64_t position;
  std::string complaint_id;
  std::string timer_id;
  bool breach;
  absl::Time reached_at;
  absl::Time fired_at;
};

// Every warning and breach in the log, in log order.
std::vector<Firing> Firings(TestServer& s) {
  std::vector<Firing> out;
  v1::ReadAllRequest request;
  request.set_page_size(1000);
  request.mutable_filter()->add_event_types("complaint.deadline_warned");
  request.mutable_filter()->add_event_types("complaint.deadline_breached");
  for (uint64_t from = 1;;) {
    request.set_from_position(from);
    const v1::ReadAllResponse page = Ok(*s.audit, &v1::AuditService::Stub::ReadAll, request);
    for (const v1::RecordedEvent& record : page.events()) {
      v1::ComplaintEvent event;
      REQUIRE(event.ParseFromString(record.payload()));
      const bool breach = event.has_deadline_breached();
      const std::string& timer =
          breach ? event.deadline_breached().timer_id() : event.deadline_warned().timer_id();
      const auto& reached =
          breach ? event.deadline_breached().reached_at() : event.deadline_warned().reached_at();
      const auto& fired =
          breach ? event.deadline_breached().fired_at() : event.deadline_warned().fired_at();
      out.push_back({record.position(), record.stream().substr(sizeof("complaint-") - 1), timer,
                     breach, T(reached), T(fired)});
    }
    if (page.events_size() == 0) break;
    from = page.events(page.events_size() - 1).position() + 1;
  }
  return out;
}

// Requires that no (complaint, timer) warned or breached more than once; returns how many
// distinct occurrences fired.
size_t RequireEachOnce(const std::vector<Firing>& firings) {
  std::map<std::tuple<std::string, std::string, bool>, int> count;
  for (const Firing& f : firings) ++count[{f.complaint_id, f.timer_id, f.breach}];
  for (const auto& [key, n] : count) {
    INFO(std::get<0>(key) << " " << std::get<1>(key) << (std::get<2>(key) ? " breach" : " warning"));
    REQUIRE(n == 1);
  }
  return count.size();
}

TEST_CASE("timers fire once however often passes run and however the clock moves", "[timers]") {
  TestServer s;
  for (int i = 0; i < 20; ++i) {
    FileCase(s, v1::CHANNEL_HOTLINE, absl::StrCat("cust-", i));
    s.clock.Advance(Minutes(7));
  }
  // 20 cases, each with first-contact and resolution deadlines: 40 warnings, 40 breaches.
  AdvanceAndFire(s, Hours(25));
  const std::vector<Firing> first = Firings(s);
  CHECK(RequireEachOnce(first) == 80);
  AdvanceAndFire(s, absl::ZeroDuration());
  CHECK(Firings(s).size() == 80);

  // The wall clock is moved back a day: nothing un-fires, nothing fires again.
  AdvanceAndFire(s, -Hours(24));
  CHECK(Firings(s).size() == first.size());
  AdvanceAndFire(s, Hours(24));
  CHECK(Firings(s).size() == first.size());
  for (int i = 1; i <= 20; ++i) {
    const v1::ComplaintView view = View(s, absl::StrCat("CL-", i), s.log->HeadPosition());
    CHECK(view.hanging());
  }

  // Moved forward three days at once: every reminder due by then fires, once, in due order.
  AdvanceAndFire(s, Hours(72));
  const std::vector<Firing> after = Firings(s);
  RequireEachOnce(after);
  CHECK(after.size() > first.size());
  for (size_t i = 1; i < after.size(); ++i) {
    if (after[i].fired_at == after[i - 1].fired_at) CHECK(after[i - 1].reached_at <= after[i].reached_at);
  }
}

TEST_CASE("a case whose stream cannot be read does not hold up the others' timers", "[timers]") {
  TestServer s;
  const std::string damaged = FileCase(s, v1::CHANNEL_HOTLINE, "c1").complaint_id();
  const std::string healthy = FileCase(s, v1::CHANNEL_HOTLINE, "c2").complaint_id();
  // An event no complaint decoder can read, appended behind the commands' back.
  storage::AppendRequest garbage;
  garbage.stream = "complaint-" + damaged;
  storage::ProposedEvent& event = garbage.events.emplace_back();
  event.set_type("complaint.comment_added");
  event.set_payload("\xff\xff\xff");
  event.mutable_actor()->set_principal("test");
  REQUIRE(s.log->Append(std::move(garbage)).ok());

  AdvanceAndFire(s, Hours(25));
  std::map<std::string, int> fired;
  for (const Firing& f : Firings(s)) ++fired[f.complaint_id];
  CHECK(fired[healthy] == 4);  // first contact and resolution, each warned and breached
  CHECK(fired[damaged] == 0);
}

TEST_CASE("1,000 deadlines that came due while the server was down fire once at start, in order",
          "[timers]") {
  TestServer s;
  // 500 cases filed in batches a minute apart: 1,000 first-contact and resolution deadlines.
  constexpr int kBatches = 10;
  constexpr int kPerBatch = 50;
  for (int b = 0; b < kBatches; ++b) {
    v1::FileComplaintsRequest batch;
    for (int i = 0; i < kPerBatch; ++i) {
      v1::FileComplaintRequest& one = *batch.add_filings();
      one.set_request_id(absl::StrCat("web-", b, "-", i));
      v1::Filed& f = *one.mutable_complaint();
      f.set_channel(v1::CHANNEL_WEB);
      f.set_kind(v1::ITEM_KIND_COMPLAINT);
      f.set_customer_ref(absl::StrCat("cust-", b, "-", i));
      f.set_text("The order arrived incomplete.");
    }
    const v1::FileComplaintsResponse filed =
        Ok(*s.complaints, &v1::ComplaintService::Stub::FileComplaints, batch);
    for (const auto& result : filed.results()) REQUIRE(result.code() == 0);
    s.clock.Advance(Minutes(1));
  }
  const uint64_t before_downtime = s.log->HeadPosition();
  CHECK(Firings(s).empty());

  s.Stop();
  // Down for 30 hours: past every warning and due time, before any customer-update reminder.
  s.clock.Advance(Hours(30));
  const absl::Time restarted_at = s.clock.Now();
  s.Start();
  // The server's own first pass may already have fired them all; this one waits for it.
  AdvanceAndFire(s, absl::ZeroDuration());

  const std::vector<Firing> firings = Firings(s);
  CHECK(RequireEachOnce(firings) == 2 * 2 * kBatches * kPerBatch);  // a warning and a breach each
  REQUIRE(firings.size() == 2000);
  for (size_t i = 0; i < firings.size(); ++i) {
    INFO(i);
    CHECK(firings[i].position > before_downtime);
    CHECK(firings[i].fired_at == restarted_at);
    if (i > 0) CHECK(firings[i - 1].reached_at <= firings[i].reached_at);
  }
}

}  // namespace
}  // namespace closedloop
