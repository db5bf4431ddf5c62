// Endpoint resolution and the SDKs' endpoint variables.
#include "aws/endpoints.hpp"

#include <gtest/gtest.h>

#include <map>

namespace ccm::aws {
namespace {

Environment FakeEnv(std::map<std::string, std::string> vars) {
  Environment env;
  env.get = [vars](const std::string& name) -> std::optional<std::string> {
    auto it = vars.find(name);
    if (it == vars.end()) return std::nullopt;
    return it->second;
  };
  env.read_file = [](const std::string&) { return std::optional<std::string>(); };
  return env;
}

TEST(Endpoints, Defaults) {
  EXPECT_EQ(DefaultEndpoint("ec2", "eu-west-1"), "https://ec2.eu-west-1.amazonaws.com");
  EXPECT_EQ(DefaultEndpoint("monitoring", "us-west-2"),
            "https://monitoring.us-west-2.amazonaws.com");
  EXPECT_EQ(DefaultEndpoint("sts", "us-east-1"), "https://sts.us-east-1.amazonaws.com");
  EXPECT_EQ(DefaultEndpoint("iam", "eu-west-1"), "https://iam.amazonaws.com");
  EXPECT_EQ(SigningRegion("iam", "eu-west-1"), "us-east-1");
  EXPECT_EQ(SigningRegion("ec2", "eu-west-1"), "eu-west-1");
}

TEST(Endpoints, ServiceOverrideWinsOverGlobal) {
  TransportOptions o;
  o.endpoint_url = "http://127.0.0.1:5000";
  o.service_endpoints["sts"] = "http://127.0.0.1:6000";
  EXPECT_EQ(ResolveEndpoint(o, "ec2", "us-east-1"), "http://127.0.0.1:5000");
  EXPECT_EQ(ResolveEndpoint(o, "sts", "us-east-1"), "http://127.0.0.1:6000");
  TransportOptions none;
  EXPECT_EQ(ResolveEndpoint(none, "ec2", "ap-south-1"), "https://ec2.ap-south-1.amazonaws.com");
}

TEST(Endpoints, FromEnvironmentLikeTheSdks) {
  TransportOptions o;
  o.service_endpoints["ec2"] = "http://explicit:1";
  ApplyEndpointEnvironment(FakeEnv({{"AWS_ENDPOINT_URL", "http://all:2"},
                                    {"AWS_ENDPOINT_URL_EC2", "http://ec2:3"},
                                    {"AWS_ENDPOINT_URL_CLOUDWATCH", "http://cw:4"},
                                    {"AWS_ENDPOINT_URL_STS", "http://sts:5"},
                                    {"AWS_ENDPOINT_URL_IAM", "http://iam:6"}}),
                           o);
  EXPECT_EQ(o.endpoint_url, "http://all:2");
  EXPECT_EQ(o.service_endpoints["ec2"], "http://explicit:1");  // explicit setting wins
  EXPECT_EQ(o.service_endpoints["monitoring"], "http://cw:4");
  EXPECT_EQ(o.service_endpoints["sts"], "http://sts:5");
  EXPECT_EQ(o.service_endpoints["iam"], "http://iam:6");
}

TEST(Endpoints, IgnoreConfiguredEndpointUrls) {
  TransportOptions o;
  ApplyEndpointEnvironment(FakeEnv({{"AWS_ENDPOINT_URL", "http://all:2"},
                                    {"AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", "true"}}),
                           o);
  EXPECT_EQ(o.endpoint_url, "");
}

TEST(Endpoints, SplitUrl) {
  UrlParts a = SplitUrl("http://127.0.0.1:5000");
  EXPECT_EQ(a.scheme, "http");
  EXPECT_EQ(a.host, "127.0.0.1:5000");
  EXPECT_EQ(a.path, "/");
  UrlParts b = SplitUrl("https://ec2.us-east-1.amazonaws.com:443/base/?x=1");
  EXPECT_EQ(b.host, "ec2.us-east-1.amazonaws.com");
  EXPECT_EQ(b.path, "/base/");
  EXPECT_EQ(SplitUrl("http://h:80/").host, "h");
}

}  // namespace
}  // namespace ccm::aws
