// Detailed monitoring on/off and the CloudWatch metrics of a worker.
#include "control/internal/service_core.hpp"

namespace ccm::control {
namespace {

constexpr auto kMetricsWindow = std::chrono::hours(1);
constexpr auto kMetricsPeriod = std::chrono::seconds(300);

struct Wanted {
  aws::InstanceMetric metric;
  const char* unit;
};
constexpr Wanted kWanted[] = {
    {aws::InstanceMetric::kCpuUtilization, "Percent"},
    {aws::InstanceMetric::kNetworkIn, "Bytes"},
    {aws::InstanceMetric::kNetworkOut, "Bytes"},
};

}  // namespace

Result<domain::WorkerRecord> WorkerService::SetMonitoring(const RequestContext& ctx,
                                                          const std::string& id, bool enabled) {
  auto w = impl_->Load(ctx, id);
  if (!w) return Fail(w.error());
  if (auto st = w->Check(domain::WorkerCommand::kSetMonitoring); !st) return Fail(st.error());
  if (auto st = Impl::RequireInstance(w->record()); !st) return Fail(st.error());
  auto ec2 = impl_->Ec2(w->record());
  if (!ec2) return Fail(ec2.error());
  const auto& r = w->record();
  auto changes = enabled ? (*ec2)->MonitorInstances(Impl::Scope(r), {r.aws_instance_id})
                         : (*ec2)->UnmonitorInstances(Impl::Scope(r), {r.aws_instance_id});
  if (!changes) return Fail(changes.error());
  auto changed =
      impl_->Update(ctx, std::move(*w), [&](domain::Worker& x, const domain::ChangeContext& c) {
        return x.SetMonitoring(enabled, c);
      });
  if (!changed) return Fail(changed.error());
  return changed->record();
}

Result<WorkerMetrics> WorkerService::Metrics(const RequestContext& ctx, const std::string& id) {
  auto w = impl_->Load(ctx, id);
  if (!w) return Fail(w.error());
  const auto& r = w->record();
  if (auto st = Impl::RequireInstance(r); !st) return Fail(st.error());
  auto cw = deps_.clouds->CloudWatch(r.account, r.region);
  if (!cw) return Fail(cw.error());
  WorkerMetrics out;
  out.worker_id = r.id;
  out.instance_id = r.aws_instance_id;
  out.end = std::chrono::floor<std::chrono::seconds>(deps_.clock->Now());
  out.start = out.end - kMetricsWindow;
  out.period_seconds = kMetricsPeriod.count();
  std::vector<aws::InstanceMetric> metrics;
  for (const auto& wanted : kWanted) metrics.push_back(wanted.metric);
  auto data = (*cw)->GetInstanceMetrics(Impl::Scope(r), {r.aws_instance_id}, metrics,
                                        aws::MetricWindow{out.start, out.end, kMetricsPeriod});
  if (!data) return Fail(data.error());
  const auto& per_metric = (*data)[r.aws_instance_id];
  for (const auto& wanted : kWanted) {
    MetricSeries series;
    const auto& def = aws::Definition(wanted.metric);
    series.name = def.name;
    series.stat = def.stat;
    series.unit = wanted.unit;
    auto it = per_metric.find(wanted.metric);
    if (it != per_metric.end()) {
      for (size_t i = 0; i < it->second.timestamps.size() && i < it->second.values.size(); ++i) {
        series.points.push_back({it->second.timestamps[i], it->second.values[i]});
      }
      series.latest = it->second.latest;
    }
    out.series.push_back(std::move(series));
  }
  return out;
}

}  // namespace ccm::control
