#include "domain/worker.hpp"

#include <gtest/gtest.h>

#include <cmath>

#include "core/json.hpp"
#include "domain/worker_json.hpp"

namespace ccm::domain {
namespace {

using namespace std::chrono_literals;
const TimePoint kT0{std::chrono::seconds(1'800'000'000)};
const char kId[] = "6f1c1f1e-8d1a-4b6e-9a55-0c8f3f1b2a11";

ChangeContext At(Duration offset, std::string actor = "user:alice") {
  return {std::move(actor), kT0 + offset, "4bf92f3577b34da6a3ce929d0e0e4736"};
}

NewWorker Spec() {
  NewWorker s;
  s.id = kId;
  s.name = "lab-1";
  s.region = "us-east-1";
  s.instance_type = "c5.2xlarge";
  s.ami_id = "ami-0123456789abcdef0";
  s.ami_name = "CML-2.9.0";
  s.cml_version = "2.9.0";
  s.tags = {{"team", "netops"}};
  s.owner = "alice";
  s.client_token = "ct-1";
  return s;
}

Worker NewRunning() {
  Worker w = Worker::Create(Spec(), At(0s)).value();
  EXPECT_TRUE(w.AssignInstance("i-0123456789abcdef0", std::nullopt, At(1s)));
  w.ObserveState(WorkerStatus::kRunning, At(60s, "system:reconciler"));
  w.ObserveAddresses("54.1.2.3", "10.0.0.5", "https://54.1.2.3", At(60s));
  w.ObserveServiceProbe(true, 10min, At(5min));
  w.TakePendingEvents();
  return w;
}

Json Data(const DomainEvent& e) { return ParseJson(e.data).value(); }

std::vector<EventType> Types(const Worker& w) {
  std::vector<EventType> out;
  for (const auto& e : w.pending_events()) out.push_back(e.type);
  return out;
}

TEST(WorkerCreate, RecordsEverythingAndOneCreatedEvent) {
  auto w = Worker::Create(Spec(), At(0s));
  ASSERT_TRUE(w) << w.error().ToString();
  const WorkerRecord& r = w->record();
  EXPECT_EQ(r.status, WorkerStatus::kPending);
  EXPECT_EQ(r.service_status, ServiceStatus::kUnavailable);
  EXPECT_EQ(r.license_status, LicenseStatus::kUnregistered);
  EXPECT_EQ(r.created_by, "user:alice");
  EXPECT_EQ(r.created_at, kT0);
  EXPECT_EQ(r.version, 0);
  EXPECT_TRUE(r.idle_policy.enabled);
  ASSERT_EQ(Types(*w), std::vector<EventType>{EventType::kCreated});
  const DomainEvent& e = w->pending_events()[0];
  EXPECT_EQ(e.worker_id, kId);
  EXPECT_EQ(e.occurred_at, kT0);
  EXPECT_EQ(e.trace_id, "4bf92f3577b34da6a3ce929d0e0e4736");
  EXPECT_EQ(Data(e), ToJson(r));
  EXPECT_EQ(Data(e)["tags"]["team"], "netops");
}

TEST(WorkerCreate, RefusesBadInputNamingTheField) {
  struct Case {
    void (*edit)(NewWorker&);
    std::string field;
  };
  std::vector<Case> cases = {
      {[](NewWorker& s) { s.id = "42"; }, "id"},
      {[](NewWorker& s) { s.name = ""; }, "name"},
      {[](NewWorker& s) { s.name = "../etc"; }, "name"},
      {[](NewWorker& s) { s.name = std::string(65, 'a'); }, "name"},
      {[](NewWorker& s) { s.region = "mars"; }, "region"},
      {[](NewWorker& s) { s.region = "us-east-"; }, "region"},
      {[](NewWorker& s) { s.instance_type = "huge"; }, "instance_type"},
      {[](NewWorker& s) { s.ami_id = "ami-xyz"; }, "ami_id"},
      {[](NewWorker& s) {
         s.tags = {{"aws:x", "1"}};
       },
       "tags.aws:x"},
      {[](NewWorker& s) {
         s.tags = {{"k", std::string(257, 'v')}};
       },
       "tags.k"},
      {[](NewWorker& s) { s.owner = "bad\nuser"; }, "owner"},
      {[](NewWorker& s) { s.client_token = std::string(65, 'c'); }, "client_token"},
      {[](NewWorker& s) { s.aws_instance_id = "i-123"; }, "aws_instance_id"},
      {[](NewWorker& s) { s.status = WorkerStatus::kRunning; }, "status"},
      {[](NewWorker& s) {
         s.aws_instance_id = "i-0123456789abcdef0";
         s.status = WorkerStatus::kTerminated;
       },
       "status"},
  };
  for (const auto& c : cases) {
    NewWorker s = Spec();
    c.edit(s);
    auto w = Worker::Create(s, At(0s));
    ASSERT_FALSE(w) << c.field;
    EXPECT_EQ(w.error().code, Code::kInvalidArgument);
    EXPECT_EQ(w.error().field, c.field) << w.error().message;
    EXPECT_EQ(w.error().message.rfind(c.field + ": ", 0), 0u) << w.error().message;
  }
}

TEST(WorkerCreate, ImportOfARunningInstanceStartsItsServiceClock) {
  NewWorker s = Spec();
  s.aws_instance_id = "i-0123456789abcdef0";
  s.status = WorkerStatus::kRunning;
  s.launched_at = kT0 - 2h;
  Worker w = Worker::Create(s, At(0s, "system:reconciler")).value();
  EXPECT_EQ(w.record().last_started_at, kT0 - 2h);
  EXPECT_EQ(w.record().service_status, ServiceStatus::kStarting);
  EXPECT_EQ(w.record().launched_at, kT0 - 2h);
}

TEST(Worker, AssignInstanceOnce) {
  Worker w = Worker::Create(Spec(), At(0s)).value();
  w.TakePendingEvents();
  ASSERT_TRUE(w.AssignInstance("i-0123456789abcdef0", kT0 + 2s, At(3s)));
  ASSERT_EQ(Types(w), std::vector<EventType>{EventType::kInstanceAssigned});
  EXPECT_EQ(Data(w.pending_events()[0])["aws_instance_id"], "i-0123456789abcdef0");
  EXPECT_EQ(w.record().launched_at, kT0 + 2s);
  w.TakePendingEvents();
  EXPECT_TRUE(w.AssignInstance("i-0123456789abcdef0", std::nullopt, At(4s)));
  EXPECT_TRUE(w.pending_events().empty());
  auto other = w.AssignInstance("i-0fedcba9876543210", std::nullopt, At(5s));
  ASSERT_FALSE(other);
  EXPECT_EQ(other.error().code, Code::kFailedPrecondition);
  EXPECT_EQ(w.AssignInstance("i-zz", std::nullopt, At(5s)).error().code, Code::kInvalidArgument);
}

TEST(Worker, StartingMovesServiceToStartingAndStoppingToUnavailable) {
  Worker w = NewRunning();
  EXPECT_EQ(w.record().last_started_at, kT0 + 60s);
  EXPECT_EQ(w.record().service_status, ServiceStatus::kAvailable);
  w.ObserveState(WorkerStatus::kStopping, At(10min, "system:reconciler"));
  EXPECT_EQ(Types(w),
            (std::vector<EventType>{EventType::kStatusChanged, EventType::kServiceStatusChanged}));
  Json svc = Data(w.pending_events()[1]);
  EXPECT_EQ(svc["from"], "available");
  EXPECT_EQ(svc["to"], "unavailable");
  EXPECT_EQ(w.record().service_status_since, kT0 + 10min);
  EXPECT_FALSE(w.CanConnect());
}

TEST(Worker, TerminationIsFinalAndAttributed) {
  Worker w = NewRunning();
  ASSERT_TRUE(w.RequestCommand(WorkerCommand::kTerminate, At(10min, "user:bob")));
  w.ObserveState(WorkerStatus::kShuttingDown, At(10min + 1s, "system:reconciler"));
  w.ObserveState(WorkerStatus::kTerminated, At(11min, "system:reconciler"));
  EXPECT_EQ(w.record().terminated_by, "user:bob");
  EXPECT_EQ(w.record().terminated_at, kT0 + 11min);
  EXPECT_EQ(w.record().https_endpoint, "");
  std::vector<EventType> types = Types(w);
  ASSERT_GE(types.size(), 5u);
  EXPECT_EQ(types[0], EventType::kCommandRequested);
  auto terminated = std::find(types.begin(), types.end(), EventType::kTerminated);
  ASSERT_NE(terminated, types.end());
  Json data = Data(w.pending_events()[terminated - types.begin()]);
  EXPECT_EQ(data["terminated_by"], "user:bob");
  EXPECT_EQ(data["requested"], true);
  w.TakePendingEvents();
  for (WorkerStatus s : kAllWorkerStatuses) {
    EXPECT_NE(w.ObserveState(s, At(12min)), ObservationVerdict::kApply);
  }
  EXPECT_FALSE(w.ObserveGone(At(12min)));
  EXPECT_TRUE(w.pending_events().empty());
  EXPECT_EQ(w.status(), WorkerStatus::kTerminated);
}

TEST(Worker, GoneFromAwsIsTerminatedOutsideCcm) {
  Worker w = NewRunning();
  ASSERT_TRUE(w.ObserveGone(At(1h, "system:reconciler")));
  EXPECT_EQ(w.status(), WorkerStatus::kTerminated);
  EXPECT_EQ(w.record().terminated_by, "system:reconciler");
  auto types = Types(w);
  auto it = std::find(types.begin(), types.end(), EventType::kTerminated);
  ASSERT_NE(it, types.end());
  Json data = Data(w.pending_events()[it - types.begin()]);
  EXPECT_EQ(data["requested"], false);
  EXPECT_NE(data["reason"].get<std::string>().find("no longer exists"), std::string::npos);
}

TEST(Worker, CanConnectNeedsRunningAvailableAndEndpoint) {
  for (WorkerStatus s : kAllWorkerStatuses) {
    for (ServiceStatus svc : kAllServiceStatuses) {
      for (std::string endpoint : {"", "https://54.1.2.3"}) {
        WorkerRecord r = NewRunning().record();
        r.status = s;
        r.service_status = svc;
        r.https_endpoint = endpoint;
        bool want =
            s == WorkerStatus::kRunning && svc == ServiceStatus::kAvailable && !endpoint.empty();
        EXPECT_EQ(Worker::Restore(r).CanConnect(), want)
            << ToString(s) << "/" << ToString(svc) << "/" << endpoint;
      }
    }
  }
}

TEST(Worker, ServiceProbeStartingThenErrorAfterTheAllowance) {
  Worker w = Worker::Create(Spec(), At(0s)).value();
  w.ObserveState(WorkerStatus::kRunning, At(1min));  // last start at 1 min
  w.TakePendingEvents();
  EXPECT_FALSE(w.ObserveServiceProbe(false, 10min, At(5min))) << "already starting: no event";
  EXPECT_TRUE(w.pending_events().empty());
  EXPECT_TRUE(w.ObserveServiceProbe(false, 10min, At(11min)));
  EXPECT_EQ(w.record().service_status, ServiceStatus::kError);
  EXPECT_NE(Data(w.pending_events()[0])["reason"].get<std::string>().find("600 s"),
            std::string::npos);
  EXPECT_TRUE(w.ObserveServiceProbe(true, 10min, At(12min)));
  EXPECT_EQ(w.record().service_status, ServiceStatus::kAvailable);
  w.ObserveState(WorkerStatus::kStopped, At(20min));
  w.TakePendingEvents();
  EXPECT_FALSE(w.ObserveServiceProbe(true, 10min, At(21min)))
      << "a stopped instance's service stays unavailable whatever a probe says";
  EXPECT_EQ(w.record().service_status, ServiceStatus::kUnavailable);
}

TEST(Worker, LicenceChangesOnlyWhenDifferent) {
  Worker w = NewRunning();
  EXPECT_TRUE(w.ObserveLicense(LicenseStatus::kRegistered, At(6min), "COMPLETED"));
  EXPECT_FALSE(w.ObserveLicense(LicenseStatus::kRegistered, At(7min)));
  ASSERT_EQ(w.pending_events().size(), 1u);
  Json data = Data(w.pending_events()[0]);
  EXPECT_EQ(data["from"], "unregistered");
  EXPECT_EQ(data["to"], "registered");
  EXPECT_EQ(data["detail"], "COMPLETED");
}

TEST(Worker, LicenceOperationsAreRecordedAsFacts) {
  Worker w = NewRunning();
  ASSERT_TRUE(w.RecordLicenseOperation(WorkerCommand::kRegisterLicense, "started", "", At(6min)));
  ASSERT_TRUE(w.RecordLicenseOperation(WorkerCommand::kRegisterLicense, "failed",
                                       "authorization NOT_AUTHORIZED", At(7min)));
  ASSERT_EQ(Types(w),
            (std::vector<EventType>{EventType::kLicenseOperation, EventType::kLicenseOperation}));
  Json data = Data(w.pending_events()[1]);
  EXPECT_EQ(data["operation"], "register-license");
  EXPECT_EQ(data["outcome"], "failed");
  EXPECT_EQ(data["detail"], "authorization NOT_AUTHORIZED");
  EXPECT_EQ(data["license_status"], "unregistered");
  EXPECT_EQ(w.RecordLicenseOperation(WorkerCommand::kStart, "started", "", At(8min)).error().field,
            "operation");
  EXPECT_EQ(
      w.RecordLicenseOperation(WorkerCommand::kReleaseLicense, "maybe", "", At(8min)).error().field,
      "outcome");
}

TEST(Worker, TelemetryActivityIsAHighWaterMark) {
  Worker w = NewRunning();
  Telemetry t;
  t.last_activity_at = kT0 + 6min;
  t.last_activity_source = "cml:user_activity";
  t.cpu_utilization = 12.5;
  t.active_labs_count = 2;
  EXPECT_TRUE(w.UpdateTelemetry(t, At(7min)));
  EXPECT_FALSE(w.UpdateTelemetry(t, At(8min))) << "same readings: no event";
  Telemetry older = t;
  older.last_activity_at = kT0 + 2min;
  older.last_activity_source = "cml:lab_state";
  EXPECT_FALSE(w.UpdateTelemetry(older, At(9min)));
  EXPECT_EQ(w.record().telemetry.last_activity_at, kT0 + 6min);
  EXPECT_EQ(w.record().telemetry.last_activity_source, "cml:user_activity");
  Telemetry nan = t;
  nan.cpu_utilization = std::nan("");
  EXPECT_TRUE(w.UpdateTelemetry(nan, At(10min)));
  EXPECT_FALSE(w.record().telemetry.cpu_utilization);
  EXPECT_EQ(w.record().telemetry.updated_at, kT0 + 10min);
  ASSERT_EQ(w.pending_events().size(), 2u);
  Json data = Data(w.pending_events()[0]);
  EXPECT_EQ(data["cpu_utilization"], 12.5);
  EXPECT_EQ(data["active_labs_count"], 2);
  EXPECT_EQ(data["last_activity_source"], "cml:user_activity");
}

TEST(Worker, TagsReplaceMergeAndObserve) {
  Worker w = NewRunning();
  ASSERT_TRUE(w.ReplaceTags({{"team", "netops"}}, At(6min)));
  EXPECT_TRUE(w.pending_events().empty()) << "same tags: no event";
  ASSERT_TRUE(w.MergeTags({{"env", "lab"}}, {"team"}, At(6min)));
  ASSERT_EQ(w.pending_events().size(), 1u);
  Json data = Data(w.pending_events()[0]);
  EXPECT_EQ(data["before"], Json::parse(R"({"team":"netops"})"));
  EXPECT_EQ(data["after"], Json::parse(R"({"env":"lab"})"));
  EXPECT_EQ(w.ReplaceTags({{"aws:cloudformation", "x"}}, At(7min)).error().code,
            Code::kInvalidArgument);
  EXPECT_TRUE(w.ObserveTags({{"aws:cloudformation", "x"}}, At(7min)));
  EXPECT_FALSE(w.ObserveTags({{"aws:cloudformation", "x"}}, At(8min)));
  ASSERT_TRUE(w.MergeTags({{"a", "1"}}, {}, At(9min))) << "existing aws:* tags may stay";
  Tags many;
  for (int i = 0; i < 50; ++i) many["k" + std::to_string(i)] = "v";
  EXPECT_EQ(w.MergeTags(many, {}, At(9min)).error().field, "tags");
}

TEST(Worker, SettingsChangesEmitOncePerChange) {
  Worker w = NewRunning();
  ASSERT_TRUE(w.SetMonitoring(true, At(6min)));
  ASSERT_TRUE(w.SetMonitoring(true, At(6min)));
  EXPECT_FALSE(w.ObserveMonitoring(true, At(6min)));
  IdlePolicy keep{true, kT0 + 3h};
  ASSERT_TRUE(w.SetIdlePolicy(keep, At(7min)));
  ASSERT_TRUE(w.SetIdlePolicy(keep, At(7min)));
  ASSERT_TRUE(w.SetAccess("alice", {"carol", "bob", "carol"}, At(8min)));
  ASSERT_TRUE(w.SetAccess("alice", {"bob", "carol"}, At(8min)));
  EXPECT_EQ(w.record().assigned_users, (std::vector<std::string>{"bob", "carol"}));
  EXPECT_EQ(Types(w),
            (std::vector<EventType>{EventType::kMonitoringChanged, EventType::kIdlePolicyChanged,
                                    EventType::kAccessChanged}));
  EXPECT_EQ(Data(w.pending_events()[1])["keep_until"], FormatTime(kT0 + 3h));
  EXPECT_EQ(w.SetAccess("", {""}, At(9min)).error().field, "assigned_users");
}

TEST(Worker, OneIdleWarningPerIdlePeriodThenAutoStop) {
  Worker w = NewRunning();
  TimePoint idle_since = kT0 + 5min;
  EXPECT_TRUE(w.RecordIdleWarning(idle_since, idle_since + 30min, At(25min, "system:idle")));
  EXPECT_FALSE(w.RecordIdleWarning(idle_since, idle_since + 30min, At(26min, "system:idle")));
  EXPECT_TRUE(w.RecordIdleWarning(kT0 + 40min, kT0 + 70min, At(60min, "system:idle")))
      << "a new idle period gets its own warning";
  Json warn = Data(w.pending_events()[0]);
  EXPECT_EQ(warn["idle_since"], FormatTime(idle_since));
  EXPECT_EQ(warn["planned_stop_at"], FormatTime(idle_since + 30min));
  EXPECT_EQ(warn["idle_seconds"], 20 * 60);
  ASSERT_TRUE(w.RecordAutoStop("idle for 30 minutes", kT0 + 40min, At(70min, "system:idle")));
  EXPECT_EQ(w.record().last_command, WorkerCommand::kAutoStop);
  Json stop = Data(w.pending_events().back());
  EXPECT_EQ(stop["idle_seconds"], 30 * 60);
  w.ObserveState(WorkerStatus::kStopped, At(71min));
  EXPECT_EQ(w.RecordAutoStop("again", kT0, At(72min)).error().code, Code::kFailedPrecondition);
  EXPECT_FALSE(w.RecordIdleWarning(kT0 + 71min, kT0 + 100min, At(95min)));
}

TEST(Worker, PurgeAfterTermination) {
  Worker w = NewRunning();
  EXPECT_EQ(w.RequestPurge(At(1h)).error().code, Code::kFailedPrecondition);
  w.ObserveGone(At(1h));
  w.TakePendingEvents();
  ASSERT_TRUE(w.RequestPurge(At(2h, "user:admin")));
  ASSERT_EQ(Types(w), std::vector<EventType>{EventType::kDeleted});
  EXPECT_EQ(Data(w.pending_events()[0])["aws_instance_id"], "i-0123456789abcdef0");
}

TEST(Worker, EventTimesAreMilliseconds) {
  ChangeContext ctx = At(0s);
  ctx.at += std::chrono::microseconds(1234);
  Worker w = Worker::Create(Spec(), ctx).value();
  EXPECT_EQ(w.pending_events()[0].occurred_at, kT0 + 1ms);
  EXPECT_EQ(w.record().created_at, kT0 + 1ms);
}

TEST(WorkerJson, RoundTripsAFullRecord) {
  Worker w = NewRunning();
  w.ObserveLicense(LicenseStatus::kEvaluation, At(6min));
  w.UpdateTelemetry({kT0 + 6min, "cml:user_activity", 1, 5, 3.5, 40.0, {}}, At(7min));
  w.SetIdlePolicy({false, kT0 + 1h}, At(8min));
  w.SetAccess("alice", {"bob"}, At(8min));
  w.ObserveStatusChecks({CheckStatus::kOk, CheckStatus::kInitializing}, At(8min));
  w.RecordIdleWarning(kT0 + 6min, kT0 + 36min, At(26min));
  w.RequestCommand(WorkerCommand::kStop, At(27min));
  WorkerRecord r = w.record();
  r.version = 7;
  auto back = WorkerRecordFromJson(ToJson(r));
  ASSERT_TRUE(back) << back.error().ToString();
  EXPECT_EQ(*back, r);
  EXPECT_EQ(ToJson(r)["status_checks"]["system"], "initializing");
}

TEST(WorkerJson, RefusesWrongShapesNamingTheField) {
  Json j = ToJson(NewRunning().record());
  j["status"] = "flying";
  EXPECT_EQ(WorkerRecordFromJson(j).error().field, "status");
  j = ToJson(NewRunning().record());
  j["telemetry"]["cpu_utilization"] = "high";
  EXPECT_EQ(WorkerRecordFromJson(j).error().field, "telemetry.cpu_utilization");
  EXPECT_EQ(TagsFromText(R"({"a":1})").error().field, "tags.a");
  EXPECT_EQ(TagsFromText("{").error().code, Code::kInvalidArgument);
  EXPECT_EQ(WorkerRecordFromJson(Json::array()).error().field, "body");
}

}  // namespace
}  // namespace ccm::domain
