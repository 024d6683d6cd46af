// BucketCounts: a histogram of one measure as plain counters, so that the log can report its
// group-commit sizes and sync latencies without depending on any metrics library; the services
// layer turns them into Prometheus histograms at scrape time (services/metrics/).
//
// Thread safety: none; the owner guards it (EventLog keeps its copy under its stats lock).
#ifndef CLOSEDLOOP_STORAGE_BUCKET_COUNTS_H_
#define CLOSEDLOOP_STORAGE_BUCKET_COUNTS_H_

#include <cstdint>
#include <vector>

namespace closedloop::storage {

struct BucketCounts {
  // Ascending upper bounds (inclusive); an implicit last bucket holds everything above.
  std::vector<double> upper_bounds;
  // Samples per bucket, not cumulative: upper_bounds.size() + 1 entries.
  std::vector<uint64_t> counts;
  uint64_t count = 0;
  double sum = 0;

  // `count` buckets bounded by start, start*factor, start*factor^2, ... (start > 0, factor > 1).
  static BucketCounts Exponential(double start, double factor, int count);

  // Adds one sample to the first bucket whose bound is >= value.
  void Record(double value);
};

}  // namespace closedloop::storage

#endif  // CLOSEDLOOP_STORAGE_BUCKET_COUNTS_H_
