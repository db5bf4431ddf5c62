#include "aws/cloudwatch_client.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <unordered_map>

#include "aws/cloudwatch_xml.hpp"
#include "aws/ec2_params.hpp"
#include "http/http_client.hpp"

namespace ccm::aws {
namespace {

constexpr MetricDefinition kDefinitions[] = {
    {"AWS/EC2", "CPUUtilization", "Average"},   {"AWS/EC2", "NetworkIn", "Sum"},
    {"AWS/EC2", "NetworkOut", "Sum"},           {"AWS/EC2", "StatusCheckFailed", "Maximum"},
    {"CWAgent", "mem_used_percent", "Average"},
};
constexpr size_t kMaxDimensions = 30;
constexpr size_t kMaxName = 255;

Status ValidateWindow(const MetricWindow& w) {
  if (w.end <= w.start) return InvalidArgument("window", "end must be after start");
  auto p = w.period.count();
  // Standard resolution needs whole minutes; high resolution allows 1, 5, 10 and 30 seconds.
  if (p <= 0 || (p % 60 != 0 && p != 1 && p != 5 && p != 10 && p != 30)) {
    return InvalidArgument("period", "must be 1, 5, 10, 30 or a multiple of 60 seconds");
  }
  return Ok();
}

void AddQuery(Params& p, size_t n, const std::string& id, const std::string& instance_id,
              InstanceMetric metric, std::chrono::seconds period) {
  std::string pre = "MetricDataQueries.member." + std::to_string(n) + ".";
  const MetricDefinition& d = Definition(metric);
  p.emplace_back(pre + "Id", id);
  p.emplace_back(pre + "MetricStat.Metric.Namespace", d.metric_namespace);
  p.emplace_back(pre + "MetricStat.Metric.MetricName", d.name);
  p.emplace_back(pre + "MetricStat.Metric.Dimensions.member.1.Name", "InstanceId");
  p.emplace_back(pre + "MetricStat.Metric.Dimensions.member.1.Value", instance_id);
  p.emplace_back(pre + "MetricStat.Period", std::to_string(period.count()));
  p.emplace_back(pre + "MetricStat.Stat", d.stat);
  p.emplace_back(pre + "ReturnData", "true");
}

// Orders the points by time (pages and ScanBy may interleave them) and picks the newest.
void Finish(MetricSeries& s) {
  std::vector<size_t> order(s.timestamps.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(),
                   [&](size_t a, size_t b) { return s.timestamps[a] < s.timestamps[b]; });
  MetricSeries sorted;
  for (size_t i : order) {
    sorted.timestamps.push_back(s.timestamps[i]);
    sorted.values.push_back(s.values[i]);
  }
  s.timestamps = std::move(sorted.timestamps);
  s.values = std::move(sorted.values);
  if (!s.values.empty()) {
    s.latest = s.values.back();
    s.latest_at = s.timestamps.back();
  }
}

Status ValidateDatum(const MetricDatum& d) {
  if (d.name.empty() || d.name.size() > kMaxName) {
    return InvalidArgument("metric_data.name", "required, at most 255 characters");
  }
  if (!std::isfinite(d.value)) {
    return InvalidArgument("metric_data.value", "metric " + d.name + " has a non-finite value");
  }
  if (d.unit.empty()) return InvalidArgument("metric_data.unit", "required (e.g. Count, None)");
  if (d.dimensions.size() > kMaxDimensions) {
    return InvalidArgument("metric_data.dimensions", "at most 30 per metric");
  }
  for (const auto& [name, value] : d.dimensions) {
    if (name.empty() || value.empty() || name.size() > kMaxName || value.size() > 1024) {
      return InvalidArgument("metric_data.dimensions",
                             "names need 1-255 characters and values 1-1024");
    }
  }
  return Ok();
}

Params DatumParams(size_t n, const MetricDatum& d) {
  Params p;
  std::string pre = "MetricData.member." + std::to_string(n) + ".";
  p.emplace_back(pre + "MetricName", d.name);
  for (size_t i = 0; i < d.dimensions.size(); ++i) {
    std::string dim = pre + "Dimensions.member." + std::to_string(i + 1) + ".";
    p.emplace_back(dim + "Name", d.dimensions[i].first);
    p.emplace_back(dim + "Value", d.dimensions[i].second);
  }
  p.emplace_back(pre + "Value", cloudwatch::FormatNumber(d.value));
  p.emplace_back(pre + "Unit", d.unit);
  if (d.timestamp) p.emplace_back(pre + "Timestamp", FormatTime(*d.timestamp));
  return p;
}

size_t EncodedSize(const Params& params) {
  size_t n = 0;
  for (const auto& [k, v] : params) n += k.size() + http::PercentEncode(v).size() + 2;
  return n;
}

}  // namespace

const MetricDefinition& Definition(InstanceMetric metric) {
  return kDefinitions[static_cast<size_t>(metric)];
}

const char* MetricName(InstanceMetric metric) { return Definition(metric).name; }

CloudWatchClient::CloudWatchClient(QueryTransport& transport, CloudWatchClientOptions options)
    : transport_(transport), options_(options) {
  options_.queries_per_call = std::clamp<size_t>(options_.queries_per_call, 1, 500);
  options_.data_per_put = std::clamp<size_t>(options_.data_per_put, 1, 1000);
  options_.max_put_bytes = std::clamp<size_t>(options_.max_put_bytes, 4096, 1000 * 1000);
}

Result<std::string> CloudWatchClient::Call(const AwsScope& scope, const std::string& action,
                                           Params params) const {
  if (scope.region.empty()) return InvalidArgument("region", "required (e.g. eu-west-1)");
  QueryCall call;
  call.service = "monitoring";
  call.region = scope.region;
  call.action = action;
  call.version = cloudwatch::kVersion;
  call.params = std::move(params);
  call.account = scope.account;
  return transport_.Call(call);
}

Result<MetricsByInstance> CloudWatchClient::GetInstanceMetrics(
    const AwsScope& scope, const std::vector<std::string>& instance_ids,
    const std::vector<InstanceMetric>& metrics, const MetricWindow& window) {
  if (auto s = ec2::ValidateIds("instance_ids", instance_ids); !s) return Fail(s.error());
  if (auto s = ValidateWindow(window); !s) return Fail(s.error());
  if (metrics.empty() && !instance_ids.empty()) {
    return InvalidArgument("metrics", "at least one metric is required");
  }
  MetricsByInstance out;
  std::vector<Query> queries;
  for (const auto& id : instance_ids) {
    for (InstanceMetric m : metrics) {
      if (out[id].count(m)) continue;  // a metric listed twice is asked once
      out[id][m] = MetricSeries{};
      queries.push_back({"m" + std::to_string(queries.size()), id, m});
    }
  }
  for (size_t i = 0; i < queries.size(); i += options_.queries_per_call) {
    size_t end = std::min(queries.size(), i + options_.queries_per_call);
    std::vector<Query> batch(queries.begin() + static_cast<std::ptrdiff_t>(i),
                             queries.begin() + static_cast<std::ptrdiff_t>(end));
    if (auto s = FetchQueries(scope, batch, window, out); !s) return Fail(s.error());
  }
  for (auto& [id, series] : out) {
    for (auto& [metric, s] : series) Finish(s);
  }
  return out;
}

Status CloudWatchClient::FetchQueries(const AwsScope& scope, const std::vector<Query>& queries,
                                      const MetricWindow& window, MetricsByInstance& out) const {
  Params base;
  base.emplace_back("StartTime", FormatTime(window.start));
  base.emplace_back("EndTime", FormatTime(window.end));
  base.emplace_back("ScanBy", "TimestampAscending");
  std::unordered_map<std::string, const Query*> by_id;
  for (size_t i = 0; i < queries.size(); ++i) {
    const Query& q = queries[i];
    AddQuery(base, i + 1, q.id, q.instance_id, q.metric, window.period);
    by_id[q.id] = &q;
  }
  std::string token;
  do {
    Params params = base;
    if (!token.empty()) params.emplace_back("NextToken", token);
    auto body = Call(scope, "GetMetricData", std::move(params));
    if (!body) return Fail(body.error());
    auto page = cloudwatch::ParseGetMetricData(*body);
    if (!page) return Fail(page.error());
    for (auto& r : page->results) {
      auto it = by_id.find(r.id);
      if (it == by_id.end()) {
        return MakeError(Code::kInternal, "GetMetricData answered unknown query id " + r.id);
      }
      MetricSeries& s = out[it->second->instance_id][it->second->metric];
      s.timestamps.insert(s.timestamps.end(), r.timestamps.begin(), r.timestamps.end());
      s.values.insert(s.values.end(), r.values.begin(), r.values.end());
      if (!r.status_code.empty() && r.status_code != "Complete") s.complete = false;
    }
    if (!page->next_token.empty() && page->next_token == token) {
      return MakeError(Code::kInternal, "GetMetricData returned the same NextToken twice");
    }
    token = std::move(page->next_token);
  } while (!token.empty());
  return Ok();
}

Status CloudWatchClient::PutMetricData(const AwsScope& scope, const std::string& metric_namespace,
                                       const std::vector<MetricDatum>& data) {
  if (metric_namespace.empty() || metric_namespace.size() > kMaxName) {
    return InvalidArgument("namespace", "required, at most 255 characters");
  }
  for (const auto& d : data) {
    if (auto s = ValidateDatum(d); !s) return s;
  }
  Params chunk{{"Namespace", metric_namespace}};
  size_t count = 0;
  size_t bytes = EncodedSize(chunk);
  for (const auto& d : data) {
    Params dp = DatumParams(count + 1, d);
    size_t size = EncodedSize(dp);
    if (count > 0 && (count == options_.data_per_put || bytes + size > options_.max_put_bytes)) {
      if (auto body = Call(scope, "PutMetricData", std::move(chunk)); !body) {
        return Fail(body.error());
      }
      chunk = Params{{"Namespace", metric_namespace}};
      count = 0;
      bytes = EncodedSize(chunk);
      dp = DatumParams(1, d);
      size = EncodedSize(dp);
    }
    chunk.insert(chunk.end(), dp.begin(), dp.end());
    bytes += size;
    ++count;
  }
  if (count == 0) return Ok();
  if (auto body = Call(scope, "PutMetricData", std::move(chunk)); !body) return Fail(body.error());
  return Ok();
}

}  // namespace ccm::aws
