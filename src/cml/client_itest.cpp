// CmlClient against the CML simulator: every operation, token reuse, re-login on 401, login
// failures, licensing outcomes and the telemetry watermark.
#include <algorithm>
#include <thread>

#include "cml/sim_fixture.hpp"

namespace ccm::cml {

testing::CmlSim* SimTest::sim_ = nullptr;
std::string SimTest::start_error_;

namespace {

using ClientTest = SimTest;

Lab FindLab(CmlClient& client, const CmlTarget& t, const std::string& title) {
  auto ids = client.ListLabIds(t);
  EXPECT_TRUE(ids) << ids.error().ToString();
  for (const std::string& id : ids.value_or(std::vector<std::string>{})) {
    auto lab = client.GetLab(t, id);
    if (lab && lab->title == title) return *lab;
  }
  ADD_FAILURE() << "no lab titled " << title;
  return {};
}

TEST_F(ClientTest, SystemCalls) {
  auto info = client_->GetSystemInformation(Target());
  ASSERT_TRUE(info) << info.error().ToString();
  EXPECT_EQ(info->readiness, Readiness::kReady);
  EXPECT_EQ(info->version.rfind("2.9", 0), 0u) << info->version;
  auto health = client_->GetSystemHealth(Target());
  ASSERT_TRUE(health) << health.error().ToString();
  EXPECT_TRUE(health->valid);
  EXPECT_EQ(health->computes.size(), 1u);
  auto stats = client_->GetSystemStats(Target());
  ASSERT_TRUE(stats) << stats.error().ToString();
  EXPECT_GT(stats->cpu_count, 0);
  EXPECT_GT(stats->memory_total, 0);
  ASSERT_EQ(stats->computes.size(), 1u);
  EXPECT_EQ(stats->running_nodes, 0);
}

TEST_F(ClientTest, LabLifecycle) {
  CmlTarget t = Target();
  Lab lab = FindLab(*client_, t, "Routing basics");
  EXPECT_EQ(lab.state, "STOPPED");
  EXPECT_EQ(lab.owner_username, "admin");
  EXPECT_EQ(lab.node_count, 2);
  EXPECT_EQ(lab.link_count, 1);
  EXPECT_FALSE(lab.modified.empty());
  ASSERT_TRUE(client_->StartLab(t, lab.id));
  EXPECT_EQ(client_->GetLab(t, lab.id)->state, "STARTED");
  EXPECT_GT(client_->GetSystemStats(t)->running_nodes, 0);
  auto wipe_running = client_->WipeLab(t, lab.id);
  ASSERT_FALSE(wipe_running);
  EXPECT_EQ(wipe_running.error().code, Code::kInvalidArgument);
  EXPECT_NE(wipe_running.error().message.find("worker w0: PUT /labs/" + lab.id + "/wipe: HTTP 400"),
            std::string::npos)
      << wipe_running.error().message;
  ASSERT_TRUE(client_->StopLab(t, lab.id));
  EXPECT_EQ(client_->GetLab(t, lab.id)->state, "STOPPED");
  ASSERT_TRUE(client_->WipeLab(t, lab.id));
  EXPECT_EQ(client_->GetLab(t, lab.id)->state, "DEFINED_ON_CORE");

  auto yaml = client_->DownloadLab(t, lab.id);
  ASSERT_TRUE(yaml) << yaml.error().ToString();
  EXPECT_NE(yaml->find("Routing basics"), std::string::npos);
  auto copy = client_->ImportLab(t, "Copy of routing & more", *yaml);
  ASSERT_TRUE(copy) << copy.error().ToString();
  auto imported = client_->GetLab(t, *copy);
  ASSERT_TRUE(imported) << imported.error().ToString();
  EXPECT_EQ(imported->title, "Copy of routing & more");  // the title travelled URL-encoded
  EXPECT_EQ(imported->node_count, 2);
  ASSERT_TRUE(client_->DeleteLab(t, *copy));
  auto gone = client_->GetLab(t, *copy);
  ASSERT_FALSE(gone);
  EXPECT_EQ(gone.error().code, Code::kNotFound);
  EXPECT_FALSE(gone.error().retryable);
}

TEST_F(ClientTest, OneLoginServesManyCalls) {
  CmlTarget t = Target();
  for (int i = 0; i < 10; ++i) {
    ASSERT_TRUE(client_->ListLabIds(t));
    ASSERT_TRUE(client_->GetLicensing(t));
  }
  EXPECT_EQ(Counter("logins"), 1);
  EXPECT_EQ(client_->logins(), 1u);
  // Many threads at once still log in once (single flight).
  CmlClient fresh;
  std::vector<std::thread> threads;
  for (int i = 0; i < 8; ++i) threads.emplace_back([&] { EXPECT_TRUE(fresh.ListLabIds(t)); });
  for (auto& th : threads) th.join();
  EXPECT_EQ(fresh.logins(), 1u);
  EXPECT_EQ(Counter("logins"), 2);
}

TEST_F(ClientTest, RevokedTokenLogsInOnceMoreAndRetries) {
  CmlTarget t = Target();
  ASSERT_TRUE(client_->ListLabIds(t));
  Scenario("revoke_tokens");
  auto labs = client_->ListLabIds(t);
  ASSERT_TRUE(labs) << labs.error().ToString();
  EXPECT_EQ(Counter("logins"), 2);
  EXPECT_EQ(Counter("unauthorized"), 1);
  ASSERT_TRUE(client_->GetSystemHealth(t));
  EXPECT_EQ(Counter("logins"), 2);  // the fresh token is cached again
}

TEST_F(ClientTest, RefusedLoginIsUnauthenticatedWithCmlsDescription) {
  CmlTarget t = Target();
  t.password = "Wrong-Passw0rd-xyz";
  auto labs = client_->ListLabIds(t);
  ASSERT_FALSE(labs);
  EXPECT_EQ(labs.error().code, Code::kUnauthenticated);
  EXPECT_NE(labs.error().message.find("login as 'admin' refused"), std::string::npos);
  EXPECT_NE(labs.error().message.find("worker w0: POST /authenticate: HTTP 403: "
                                      "Authentication failed!"),
            std::string::npos)
      << labs.error().message;
  EXPECT_EQ(labs.error().message.find("Wrong-Passw0rd-xyz"), std::string::npos);
  Scenario("fail_auth", R"({"enabled":true})");
  auto refused = client_->GetLicensing(Target());
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, Code::kUnauthenticated);
  EXPECT_EQ(Counter("login_failures"), 2);
}

TEST_F(ClientTest, TokensAreCachedPerWorkerAndUser) {
  // The same worker reached as admin and as a person: two accounts, two cached tokens.
  CmlTarget admin = Target();
  CmlTarget student = Target(0, "student");
  for (int i = 0; i < 3; ++i) {
    auto all = client_->ListLabIds(admin);
    ASSERT_TRUE(all) << all.error().ToString();
    EXPECT_EQ(all->size(), 2u);
    auto own = client_->ListLabIds(student);
    ASSERT_TRUE(own) << own.error().ToString();
    EXPECT_EQ(own->size(), 1u);  // show_all lists only a person's own labs
  }
  EXPECT_EQ(Counter("logins"), 2);
  ASSERT_TRUE(client_->ListLabIds(Target(1)));
  EXPECT_EQ(Counter("logins", 1), 1);
}

TEST_F(ClientTest, LicensingFlow) {
  CmlTarget t = Target();
  auto before = client_->GetLicensing(t);
  ASSERT_TRUE(before) << before.error().ToString();
  EXPECT_FALSE(before->registered());
  ASSERT_TRUE(client_->SetProductLicense(t, "CML_Enterprise"));
  EXPECT_EQ(client_->GetLicensing(t)->product_license, "CML_Enterprise");
  auto not_registered = client_->DeregisterLicence(t);
  ASSERT_TRUE(not_registered) << not_registered.error().ToString();
  EXPECT_EQ(*not_registered, Deregistration::kAlreadyDeregistered);

  ASSERT_TRUE(client_->RegisterLicence(t, "SmartLicenceToken-0123456789", false));
  Licensing after;
  for (int i = 0; i < 50 && !after.in_compliance(); ++i) {
    after = client_->GetLicensing(t).value_or(Licensing{});
    if (!after.in_compliance()) std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  EXPECT_TRUE(after.registered());
  EXPECT_TRUE(after.in_compliance());
  EXPECT_FALSE(after.features.empty());
  auto twice = client_->RegisterLicence(t, "SmartLicenceToken-0123456789", false);
  ASSERT_FALSE(twice);
  EXPECT_EQ(twice.error().message.find("SmartLicenceToken-0123456789"), std::string::npos);
  EXPECT_TRUE(client_->RegisterLicence(t, "SmartLicenceToken-0123456789", true));
  std::this_thread::sleep_for(std::chrono::milliseconds(100));

  Scenario("expire_license");
  EXPECT_EQ(client_->GetLicensing(t)->authorization_status, "OUT_OF_COMPLIANCE");
  auto done = client_->DeregisterLicence(t);
  ASSERT_TRUE(done) << done.error().ToString();
  EXPECT_EQ(*done, Deregistration::kDone);

  Scenario("licensing", R"({"deregister_local_only":true})");
  ASSERT_TRUE(client_->RegisterLicence(t, "SmartLicenceToken-0123456789", false));
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  auto local = client_->DeregisterLicence(t);
  ASSERT_TRUE(local) << local.error().ToString();
  EXPECT_EQ(*local, Deregistration::kDoneLocallyOnly);
}

TEST_F(ClientTest, TelemetryIsReadIncrementallyAndClassified) {
  CmlTarget t = Target();
  auto first = client_->ReadNewEvents(t);
  ASSERT_TRUE(first) << first.error().ToString();
  ASSERT_FALSE(first->empty());
  for (const TelemetryEvent& e : *first) {
    // System events and ccm's own login are noise, never a person's activity.
    EXPECT_FALSE(e.person_activity) << e.category << " " << e.data;
  }
  auto none = client_->ReadNewEvents(t);
  ASSERT_TRUE(none);
  EXPECT_TRUE(none->empty());

  Scenario("user_activity", R"({"username":"student"})");
  Lab lab = FindLab(*client_, t, "Student sandbox");
  Scenario("labs/" + lab.id + "/start", R"({"username":"student"})");
  auto fresh = client_->ReadNewEvents(t);
  ASSERT_TRUE(fresh) << fresh.error().ToString();
  std::vector<std::string> person;
  for (const TelemetryEvent& e : *fresh) {
    if (!e.person_activity) continue;
    person.push_back(e.category);
    EXPECT_EQ(e.username, "student");
  }
  ASSERT_GE(person.size(), 3u);  // user_activity, start_lab, start_node...
  EXPECT_EQ(person[0], "user_activity");
  EXPECT_EQ(person[1], "start_lab");
  EXPECT_TRUE(client_->ReadNewEvents(t)->empty());
  EXPECT_TRUE(client_->Watermark("w0").time.has_value());
  client_->Forget("w0");
  EXPECT_FALSE(client_->Watermark("w0").time.has_value());
}

}  // namespace
}  // namespace ccm::cml
