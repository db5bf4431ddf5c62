// CloudWatchClient against a scripted transport: query building, 500-per-call batching,
// pagination, series assembly and PutMetricData batching.
#include "aws/cloudwatch_client.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <set>

#include "aws/cloudwatch_xml.hpp"
#include "aws/ec2_fake_transport.hpp"

namespace ccm::aws {
namespace {

const AwsScope kScope{"", "us-east-1"};
const TimePoint kStart = *ParseTime("2026-11-23T10:00:00Z");

MetricWindow Window() {
  return {kStart, kStart + std::chrono::minutes(15), std::chrono::seconds(300)};
}

int QueryCount(const QueryCall& c) {
  int n = 0;
  for (const auto& [k, v] : c.params) {
    if (k.size() > 3 && k.compare(k.size() - 3, 3, ".Id") == 0) ++n;
  }
  return n;
}

// Answers every query with one point per 5 minutes; the value encodes the query index.
Result<std::string> AnswerAll(const QueryCall& c) {
  std::string xml = "<GetMetricDataResponse><GetMetricDataResult><MetricDataResults>";
  for (int n = 1; n <= QueryCount(c); ++n) {
    std::string id = Param(c, "MetricDataQueries.member." + std::to_string(n) + ".Id");
    xml += "<member><Id>" + id +
           "</Id><StatusCode>Complete</StatusCode><Timestamps>"
           "<member>2026-11-23T10:00:00Z</member><member>2026-11-23T10:05:00Z</member>"
           "</Timestamps><Values><member>1</member><member>" +
           id.substr(1) + "</member></Values></member>";
  }
  return xml + "</MetricDataResults></GetMetricDataResult></GetMetricDataResponse>";
}

TEST(CloudWatchClientTest, BuildsOneQueryPerInstanceAndMetricFiveHundredPerCall) {
  ScriptedTransport t;
  t.On("GetMetricData", AnswerAll);
  CloudWatchClient cw(t);
  std::vector<std::string> ids;
  for (int i = 0; i < 400; ++i) ids.push_back("i-" + std::to_string(i));
  std::vector<InstanceMetric> metrics = {InstanceMetric::kCpuUtilization,
                                         InstanceMetric::kNetworkIn, InstanceMetric::kNetworkOut};
  auto r = cw.GetInstanceMetrics(kScope, ids, metrics, Window());
  ASSERT_TRUE(r.has_value()) << r.error().ToString();
  auto calls = t.calls();
  ASSERT_EQ(calls.size(), 3u);  // ceil(1200 / 500)
  EXPECT_EQ(QueryCount(calls[0]), 500);
  EXPECT_EQ(QueryCount(calls[1]), 500);
  EXPECT_EQ(QueryCount(calls[2]), 200);
  const QueryCall& c = calls[0];
  EXPECT_EQ(c.service, "monitoring");
  EXPECT_EQ(c.version, "2010-08-01");
  EXPECT_EQ(Param(c, "StartTime"), "2026-11-23T10:00:00.000Z");
  EXPECT_EQ(Param(c, "EndTime"), "2026-11-23T10:15:00.000Z");
  EXPECT_EQ(Param(c, "MetricDataQueries.member.1.MetricStat.Metric.Namespace"), "AWS/EC2");
  EXPECT_EQ(Param(c, "MetricDataQueries.member.1.MetricStat.Metric.MetricName"), "CPUUtilization");
  EXPECT_EQ(Param(c, "MetricDataQueries.member.1.MetricStat.Stat"), "Average");
  EXPECT_EQ(Param(c, "MetricDataQueries.member.1.MetricStat.Period"), "300");
  EXPECT_EQ(Param(c, "MetricDataQueries.member.1.MetricStat.Metric.Dimensions.member.1.Name"),
            "InstanceId");
  EXPECT_EQ(Param(c, "MetricDataQueries.member.1.MetricStat.Metric.Dimensions.member.1.Value"),
            "i-0");
  EXPECT_EQ(Param(c, "MetricDataQueries.member.2.MetricStat.Metric.MetricName"), "NetworkIn");
  EXPECT_EQ(Param(c, "MetricDataQueries.member.2.MetricStat.Stat"), "Sum");
  std::set<std::string> ids_seen;
  for (const auto& call : calls) {
    for (int n = 1; n <= QueryCount(call); ++n) {
      ids_seen.insert(Param(call, "MetricDataQueries.member." + std::to_string(n) + ".Id"));
    }
  }
  EXPECT_EQ(ids_seen.size(), 1200u);  // unique ids across calls
  ASSERT_EQ(r->size(), 400u);
  const MetricSeries& s = r->at("i-1").at(InstanceMetric::kCpuUtilization);
  ASSERT_EQ(s.values.size(), 2u);
  EXPECT_EQ(s.values[1], 3.0);  // query m3 = i-1 CPU
  EXPECT_EQ(s.latest, 3.0);
  EXPECT_EQ(FormatTime(*s.latest_at), "2026-11-23T10:05:00.000Z");
  EXPECT_TRUE(s.complete);
}

TEST(CloudWatchClientTest, PagesAreMergedAndSeriesSortedByTime) {
  ScriptedTransport t;
  t.Reply("GetMetricData",
          "<GetMetricDataResponse><GetMetricDataResult><MetricDataResults><member><Id>m0</Id>"
          "<StatusCode>PartialData</StatusCode><Timestamps><member>2026-11-23T10:10:00Z</member>"
          "</Timestamps><Values><member>30</member></Values></member></MetricDataResults>"
          "<NextToken>more</NextToken></GetMetricDataResult></GetMetricDataResponse>");
  t.Reply("GetMetricData",
          "<GetMetricDataResponse><GetMetricDataResult><MetricDataResults><member><Id>m0</Id>"
          "<StatusCode>Complete</StatusCode><Timestamps><member>2026-11-23T10:00:00Z</member>"
          "</Timestamps><Values><member>10</member></Values></member><member><Id>m1</Id>"
          "<StatusCode>Complete</StatusCode><Timestamps/><Values/></member></MetricDataResults>"
          "</GetMetricDataResult></GetMetricDataResponse>");
  CloudWatchClient cw(t);
  auto r = cw.GetInstanceMetrics(kScope, {"i-1"},
                                 {InstanceMetric::kCpuUtilization, InstanceMetric::kMemUsedPercent},
                                 Window());
  ASSERT_TRUE(r.has_value()) << r.error().ToString();
  EXPECT_EQ(Param(t.calls()[1], "NextToken"), "more");
  const auto& cpu = r->at("i-1").at(InstanceMetric::kCpuUtilization);
  EXPECT_EQ(cpu.values, (std::vector<double>{10, 30}));
  EXPECT_EQ(cpu.latest, 30.0);
  EXPECT_FALSE(cpu.complete);
  const auto& mem = r->at("i-1").at(InstanceMetric::kMemUsedPercent);
  EXPECT_TRUE(mem.values.empty());
  EXPECT_FALSE(mem.latest.has_value());
  EXPECT_EQ(Param(t.calls()[0], "MetricDataQueries.member.2.MetricStat.Metric.Namespace"),
            "CWAgent");
}

TEST(CloudWatchClientTest, BadWindowsAreRefusedBeforeAnyCall) {
  ScriptedTransport t;
  CloudWatchClient cw(t);
  MetricWindow w = Window();
  w.period = std::chrono::seconds(90);
  EXPECT_EQ(cw.GetInstanceMetrics(kScope, {"i-1"}, {InstanceMetric::kNetworkIn}, w).error().field,
            "period");
  w = Window();
  w.end = w.start;
  EXPECT_EQ(cw.GetInstanceMetrics(kScope, {"i-1"}, {InstanceMetric::kNetworkIn}, w).error().field,
            "window");
  EXPECT_EQ(cw.GetInstanceMetrics(kScope, {"i-1"}, {}, Window()).error().field, "metrics");
  auto none = cw.GetInstanceMetrics(kScope, {}, {InstanceMetric::kNetworkIn}, Window());
  ASSERT_TRUE(none.has_value());
  EXPECT_TRUE(none->empty());
  EXPECT_TRUE(t.calls().empty());
}

TEST(CloudWatchClientTest, UnknownQueryIdInTheAnswerIsAnError) {
  ScriptedTransport t;
  t.Reply("GetMetricData",
          "<GetMetricDataResponse><GetMetricDataResult><MetricDataResults><member><Id>zz</Id>"
          "</member></MetricDataResults></GetMetricDataResult></GetMetricDataResponse>");
  CloudWatchClient cw(t);
  auto r = cw.GetInstanceMetrics(kScope, {"i-1"}, {InstanceMetric::kCpuUtilization}, Window());
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code, Code::kInternal);
}

TEST(CloudWatchClientTest, PutMetricDataBatchesByCountAndSize) {
  ScriptedTransport t;
  t.On("PutMetricData",
       [](const QueryCall&) -> Result<std::string> { return "<PutMetricDataResponse/>"; });
  CloudWatchClient cw(t);
  std::vector<MetricDatum> data;
  for (int i = 0; i < 2500; ++i) {
    data.push_back(
        {"active_labs", {{"WorkerId", "w-" + std::to_string(i)}}, i * 0.5, "Count", kStart});
  }
  ASSERT_TRUE(cw.PutMetricData(kScope, "CML/Workers", data));
  auto calls = t.calls();
  ASSERT_EQ(calls.size(), 3u);
  const QueryCall& c = calls[0];
  EXPECT_EQ(Param(c, "Namespace"), "CML/Workers");
  EXPECT_EQ(Param(c, "MetricData.member.1.MetricName"), "active_labs");
  EXPECT_EQ(Param(c, "MetricData.member.1.Dimensions.member.1.Name"), "WorkerId");
  EXPECT_EQ(Param(c, "MetricData.member.1.Dimensions.member.1.Value"), "w-0");
  EXPECT_EQ(Param(c, "MetricData.member.4.Value"), "1.5");
  EXPECT_EQ(Param(c, "MetricData.member.1.Unit"), "Count");
  EXPECT_EQ(Param(c, "MetricData.member.1.Timestamp"), "2026-11-23T10:00:00.000Z");
  EXPECT_EQ(Param(c, "MetricData.member.1000.MetricName"), "active_labs");
  EXPECT_FALSE(HasParam(c, "MetricData.member.1001.MetricName"));
  EXPECT_EQ(Param(calls[2], "MetricData.member.1.Dimensions.member.1.Value"), "w-2000");

  ScriptedTransport small;
  small.On("PutMetricData",
           [](const QueryCall&) -> Result<std::string> { return "<PutMetricDataResponse/>"; });
  CloudWatchClientOptions options;
  options.max_put_bytes = 4096;
  CloudWatchClient tight(small, options);
  ASSERT_TRUE(tight.PutMetricData(kScope, "CML/Workers", data));
  EXPECT_GT(small.calls().size(), 3u);
  for (const auto& call : small.calls()) {
    size_t bytes = 0;
    for (const auto& [k, v] : call.params) bytes += k.size() + v.size() + 2;
    EXPECT_LE(bytes, 4096u);
  }
}

TEST(CloudWatchClientTest, PutMetricDataRefusesBadData) {
  ScriptedTransport t;
  CloudWatchClient cw(t);
  EXPECT_EQ(cw.PutMetricData(kScope, "", {{"x", {}, 1, "Count", {}}}).error().field, "namespace");
  EXPECT_EQ(cw.PutMetricData(kScope, "CML", {{"x", {}, std::nan(""), "Count", {}}}).error().field,
            "metric_data.value");
  EXPECT_EQ(cw.PutMetricData(kScope, "CML", {{"", {}, 1, "Count", {}}}).error().field,
            "metric_data.name");
  EXPECT_TRUE(cw.PutMetricData(kScope, "CML", {}).has_value());
  EXPECT_TRUE(t.calls().empty());
}

TEST(CloudWatchXmlTest, NumbersRoundTrip) {
  EXPECT_EQ(cloudwatch::FormatNumber(42.5), "42.5");
  EXPECT_EQ(cloudwatch::FormatNumber(0.1), "0.1");
  EXPECT_EQ(cloudwatch::FormatNumber(1e21), "1e+21");
  auto bad = cloudwatch::ParseGetMetricData(
      "<GetMetricDataResponse><GetMetricDataResult><MetricDataResults><member><Id>m0</Id>"
      "<Timestamps><member>2026-11-23T10:00:00Z</member></Timestamps><Values><member>abc"
      "</member></Values></member></MetricDataResults></GetMetricDataResult>"
      "</GetMetricDataResponse>");
  ASSERT_FALSE(bad.has_value());
  EXPECT_EQ(bad.error().code, Code::kInternal);
}

}  // namespace
}  // namespace ccm::aws
