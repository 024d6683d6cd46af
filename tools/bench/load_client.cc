#include "tools/bench/load_client.h"

#include <algorithm>
#include <utility>

#include "absl/time/clock.h"
#include "grpcpp/client_context.h"
#include "tools/bench/bench_server.h"

namespace closedloop::bench {
namespace {

constexpr int kBatch = 10;  // filings per FileComplaints call

google::protobuf::Timestamp InTwoDays() {
  google::protobuf::Timestamp t;
  t.set_seconds(absl::ToUnixSeconds(absl::Now() + absl::Hours(48)));
  return t;
}

}  // namespace

const std::vector<std::string>& RpcNames() {
  static const std::vector<std::string> names = {
      "FileComplaint",   "FileComplaints",    "TriageComplaint", "RecordCustomerContact",
      "AddComment",      "AssignComplaint",   "OpenTask",        "RespondToTask",
      "CompleteTask",    "ResolveComplaint",  "CloseComplaint",  "RecordSurvey",
      "GetComplaint",    "ListComplaints",    "GetSuperheroBoard", "GetDeadlineBoard",
      "GetMetrics"};
  return names;
}

LoadClient::LoadClient(const std::shared_ptr<grpc::Channel>& channel, uint64_t seed, int pool,
                       int read_percent, bool aggregates)
    : commands_(v1::ComplaintService::NewStub(channel)),
      queries_(v1::QueryService::NewStub(channel)), rng_(seed), pool_size_(pool),
      read_percent_(read_percent), aggregates_(aggregates) {
  filed_ = seed * 1000000000ULL;
}

void LoadClient::Call(LoadRecord& record) {
  const int percent = static_cast<int>(rng_() % 100);
  if (percent >= read_percent_) {
    if (static_cast<int>(pool_.size()) < pool_size_) File(record);
    else Advance(record);
  } else {
    Read(percent * 30 / read_percent_, record);  // the reads' shares as in the table
  }
}

CaseWalk LoadClient::Walk(const v1::CommandResponse& filed) {
  CaseWalk c{filed.complaint_id(), CaseScript(rng_)};
  c.position = filed.position();
  return c;
}

void LoadClient::File(LoadRecord& record) {
  const bool batch = rng_() % 10 == 0;
  grpc::ClientContext context;
  const absl::Time start = absl::Now();
  if (!batch) {
    v1::FileComplaintRequest request;
    *request.mutable_complaint() = Filing(filed_++);
    v1::CommandResponse response;
    const grpc::Status status = commands_->FileComplaint(&context, request, &response);
    record.Add(kFileComplaint, absl::Now() - start, status.error_code());
    if (status.ok()) pool_.push_back(Walk(response));
    return;
  }
  v1::FileComplaintsRequest request;
  for (int k = 0; k < kBatch; ++k) *request.add_filings()->mutable_complaint() = Filing(filed_++);
  v1::FileComplaintsResponse response;
  const grpc::Status status = commands_->FileComplaints(&context, request, &response);
  int code = status.error_code();
  for (const auto& result : response.results()) {
    if (result.code() != 0) code = result.code();
    else pool_.push_back(Walk(result.response()));
  }
  record.Add(kFileComplaints, absl::Now() - start, code, kBatch);
}

void LoadClient::Advance(LoadRecord& record) {
  const size_t index = rng_() % pool_.size();
  CaseWalk& c = pool_[index];
  const Step step = c.script[c.next];
  const std::string& id = c.complaint_id;
  grpc::ClientContext context;
  v1::CommandResponse response;
  grpc::Status status;
  Rpc rpc = kComment;
  const absl::Time start = absl::Now();
  switch (step) {
    case Step::kTriage: {
      rpc = kTriage;
      v1::TriageComplaintRequest r;
      r.set_complaint_id(id);
      r.set_category(kCategories[rng_() % 6]);
      r.set_severity(rng_() % 4 == 0 ? v1::SEVERITY_HIGH : v1::SEVERITY_NORMAL);
      r.set_department(kDepartments[rng_() % 6]);
      status = commands_->TriageComplaint(&context, r, &response);
      break;
    }
    case Step::kContactNoAnswer:
    case Step::kContactReached: {
      rpc = kContact;
      v1::RecordCustomerContactRequest r;
      r.set_complaint_id(id);
      r.set_method(v1::CONTACT_METHOD_PHONE);
      r.set_outcome(step == Step::kContactReached ? v1::CONTACT_OUTCOME_REACHED
                                                  : v1::CONTACT_OUTCOME_NO_ANSWER);
      r.set_summary("Called the customer about the delivery.");
      status = commands_->RecordCustomerContact(&context, r, &response);
      break;
    }
    case Step::kComment: {
      rpc = kComment;
      v1::AddCommentRequest r;
      r.set_complaint_id(id);
      r.set_visibility(rng_() % 3 == 0 ? v1::VISIBILITY_PUBLIC : v1::VISIBILITY_INTERNAL);
      r.set_author(kOwners[rng_() % 9]);
      r.set_text("Checked the order history; the carrier scanned the parcel as damaged.");
      status = commands_->AddComment(&context, r, &response);
      break;
    }
    case Step::kAssign: {
      rpc = kAssign;
      v1::AssignComplaintRequest r;
      r.set_complaint_id(id);
      r.set_owner(kOwners[rng_() % 9]);
      status = commands_->AssignComplaint(&context, r, &response);
      break;
    }
    case Step::kOpenTask: {
      rpc = kOpenTask;
      v1::OpenTaskRequest r;
      r.set_complaint_id(id);
      r.set_department(kDepartments[rng_() % 6]);
      r.set_description("Please check the parcel's scan history and tell us what happened.");
      *r.mutable_due() = InTwoDays();
      status = commands_->OpenTask(&context, r, &response);
      if (status.ok()) ++c.tasks;
      break;
    }
    case Step::kRespondTask: {
      rpc = kRespondTask;
      v1::RespondToTaskRequest r;
      r.set_complaint_id(id);
      r.set_task_id(c.task_id());
      r.set_response("The parcel was dropped at the hub; we will pay for a replacement.");
      status = commands_->RespondToTask(&context, r, &response);
      break;
    }
    case Step::kCompleteTask: {
      rpc = kCompleteTask;
      v1::CompleteTaskRequest r;
      r.set_complaint_id(id);
      r.set_task_id(c.task_id());
      r.set_outcome("Replacement approved.");
      status = commands_->CompleteTask(&context, r, &response);
      break;
    }
    case Step::kResolve: {
      rpc = kResolve;
      v1::ResolveComplaintRequest r;
      r.set_complaint_id(id);
      r.set_resolution("Sent a replacement and apologised.");
      r.mutable_remedy()->set_type(v1::REMEDY_TYPE_REPLACEMENT);
      r.set_root_cause("carrier handling");
      status = commands_->ResolveComplaint(&context, r, &response);
      break;
    }
    case Step::kClose: {
      rpc = kClose;
      v1::CloseComplaintRequest r;
      r.set_complaint_id(id);
      r.set_customer_confirmed(rng_() % 2 == 0);
      status = commands_->CloseComplaint(&context, r, &response);
      break;
    }
    case Step::kSurvey: {
      rpc = kSurvey;
      v1::RecordSurveyRequest r;
      r.set_complaint_id(id);
      r.set_nps(static_cast<int>(rng_() % 11));
      r.set_csat(1 + static_cast<int>(rng_() % 5));
      status = commands_->RecordSurvey(&context, r, &response);
      break;
    }
  }
  record.Add(rpc, absl::Now() - start, status.error_code());
  c.position = std::max(c.position, response.position());
  ++c.next;
  if (!status.ok() || c.done()) {
    pool_[index] = std::move(pool_.back());
    pool_.pop_back();
  }
}

void LoadClient::Read(int percent, LoadRecord& record) {
  grpc::ClientContext context;
  grpc::Status status;
  Rpc rpc;
  const absl::Time start = absl::Now();
  if (percent < 14 || !aggregates_) {
    rpc = kGetComplaint;
    v1::GetComplaintRequest r;
    if (pool_.empty()) {
      r.set_complaint_id("CL-1");
    } else {
      const CaseWalk& c = pool_[rng_() % pool_.size()];
      r.set_complaint_id(c.complaint_id);
      r.set_min_position(c.position);  // the agent sees what they just did
    }
    v1::ComplaintView view;
    status = queries_->GetComplaint(&context, r, &view);
  } else if (percent < 20) {
    rpc = kListComplaints;
    v1::ListComplaintsRequest r;
    r.set_owner(kOwners[rng_() % 9]);
    r.add_states(v1::COMPLAINT_STATE_OPEN);
    r.add_states(v1::COMPLAINT_STATE_IN_PROGRESS);
    r.set_page_size(50);
    v1::ListComplaintsResponse list;
    status = queries_->ListComplaints(&context, r, &list);
  } else if (percent < 26) {
    rpc = kSuperheroBoard;
    v1::GetSuperheroBoardRequest r;
    r.set_owner(kOwners[rng_() % 9]);
    v1::SuperheroBoard board;
    status = queries_->GetSuperheroBoard(&context, r, &board);
  } else if (percent < 28) {
    rpc = kDeadlineBoard;
    v1::GetDeadlineBoardRequest r;
    v1::DeadlineBoard board;
    status = queries_->GetDeadlineBoard(&context, r, &board);
  } else {
    rpc = kGetMetrics;
    v1::GetMetricsRequest r;
    v1::Metrics metrics;
    status = queries_->GetMetrics(&context, r, &metrics);
  }
  record.Add(rpc, absl::Now() - start, status.error_code());
}

}  // namespace closedloop::bench
