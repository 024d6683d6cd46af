// LatencyHistogram: a distribution of durations in log-spaced buckets, for percentiles that
// are kept up to date as cases change instead of recomputed from every case.
//
// Buckets: every nanosecond below 64 ns, then 64 buckets per power of two. A percentile is the
// middle of the bucket holding the nearest-rank sample, so it is within 1/128 (under 0.8 %) of
// the exact nearest-rank percentile (domain::Percentile) of the same samples, and exact below
// 64 ns. Negative durations count as zero.
//
// Counts may be added and removed (a case's old contribution is removed before its new one is
// added) and histograms merged: all three are exact, so the result never depends on the order
// of changes.
#ifndef CLOSEDLOOP_DOMAIN_LATENCY_HISTOGRAM_H_
#define CLOSEDLOOP_DOMAIN_LATENCY_HISTOGRAM_H_

#include <cstdint>

#include "absl/container/btree_map.h"
#include "absl/time/time.h"

namespace closedloop::domain {

class LatencyHistogram {
 public:
  // Adds `count` samples of `d` (a negative count removes them).
  void Add(absl::Duration d, int64_t count = 1);
  void Merge(const LatencyHistogram& other);

  int64_t count() const { return count_; }
  bool empty() const { return count_ == 0; }
  // The nearest-rank percentile (`percent` in 1..100), within the error above. Zero if empty.
  absl::Duration Percentile(int percent) const;

  bool operator==(const LatencyHistogram& other) const { return buckets_ == other.buckets_; }

  // The fields a saved state keeps (services/projections/state_archive.h).
  template <typename Archive>
  void Fields(Archive& archive) {
    archive(buckets_, count_);
  }
  // Fields read back that Add never makes (state_archive.h): a bucket before the first or past
  // the last, an empty bucket, or counts that do not add up or come near int64's limits (so
  // that no later sum overflows).
  const char* Fault() const;

 private:
  absl::btree_map<int32_t, int64_t> buckets_;  // bucket index -> samples, no zero entries
  int64_t count_ = 0;
};

}  // namespace closedloop::domain

#endif  // CLOSEDLOOP_DOMAIN_LATENCY_HISTOGRAM_H_
