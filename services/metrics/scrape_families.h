// Helpers for collectors that compute their series at scrape time: one-sample families in
// the shape prometheus-cpp serializes.
#ifndef CLOSEDLOOP_SERVICES_METRICS_SCRAPE_FAMILIES_H_
#define CLOSEDLOOP_SERVICES_METRICS_SCRAPE_FAMILIES_H_

#include <string>

#include "prometheus/metric_family.h"
#include "storage/bucket_counts.h"

namespace closedloop::services::metrics {

// A histogram family with one unlabelled series, from the log's plain bucket counters.
prometheus::MetricFamily HistogramFamily(std::string name, std::string help,
                                         const storage::BucketCounts& buckets);

// A gauge or counter family with one unlabelled series.
prometheus::MetricFamily GaugeFamily(std::string name, std::string help, double value);
prometheus::MetricFamily CounterFamily(std::string name, std::string help, double value);

}  // namespace closedloop::services::metrics

#endif  // CLOSEDLOOP_SERVICES_METRICS_SCRAPE_FAMILIES_H_
