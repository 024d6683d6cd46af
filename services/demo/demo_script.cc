#include "services/demo/demo_script.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "services/demo/demo_texts.h"

namespace closedloop::services::demo {

std::string Script::Department(const std::string& preferred) const {
  if (departments_.empty()) return "";
  if (std::find(departments_.begin(), departments_.end(), preferred) != departments_.end()) {
    return preferred;
  }
  // A stable pick (std::hash may differ between standard libraries).
  uint64_t h = 1469598103934665603ULL;
  for (unsigned char c : preferred) h = (h ^ c) * 1099511628211ULL;
  return departments_[h % departments_.size()];
}

v1::FileComplaintRequest& Script::File(int item, absl::Time at, v1::Channel channel,
                                       v1::ItemKind kind, const std::string& text, DemoRandom& r) {
  v1::FileComplaintRequest& request = Add<v1::FileComplaintRequest>(at, item);
  v1::Filed& filed = *request.mutable_complaint();
  filed.set_channel(channel);
  filed.set_kind(kind);
  filed.set_text(text);
  filed.set_customer_ref(absl::StrCat("C-", r.Between(10000, 49999)));
  filed.set_customer_contact(absl::StrCat("+49 30 5550", r.Between(1000, 9999)));
  const int market = r.Between(0, 99);
  filed.set_market(market < 80 ? "DE" : market < 92 ? "AT" : "CH");
  filed.set_language("de");
  if (channel == v1::CHANNEL_STORE) filed.set_store(r.Pick(Stores()));
  if (channel == v1::CHANNEL_WEB || channel == v1::CHANNEL_APP) {
    filed.set_order_ref(absl::StrCat("O-", r.Between(4000000, 4999999)));
  }
  return request;
}

void Script::Contact(absl::Time at, int item, v1::ContactMethod method, v1::ContactOutcome outcome,
                     const std::string& summary) {
  v1::RecordCustomerContactRequest& contact = Add<v1::RecordCustomerContactRequest>(at, item);
  contact.set_method(method);
  contact.set_outcome(outcome);
  contact.set_summary(summary);
}

void Script::Comment(absl::Time at, int item, v1::Visibility visibility, const std::string& text) {
  v1::AddCommentRequest& comment = Add<v1::AddCommentRequest>(at, item);
  comment.set_visibility(visibility);
  comment.set_text(text);
}

void Script::Survey(absl::Time at, int item, bool happy, DemoRandom& r) {
  v1::RecordSurveyRequest& survey = Add<v1::RecordSurveyRequest>(at, item);
  survey.set_nps(happy ? r.Between(7, 10) : r.Between(1, 7));
  survey.set_csat(happy ? r.Between(4, 5) : r.Between(1, 3));
  if (r.Chance(0.3)) survey.set_comment(happy ? "Quick and friendly, thank you." : "Took far too long.");
}

}  // namespace closedloop::services::demo
