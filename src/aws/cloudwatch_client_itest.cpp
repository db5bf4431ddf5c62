// CloudWatchClient against a real moto_server that checks SigV4. moto invents no AWS/EC2
// metrics, so the tests seed them with PutMetricData first (moto accepts the AWS/ namespaces that
// real CloudWatch reserves).
#include <gtest/gtest.h>

#include <pugixml.hpp>
#include <set>

#include "aws/cloudwatch_client.hpp"
#include "aws/ec2_fake_transport.hpp"
#include "aws/ec2_moto_fixture.hpp"

namespace ccm::aws {
namespace {

using std::chrono::minutes;
using std::chrono::seconds;

const AwsScope kScope{"", testing::MotoEc2::kRegion};

// A window of the last 30 minutes on whole minutes, so 5-minute periods start at round times.
MetricWindow LastHalfHour() {
  auto now = std::chrono::floor<minutes>(SystemClock::Instance().Now());
  return {now - minutes(30), now + minutes(1), seconds(300)};
}

MetricDatum Point(const std::string& name, const std::string& instance, double value, TimePoint at,
                  const std::string& unit) {
  return {name, {{"InstanceId", instance}}, value, unit, at};
}

class CloudWatchMotoTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    moto_ = new testing::MotoEc2();
    start_error_ = new std::string(moto_->Start());
  }
  static void TearDownTestSuite() {
    delete moto_;
    delete start_error_;
  }
  void SetUp() override {
    ASSERT_EQ(*start_error_, "") << "moto could not be started: " << *start_error_;
    ASSERT_EQ(moto_->Reset(), "");
    counting_ = std::make_unique<CountingTransport>(moto_->transport());
    cw_ = std::make_unique<CloudWatchClient>(*counting_);
  }

  static testing::MotoEc2* moto_;
  static std::string* start_error_;
  std::unique_ptr<CountingTransport> counting_;
  std::unique_ptr<CloudWatchClient> cw_;
};

testing::MotoEc2* CloudWatchMotoTest::moto_ = nullptr;
std::string* CloudWatchMotoTest::start_error_ = nullptr;

TEST_F(CloudWatchMotoTest, SeededEc2AndAgentMetricsComeBackPerInstance) {
  MetricWindow w = LastHalfHour();
  TimePoint p1 = w.start + minutes(1), p2 = w.start + minutes(6), p3 = w.start + minutes(11);
  ASSERT_TRUE(cw_->PutMetricData(kScope, "AWS/EC2",
                                 {Point("CPUUtilization", "i-a", 10, p1, "Percent"),
                                  Point("CPUUtilization", "i-a", 20, p2, "Percent"),
                                  Point("CPUUtilization", "i-a", 35, p3, "Percent"),
                                  Point("CPUUtilization", "i-b", 2, p1, "Percent"),
                                  Point("NetworkIn", "i-a", 100, p1, "Bytes"),
                                  Point("NetworkIn", "i-a", 50, p1 + minutes(1), "Bytes"),
                                  Point("NetworkOut", "i-a", 7, p2, "Bytes"),
                                  Point("StatusCheckFailed", "i-b", 1, p2, "Count")}));
  ASSERT_TRUE(cw_->PutMetricData(kScope, "CWAgent",
                                 {Point("mem_used_percent", "i-a", 61.5, p3, "Percent")}));
  std::vector<InstanceMetric> all = {
      InstanceMetric::kCpuUtilization, InstanceMetric::kNetworkIn, InstanceMetric::kNetworkOut,
      InstanceMetric::kStatusCheckFailed, InstanceMetric::kMemUsedPercent};
  auto r = cw_->GetInstanceMetrics(kScope, {"i-a", "i-b"}, all, w);
  ASSERT_TRUE(r.has_value()) << r.error().ToString();
  const auto& a = r->at("i-a");
  EXPECT_EQ(a.at(InstanceMetric::kCpuUtilization).values, (std::vector<double>{10, 20, 35}));
  EXPECT_EQ(a.at(InstanceMetric::kCpuUtilization).latest, 35.0);
  EXPECT_EQ(a.at(InstanceMetric::kNetworkIn).values, std::vector<double>{150});  // Sum
  EXPECT_EQ(a.at(InstanceMetric::kNetworkOut).latest, 7.0);
  EXPECT_EQ(a.at(InstanceMetric::kMemUsedPercent).latest, 61.5);
  EXPECT_TRUE(a.at(InstanceMetric::kStatusCheckFailed).values.empty());
  const auto& b = r->at("i-b");
  EXPECT_EQ(b.at(InstanceMetric::kCpuUtilization).latest, 2.0);
  EXPECT_EQ(b.at(InstanceMetric::kStatusCheckFailed).latest, 1.0);
  EXPECT_FALSE(b.at(InstanceMetric::kMemUsedPercent).latest.has_value());
  EXPECT_EQ(counting_->count("GetMetricData"), 1);
}

TEST_F(CloudWatchMotoTest, ManyInstancesAreAskedFiveHundredQueriesPerCall) {
  MetricWindow w = LastHalfHour();
  std::vector<std::string> ids;
  std::vector<MetricDatum> seed;
  for (int i = 0; i < 200; ++i) {
    ids.push_back("i-" + std::to_string(1000 + i));
    seed.push_back(Point("CPUUtilization", ids.back(), i, w.start + minutes(2), "Percent"));
    seed.push_back(Point("NetworkOut", ids.back(), 1000 + i, w.start + minutes(2), "Bytes"));
  }
  ASSERT_TRUE(cw_->PutMetricData(kScope, "AWS/EC2", seed));
  EXPECT_EQ(counting_->count("PutMetricData"), 1);
  auto r = cw_->GetInstanceMetrics(
      kScope, ids,
      {InstanceMetric::kCpuUtilization, InstanceMetric::kNetworkIn, InstanceMetric::kNetworkOut},
      w);
  ASSERT_TRUE(r.has_value()) << r.error().ToString();
  EXPECT_EQ(counting_->count("GetMetricData"), 2);  // ceil(600 / 500)
  ASSERT_EQ(r->size(), 200u);
  for (int i = 0; i < 200; ++i) {
    const auto& m = r->at(ids[i]);
    EXPECT_EQ(m.at(InstanceMetric::kCpuUtilization).latest, double(i)) << ids[i];
    EXPECT_EQ(m.at(InstanceMetric::kNetworkOut).latest, double(1000 + i)) << ids[i];
    EXPECT_TRUE(m.at(InstanceMetric::kNetworkIn).values.empty());
  }
}

TEST_F(CloudWatchMotoTest, OwnWorkerMetricsLandInTheirNamespace) {
  auto now = SystemClock::Instance().Now();
  ASSERT_TRUE(cw_->PutMetricData(kScope, "CML/Workers",
                                 {{"active_labs", {{"WorkerId", "w-1"}}, 3, "Count", now},
                                  {"running_nodes", {{"WorkerId", "w-1"}}, 42, "Count", now}}));
  auto listed =
      moto_->Raw("monitoring", "ListMetrics", {{"Namespace", "CML/Workers"}}, "2010-08-01");
  ASSERT_TRUE(listed.has_value()) << listed.error().ToString();
  pugi::xml_document doc;
  doc.load_string(listed->c_str());
  std::set<std::string> names;
  for (auto m : doc.document_element().child("ListMetricsResult").child("Metrics").children()) {
    names.insert(m.child("MetricName").text().as_string());
    EXPECT_EQ(std::string(m.child("Dimensions").child("member").child("Value").text().as_string()),
              "w-1");
  }
  EXPECT_EQ(names, (std::set<std::string>{"active_labs", "running_nodes"}));
  auto stats = moto_->Raw("monitoring", "GetMetricStatistics",
                          {{"Namespace", "CML/Workers"},
                           {"MetricName", "running_nodes"},
                           {"Dimensions.member.1.Name", "WorkerId"},
                           {"Dimensions.member.1.Value", "w-1"},
                           {"StartTime", FormatTime(now - minutes(5))},
                           {"EndTime", FormatTime(now + minutes(5))},
                           {"Period", "600"},
                           {"Statistics.member.1", "Maximum"}},
                          "2010-08-01");
  ASSERT_TRUE(stats.has_value()) << stats.error().ToString();
  EXPECT_NE(stats->find("<Maximum>42"), std::string::npos) << *stats;
}

}  // namespace
}  // namespace ccm::aws
