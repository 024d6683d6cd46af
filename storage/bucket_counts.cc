#include "storage/bucket_counts.h"

#include <algorithm>

namespace closedloop::storage {

BucketCounts BucketCounts::Exponential(double start, double factor, int count) {
  BucketCounts buckets;
  double bound = start;
  for (int i = 0; i < count; ++i, bound *= factor) buckets.upper_bounds.push_back(bound);
  buckets.counts.assign(buckets.upper_bounds.size() + 1, 0);
  return buckets;
}

void BucketCounts::Record(double value) {
  // lower_bound: a sample equal to a bound belongs to that bound's bucket (Prometheus' "le").
  const auto bucket = std::lower_bound(upper_bounds.begin(), upper_bounds.end(), value);
  ++counts[bucket - upper_bounds.begin()];
  ++count;
  sum += value;
}

}  // namespace closedloop::storage
