#pragma once
// FakeCloudWatch: an in-memory CloudWatchApi. Tests seed series with Seed(); GetInstanceMetrics
// answers every asked (instance, metric) pair with the seeded points inside the window (an
// empty series when none), PutMetricData keeps the data. Calls are counted and logged as
// "cloudwatch:<Action>". Thread-safe.
#include <map>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "aws/cloudwatch_api.hpp"
#include "control/testing/call_log.hpp"

namespace ccm::control::testing {

class FakeCloudWatch final : public aws::CloudWatchApi {
 public:
  explicit FakeCloudWatch(CallLog* log = nullptr) : log_(log) {}

  void Seed(const std::string& instance_id, aws::InstanceMetric metric, TimePoint at, double value);
  void FailNext(Error error);
  int Count(const std::string& action) const;
  std::vector<aws::MetricWindow> windows() const;
  std::vector<aws::MetricDatum> put() const;

  Result<aws::MetricsByInstance> GetInstanceMetrics(const aws::AwsScope& scope,
                                                    const std::vector<std::string>& instance_ids,
                                                    const std::vector<aws::InstanceMetric>& metrics,
                                                    const aws::MetricWindow& window) override;
  Status PutMetricData(const aws::AwsScope& scope, const std::string& metric_namespace,
                       const std::vector<aws::MetricDatum>& data) override;

 private:
  mutable std::mutex mu_;
  CallLog* log_;
  std::map<std::pair<std::string, aws::InstanceMetric>, std::map<TimePoint, double>> points_;
  std::vector<Error> failures_;
  std::map<std::string, int> counts_;
  std::vector<aws::MetricWindow> windows_;
  std::vector<aws::MetricDatum> put_;
};

}  // namespace ccm::control::testing
