#include "tools/bench/query_workload.h"

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <cstdio>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "closedloop/v1/query_service.grpc.pb.h"
#include "domain/proto_time.h"
#include "tools/bench/load_stats.h"

namespace closedloop::bench {
namespace {

using Stub = v1::QueryService::Stub;

// Every row's latencies and failures, printed as one table at the end.
class Table {
 public:
  explicit Table(const QueryWorkloadOptions& options) : options_(options) {
    std::printf("  %-34s %8s %9s %8s %8s %8s %9s  %s\n", "query", "calls", "calls/s", "p50 ms",
                "p99 ms", "p999 ms", "matches", "failures");
  }

  // Runs `call(thread, i)` (true: OK) from every thread for options.each and prints its row;
  // `matches` is what the call finds (-1: not a count).
  template <typename Call>
  void Row(const std::string& name, int64_t matches, Call call) {
    const absl::Time start = absl::Now();
    const absl::Time stop = start + options_.each;
    std::vector<std::vector<float>> micros(options_.threads);
    std::atomic<uint64_t> failures{0};
    std::vector<std::thread> threads;
    for (int t = 0; t < options_.threads; ++t) {
      threads.emplace_back([&, t] {
        for (uint64_t i = 0; absl::Now() < stop; ++i) {
          const absl::Time before = absl::Now();
          if (!call(t, i)) ++failures;
          micros[t].push_back(static_cast<float>(absl::ToDoubleMicroseconds(absl::Now() - before)));
        }
      });
    }
    for (std::thread& t : threads) t.join();
    const double seconds = absl::ToDoubleSeconds(absl::Now() - start);
    std::vector<float> all;
    for (const std::vector<float>& m : micros) all.insert(all.end(), m.begin(), m.end());
    std::sort(all.begin(), all.end());
    std::printf("  %-34s %8zu %9.0f %8.2f %8.2f %8.2f %9s  %s\n", name.c_str(), all.size(),
                all.size() / seconds, PercentileMs(all, 0.5), PercentileMs(all, 0.99),
                PercentileMs(all, 0.999), matches < 0 ? "" : absl::StrCat(matches).c_str(),
                failures ? absl::StrCat(failures.load(), " FAILED").c_str() : "");
    std::fflush(stdout);
  }

 private:
  const QueryWorkloadOptions& options_;
};

bool List(Stub& stub, const v1::ListComplaintsRequest& request, v1::ListComplaintsResponse& page) {
  grpc::ClientContext context;
  return stub.ListComplaints(&context, request, &page).ok();
}

// One page (up to 1,000) of the cases `filter` matches, as samples.
void AddSamples(Stub& stub, v1::ListComplaintsRequest filter, std::vector<Sample>& samples) {
  filter.set_page_size(1000);
  v1::ListComplaintsResponse page;
  if (!List(stub, filter, page)) {
    std::fprintf(stderr, "queries: cannot sample cases\n");
    return;
  }
  for (const v1::ComplaintView& c : page.complaints()) {
    samples.push_back({c.complaint_id(), c.filing().customer_ref(), c.filing().order_ref(),
                       c.filing().external_ref(), c.filing().customer_contact(),
                       c.filing().market()});
  }
}

}  // namespace

std::vector<Sample> SampleCases(Stub& stub, absl::Time now) {
  std::vector<Sample> samples;
  v1::ListComplaintsRequest open;
  open.add_states(v1::COMPLAINT_STATE_OPEN);
  open.add_states(v1::COMPLAINT_STATE_IN_PROGRESS);
  AddSamples(stub, open, samples);
  v1::ListComplaintsRequest closed;
  closed.add_states(v1::COMPLAINT_STATE_CLOSED);
  AddSamples(stub, closed, samples);
  v1::ListComplaintsRequest older;
  *older.mutable_filed_after() = domain::ToProto(now - absl::Hours(72));
  *older.mutable_filed_before() = domain::ToProto(now - absl::Hours(48));
  AddSamples(stub, older, samples);
  return samples;
}

// Of everyone the boards know (the directory's members).
std::pair<std::string, int> BusiestOwner(Stub& stub) {
  const char* const owners[] = {"anna", "bob",  "carla", "dave", "erin", "farid",
                                "greta", "hana", "ivan", "rita", "sam"};
  std::pair<std::string, int> best{"anna", -1};
  for (const char* owner : owners) {
    grpc::ClientContext context;
    v1::GetSuperheroBoardRequest request;
    request.set_owner(owner);
    v1::SuperheroBoard board;
    if (stub.GetSuperheroBoard(&context, request, &board).ok() && board.open() > best.second) {
      best = {owner, board.open()};
    }
  }
  return best;
}

namespace {

// A filter's first page and a later one: the 10th, or the last page there is (none when the
// matches fit on one page).
void ListRows(Table& table, Stub& stub, const std::string& name,
              const v1::ListComplaintsRequest& filter) {
  v1::ListComplaintsResponse first;
  if (!List(stub, filter, first)) {
    std::printf("  %-34s FAILED\n", name.c_str());
    return;
  }
  table.Row(absl::StrCat("list ", name, " p1"), first.total_size(), [&](int, uint64_t) {
    v1::ListComplaintsResponse page;
    return List(stub, filter, page);
  });
  v1::ListComplaintsRequest later = filter;
  int page_number = 1;
  for (std::string token = first.next_page_token(); !token.empty() && page_number < 10;) {
    later.set_page_token(token);
    v1::ListComplaintsResponse page;
    if (!List(stub, later, page)) break;
    ++page_number;
    token = page.next_page_token();
  }
  if (page_number == 1) return;
  table.Row(absl::StrCat("list ", name, " p", page_number), first.total_size(),
            [&](int, uint64_t) {
              v1::ListComplaintsResponse page;
              return List(stub, later, page);
            });
}

// The fixed filters of ListComplaintsRequest, each alone.
std::vector<std::pair<std::string, v1::ListComplaintsRequest>> Filters(
    const std::string& owner, const std::string& team, absl::Time now) {
  std::vector<std::pair<std::string, v1::ListComplaintsRequest>> filters;
  auto add = [&](std::string name) -> v1::ListComplaintsRequest& {
    filters.emplace_back(std::move(name), v1::ListComplaintsRequest());
    return filters.back().second;
  };
  add("(none)");
  v1::ListComplaintsRequest& open = add("states=open,in_progress");
  open.add_states(v1::COMPLAINT_STATE_OPEN);
  open.add_states(v1::COMPLAINT_STATE_IN_PROGRESS);
  add("states=closed").add_states(v1::COMPLAINT_STATE_CLOSED);
  add(absl::StrCat("owner=", owner)).set_owner(owner);
  v1::ListComplaintsRequest& owner_open = add(absl::StrCat("owner=", owner, " open"));
  owner_open.set_owner(owner);
  owner_open.add_states(v1::COMPLAINT_STATE_OPEN);
  owner_open.add_states(v1::COMPLAINT_STATE_IN_PROGRESS);
  add(absl::StrCat("team=", team)).set_team(team);
  add("department=warehouse").set_department("warehouse");
  add("channel=web").set_channel(v1::CHANNEL_WEB);
  add("kind=complaint").set_kind(v1::ITEM_KIND_COMPLAINT);
  add("severity=high").set_severity(v1::SEVERITY_HIGH);
  add("breached_only").set_breached_only(true);
  add("hanging_only").set_hanging_only(true);
  v1::ListComplaintsRequest& day = add("filed 72-48 h ago");
  *day.mutable_filed_after() = domain::ToProto(now - absl::Hours(72));
  *day.mutable_filed_before() = domain::ToProto(now - absl::Hours(48));
  add("market=DE").set_market("DE");
  return filters;
}

// What a department's agent lists: all it may read, what is open of it, and a day of it.
std::vector<std::pair<std::string, v1::ListComplaintsRequest>> ScopedFilters(absl::Time now) {
  std::vector<std::pair<std::string, v1::ListComplaintsRequest>> filters(3);
  filters[0].first = "(none)";
  filters[1].first = "states=open,in_progress";
  filters[1].second.add_states(v1::COMPLAINT_STATE_OPEN);
  filters[1].second.add_states(v1::COMPLAINT_STATE_IN_PROGRESS);
  filters[2].first = "filed 72-48 h ago";
  *filters[2].second.mutable_filed_after() = domain::ToProto(now - absl::Hours(72));
  *filters[2].second.mutable_filed_before() = domain::ToProto(now - absl::Hours(48));
  return filters;
}

}  // namespace

void RunQueryWorkload(const std::shared_ptr<grpc::Channel>& channel,
                      const QueryWorkloadOptions& options) {
  std::unique_ptr<Stub> stub = v1::QueryService::NewStub(channel);
  const absl::Time now = options.clock();
  const std::vector<Sample> samples = SampleCases(*stub, now);
  if (samples.empty()) {
    std::fprintf(stderr, "queries: the store has no cases\n");
    return;
  }
  // Spread over the threads and calls so that consecutive calls ask for different cases.
  auto sample = [&](int t, uint64_t i) -> const Sample& {
    return samples[(t * 7919 + i * 104729) % samples.size()];
  };
  const std::pair<std::string, int> busiest = BusiestOwner(*stub);
  const std::string owner = busiest.first;
  const int owner_open = busiest.second;
  std::string team = "cx-hotline";
  {
    grpc::ClientContext context;
    v1::GetSuperheroBoardRequest request;
    request.set_owner(owner);
    v1::SuperheroBoard board;
    if (stub->GetSuperheroBoard(&context, request, &board).ok() && board.cases_size() > 0) {
      team = board.cases(0).team();
    }
  }
  std::printf("queries: %zu sampled cases, busiest owner %s (%d open), %d threads, %.0f s a row\n",
              samples.size(), owner.c_str(), owner_open, options.threads,
              absl::ToDoubleSeconds(options.each));
  Table table(options);
  table.Row("superhero_board", owner_open, [&](int, uint64_t) {
    grpc::ClientContext context;
    v1::GetSuperheroBoardRequest request;
    request.set_owner(owner);
    v1::SuperheroBoard board;
    return stub->GetSuperheroBoard(&context, request, &board).ok();
  });
  table.Row("superhero_board limit 20", owner_open, [&](int, uint64_t) {
    grpc::ClientContext context;
    v1::GetSuperheroBoardRequest request;
    request.set_owner(owner);
    request.set_limit(20);
    v1::SuperheroBoard board;
    return stub->GetSuperheroBoard(&context, request, &board).ok();
  });
  v1::GetDeadlineBoardRequest due_request;
  due_request.mutable_window()->set_seconds(4 * 3600);
  v1::DeadlineBoard due_board;
  {
    grpc::ClientContext context;
    stub->GetDeadlineBoard(&context, due_request, &due_board).IgnoreError();
  }
  table.Row("deadline_board_4h", due_board.due_soon_total(), [&](int, uint64_t) {
    grpc::ClientContext context;
    v1::DeadlineBoard board;
    return stub->GetDeadlineBoard(&context, due_request, &board).ok();
  });
  v1::GetDeadlineBoardRequest due_20 = due_request;
  due_20.set_limit(20);
  table.Row("deadline_board_4h limit 20", due_board.due_soon_total(), [&](int, uint64_t) {
    grpc::ClientContext context;
    v1::DeadlineBoard board;
    return stub->GetDeadlineBoard(&context, due_20, &board).ok();
  });
  v1::GetMetricsRequest metrics_request;
  *metrics_request.mutable_filed_after() = domain::ToProto(now - absl::Hours(24 * 30));
  table.Row("metrics_30d", -1, [&](int, uint64_t) {
    grpc::ClientContext context;
    v1::Metrics metrics;
    return stub->GetMetrics(&context, metrics_request, &metrics).ok() && metrics.complaints() > 0;
  });
  // Ranges that cut a filing day: the day's cases in range are counted one by one.
  for (const auto& [name, hours] : {std::pair{"metrics_24h", 24}, std::pair{"metrics_1h", 1}}) {
    v1::GetMetricsRequest cut_request;
    *cut_request.mutable_filed_after() = domain::ToProto(now - absl::Hours(hours));
    table.Row(name, -1, [&, cut_request](int, uint64_t) {
      grpc::ClientContext context;
      v1::Metrics metrics;
      return stub->GetMetrics(&context, cut_request, &metrics).ok() && metrics.complaints() > 0;
    });
  }
  table.Row("catalog", -1, [&](int, uint64_t) {
    grpc::ClientContext context;
    v1::GetDepartmentCatalogRequest request;
    v1::DepartmentCatalog catalog;
    return stub->GetDepartmentCatalog(&context, request, &catalog).ok();
  });
  table.Row("customer_history", -1, [&](int t, uint64_t i) {
    grpc::ClientContext context;
    v1::GetCustomerHistoryRequest request;
    request.set_customer_ref(sample(t, i).customer_ref);
    v1::CustomerHistory history;
    return stub->GetCustomerHistory(&context, request, &history).ok() && history.cases_size() > 0;
  });
  table.Row("get_complaint", -1, [&](int t, uint64_t i) {
    grpc::ClientContext context;
    v1::GetComplaintRequest request;
    request.set_complaint_id(sample(t, i).id);
    v1::ComplaintView view;
    return stub->GetComplaint(&context, request, &view).ok();
  });
  for (const auto& [name, filter] : Filters(owner, team, now)) ListRows(table, *stub, name, filter);
  if (options.department_channel != nullptr) {
    std::unique_ptr<Stub> scoped = v1::QueryService::NewStub(options.department_channel);
    for (const auto& [name, filter] : ScopedFilters(now)) {
      ListRows(table, *scoped, absl::StrCat("as ", options.department, " ", name), filter);
    }
  }
  // The refs an agent has on a repeat call: a different case's each call, so each must match.
  using Field = std::string Sample::*;
  const std::pair<const char*, Field> refs[] = {{"customer_ref", &Sample::customer_ref},
                                                {"order_ref", &Sample::order_ref},
                                                {"external_ref", &Sample::external_ref},
                                                {"customer_contact", &Sample::contact}};
  for (const auto& [name, field] : refs) {
    table.Row(absl::StrCat("list ", name, " p1"), -1, [&](int t, uint64_t i) {
      const Sample& s = sample(t, i);
      v1::ListComplaintsRequest request;
      if (field == &Sample::customer_ref) request.set_customer_ref(s.customer_ref);
      if (field == &Sample::order_ref) request.set_order_ref(s.order_ref);
      if (field == &Sample::external_ref) request.set_external_ref(s.external_ref);
      if (field == &Sample::contact) {
        request.set_customer_contact(s.contact);
        request.set_market(s.market);  // a national number is read in the case's market
      }
      v1::ListComplaintsResponse page;
      return List(*stub, request, page) && page.total_size() > 0;
    });
  }
}

}  // namespace closedloop::bench
