// What the demo's retail chain hears from its customers: complaint categories with the
// department each belongs to and what customers write, the recommendations they send, and the
// chain's stores. Plain data; demo_scenario.cc draws from it.
#ifndef CLOSEDLOOP_SERVICES_DEMO_DEMO_TEXTS_H_
#define CLOSEDLOOP_SERVICES_DEMO_DEMO_TEXTS_H_

#include <string>
#include <vector>

#include "closedloop/v1/complaint.pb.h"

namespace closedloop::services::demo {

struct ComplaintCategory {
  std::string code;        // the triage category and root-cause code
  std::string department;  // in the default directory; another is used when not configured
  std::vector<v1::Channel> channels;  // where such complaints come in
  std::vector<std::string> texts;     // what customers write
  std::string task;                   // what the owner asks the department
  std::string department_answer;      // what the department answers
  std::string resolution;             // what was done
  v1::RemedyType remedy = v1::REMEDY_TYPE_APOLOGY;
  int64_t amount_minor = 0;           // refunds and compensation, in cents
};

const std::vector<ComplaintCategory>& ComplaintCategories();
// Ideas customers send in (recommendations), with the category they are triaged into.
struct Recommendation {
  std::string category;
  std::string text;
  std::string answer;
};
const std::vector<Recommendation>& Recommendations();
const std::vector<std::string>& Stores();
// What red-button callers say: real emergencies, and misuses that go back to support.
const std::vector<std::string>& RedButtonEmergencies();
const std::vector<std::string>& RedButtonMisuses();
// Internal notes owners write.
const std::vector<std::string>& InternalNotes();

}  // namespace closedloop::services::demo

#endif  // CLOSEDLOOP_SERVICES_DEMO_DEMO_TEXTS_H_
