// bench_aws_sweep: one full AWS sweep as the reconciler does it, against moto with N worker
// instances in one region: DescribeInstances by tag (paginated), DescribeInstanceStatus for all
// (100 ids per call), GetMetricData for CPU + NetworkIn + NetworkOut of all (500 queries per
// call). Prints the AWS calls by action, wall time and the CPU time of this process (our code:
// signing, HTTP, XML parsing, assembly; moto runs in its own process). Figures only.
//
// Instances are launched 100 per RunInstances call, so moto (which pages DescribeInstances by
// reservation) holds N/100 reservations and one MaxResults=1000 page covers them all.
#include <time.h>

#include <CLI/CLI.hpp>
#include <chrono>
#include <cmath>
#include <iomanip>
#include <iostream>

#include "aws/cloudwatch_client.hpp"
#include "aws/ec2_client.hpp"
#include "aws/ec2_fake_transport.hpp"
#include "aws/transport.hpp"
#include "core/log.hpp"
#include "tests/support/moto.hpp"

namespace {

using namespace ccm;
using namespace ccm::aws;

struct Args {
  int instances = 1000;
  int reservation_size = 100;
  int sweeps = 1;
  std::string endpoint;
  std::string region = "us-east-1";
};

double CpuSeconds() {
  timespec ts{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return ts.tv_sec + ts.tv_nsec / 1e9;
}

double WallSeconds() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

[[noreturn]] void Die(const std::string& what, const Error& e) {
  std::cerr << "bench_aws_sweep: " << what << ": " << e.ToString() << "\n";
  std::exit(1);
}

std::string SomeAmi(Ec2Client& ec2, const AwsScope& scope) {
  auto images = ec2.DescribeImages(scope, ImageQuery{{}, {}, {"amazon"}});
  if (!images) Die("DescribeImages", images.error());
  for (const auto& i : *images) {
    if (!i.root_device_name.empty()) return i.id;
  }
  Die("DescribeImages", Error{Code::kNotFound, "no AMI owned by amazon", {}, false, {}, {}});
}

void Launch(Ec2Client& ec2, const AwsScope& scope, const Args& a) {
  std::string ami = SomeAmi(ec2, scope);
  for (int done = 0, batch = 0; done < a.instances; ++batch) {
    LaunchSpec s;
    s.client_token = "bench-" + std::to_string(batch);
    s.worker_id = "bench-batch-" + std::to_string(batch);
    s.image_id = ami;
    s.instance_type = "c5.2xlarge";
    s.count = std::min(a.reservation_size, a.instances - done);
    s.tags = {{"Name", "cml-bench-" + std::to_string(batch)}};
    auto r = ec2.RunInstances(scope, s);
    if (!r) Die("RunInstances", r.error());
    done += static_cast<int>(r->instances.size());
  }
}

// One CPU, one NetworkIn and one NetworkOut point per instance, four minutes ago.
void Seed(CloudWatchClient& cw, const AwsScope& scope, const std::vector<std::string>& ids) {
  TimePoint at = SystemClock::Instance().Now() - std::chrono::minutes(4);
  std::vector<MetricDatum> data;
  for (size_t i = 0; i < ids.size(); ++i) {
    data.push_back({"CPUUtilization", {{"InstanceId", ids[i]}}, double(i % 100), "Percent", at});
    data.push_back({"NetworkIn", {{"InstanceId", ids[i]}}, 1e6 + double(i), "Bytes", at});
    data.push_back({"NetworkOut", {{"InstanceId", ids[i]}}, 2e6 + double(i), "Bytes", at});
  }
  if (auto s = cw.PutMetricData(scope, "AWS/EC2", data); !s) Die("PutMetricData", s.error());
}

struct Phase {
  const char* name;
  double wall = 0, cpu = 0;
};

void PrintSweep(int n, const std::vector<Phase>& phases, const CountingTransport& counting,
                size_t with_metrics) {
  double wall = 0, cpu = 0;
  std::cout << std::fixed << std::setprecision(3);
  std::cout << "\nsweep over " << n << " instances\n  calls by action:\n";
  for (const auto& [action, count] : counting.counts()) {
    std::cout << "    " << std::left << std::setw(24) << action << count << "\n";
  }
  int target_metric = static_cast<int>(std::ceil(3.0 * n / 500.0));
  std::cout << "  target: DescribeInstances <= 2, DescribeInstanceStatus <= " << (n + 99) / 100
            << ", GetMetricData <= " << target_metric << "\n";
  std::cout << "  phase                    wall s     our CPU s\n";
  for (const auto& p : phases) {
    std::cout << "    " << std::left << std::setw(22) << p.name << std::right << std::setw(8)
              << p.wall << std::setw(12) << p.cpu << "\n";
    wall += p.wall;
    cpu += p.cpu;
  }
  std::cout << "    " << std::left << std::setw(22) << "total" << std::right << std::setw(8) << wall
            << std::setw(12) << cpu << "\n";
  std::cout << std::setprecision(1) << "  our CPU per instance: " << cpu * 1e6 / n << " us"
            << "   (instances with all 3 metrics: " << with_metrics << ")\n";
}

void Sweep(Ec2Client& ec2, CloudWatchClient& cw, CountingTransport& counting, const AwsScope& scope,
           int n) {
  counting.Clear();
  std::vector<Phase> phases = {
      {"DescribeInstances"}, {"DescribeInstanceStatus"}, {"GetMetricData"}};
  auto timed = [&](Phase& p, auto&& fn) {
    double w0 = WallSeconds(), c0 = CpuSeconds();
    fn();
    p.wall = WallSeconds() - w0;
    p.cpu = CpuSeconds() - c0;
  };
  std::vector<std::string> ids;
  timed(phases[0], [&] {
    auto r = ec2.DescribeInstances(scope, {{std::string("tag:") + kTagManaged, {"true"}}});
    if (!r) Die("DescribeInstances", r.error());
    for (const auto& in : *r) ids.push_back(in.id);
  });
  timed(phases[1], [&] {
    auto r = ec2.DescribeInstanceStatus(scope, ids);
    if (!r) Die("DescribeInstanceStatus", r.error());
  });
  size_t with_metrics = 0;
  timed(phases[2], [&] {
    auto now = std::chrono::floor<std::chrono::minutes>(SystemClock::Instance().Now());
    MetricWindow w{now - std::chrono::minutes(10), now + std::chrono::minutes(1),
                   std::chrono::seconds(300)};
    auto r = cw.GetInstanceMetrics(
        scope, ids,
        {InstanceMetric::kCpuUtilization, InstanceMetric::kNetworkIn, InstanceMetric::kNetworkOut},
        w);
    if (!r) Die("GetMetricData", r.error());
    for (const auto& [id, series] : *r) {
      bool all = true;
      for (const auto& [m, s] : series) all = all && s.latest.has_value();
      with_metrics += all ? 1 : 0;
    }
  });
  if (static_cast<int>(ids.size()) != n) {
    std::cout << "\nwarning: the sweep found " << ids.size() << " managed instances, not " << n
              << " (another run's instances on this endpoint?)\n";
  }
  PrintSweep(static_cast<int>(ids.size()), phases, counting, with_metrics);
}

}  // namespace

int main(int argc, char** argv) {
  Args a;
  CLI::App app{"bench_aws_sweep: one reconciler sweep against moto (figures only)"};
  app.add_option("--instances", a.instances, "Worker instances to create (N)")
      ->check(CLI::Range(1, 100000));
  app.add_option("--reservation-size", a.reservation_size, "Instances per RunInstances call")
      ->check(CLI::Range(1, 1000));
  app.add_option("--sweeps", a.sweeps, "Sweeps to time")->check(CLI::Range(1, 100));
  app.add_option("--endpoint", a.endpoint,
                 "A running moto without SigV4 checks (default: start one on loopback)");
  app.add_option("--region", a.region, "Region");
  CLI11_PARSE(app, argc, argv);
  log::SetLevel(log::Level::kWarn);

  ccm::testing::MotoServer moto;
  if (a.endpoint.empty()) {
    std::string err = moto.Start();
    if (!err.empty()) {
      std::cerr << "bench_aws_sweep: " << err << "\n";
      return 1;
    }
    a.endpoint = moto.endpoint();
  }
  TransportOptions options;
  options.endpoint_url = a.endpoint;
  Credentials creds{"AKIDBENCHEXAMPLE", "bench-secret-not-checked", "", {}, "bench"};
  auto transport = MakeQueryTransport(
      options, [creds](const std::string&) { return Result<Credentials>(creds); },
      SystemClock::Instance());
  CountingTransport counting(*transport);
  Ec2Client ec2(counting);
  CloudWatchClient cw(counting);
  AwsScope scope{"", a.region};

  double w0 = WallSeconds();
  Launch(ec2, scope, a);
  auto all = ec2.DescribeInstances(scope, {{std::string("tag:") + kTagManaged, {"true"}}});
  if (!all) Die("DescribeInstances", all.error());
  std::vector<std::string> ids;
  for (const auto& in : *all) ids.push_back(in.id);
  Seed(cw, scope, ids);
  std::cout << "setup: " << ids.size() << " instances in "
            << (a.instances + a.reservation_size - 1) / a.reservation_size
            << " reservations, 3 metrics each, against " << a.endpoint << " ("
            << std::setprecision(1) << std::fixed << WallSeconds() - w0 << " s)\n";
  for (int i = 0; i < a.sweeps; ++i) Sweep(ec2, cw, counting, scope, a.instances);
  return 0;
}
