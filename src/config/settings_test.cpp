// Helpers of settings.hpp and the did-you-mean hints.
#include "config/settings.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "config/internal/checks.hpp"
#include "config/internal/suggest.hpp"

namespace ccm::config {
namespace {

TEST(SettingsTest, ExpandTagsReplacesWorkerIdAndNameOnce) {
  StringMap tags = Settings{}.cml_worker_default_tags;
  tags["Label"] = "{name}/{worker_id}/{other}";
  StringMap out = ExpandTags(tags, "w-1", "lab {worker_id}");
  EXPECT_EQ(out.at("Name"), "cml-worker-w-1");
  EXPECT_EQ(out.at("ManagedBy"), "cml-cloud-manager");
  EXPECT_EQ(out.at("Label"), "lab {worker_id}/w-1/{other}");
}

TEST(SettingsTest, DefaultPricesCoverDefaultTypesInDefaultRegions) {
  Settings s;
  for (const auto& region : s.aws_allowed_regions) {
    for (const auto& type : s.cml_worker_allowed_instance_types) {
      auto price = PricePerHour(s, region, type);
      ASSERT_TRUE(price.has_value()) << region << " " << type;
      EXPECT_GT(*price, 0);
    }
  }
  EXPECT_EQ(PricePerHour(s, "ap-south-1", "c5.2xlarge"), std::nullopt);
}

TEST(SettingsTest, PerRegionLookupsAndEndpoints) {
  Settings s;
  s.cml_worker_key_pairs["us-west-2"] = "ops";
  s.aws_endpoint_url_cloudwatch = "http://127.0.0.1:1";
  EXPECT_EQ(KeyPairFor(s, "us-west-2"), "ops");
  EXPECT_TRUE(NetworkFor(s, "us-west-2").assign_public_ip);
  EXPECT_EQ(AmiFor(s, "us-west-2").ami_id, "");
  EXPECT_EQ(EndpointFor(s, "cloudwatch"), "http://127.0.0.1:1");
  EXPECT_EQ(EndpointFor(s, "monitoring"), "http://127.0.0.1:1");
  EXPECT_EQ(EndpointFor(s, "ec2"), std::nullopt);
  EXPECT_EQ(Seconds(0.25), std::chrono::milliseconds(250));
}

TEST(SuggestTest, EditDistanceAndClosestMatch) {
  using internal::ClosestMatch;
  using internal::EditDistance;
  EXPECT_EQ(EditDistance("", "abc"), 3u);
  EXPECT_EQ(EditDistance("kitten", "sitting"), 3u);
  EXPECT_EQ(EditDistance("listen", "listen"), 0u);
  const std::vector<std::string> names = {"listen", "log_level", "data_dir"};
  EXPECT_EQ(ClosestMatch("lisetn", names), "listen");
  EXPECT_EQ(ClosestMatch("loglevel", names), "log_level");
  EXPECT_EQ(ClosestMatch("something_else", names), "");
  EXPECT_EQ(internal::DidYouMean("data-dir", names), ", did you mean data_dir?");
}

TEST(ChecksTest, Parsers) {
  using internal::ParseHostPort;
  using internal::ParseHttpUrl;
  auto url = ParseHttpUrl("HTTPS://[::1]:8443/path?q=1");
  ASSERT_TRUE(url.has_value());
  EXPECT_EQ(url->scheme, "https");
  EXPECT_EQ(url->host, "::1");
  EXPECT_EQ(url->port, 8443);
  EXPECT_EQ(url->path, "/path?q=1");
  EXPECT_FALSE(ParseHttpUrl("http://user:pw@host/").has_value());
  EXPECT_FALSE(ParseHttpUrl("http://host:port/").has_value());
  EXPECT_EQ(ParseHostPort("127.0.0.1:0")->port, 0);
  EXPECT_TRUE(internal::IsLoopbackHost("127.1.2.3"));
  EXPECT_FALSE(internal::IsLoopbackHost("10.0.0.1"));
  EXPECT_TRUE(internal::IsRoleArn("arn:aws-us-gov:iam::123456789012:role/a/b"));
  EXPECT_TRUE(internal::IsInstanceTypeName("u-6tb1.metal"));
  EXPECT_EQ(internal::PasswordSpans("postgresql://u:p@h/d").size(), 1u);
  EXPECT_TRUE(internal::PasswordSpans("postgresql://u@h/d").empty());
}

}  // namespace
}  // namespace ccm::config
