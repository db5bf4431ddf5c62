#include "control/testing/fake_cloudwatch.hpp"

namespace ccm::control::testing {

void FakeCloudWatch::Seed(const std::string& instance_id, aws::InstanceMetric metric, TimePoint at,
                          double value) {
  std::lock_guard lock(mu_);
  points_[{instance_id, metric}][at] = value;
}

void FakeCloudWatch::FailNext(Error error) {
  std::lock_guard lock(mu_);
  failures_.push_back(std::move(error));
}

int FakeCloudWatch::Count(const std::string& action) const {
  std::lock_guard lock(mu_);
  auto it = counts_.find(action);
  return it == counts_.end() ? 0 : it->second;
}

std::vector<aws::MetricWindow> FakeCloudWatch::windows() const {
  std::lock_guard lock(mu_);
  return windows_;
}

std::vector<aws::MetricDatum> FakeCloudWatch::put() const {
  std::lock_guard lock(mu_);
  return put_;
}

Result<aws::MetricsByInstance> FakeCloudWatch::GetInstanceMetrics(
    const aws::AwsScope&, const std::vector<std::string>& instance_ids,
    const std::vector<aws::InstanceMetric>& metrics, const aws::MetricWindow& window) {
  std::lock_guard lock(mu_);
  ++counts_["GetMetricData"];
  if (log_ != nullptr) log_->Add("cloudwatch:GetMetricData");
  if (!failures_.empty()) {
    Error e = failures_.front();
    failures_.erase(failures_.begin());
    return Fail(e);
  }
  windows_.push_back(window);
  aws::MetricsByInstance out;
  for (const auto& id : instance_ids) {
    for (auto metric : metrics) {
      aws::MetricSeries& series = out[id][metric];
      auto it = points_.find({id, metric});
      if (it == points_.end()) continue;
      for (const auto& [at, value] : it->second) {
        if (at < window.start || at >= window.end) continue;
        series.timestamps.push_back(at);
        series.values.push_back(value);
        series.latest = value;
        series.latest_at = at;
      }
    }
  }
  return out;
}

Status FakeCloudWatch::PutMetricData(const aws::AwsScope&, const std::string&,
                                     const std::vector<aws::MetricDatum>& data) {
  std::lock_guard lock(mu_);
  ++counts_["PutMetricData"];
  if (log_ != nullptr) log_->Add("cloudwatch:PutMetricData");
  put_.insert(put_.end(), data.begin(), data.end());
  return Ok();
}

}  // namespace ccm::control::testing
