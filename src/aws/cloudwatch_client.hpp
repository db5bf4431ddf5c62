#pragma once
// CloudWatchClient: the real CloudWatchApi over a QueryTransport (service "monitoring",
// Version 2010-08-01).
// - GetInstanceMetrics builds one MetricStat query per (instance, metric) with the dimension
//   InstanceId, sends them 500 per GetMetricData call (the API's limit) and follows NextToken;
//   so N instances x 3 metrics cost ceil(3N/500) calls when each fits in one page.
// - PutMetricData sends at most 1000 data per call (the API's limit) and keeps each form body
//   under max_put_bytes (AWS allows 1 MB).
// Thread-safe when the transport is; holds no mutable state.
#include <cstddef>
#include <string>
#include <vector>

#include "aws/cloudwatch_api.hpp"
#include "aws/query_transport.hpp"

namespace ccm::aws {

struct CloudWatchClientOptions {
  size_t queries_per_call = 500;
  size_t data_per_put = 1000;
  size_t max_put_bytes = 900 * 1024;
};

class CloudWatchClient final : public CloudWatchApi {
 public:
  // transport must outlive the client.
  explicit CloudWatchClient(QueryTransport& transport, CloudWatchClientOptions options = {});

  Result<MetricsByInstance> GetInstanceMetrics(const AwsScope& scope,
                                               const std::vector<std::string>& instance_ids,
                                               const std::vector<InstanceMetric>& metrics,
                                               const MetricWindow& window) override;
  Status PutMetricData(const AwsScope& scope, const std::string& metric_namespace,
                       const std::vector<MetricDatum>& data) override;

 private:
  struct Query {
    std::string id;  // "m<index>": CloudWatch ids start with a lower-case letter
    std::string instance_id;
    InstanceMetric metric;
  };
  Result<std::string> Call(const AwsScope& scope, const std::string& action, Params params) const;
  Status FetchQueries(const AwsScope& scope, const std::vector<Query>& queries,
                      const MetricWindow& window, MetricsByInstance& out) const;

  QueryTransport& transport_;
  CloudWatchClientOptions options_;
};

}  // namespace ccm::aws
