// The probe round against the CML simulator (snapshots, token reuse across rounds, per-worker
// errors, boot-time 502s, not-ready controllers, timeouts), plus TLS against the simulator's
// HTTPS mode and answers only a canned server gives (oversized, malformed, scripted statuses).
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/sha.h>
#include <openssl/x509.h>

#include <cstdio>

#include "cml/sim_fixture.hpp"
#include "core/log.hpp"

namespace ccm::cml {
namespace {

using ProbeTest = SimTest;

TEST_F(ProbeTest, RoundFillsSnapshotsAndReusesTokensNextRound) {
  std::vector<CmlTarget> targets = {Target(0), Target(1)};
  ProbeOptions options;
  options.telemetry = true;
  auto first = client_->Probe(targets, options);
  ASSERT_EQ(first.size(), 2u);
  for (const WorkerSnapshot& s : first) {
    ASSERT_TRUE(s.ok()) << s.error()->ToString();
    EXPECT_TRUE(s.system.ready());
    EXPECT_TRUE(s.logged_in);
    ASSERT_TRUE(s.health && s.stats && s.licensing && s.labs && s.events);
    EXPECT_TRUE(s.health->valid);
    ASSERT_EQ(s.labs->size(), 2u);
    for (const Lab& lab : *s.labs) {
      EXPECT_FALSE(lab.title.empty());
      EXPECT_FALSE(lab.state.empty());
      EXPECT_FALSE(lab.owner_username.empty());
    }
    EXPECT_FALSE(s.events->empty());
    EXPECT_GT(s.elapsed_seconds, 0);
  }
  EXPECT_EQ(first[0].worker_id, "w0");
  EXPECT_EQ(first[1].worker_id, "w1");
  auto second = client_->Probe(targets, options);
  for (const WorkerSnapshot& s : second) {
    EXPECT_TRUE(s.ok());
    EXPECT_FALSE(s.logged_in);
    ASSERT_TRUE(s.events);
    EXPECT_TRUE(s.events->empty());  // the watermark moved past the first round's events
  }
  EXPECT_EQ(Counter("logins", 0), 1);
  EXPECT_EQ(Counter("logins", 1), 1);
}

TEST_F(ProbeTest, BootingAndNotReadyControllersAreStatesNotErrors) {
  Scenario("fail_502", R"({"seconds":30})", 0);
  Scenario("ready_after", R"({"seconds":30})", 1);
  auto direct = client_->GetSystemInformation(Target(0));
  ASSERT_TRUE(direct) << direct.error().ToString();
  EXPECT_EQ(direct->readiness, Readiness::kStarting);
  EXPECT_EQ(direct->http_status, 502);
  auto snapshots = client_->Probe({Target(0), Target(1)}, ProbeOptions{});
  ASSERT_EQ(snapshots.size(), 2u);
  EXPECT_TRUE(snapshots[0].ok());
  EXPECT_EQ(snapshots[0].system.readiness, Readiness::kStarting);
  EXPECT_EQ(snapshots[0].system.http_status, 502);
  EXPECT_TRUE(snapshots[1].ok());
  EXPECT_EQ(snapshots[1].system.readiness, Readiness::kNotReady);
  EXPECT_FALSE(snapshots[0].labs || snapshots[1].labs);  // no further steps before ready
  EXPECT_EQ(Counter("logins", 0) + Counter("logins", 1), 0);
}

TEST_F(ProbeTest, ErrorsStayWithTheirWorker) {
  Scenario("fail_auth", R"({"enabled":true})", 1);
  CmlTarget anonymous = Target(0);
  anonymous.worker_id = "w0-anon";
  anonymous.username.clear();
  anonymous.password.clear();
  auto snapshots = client_->Probe({Target(0), Target(1), anonymous}, ProbeOptions{});
  ASSERT_EQ(snapshots.size(), 3u);
  EXPECT_TRUE(snapshots[0].ok());
  ASSERT_TRUE(snapshots[0].labs);
  ASSERT_FALSE(snapshots[1].ok());
  EXPECT_EQ(snapshots[1].errors.size(), 1u);  // the refused login, reported once
  EXPECT_EQ(snapshots[1].error()->code, Code::kUnauthenticated);
  EXPECT_NE(snapshots[1].error()->message.find("worker w1"), std::string::npos);
  EXPECT_TRUE(snapshots[1].system.ready());
  EXPECT_TRUE(snapshots[2].ok());  // no credentials: system information only
  EXPECT_TRUE(snapshots[2].system.ready());
  EXPECT_FALSE(snapshots[2].labs);
}

TEST_F(ProbeTest, RevokedTokensAreRenewedOncePerWorkerMidRound) {
  ASSERT_TRUE(client_->Probe({Target(0)}, ProbeOptions{})[0].ok());
  Scenario("revoke_tokens");
  auto again = client_->Probe({Target(0)}, ProbeOptions{});
  ASSERT_TRUE(again[0].ok()) << again[0].error()->ToString();
  ASSERT_TRUE(again[0].labs);
  EXPECT_EQ(again[0].labs->size(), 2u);
  EXPECT_EQ(Counter("logins"), 2);  // the steps that met 401 shared one new login
  EXPECT_GE(Counter("unauthorized"), 1);
}

TEST_F(ProbeTest, SlowControllerTimesOut) {
  options_.timeout = std::chrono::milliseconds(400);
  client_ = std::make_unique<CmlClient>(options_);
  ASSERT_TRUE(client_->EnsureLogin(Target()));
  Scenario("latency", R"({"ms":1500})");
  auto labs = client_->ListLabIds(Target());
  ASSERT_FALSE(labs);
  EXPECT_EQ(labs.error().code, Code::kDeadlineExceeded);
  EXPECT_TRUE(labs.error().retryable);
  auto info = client_->GetSystemInformation(Target());
  ASSERT_TRUE(info) << info.error().ToString();
  EXPECT_EQ(info->readiness, Readiness::kStarting);  // no answer in time: maybe still booting
  auto snapshots = client_->Probe({Target(0), Target(1)}, ProbeOptions{});
  EXPECT_EQ(snapshots[0].system.readiness, Readiness::kStarting);
  EXPECT_TRUE(snapshots[1].ok());
  EXPECT_TRUE(snapshots[1].labs.has_value());
}

TEST_F(ProbeTest, OversizedAnswerIsRefused) {
  options_.max_response_bytes = 600;  // the login token fits, the licensing answer not
  client_ = std::make_unique<CmlClient>(options_);
  auto licensing = client_->GetLicensing(Target());
  ASSERT_FALSE(licensing);
  EXPECT_EQ(licensing.error().code, Code::kResourceExhausted);
  EXPECT_NE(licensing.error().message.find("worker w0: GET /licensing"), std::string::npos);
}

// The SHA-256 pin ("sha256//BASE64") of a PEM certificate's public key.
std::string PinOf(const std::string& pem_path) {
  FILE* f = std::fopen(pem_path.c_str(), "r");
  if (!f) return "";
  X509* cert = PEM_read_X509(f, nullptr, nullptr, nullptr);
  std::fclose(f);
  if (!cert) return "";
  unsigned char* der = nullptr;
  int len = i2d_PUBKEY(X509_get0_pubkey(cert), &der);
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256(der, static_cast<size_t>(len), digest);
  OPENSSL_free(der);
  X509_free(cert);
  unsigned char b64[64] = {};
  EVP_EncodeBlock(b64, digest, SHA256_DIGEST_LENGTH);
  return "sha256//" + std::string(reinterpret_cast<char*>(b64));
}

TEST(TlsTest, VerificationByCaFileOrPinAndExplicitInsecure) {
  testing::CmlSim sim;
  testing::CmlSimOptions sim_options;
  sim_options.tls = true;
  ASSERT_EQ(sim.Start(sim_options), "") << "the CML simulator is required";
  ASSERT_FALSE(sim.ca_file().empty());
  CmlTarget t;
  t.worker_id = "tls";
  t.endpoint = sim.controllers().at(0).url;
  t.username = t.password = "admin";
  ASSERT_EQ(t.endpoint.rfind("https://", 0), 0u);
  CmlClient client;

  auto untrusted = client.GetSystemInformation(t);
  ASSERT_FALSE(untrusted) << "a self-signed certificate must not be trusted by default";
  EXPECT_EQ(untrusted.error().provider_code, "TlsVerificationFailed");
  EXPECT_FALSE(untrusted.error().retryable);
  EXPECT_NE(untrusted.error().message.find("TLS verification failed"), std::string::npos);
  auto probe = client.Probe({t}, ProbeOptions{});
  ASSERT_FALSE(probe[0].ok());
  EXPECT_EQ(probe[0].error()->provider_code, "TlsVerificationFailed");

  CmlTarget with_ca = t;
  with_ca.tls.ca_file = sim.ca_file();
  auto trusted = client.GetSystemInformation(with_ca);
  ASSERT_TRUE(trusted) << trusted.error().ToString();
  EXPECT_TRUE(trusted->ready());
  EXPECT_TRUE(client.Probe({with_ca}, ProbeOptions{})[0].ok());

  CmlTarget pinned = with_ca;
  pinned.tls.pinned_pubkey = PinOf(sim.ca_file());
  ASSERT_NE(pinned.tls.pinned_pubkey, "");
  EXPECT_TRUE(client.ListLabIds(pinned));
  pinned.tls.pinned_pubkey = "sha256//AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=";
  auto wrong_pin = client.ListLabIds(pinned);
  ASSERT_FALSE(wrong_pin);
  EXPECT_EQ(wrong_pin.error().provider_code, "TlsVerificationFailed");

  int warnings = 0;
  log::SetCapture([&](std::string_view line) {
    if (line.find("verification is OFF") != std::string::npos) ++warnings;
  });
  CmlTarget insecure = t;
  insecure.tls.verify = false;
  EXPECT_TRUE(client.GetSystemInformation(insecure));
  EXPECT_TRUE(client.ListLabIds(insecure));
  EXPECT_TRUE(client.Probe({insecure}, ProbeOptions{})[0].ok());
  log::SetCapture({});
  EXPECT_EQ(warnings, 1);
}

TEST(CannedTest, MalformedAnswersAndStatusesBecomeErrors) {
  testing::CannedHttpServer server([](const testing::CannedHttpServer::Seen& r) {
    using Answer = testing::CannedHttpServer::Answer;
    if (r.target == "/authenticate") return Answer{200, "\"tok.en.x\""};
    if (r.target == "/system_information") return Answer{200, "<html>not json</html>"};
    if (r.target == "/labs?show_all=true") return Answer{200, R"({"not":"a list"})"};
    if (r.target == "/system_health") return Answer{200, R"({"valid": tru)"};
    if (r.target == "/licensing") return Answer{403, R"({"code":403,"description":"No."})"};
    if (r.target == "/labs/L1") return Answer{409, R"({"code":409,"description":"Busy"})"};
    if (r.target == "/telemetry/events") return Answer{500, "oops"};
    return Answer{404, R"({"code":404,"description":"nope"})"};
  });
  CmlClient client;
  CmlTarget t;
  t.worker_id = "canned";
  t.endpoint = server.url();
  t.api_base = server.url();
  t.username = "admin";
  t.password = "canned-password";
  auto info = client.GetSystemInformation(t);
  ASSERT_FALSE(info);
  EXPECT_EQ(info.error().provider_code, "MalformedResponse");
  EXPECT_NE(info.error().message.find("worker canned: GET /system_information: malformed"),
            std::string::npos);
  auto labs = client.ListLabIds(t);
  ASSERT_FALSE(labs);
  EXPECT_EQ(labs.error().provider_code, "MalformedResponse");
  EXPECT_EQ(client.GetSystemHealth(t).error().provider_code, "MalformedResponse");
  auto denied = client.GetLicensing(t);
  EXPECT_EQ(denied.error().code, Code::kPermissionDenied);
  EXPECT_EQ(denied.error().message, "worker canned: GET /licensing: HTTP 403: No.");
  EXPECT_EQ(client.GetLab(t, "L1").error().code, Code::kFailedPrecondition);
  auto broken = client.ReadNewEvents(t);
  EXPECT_EQ(broken.error().code, Code::kUnavailable);
  EXPECT_TRUE(broken.error().retryable);
  for (const auto& seen : server.requests()) {
    if (seen.target != "/authenticate" && seen.target != "/system_information") {
      EXPECT_EQ(seen.authorization, "Bearer tok.en.x") << seen.target;
    }
  }
  EXPECT_EQ(client.logins(), 1u);
}

}  // namespace
}  // namespace ccm::cml
