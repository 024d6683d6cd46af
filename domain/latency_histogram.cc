#include "domain/latency_histogram.h"

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstdint>

namespace closedloop::domain {
namespace {

constexpr int kSubBits = 6;  // 64 buckets per power of two
constexpr int64_t kLinear = int64_t{1} << kSubBits;

int32_t BucketOf(int64_t nanos) {
  if (nanos < kLinear) return static_cast<int32_t>(nanos < 0 ? 0 : nanos);
  const int exponent = 63 - std::countl_zero(static_cast<uint64_t>(nanos));  // >= kSubBits
  const int shift = exponent - kSubBits;
  const int64_t sub = (nanos >> shift) - kLinear;  // 0..63
  return static_cast<int32_t>(kLinear + shift * kLinear + sub);
}

// The middle of the bucket: within half a bucket's width, 1/128 of its lower bound, of every
// sample in it. Computed unsigned and capped, so that no bucket can overflow a shift.
int64_t MiddleOf(int32_t bucket) {
  if (bucket < kLinear) return bucket;
  const int shift = (bucket - kLinear) / kLinear;
  const uint64_t sub = static_cast<uint64_t>((bucket - kLinear) % kLinear);
  const uint64_t lower = (static_cast<uint64_t>(kLinear) + sub) << shift;
  const uint64_t middle = lower + ((uint64_t{1} << shift) >> 1);
  return middle > static_cast<uint64_t>(INT64_MAX) ? INT64_MAX : static_cast<int64_t>(middle);
}

}  // namespace

void LatencyHistogram::Add(absl::Duration d, int64_t count) {
  if (count == 0) return;
  const int32_t bucket = BucketOf(absl::ToInt64Nanoseconds(d));
  auto [it, inserted] = buckets_.try_emplace(bucket, 0);
  it->second += count;
  if (it->second == 0) buckets_.erase(it);
  count_ += count;
}

void LatencyHistogram::Merge(const LatencyHistogram& other) {
  for (const auto& [bucket, n] : other.buckets_) {
    auto [it, inserted] = buckets_.try_emplace(bucket, 0);
    it->second += n;
    if (it->second == 0) buckets_.erase(it);
  }
  count_ += other.count_;
}

const char* LatencyHistogram::Fault() const {
  if (!buckets_.empty() &&
      (buckets_.begin()->first < 0 || buckets_.rbegin()->first > BucketOf(INT64_MAX))) {
    return "a latency bucket out of range";
  }
  constexpr int64_t kLimit = int64_t{1} << 62;  // far beyond any count of cases
  int64_t sum = 0;
  for (const auto& [bucket, n] : buckets_) {
    if (n == 0 || n > kLimit || n < -kLimit) return "a latency bucket's count out of range";
    sum += n;  // at most 2^62 in size before, so no overflow
    if (sum > kLimit || sum < -kLimit) return "latency counts out of range";
  }
  if (sum != count_) return "latency counts that do not add up";
  return nullptr;
}

absl::Duration LatencyHistogram::Percentile(int percent) const {
  if (count_ <= 0 || buckets_.empty()) return absl::ZeroDuration();
  // The ceil(percent/100 * n)-th smallest, as domain::Percentile (n = 100q + r, without
  // overflowing percent * n).
  const int64_t rank =
      std::max<int64_t>(1, count_ / 100 * percent + (count_ % 100 * percent + 99) / 100);
  int64_t seen = 0;
  for (const auto& [bucket, n] : buckets_) {
    seen += n;
    if (seen >= rank) return absl::Nanoseconds(MiddleOf(bucket));
  }
  return absl::Nanoseconds(MiddleOf(buckets_.rbegin()->first));
}

}  // namespace closedloop::domain
