// CaseFacts: the facts of a case that the metrics count (MetricsTally), and nothing more: when
// it was filed, through which channel, how long the first contact and the first resolution
// took, whether that resolution met its deadline, and the few groups it is counted under. A
// tally of a day can so be counted again from these few bytes after the case's view has left
// memory; MetricsTally counts a view through its facts, so the two can never count differently.
//
// Pure: a view in, facts out.
#ifndef CLOSEDLOOP_DOMAIN_CASE_FACTS_H_
#define CLOSEDLOOP_DOMAIN_CASE_FACTS_H_

#include <cstdint>
#include <string>

#include "absl/time/time.h"
#include "closedloop/v1/complaint.pb.h"
#include "closedloop/v1/views.pb.h"

namespace closedloop::domain {

struct CaseFacts {
  enum class Kind : uint8_t { kOther, kComplaint, kRecommendation };

  absl::Time filed;
  // From filing to the first contact and to the first resolution, in whole nanoseconds
  // (saturated), as LatencyHistogram counts them; 0 unless the flags below say there was one.
  int64_t first_contact_ns = 0;
  int64_t resolution_ns = 0;
  // Never null. FactsOf points them into the view; a reader of stored facts into the entry it
  // parsed (services/projections/stored_facts.h).
  const std::string* team = nullptr;
  const std::string* department = nullptr;
  const std::string* store = nullptr;
  int32_t breach_count = 0;
  int32_t csat = 0;  // the survey's, if surveyed
  v1::Channel channel = v1::CHANNEL_UNSPECIFIED;
  Kind kind = Kind::kOther;
  bool first_contacted : 1 = false;
  bool resolved : 1 = false;
  bool within_target : 1 = false;  // resolved no later than its first resolution deadline (or it has none)
  bool one_call : 1 = false;       // resolved with at most one reached contact before
  bool reopened : 1 = false;
  bool redirected : 1 = false;  // to support (redirected, or a redirect reason given)
  bool surveyed : 1 = false;
  bool promoter : 1 = false;   // survey nps 9..10
  bool detractor : 1 = false;  // survey nps 0..6

  // Field by field; the strings by address, so compare only facts whose strings have one keeper.
  friend bool operator==(const CaseFacts&, const CaseFacts&) = default;
};

// Tallies count many; keep them small.
static_assert(sizeof(CaseFacts) <= 72, "a case's facts stay small");

// The facts of `view` as it stands; its strings point into `view`, so they are valid while it is.
CaseFacts FactsOf(const v1::ComplaintView& view);

}  // namespace closedloop::domain

#endif  // CLOSEDLOOP_DOMAIN_CASE_FACTS_H_
