#pragma once
// CloudWatchApi: the CloudWatch operations ccm uses, as an interface so the control layer can run
// against a fake. CloudWatchClient (aws/cloudwatch_client.hpp) is the real one.
//
// Contract: times are UTC; periods are whole seconds (60 or a multiple for standard-resolution
// metrics); values are in the metric's CloudWatch unit (CPU and memory in percent, network in
// bytes summed over the period, StatusCheckFailed 0 or 1 as the period's maximum). Queries and
// data are batched inside and every NextToken is followed. Errors are the transport's mapped
// Errors; bad arguments are kInvalidArgument naming the field. Implementations are thread-safe.
#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "aws/ec2_types.hpp"  // AwsScope
#include "core/clock.hpp"
#include "core/error.hpp"

namespace ccm::aws {

enum class InstanceMetric {
  kCpuUtilization,     // AWS/EC2 CPUUtilization, Average, percent
  kNetworkIn,          // AWS/EC2 NetworkIn, Sum, bytes
  kNetworkOut,         // AWS/EC2 NetworkOut, Sum, bytes
  kStatusCheckFailed,  // AWS/EC2 StatusCheckFailed, Maximum, 0/1
  kMemUsedPercent,     // CWAgent mem_used_percent, Average, percent (only with the agent)
};

struct MetricDefinition {
  const char* metric_namespace;
  const char* name;
  const char* stat;
};
const MetricDefinition& Definition(InstanceMetric metric);
// "CPUUtilization", "NetworkIn", ... (the CloudWatch metric name).
const char* MetricName(InstanceMetric metric);

struct MetricWindow {
  TimePoint start;
  TimePoint end;
  std::chrono::seconds period{300};
};

struct MetricSeries {
  std::vector<TimePoint> timestamps;  // ascending
  std::vector<double> values;         // same length as timestamps
  std::optional<double> latest;       // the value at the newest timestamp
  std::optional<TimePoint> latest_at;
  bool complete = true;  // false when CloudWatch said PartialData / InternalError
};

// instance id -> metric -> series. Every asked (instance, metric) pair is present; a series with
// no points means CloudWatch had no data in the window (e.g. no CloudWatch agent for memory).
using MetricsByInstance = std::map<std::string, std::map<InstanceMetric, MetricSeries>>;

// One PutMetricData datum.
struct MetricDatum {
  std::string name;
  std::vector<std::pair<std::string, std::string>> dimensions;  // at most 30
  double value = 0;
  std::string unit = "None";  // CloudWatch unit name: Count, Percent, Bytes, Seconds, None...
  std::optional<TimePoint> timestamp;  // empty = the time CloudWatch receives it
};

class CloudWatchApi {
 public:
  virtual ~CloudWatchApi() = default;

  virtual Result<MetricsByInstance> GetInstanceMetrics(const AwsScope& scope,
                                                       const std::vector<std::string>& instance_ids,
                                                       const std::vector<InstanceMetric>& metrics,
                                                       const MetricWindow& window) = 0;

  // metric_namespace: ours, e.g. "CML/Workers" (AWS refuses names starting with "AWS/").
  virtual Status PutMetricData(const AwsScope& scope, const std::string& metric_namespace,
                               const std::vector<MetricDatum>& data) = 0;
};

}  // namespace ccm::aws
