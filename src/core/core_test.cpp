#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <regex>
#include <set>

#include "core/clock.hpp"
#include "core/error.hpp"
#include "core/ids.hpp"
#include "core/json.hpp"
#include "core/log.hpp"
#include "core/metrics.hpp"
#include "core/trace.hpp"

namespace ccm {
namespace {

TEST(Error, ToStringCarriesCodeProviderAndRequest) {
  Error e{Code::kNotFound, "no such instance", "InvalidInstanceID.NotFound", false, "req-1", {}};
  EXPECT_EQ(e.ToString(), "NOT_FOUND: no such instance (InvalidInstanceID.NotFound) [request req-1]");
  Result<int> r = InvalidArgument("region", "unknown region 'mars-1'");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().field, "region");
  EXPECT_EQ(r.error().code, Code::kInvalidArgument);
}

TEST(Clock, ManualClockMovesOnlyWhenTold) {
  ManualClock clock;
  TimePoint t0 = clock.Now();
  clock.SleepFor(std::chrono::seconds(30));
  EXPECT_EQ(clock.Now() - t0, std::chrono::seconds(30));
  clock.Set(t0);
  EXPECT_EQ(clock.Now(), t0);
}

TEST(Clock, FormatAndParseRoundTrip) {
  TimePoint t{std::chrono::milliseconds(1'795'000'000'250)};
  std::string s = FormatTime(t);
  EXPECT_EQ(s, "2026-11-18T11:06:40.250Z");
  auto back = ParseTime(s);
  ASSERT_TRUE(back);
  EXPECT_EQ(*back, t);
  auto offset = ParseTime("2026-11-18T13:06:40.250+02:00");
  ASSERT_TRUE(offset);
  EXPECT_EQ(*offset, t);
  EXPECT_TRUE(ParseTime("2026-11-18 11:06:40"));
  auto no_fraction = ParseTime("2024-01-01T10:00:00+05:00");  // 25 characters
  ASSERT_TRUE(no_fraction);
  EXPECT_EQ(FormatTime(*no_fraction), "2024-01-01T05:00:00.000Z");
  EXPECT_FALSE(ParseTime("yesterday"));
  EXPECT_NEAR(ToUnixSeconds(FromUnixSeconds(1.5e9 + 0.25)), 1.5e9 + 0.25, 1e-6);
}

TEST(Ids, UuidV4Shape) {
  std::regex v4("^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$");
  std::set<std::string> seen;
  for (int i = 0; i < 1000; ++i) {
    std::string id = NewUuid();
    EXPECT_TRUE(std::regex_match(id, v4)) << id;
    EXPECT_TRUE(IsUuid(id));
    seen.insert(id);
  }
  EXPECT_EQ(seen.size(), 1000u);
  EXPECT_FALSE(IsUuid("../etc/passwd"));
  EXPECT_EQ(RandomHex(8).size(), 16u);
}

TEST(Trace, ParsesValidAndRejectsInvalid) {
  auto t = ParseTraceparent("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01");
  ASSERT_TRUE(t);
  EXPECT_EQ(t->trace_id, "4bf92f3577b34da6a3ce929d0e0e4736");
  EXPECT_TRUE(t->sampled);
  EXPECT_EQ(t->ToTraceparent(), "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01");
  EXPECT_FALSE(ParseTraceparent("00-00000000000000000000000000000000-00f067aa0ba902b7-01"));
  EXPECT_FALSE(ParseTraceparent("00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01"));
  EXPECT_FALSE(ParseTraceparent("ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"));
  EXPECT_FALSE(ParseTraceparent("garbage"));
  TraceContext child = t->Child();
  EXPECT_EQ(child.trace_id, t->trace_id);
  EXPECT_NE(child.span_id, t->span_id);
}

TEST(Log, SecretsNeverReachTheLine) {
  std::vector<std::string> lines;
  log::SetCapture([&](std::string_view l) { lines.emplace_back(l); });
  log::RegisterSecret("AKIAEXAMPLESECRET123");
  log::RegisterSecret("pa\"ss\\word");
  {
    ScopedTrace scope(ParseTraceparent("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01")
                          .value());
    log::Info("login with AKIAEXAMPLESECRET123", {{"password", "pa\"ss\\word"}, {"n", "1"}});
  }
  log::SetCapture({});
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_EQ(lines[0].find("AKIAEXAMPLESECRET123"), std::string::npos) << lines[0];
  EXPECT_EQ(lines[0].find("ss\\\\word"), std::string::npos) << lines[0];
  auto j = Json::parse(lines[0]);
  EXPECT_EQ(j["msg"], "login with ***");
  EXPECT_EQ(j["password"], "***");
  EXPECT_EQ(j["level"], "info");
  EXPECT_EQ(j["trace_id"], "4bf92f3577b34da6a3ce929d0e0e4736");
}

TEST(Log, LevelFilters) {
  std::vector<std::string> lines;
  log::SetCapture([&](std::string_view l) { lines.emplace_back(l); });
  log::SetLevel(log::Level::kWarn);
  log::Info("hidden");
  log::Warn("shown");
  log::SetLevel(log::Level::kInfo);
  log::SetCapture({});
  ASSERT_EQ(lines.size(), 1u);
  log::Level l;
  EXPECT_TRUE(log::ParseLevel("warning", &l));
  EXPECT_FALSE(log::ParseLevel("loud", &l));
}

metrics::Registry& SampleRegistry() {
  static metrics::Registry r;
  static bool filled = false;
  if (!filled) {
    filled = true;
    r.AddCounter("ccm_http_requests_total", "HTTP requests.", {"route", "status"})
        .WithLabels({"/api/v1/workers", "200"})
        .Inc(3);
    r.AddCounter("ccm_odd_labels_total", "Label \"escaping\"\\ test.", {"v"})
        .WithLabels({"a\"b\\c\nd"})
        .Inc();
    r.AddGauge("ccm_sse_clients", "Connected SSE clients.").Get().Set(7);
    auto& h = r.AddHistogram("ccm_http_request_duration_seconds", "Latency.", {"route"});
    h.WithLabels({"/healthz"}).Observe(0.003);
    h.WithLabels({"/healthz"}).Observe(0.2);
    h.WithLabels({"/healthz"}).Observe(50);
  }
  return r;
}

TEST(Metrics, RendersPrometheusText) {
  std::string text = SampleRegistry().Render();
  EXPECT_NE(text.find("# TYPE ccm_http_requests_total counter"), std::string::npos);
  EXPECT_NE(text.find("ccm_http_requests_total{route=\"/api/v1/workers\",status=\"200\"} 3"),
            std::string::npos);
  EXPECT_NE(text.find("ccm_odd_labels_total{v=\"a\\\"b\\\\c\\nd\"} 1"), std::string::npos);
  EXPECT_NE(text.find("ccm_sse_clients 7"), std::string::npos);
  EXPECT_NE(text.find("ccm_http_request_duration_seconds_bucket{route=\"/healthz\",le=\"0.005\"} 1"),
            std::string::npos);
  EXPECT_NE(text.find("ccm_http_request_duration_seconds_bucket{route=\"/healthz\",le=\"+Inf\"} 3"),
            std::string::npos);
  EXPECT_NE(text.find("ccm_http_request_duration_seconds_count{route=\"/healthz\"} 3"),
            std::string::npos);
  EXPECT_THROW(SampleRegistry().AddCounter("bad name", "x"), std::logic_error);
}

TEST(Metrics, PassesPromtool) {
  if (std::system("command -v promtool >/dev/null 2>&1") != 0) {
    FAIL() << "promtool not found: install the Debian 'prometheus' package (scripts/setup --test)";
  }
  std::string path = ::testing::TempDir() + "/ccm_metrics.prom";
  {
    std::ofstream out(path);
    out << SampleRegistry().Render();
  }
  std::string cmd = "promtool check metrics < " + path + " 2>&1";
  FILE* p = popen(cmd.c_str(), "r");
  ASSERT_NE(p, nullptr);
  std::string output;
  char buf[256];
  while (fgets(buf, sizeof buf, p)) output += buf;
  int rc = pclose(p);
  EXPECT_EQ(rc, 0) << output;
}

}  // namespace
}  // namespace ccm
