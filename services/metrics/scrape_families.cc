#include "services/metrics/scrape_families.h"

#include <cstdint>
#include <limits>

namespace closedloop::services::metrics {

prometheus::MetricFamily HistogramFamily(std::string name, std::string help,
                                         const storage::BucketCounts& buckets) {
  prometheus::ClientMetric metric;
  metric.histogram.sample_count = buckets.count;
  metric.histogram.sample_sum = buckets.sum;
  // Prometheus buckets are cumulative and end with +Inf; the log counts per bucket.
  uint64_t cumulative = 0;
  for (size_t i = 0; i < buckets.counts.size(); ++i) {
    cumulative += buckets.counts[i];
    const double bound = i < buckets.upper_bounds.size() ? buckets.upper_bounds[i]
                                                         : std::numeric_limits<double>::infinity();
    metric.histogram.bucket.push_back({cumulative, bound});
  }
  return {std::move(name), std::move(help), prometheus::MetricType::Histogram, {metric}};
}

prometheus::MetricFamily GaugeFamily(std::string name, std::string help, double value) {
  prometheus::ClientMetric metric;
  metric.gauge.value = value;
  return {std::move(name), std::move(help), prometheus::MetricType::Gauge, {metric}};
}

prometheus::MetricFamily CounterFamily(std::string name, std::string help, double value) {
  prometheus::ClientMetric metric;
  metric.counter.value = value;
  return {std::move(name), std::move(help), prometheus::MetricType::Counter, {metric}};
}

}  // namespace closedloop::services::metrics
