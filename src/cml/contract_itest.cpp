// Contract: every request CmlClient sends is validated by Prism mocking the CML 2.9 OpenAPI spec
// (paths at the root, so the api base is overridden). Prism flags a request that breaks the spec
// with an `sl-violations` header and a 4xx; the observer collects those, and any one fails.
// Prism answers with the spec's examples, so this also checks the parsers cope with them.
#include <gtest/gtest.h>

#include <mutex>

#include "cml/cml_client.hpp"
#include "core/json.hpp"
#include "tests/support/cml_sim.hpp"

namespace ccm::cml {
namespace {

constexpr char kLabId[] = "90f84e38-a71c-4d57-8d90-00fa8a197385";

class ContractTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    prism_ = new testing::Prism();
    start_error_ = prism_->Start({"mock"});
  }
  static void TearDownTestSuite() {
    delete prism_;
    prism_ = nullptr;
  }

  void SetUp() override {
    ASSERT_EQ(start_error_, "") << "Prism is required for the CML contract test";
    CmlClientOptions options;
    options.observer = [this](const CallRecord& record) {
      std::lock_guard lock(mu_);
      records_.push_back(record);
    };
    client_ = std::make_unique<CmlClient>(options);
    target_.worker_id = "prism";
    target_.endpoint = prism_->url();
    target_.api_base = prism_->url();
    target_.username = "admin";
    target_.password = "contract-secret";
  }

  // Request violations Prism reported so far, and any 4xx/5xx. (Prism also reports where its own
  // invented example answers break the spec's patterns: location "response", not ours to fix.)
  std::vector<std::string> Violations() {
    std::lock_guard lock(mu_);
    std::vector<std::string> out;
    for (const CallRecord& r : records_) {
      for (const auto& [k, v] : r.headers) {
        if (k != "sl-violations") continue;
        auto list = ParseJson(v);
        if (!list || !list->is_array()) {
          out.push_back(r.call + " -> unreadable violations: " + v);
          continue;
        }
        for (const Json& violation : *list) {
          auto where = violation.find("location");
          bool about_response = where != violation.end() && where->is_array() && !where->empty() &&
                                (*where)[0] == "response";
          if (!about_response) out.push_back(r.call + " -> " + violation.dump());
        }
      }
      if (r.status >= 400) out.push_back(r.call + " -> HTTP " + std::to_string(r.status));
    }
    return out;
  }
  std::vector<std::string> Calls() {
    std::lock_guard lock(mu_);
    std::vector<std::string> out;
    for (const CallRecord& r : records_) out.push_back(r.route);
    return out;
  }

  static testing::Prism* prism_;
  static std::string start_error_;
  std::mutex mu_;
  std::vector<CallRecord> records_;
  std::unique_ptr<CmlClient> client_;
  CmlTarget target_;
};

testing::Prism* ContractTest::prism_ = nullptr;
std::string ContractTest::start_error_;

TEST_F(ContractTest, EveryClientCallConformsToTheSpec) {
  auto info = client_->GetSystemInformation(target_);
  ASSERT_TRUE(info) << info.error().ToString();
  EXPECT_EQ(info->readiness, Readiness::kReady);
  auto health = client_->GetSystemHealth(target_);
  EXPECT_TRUE(health) << health.error().ToString();
  auto stats = client_->GetSystemStats(target_);
  EXPECT_TRUE(stats) << stats.error().ToString();
  auto ids = client_->ListLabIds(target_);
  ASSERT_TRUE(ids) << ids.error().ToString();
  EXPECT_FALSE(ids->empty());
  auto lab = client_->GetLab(target_, kLabId);
  EXPECT_TRUE(lab) << lab.error().ToString();
  EXPECT_TRUE(client_->StartLab(target_, kLabId));
  EXPECT_TRUE(client_->StopLab(target_, kLabId));
  EXPECT_TRUE(client_->WipeLab(target_, kLabId));
  EXPECT_TRUE(client_->DeleteLab(target_, kLabId));
  auto yaml = client_->DownloadLab(target_, kLabId);
  EXPECT_TRUE(yaml) << yaml.error().ToString();
  auto imported = client_->ImportLab(
      target_, "Contract lab & title",
      R"({"lab":{"title":"t","version":"0.2.2"},"nodes":[{"id":"n0","label":"r1","x":0,"y":0,
      "node_definition":"iosv","interfaces":[]}],"links":[]})");
  EXPECT_TRUE(imported) << imported.error().ToString();
  auto licensing = client_->GetLicensing(target_);
  EXPECT_TRUE(licensing) << licensing.error().ToString();
  auto reg = client_->RegisterLicence(target_, "ZmFrZS1saWNlbmNlLXRva2Vu%3D-1", false);
  EXPECT_TRUE(reg) << reg.error().ToString();
  auto dereg = client_->DeregisterLicence(target_);
  EXPECT_TRUE(dereg) << dereg.error().ToString();
  auto product = client_->SetProductLicense(target_, "CML_Enterprise");
  EXPECT_TRUE(product) << product.error().ToString();
  auto events = client_->ReadNewEvents(target_);
  ASSERT_TRUE(events) << events.error().ToString();
  EXPECT_FALSE(events->empty());

  EXPECT_EQ(Violations(), std::vector<std::string>{});
  EXPECT_EQ(client_->logins(), 1u);  // one login served every authenticated call
  EXPECT_EQ(Calls().size(), 17u);    // 15 operations + system_information + one login
}

TEST_F(ContractTest, ProbeRoundConformsToTheSpec) {
  ProbeOptions options;
  options.telemetry = true;
  std::vector<CmlTarget> targets(3, target_);
  for (size_t i = 0; i < targets.size(); ++i) targets[i].worker_id = "prism-" + std::to_string(i);
  auto snapshots = client_->Probe(targets, options);
  ASSERT_EQ(snapshots.size(), 3u);
  for (const WorkerSnapshot& s : snapshots) {
    EXPECT_TRUE(s.ok()) << s.error()->ToString();
    EXPECT_TRUE(s.system.ready());
    EXPECT_TRUE(s.logged_in);
    EXPECT_TRUE(s.health && s.stats && s.labs && s.licensing && s.events);
    ASSERT_TRUE(s.labs);
    EXPECT_FALSE(s.labs->empty());
  }
  EXPECT_EQ(Violations(), std::vector<std::string>{});
  auto again = client_->Probe(targets, options);
  for (const WorkerSnapshot& s : again) EXPECT_FALSE(s.logged_in) << s.worker_id;
  EXPECT_EQ(client_->logins(), 3u);
}

TEST_F(ContractTest, ViolationsAreDetected) {
  // The negative control: a user name over the spec's 32 characters is a violation.
  target_.username = std::string(40, 'u');
  auto labs = client_->ListLabIds(target_);
  ASSERT_FALSE(labs);
  EXPECT_FALSE(Violations().empty());
}

}  // namespace
}  // namespace ccm::cml
