// MetricsTally: the counts behind v1::Metrics, kept up to date case by case. Add(view, +1)
// counts a case as it stands; Add(view, -1) takes exactly that back (before the case changes),
// and tallies of disjoint sets of cases merge. A case is counted through its facts (CaseFacts),
// which a caller may keep instead of the view. So the read side keeps one tally per filing day
// and answers GetMetrics by merging the days in range, never by a pass over every case.
//
// ToMetrics() equals MetricsOf() over the same cases (domain/metrics.h) in every count, share
// and rate; its percentiles come from LatencyHistogram, within 0.8 % of MetricsOf's exact ones.
//
// Pure: views in, counts out.
#ifndef CLOSEDLOOP_DOMAIN_METRICS_TALLY_H_
#define CLOSEDLOOP_DOMAIN_METRICS_TALLY_H_

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/time/civil_time.h"
#include "closedloop/v1/boards.pb.h"
#include "closedloop/v1/views.pb.h"
#include "domain/case_facts.h"
#include "domain/latency_histogram.h"

namespace closedloop::domain {

class MetricsTally {
 public:
  // kNotCounted leaves repeat customers (and the per-customer map they need) to the caller, as
  // MetricsByDay does with RepeatCustomers: its repeat_complainers then stays 0.
  enum class Customers { kCounted, kNotCounted };
  MetricsTally() = default;
  explicit MetricsTally(Customers customers) : count_customers_(customers == Customers::kCounted) {}

  // Counts `view` `sign` times: +1 adds it, -1 removes the very same view again.
  void Add(const v1::ComplaintView& view, int sign = 1);
  // The same for a case known by its facts alone, which do not name the customer: so only for
  // a tally that does not count customers.
  void Add(const CaseFacts& facts, int sign = 1);
  void Merge(const MetricsTally& other);
  v1::Metrics ToMetrics() const;
  // The metrics of `parts` merged, without building their merged tally: customers (whose count
  // a merge costs) are only counted, by reference. One part's metrics are its own.
  static v1::Metrics MetricsOfParts(const std::vector<const MetricsTally*>& parts);

  int64_t cases() const { return cases_; }

  // Survey answers of one group.
  struct Scores {
    int64_t responses = 0;
    int64_t promoters = 0;   // nps 9..10
    int64_t detractors = 0;  // nps 0..6
    int64_t csat_sum = 0;
    void Add(const Scores& other, int sign);
    // Every count zero: a sum of parts, some taken back, may have no responses left but not
    // yet its promoters (another part brings them back), and must not be dropped then.
    bool empty() const { return responses == 0 && promoters == 0 && detractors == 0 && csat_sum == 0; }
    template <typename Archive>
    void Fields(Archive& archive) {
      archive(responses, promoters, detractors, csat_sum);
    }
  };
  // One-call resolution of one group.
  struct OneCall {
    int64_t resolved = 0;
    int64_t one_call = 0;
    void Add(const OneCall& other, int sign);
    bool empty() const { return resolved == 0 && one_call == 0; }
    template <typename Archive>
    void Fields(Archive& archive) {
      archive(resolved, one_call);
    }
  };
  struct Mix {
    int64_t complaints = 0;
    int64_t recommendations = 0;
    void Add(const Mix& other, int sign);
    bool empty() const { return complaints == 0 && recommendations == 0; }
    template <typename Archive>
    void Fields(Archive& archive) {
      archive(complaints, recommendations);
    }
  };

  // The fields a saved state keeps (services/projections/state_archive.h).
  template <typename Archive>
  void Fields(Archive& archive) {
    archive(count_customers_, cases_, complaints_, recommendations_, first_contact_, resolution_,
            within_target_, reopened_, red_button_cases_, red_button_redirected_, mix_by_channel_,
            breaches_by_department_, cases_by_customer_, repeat_customers_, satisfaction_,
            satisfaction_by_month_, satisfaction_by_channel_, satisfaction_by_store_,
            satisfaction_by_department_, one_call_, one_call_by_channel_, one_call_by_team_);
  }

 private:
  void AddCustomer(const std::string& customer, int64_t count);
  // Merge() but for the customers.
  void MergeCounts(const MetricsTally& other);

  bool count_customers_ = true;
  int64_t cases_ = 0;
  int64_t complaints_ = 0;
  int64_t recommendations_ = 0;
  LatencyHistogram first_contact_;
  LatencyHistogram resolution_;
  int64_t within_target_ = 0;
  int64_t reopened_ = 0;
  int64_t red_button_cases_ = 0;
  int64_t red_button_redirected_ = 0;
  std::map<v1::Channel, Mix> mix_by_channel_;
  std::map<std::string, int64_t> breaches_by_department_;
  // Cases per customer, and how many customers have two or more (kept as counts change, so
  // that ToMetrics costs the groups, not the customers).
  absl::flat_hash_map<std::string, int64_t> cases_by_customer_;
  int64_t repeat_customers_ = 0;
  Scores satisfaction_;
  std::map<absl::CivilMonth, Scores> satisfaction_by_month_;
  std::map<v1::Channel, Scores> satisfaction_by_channel_;
  std::map<std::string, Scores> satisfaction_by_store_;
  std::map<std::string, Scores> satisfaction_by_department_;
  OneCall one_call_;
  std::map<v1::Channel, OneCall> one_call_by_channel_;
  std::map<std::string, OneCall> one_call_by_team_;
};

}  // namespace closedloop::domain

#endif  // CLOSEDLOOP_DOMAIN_METRICS_TALLY_H_
