// The small pure pieces: scope validation, endpoints, CML targets, licence mapping, settings.
#include "control/observe.hpp"

#include <gtest/gtest.h>

#include "control/cloud_clients.hpp"
#include "control/endpoint_resolver.hpp"
#include "core/log.hpp"

namespace ccm::control {
namespace {

TEST(ValidateScopeTest, AccountsAndRegions) {
  config::Settings s;
  s.aws_accounts["lab"].role_arn = "arn:aws:iam::123456789012:role/ccm";
  s.aws_accounts["lab"].regions = {"eu-west-1"};
  EXPECT_TRUE(ValidateScope(s, "", "us-east-1"));
  EXPECT_EQ(ValidateScope(s, "", "ap-south-1").error().field, "region");
  EXPECT_EQ(ValidateScope(s, "", "").error().field, "region");
  EXPECT_TRUE(ValidateScope(s, "lab", "eu-west-1"));
  auto wrong = ValidateScope(s, "lab", "us-east-1");
  EXPECT_EQ(wrong.error().field, "region");
  EXPECT_NE(wrong.error().message.find("account 'lab'"), std::string::npos);
  EXPECT_EQ(ValidateScope(s, "ghost", "us-east-1").error().field, "account");
}

TEST(EndpointTest, DirectEndpointPrefersThePublicAddress) {
  EXPECT_EQ(DirectEndpoint("203.0.113.7", "10.0.0.5", 443), "https://203.0.113.7");
  EXPECT_EQ(DirectEndpoint("", "10.0.0.5", 443), "https://10.0.0.5");
  EXPECT_EQ(DirectEndpoint("203.0.113.7", "", 8443), "https://203.0.113.7:8443");
  EXPECT_EQ(DirectEndpoint("", "", 443), "");
  auto resolver = MakeDirectEndpointResolver(443);
  domain::WorkerRecord w;
  w.status = domain::WorkerStatus::kRunning;
  EXPECT_EQ(*resolver->Resolve(w, "198.51.100.1", "10.0.0.1"), "https://198.51.100.1");
  w.status = domain::WorkerStatus::kTerminated;
  EXPECT_EQ(*resolver->Resolve(w, "198.51.100.1", "10.0.0.1"), "");
}

TEST(EndpointTest, SandboxResolverReportsAnUnreachableControlEndpoint) {
  auto resolver = MakeSandboxEndpointResolver("http://127.0.0.1:9/");
  domain::WorkerRecord w;
  w.id = "w1";
  w.status = domain::WorkerStatus::kRunning;
  EXPECT_EQ(*resolver->Resolve(w, "", ""), "");  // no instance yet: nothing to allocate
  w.aws_instance_id = "i-0123456789abcdef0";
  w.https_endpoint = "http://127.0.0.1:5555";
  EXPECT_EQ(*resolver->Resolve(w, "", ""), "http://127.0.0.1:5555");  // kept, no call
  w.id = "w2";
  w.https_endpoint = "";
  auto failed = resolver->Resolve(w, "", "");
  ASSERT_FALSE(failed.has_value());
  EXPECT_EQ(failed.error().code, Code::kUnavailable);
}

TEST(CmlTargetTest, FromSettingsWithTheSecretRegistered) {
  config::Settings s;
  s.cml_api_username = "ccm";
  s.cml_api_password = "pa55-word-xyz";
  s.cml_tls_verify = false;
  s.cml_tls_ca_file = "/etc/ccm/ca.pem";
  domain::WorkerRecord w;
  w.id = "w1";
  w.https_endpoint = "https://203.0.113.7";
  auto t = MakeCmlTarget(s, w);
  EXPECT_EQ(t.worker_id, "w1");
  EXPECT_EQ(t.api_base, "https://203.0.113.7/api/v0");
  EXPECT_EQ(t.username, "ccm");
  EXPECT_FALSE(t.tls.verify);
  EXPECT_EQ(t.tls.ca_file, "/etc/ccm/ca.pem");
  EXPECT_EQ(log::Redact("x pa55-word-xyz y"), "x *** y");
}

cml::Licensing Licence(std::string reg, std::string auth) {
  cml::Licensing l;
  l.registration_status = std::move(reg);
  l.authorization_status = std::move(auth);
  return l;
}

TEST(ObserveTest, LicenceStatusMapping) {
  using LS = domain::LicenseStatus;
  EXPECT_EQ(LicenseStatusFrom(Licence("COMPLETED", "IN_COMPLIANCE")), LS::kRegistered);
  EXPECT_EQ(LicenseStatusFrom(Licence("COMPLETED", "EVAL")), LS::kEvaluation);
  EXPECT_EQ(LicenseStatusFrom(Licence("COMPLETED", "OUT_OF_COMPLIANCE")), LS::kExpired);
  EXPECT_EQ(LicenseStatusFrom(Licence("FAILED", "EVAL")), LS::kInvalid);
  EXPECT_EQ(LicenseStatusFrom(Licence("NOT_REGISTERED", "EVAL")), LS::kUnregistered);
  EXPECT_EQ(LicenseStatusFrom(Licence("IN_PROGRESS", "EVAL")), LS::kUnregistered);
}

TEST(ObserveTest, ApplyInstanceReportsOnlyRealChanges) {
  domain::NewWorker spec;
  spec.id = "6f1c1f4e-8d7a-4b7e-9a65-2f8f5d7f3b10";
  spec.name = "w";
  spec.region = "us-east-1";
  spec.instance_type = "c5.2xlarge";
  spec.aws_instance_id = "i-0123456789abcdef0";
  spec.status = domain::WorkerStatus::kStopped;
  domain::ChangeContext c{"system:test", TimePoint{std::chrono::seconds(1000)}, ""};
  auto w = domain::Worker::Create(spec, c);
  ASSERT_TRUE(w.has_value());
  w->TakePendingEvents();
  aws::Instance i;
  i.id = spec.aws_instance_id;
  i.state = "running";
  i.public_ip = "203.0.113.9";
  i.monitoring_state = "enabled";
  aws::InstanceStatus st{i.id, "", "running", "ok", "initializing"};
  EXPECT_TRUE(ApplyInstance(*w, i, &st, "https://203.0.113.9", c));
  EXPECT_EQ(w->record().status, domain::WorkerStatus::kRunning);
  EXPECT_EQ(w->record().status_checks.system, domain::CheckStatus::kInitializing);
  EXPECT_TRUE(w->record().monitoring);
  w->TakePendingEvents();
  EXPECT_FALSE(ApplyInstance(*w, i, &st, "https://203.0.113.9", c));
  i.state = "terminated";
  EXPECT_TRUE(ApplyInstance(*w, i, &st, "", c));
  EXPECT_EQ(w->record().https_endpoint, "");
  EXPECT_EQ(w->record().status_checks.instance, domain::CheckStatus::kNotApplicable);
}

TEST(ObserveTest, IdleSettingsFromMinutes) {
  config::Settings s;
  s.cml_worker_idle_threshold_minutes = 0.5;
  s.cml_worker_max_idle_before_warning_minutes = 0.25;
  s.idle_cpu_veto_percent = 0;
  auto idle = IdleSettingsFrom(s);
  EXPECT_EQ(idle.stop_after, std::chrono::seconds(30));
  EXPECT_EQ(idle.warning_after, std::chrono::seconds(15));
  EXPECT_FALSE(idle.cpu_veto_percent.has_value());
}

}  // namespace
}  // namespace ccm::control
