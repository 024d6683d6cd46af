#include "services/api/query_service.h"

#include <algorithm>
#include <chrono>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "domain/access.h"
#include "domain/boards.h"
#include "domain/proto_time.h"
#include "services/access/authorization.h"
#include "services/projections/complaint_lookup.h"
#include "services/projections/contact_key.h"
#include "services/api/request_checks.h"
#include "services/api/status_util.h"

namespace closedloop::services {
namespace {

// A call without a deadline waits at most this long for its min_position.
constexpr absl::Duration kMaxWait = absl::Seconds(30);
constexpr absl::Duration kDefaultWindow = absl::Hours(4);
constexpr absl::Duration kMaxWindow = absl::Hours(24 * 30);
// How often WatchBoard re-evaluates a board with no new events (at-risk and overdue move
// with the clock).
constexpr absl::Duration kWatchRefresh = absl::Seconds(5);
// The least time between two evaluations of a watched board: a board over many open cases
// costs real CPU, and a dashboard needs no more than a few updates a second however busy the
// log is.
constexpr absl::Duration kWatchMinInterval = absl::Milliseconds(250);
// How soon a watch notices that its client went away (or the server is shutting down): the
// synchronous API tells a handler only when asked, so a quiet watch asks this often. Until it
// notices, the watch holds a thread and one of its principal's stream places.
constexpr absl::Duration kWatchCancelPoll = absl::Milliseconds(100);

// Most entries in one list of a board.
constexpr size_t kBoardLimit = 500;

// A request's board limit: 0 or more than kBoardLimit means kBoardLimit.
absl::StatusOr<size_t> BoardLimit(int32_t limit) {
  if (limit < 0) {
    return absl::InvalidArgumentError(absl::StrCat("limit: must not be negative, got ", limit));
  }
  return limit == 0 ? kBoardLimit : std::min(static_cast<size_t>(limit), kBoardLimit);
}

v1::SuperheroBoard OwnerBoard(const ProjectionState& state, const std::string& owner,
                              absl::Time now, uint64_t position, size_t limit = kBoardLimit) {
  v1::SuperheroBoard board = state.SuperheroBoard(owner, now, limit);
  board.set_position(position);
  return board;
}

v1::DeadlineBoard DueBoard(const ProjectionState& state, absl::Duration window, absl::Time now,
                           uint64_t position, size_t limit = kBoardLimit) {
  v1::DeadlineBoard board = state.DeadlineBoard(now, window, limit);
  board.set_position(position);
  return board;
}

absl::StatusOr<absl::Duration> WindowOf(bool set, const google::protobuf::Duration& window,
                                        const char* field) {
  if (!set) return kDefaultWindow;
  absl::StatusOr<absl::Duration> checked = CheckDuration(field, window);
  if (!checked.ok()) return checked.status();
  const absl::Duration d = *checked;
  if (d <= absl::ZeroDuration() || d > kMaxWindow) {
    return absl::InvalidArgumentError(absl::StrCat(field, ": must be positive and at most 30 days"));
  }
  return d;
}

// What `caller` may see of `view`: OK with what its role does not see removed from the view,
// or `not_found`, the very answer an unknown case gets, when the case is outside its scope.
absl::Status ScopeView(const domain::Caller& caller, v1::ComplaintView& view,
                       const absl::Status& not_found) {
  if (!domain::MayRead(caller, view)) {
    view.Clear();
    return not_found;
  }
  domain::Redact(domain::ScopeOf(caller.role), view);
  return absl::OkStatus();
}

absl::Status NotFound(const std::string& complaint_id) {
  return absl::NotFoundError(absl::StrCat("complaint ", complaint_id, " not found"));
}

}  // namespace

absl::StatusOr<domain::Caller> QueryServiceImpl::Ready(grpc::ServerContext* context,
                                                       const char* method, uint64_t min_position) {
  absl::StatusOr<domain::Caller> caller = authorizer_.Authorize(*context, method);
  if (!caller.ok()) return caller;
  // Views frozen by a failed projection are not an answer: UNAVAILABLE, naming the failure.
  if (absl::Status s = projections_.Check(); !s.ok()) return s;
  if (min_position == 0) return caller;
  const absl::Time deadline =
      std::min(absl::FromChrono(context->deadline()), absl::Now() + kMaxWait);
  if (absl::Status s = projections_.WaitFor(min_position, deadline); !s.ok()) return s;
  return caller;
}

grpc::Status QueryServiceImpl::GetComplaint(grpc::ServerContext* context,
                                            const v1::GetComplaintRequest* request,
                                            v1::ComplaintView* response) {
  absl::StatusOr<domain::Caller> caller = Ready(context, "GetComplaint", request->min_position());
  if (!caller.ok()) return ToGrpcStatus(caller.status());
  if (absl::Status s = CheckAssignedId("complaint_id", request->complaint_id(), "CL-"); !s.ok()) {
    return ToGrpcStatus(s);
  }
  if (request->as_of_case() != v1::GetComplaintRequest::AS_OF_NOT_SET) {
    absl::StatusOr<v1::ComplaintView> view = ComplaintAsOf(log_, *request);
    if (!view.ok()) return ToGrpcStatus(view.status());
    *response = *std::move(view);
    return ToGrpcStatus(ScopeView(*caller, *response, NotFiledAsOf(request->complaint_id())));
  }
  absl::Status found;
  projections_.Read([&](const ProjectionState& state, uint64_t) {
    // Copied while the state is read: the follower may change a view in place once no state
    // holds it, and only the readers' count orders its writes after this copy.
    absl::StatusOr<ProjectionState::ComplaintPtr> view = state.Complaint(request->complaint_id());
    if (!view.ok()) {
      found = view.status();
    } else if (*view == nullptr) {
      found = NotFound(request->complaint_id());
    } else {
      *response = **view;
    }
  });
  if (!found.ok()) return ToGrpcStatus(found);
  // The view is the case as it stands; its history is the log's, read up to the same revision,
  // and scoped with the rest of the view, as an as-of read's is.
  if (absl::Status s = AddHistory(log_, *response); !s.ok()) return ToGrpcStatus(s);
  return ToGrpcStatus(ScopeView(*caller, *response, NotFound(request->complaint_id())));
}

grpc::Status QueryServiceImpl::ListComplaints(grpc::ServerContext* context,
                                              const v1::ListComplaintsRequest* request,
                                              v1::ListComplaintsResponse* response) {
  absl::StatusOr<domain::Caller> caller = Ready(context, "ListComplaints", request->min_position());
  if (!caller.ok()) return ToGrpcStatus(caller.status());
  // Each state once is all a filter can say; more entries would only lengthen every match.
  if (absl::Status s = CheckCount("states", request->states_size(), v1::ComplaintState_ARRAYSIZE - 1);
      !s.ok()) {
    return ToGrpcStatus(s);
  }
  if (absl::Status s = CheckListRequest(*request); !s.ok()) return ToGrpcStatus(s);
  absl::StatusOr<std::string> department = domain::DepartmentFilter(*caller, request->department());
  if (!department.ok()) return ToGrpcStatus(department.status());
  // A department lists what it may read: cases attributed to it and cases holding a task
  // for it. Every other role that may list reads every case.
  v1::ListComplaintsRequest scoped = *request;
  if (!request->customer_contact().empty()) {
    if (absl::Status s = domain::CheckContactSearch(*caller); !s.ok()) return ToGrpcStatus(s);
    absl::StatusOr<std::string> key =
        SearchContactKey("customer_contact", request->customer_contact(), request->market());
    if (!key.ok()) return ToGrpcStatus(key.status());
    scoped.set_customer_contact(*std::move(key));
  }
  ListScope in_scope;
  if (caller->role == domain::kRoleDepartment) {
    scoped.clear_department();
    in_scope.department = caller->department;
  }
  absl::StatusOr<v1::ListComplaintsResponse> page;
  projections_.Read([&](const ProjectionState& state, uint64_t) {
    page = ListPage(state, scoped, in_scope);
  });
  if (!page.ok()) return ToGrpcStatus(page.status());
  *response = *std::move(page);
  const domain::ReadScope scope = domain::ScopeOf(caller->role);
  for (v1::ComplaintView& view : *response->mutable_complaints()) domain::Redact(scope, view);
  return grpc::Status::OK;
}

grpc::Status QueryServiceImpl::GetSuperheroBoard(grpc::ServerContext* context,
                                                 const v1::GetSuperheroBoardRequest* request,
                                                 v1::SuperheroBoard* response) {
  absl::StatusOr<domain::Caller> caller = Ready(context, "GetSuperheroBoard", request->min_position());
  if (!caller.ok()) return ToGrpcStatus(caller.status());
  if (request->owner().empty()) return ToGrpcStatus(absl::InvalidArgumentError("owner: required"));
  if (absl::Status s = CheckFilter("owner", request->owner()); !s.ok()) return ToGrpcStatus(s);
  absl::StatusOr<size_t> limit = BoardLimit(request->limit());
  if (!limit.ok()) return ToGrpcStatus(limit.status());
  projections_.Read([&](const ProjectionState& state, uint64_t position) {
    *response = OwnerBoard(state, request->owner(), clock_(), position, *limit);
  });
  return grpc::Status::OK;
}

grpc::Status QueryServiceImpl::GetDeadlineBoard(grpc::ServerContext* context,
                                                const v1::GetDeadlineBoardRequest* request,
                                                v1::DeadlineBoard* response) {
  absl::StatusOr<domain::Caller> caller = Ready(context, "GetDeadlineBoard", request->min_position());
  if (!caller.ok()) return ToGrpcStatus(caller.status());
  absl::StatusOr<absl::Duration> window = WindowOf(request->has_window(), request->window(), "window");
  if (!window.ok()) return ToGrpcStatus(window.status());
  absl::StatusOr<size_t> limit = BoardLimit(request->limit());
  if (!limit.ok()) return ToGrpcStatus(limit.status());
  projections_.Read([&](const ProjectionState& state, uint64_t position) {
    *response = DueBoard(state, *window, clock_(), position, *limit);
  });
  return grpc::Status::OK;
}

grpc::Status QueryServiceImpl::GetDepartmentCatalog(grpc::ServerContext* context,
                                                    const v1::GetDepartmentCatalogRequest* request,
                                                    v1::DepartmentCatalog* response) {
  absl::StatusOr<domain::Caller> caller = Ready(context, "GetDepartmentCatalog", request->min_position());
  if (!caller.ok()) return ToGrpcStatus(caller.status());
  if (absl::Status s = CheckFilter("department", request->department()); !s.ok()) {
    return ToGrpcStatus(s);
  }
  absl::StatusOr<std::string> department = domain::DepartmentFilter(*caller, request->department());
  if (!department.ok()) return ToGrpcStatus(department.status());
  projections_.Read([&](const ProjectionState& state, uint64_t position) {
    *response = state.Catalog(*department, clock_());
    response->set_position(position);
  });
  return grpc::Status::OK;
}

grpc::Status QueryServiceImpl::GetCustomerHistory(grpc::ServerContext* context,
                                                  const v1::GetCustomerHistoryRequest* request,
                                                  v1::CustomerHistory* response) {
  absl::StatusOr<domain::Caller> caller = Ready(context, "GetCustomerHistory", request->min_position());
  if (!caller.ok()) return ToGrpcStatus(caller.status());
  if (request->customer_ref().empty()) {
    return ToGrpcStatus(absl::InvalidArgumentError("customer_ref: required"));
  }
  if (absl::Status s = CheckFilter("customer_ref", request->customer_ref()); !s.ok()) {
    return ToGrpcStatus(s);
  }
  absl::Status read;
  projections_.Read([&](const ProjectionState& state, uint64_t position) {
    absl::StatusOr<std::vector<ProjectionState::ComplaintPtr>> cases =
        state.OfCustomer(request->customer_ref());
    if (!cases.ok()) {
      read = cases.status();
      return;
    }
    std::vector<const v1::ComplaintView*> views;
    views.reserve(cases->size());
    for (const ProjectionState::ComplaintPtr& view : *cases) views.push_back(view.get());
    *response = domain::CustomerHistoryOf(request->customer_ref(), views, clock_());
    response->set_position(position);
  });
  return ToGrpcStatus(read);
}

grpc::Status QueryServiceImpl::GetMetrics(grpc::ServerContext* context,
                                          const v1::GetMetricsRequest* request,
                                          v1::Metrics* response) {
  absl::StatusOr<domain::Caller> caller = Ready(context, "GetMetrics", request->min_position());
  if (!caller.ok()) return ToGrpcStatus(caller.status());
  absl::Time after = absl::InfinitePast();
  absl::Time before = absl::InfiniteFuture();
  if (request->has_filed_after()) {
    absl::StatusOr<absl::Time> t = CheckTime("filed_after", request->filed_after());
    if (!t.ok()) return ToGrpcStatus(t.status());
    after = *t;
  }
  if (request->has_filed_before()) {
    absl::StatusOr<absl::Time> t = CheckTime("filed_before", request->filed_before());
    if (!t.ok()) return ToGrpcStatus(t.status());
    before = *t;
  }
  absl::Status read = absl::OkStatus();
  projections_.Read([&](const ProjectionState& state, uint64_t position) {
    absl::StatusOr<v1::Metrics> metrics = state.Metrics(after, before);
    if (!metrics.ok()) {
      read = metrics.status();
      return;
    }
    *response = *std::move(metrics);
    response->set_position(position);
  });
  return ToGrpcStatus(read);
}

grpc::Status QueryServiceImpl::GetProblemBoard(grpc::ServerContext* context,
                                               const v1::GetProblemBoardRequest* request,
                                               v1::ProblemBoard* response) {
  absl::StatusOr<domain::Caller> caller = Ready(context, "GetProblemBoard", request->min_position());
  if (!caller.ok()) return ToGrpcStatus(caller.status());
  projections_.Read([&](const ProjectionState& state, uint64_t position) {
    std::vector<const v1::ProblemView*> problems;
    for (const auto& [id, problem] : state.problems()) problems.push_back(problem.get());
    *response = domain::ProblemBoardOf(problems);
    response->set_position(position);
  });
  return grpc::Status::OK;
}

grpc::Status QueryServiceImpl::WatchBoard(grpc::ServerContext* context,
                                          const v1::WatchBoardRequest* request,
                                          grpc::ServerWriter<v1::BoardUpdate>* writer) {
  absl::StatusOr<domain::Caller> caller = Ready(context, "WatchBoard", 0);
  if (!caller.ok()) return ToGrpcStatus(caller.status());
  absl::StatusOr<StreamLimiter::Slot> slot = streams_.Acquire(caller->principal);
  if (!slot.ok()) return ToGrpcStatus(slot.status());
  absl::Duration window;
  switch (request->board_case()) {
    case v1::WatchBoardRequest::kOwner:
      if (request->owner().empty()) {
        return ToGrpcStatus(absl::InvalidArgumentError("owner: required"));
      }
      if (absl::Status s = CheckFilter("owner", request->owner()); !s.ok()) return ToGrpcStatus(s);
      break;
    case v1::WatchBoardRequest::kDeadlineWindow: {
      absl::StatusOr<absl::Duration> w = WindowOf(true, request->deadline_window(), "deadline_window");
      if (!w.ok()) return ToGrpcStatus(w.status());
      window = *w;
      break;
    }
    case v1::WatchBoardRequest::BOARD_NOT_SET:
      return ToGrpcStatus(absl::InvalidArgumentError("board: set owner or deadline_window"));
  }
  // Sends the board whenever it differs from the last one sent (positions aside), starting
  // with the board as it stands.
  std::string last_sent;
  uint64_t seen = 0;
  while (!context->IsCancelled()) {
    if (absl::Status s = projections_.Check(); !s.ok()) return ToGrpcStatus(s);
    if (absl::Status s = streams_.CheckOpen(); !s.ok()) return ToGrpcStatus(s);
    const absl::Time evaluated = absl::Now();
    v1::BoardUpdate update;
    projections_.Read([&](const ProjectionState& state, uint64_t position) {
      seen = position;
      if (request->board_case() == v1::WatchBoardRequest::kOwner) {
        *update.mutable_superhero_board() = OwnerBoard(state, request->owner(), clock_(), 0);
      } else {
        *update.mutable_deadline_board() = DueBoard(state, window, clock_(), 0);
      }
    });
    std::string content = update.SerializeAsString();  // boards have no maps: stable bytes
    if (content != last_sent) {
      if (update.has_superhero_board()) update.mutable_superhero_board()->set_position(seen);
      if (update.has_deadline_board()) update.mutable_deadline_board()->set_position(seen);
      if (!writer->Write(update)) break;
      last_sent = std::move(content);
    }
    const absl::Time refresh = evaluated + kWatchRefresh;
    while (!context->IsCancelled() && streams_.CheckOpen().ok() && absl::Now() < refresh &&
           projections_.WaitPast(seen, std::min(refresh, absl::Now() + kWatchCancelPoll)) == seen) {
    }
    const absl::Duration since = absl::Now() - evaluated;
    if (since < kWatchMinInterval) absl::SleepFor(kWatchMinInterval - since);
  }
  return grpc::Status::OK;
}

}  // namespace closedloop::services
