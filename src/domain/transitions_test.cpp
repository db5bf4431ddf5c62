// Every (state, command) and every (state, observed EC2 state) pair, checked against expectations
// written here independently of the tables in transitions.cpp.
#include "domain/transitions.hpp"

#include <gtest/gtest.h>

#include <map>
#include <set>

#include "core/json.hpp"
#include "domain/worker.hpp"

namespace ccm::domain {
namespace {

using S = WorkerStatus;
using C = WorkerCommand;

const TimePoint kT0{std::chrono::seconds(1'800'000'000)};

WorkerRecord RecordIn(WorkerStatus status, ServiceStatus service) {
  WorkerRecord r;
  r.id = "6f1c1f1e-8d1a-4b6e-9a55-0c8f3f1b2a11";
  r.name = "lab-1";
  r.region = "us-east-1";
  r.instance_type = "c5.2xlarge";
  r.aws_instance_id = "i-0123456789abcdef0";
  r.status = status;
  r.service_status = service;
  r.https_endpoint = status == S::kRunning ? "https://10.0.0.5" : "";
  r.created_at = r.updated_at = kT0;
  r.version = 3;
  return r;
}

ChangeContext Ctx() { return {"user:alice", kT0 + std::chrono::minutes(5), "abc"}; }

// Which states accept each command, and whether it needs the CML service available.
struct Expected {
  std::set<WorkerStatus> allowed;
  bool needs_service = false;
};

const std::map<WorkerCommand, Expected>& ExpectedCommands() {
  static const auto* table = new std::map<WorkerCommand, Expected>{
      {C::kStart, {{S::kStopped}}},
      {C::kStop, {{S::kRunning}}},
      {C::kTerminate, {{S::kPending, S::kRunning, S::kStopping, S::kStopped, S::kUnknown}}},
      {C::kPurge, {{S::kShuttingDown, S::kTerminated}}},
      {C::kRefresh,
       {{S::kPending, S::kRunning, S::kStopping, S::kStopped, S::kShuttingDown, S::kUnknown}}},
      {C::kUpdateTags, {{S::kPending, S::kRunning, S::kStopping, S::kStopped, S::kUnknown}}},
      {C::kSetMonitoring, {{S::kPending, S::kRunning, S::kStopping, S::kStopped, S::kUnknown}}},
      {C::kRegisterLicense, {{S::kRunning}, true}},
      {C::kReleaseLicense, {{S::kRunning}, true}},
      {C::kLabControl, {{S::kRunning}, true}},
      {C::kSetIdlePolicy, {{S::kPending, S::kRunning, S::kStopping, S::kStopped, S::kUnknown}}},
      {C::kSetAccess, {{S::kPending, S::kRunning, S::kStopping, S::kStopped, S::kUnknown}}},
      {C::kAutoStop, {{S::kRunning}}},
  };
  return *table;
}

TEST(CommandTable, CoversEveryCommand) {
  EXPECT_EQ(ExpectedCommands().size(), kWorkerCommandCount);
  for (C c : AllWorkerCommands()) {
    EXPECT_EQ(ParseWorkerCommand(ToString(c)), c) << ToString(c);
  }
  EXPECT_FALSE(ParseWorkerCommand("reboot"));
}

TEST(CommandTable, EveryStateCommandPair) {
  for (const auto& [command, expected] : ExpectedCommands()) {
    for (S status : kAllWorkerStatuses) {
      for (ServiceStatus service : kAllServiceStatuses) {
        SCOPED_TRACE(std::string(ToString(command)) + " in " + std::string(ToString(status)) +
                     " / service " + std::string(ToString(service)));
        bool allowed = expected.allowed.count(status) > 0 &&
                       (!expected.needs_service || service == ServiceStatus::kAvailable);
        EXPECT_EQ(CommandAllowedIn(command, status), expected.allowed.count(status) > 0);
        EXPECT_EQ(CommandNeedsService(command), expected.needs_service);

        Worker w = Worker::Restore(RecordIn(status, service));
        const WorkerRecord before = w.record();
        Status st = w.RequestCommand(command, Ctx());
        EXPECT_EQ(st.has_value(), allowed);
        if (allowed) {
          ASSERT_EQ(w.pending_events().size(), 1u);
          EXPECT_EQ(w.pending_events()[0].type,
                    command == C::kPurge ? EventType::kDeleted : EventType::kCommandRequested);
          EXPECT_EQ(w.status(), status) << "a command never changes the EC2 state by itself";
        } else {
          EXPECT_EQ(st.error().code, Code::kFailedPrecondition);
          EXPECT_EQ(st.error().message.rfind("cannot ", 0), 0u) << st.error().message;
          EXPECT_NE(st.error().message.find("worker 'lab-1': "), std::string::npos);
          EXPECT_TRUE(w.pending_events().empty());
          EXPECT_EQ(w.record(), before) << "a refused command changes nothing";
        }
      }
    }
  }
}

TEST(CommandTable, MessagesForPeople) {
  auto message = [](C c, S s, ServiceStatus svc = ServiceStatus::kUnavailable) {
    Status st = CheckCommand(c, s, svc, "lab-1");
    return st ? std::string("ok") : st.error().message;
  };
  EXPECT_EQ(message(C::kStart, S::kTerminated), "cannot start worker 'lab-1': it is terminated");
  EXPECT_EQ(message(C::kStart, S::kRunning), "cannot start worker 'lab-1': it is already running");
  EXPECT_EQ(message(C::kStop, S::kPending), "cannot stop worker 'lab-1': it is pending");
  EXPECT_EQ(message(C::kTerminate, S::kTerminated),
            "cannot terminate worker 'lab-1': it is already terminated");
  EXPECT_EQ(message(C::kPurge, S::kRunning),
            "cannot delete the record of worker 'lab-1': it is running; terminate it first");
  EXPECT_EQ(message(C::kStart, S::kUnknown),
            "cannot start worker 'lab-1': its state is unknown; refresh it first");
  EXPECT_EQ(message(C::kRegisterLicense, S::kRunning, ServiceStatus::kStarting),
            "cannot register a licence on worker 'lab-1': its CML service is starting; it must "
            "be available");
  EXPECT_EQ(message(C::kRegisterLicense, S::kRunning, ServiceStatus::kAvailable), "ok");
}

TEST(Commands, StartStopTerminateAreRemembered) {
  Worker w = Worker::Restore(RecordIn(S::kStopped, ServiceStatus::kUnavailable));
  ASSERT_TRUE(w.RequestCommand(C::kStart, Ctx()));
  EXPECT_EQ(w.record().last_command, C::kStart);
  EXPECT_EQ(w.record().last_command_by, "user:alice");
  EXPECT_EQ(w.record().last_command_at, Ctx().at);
  Worker r = Worker::Restore(RecordIn(S::kRunning, ServiceStatus::kAvailable));
  ASSERT_TRUE(r.RequestCommand(C::kRefresh, Ctx()));
  EXPECT_FALSE(r.record().last_command) << "refresh is not a lifecycle command";
}

TEST(Commands, DetailIsMergedIntoTheEvent) {
  Worker w = Worker::Restore(RecordIn(S::kRunning, ServiceStatus::kAvailable));
  ASSERT_TRUE(w.RequestCommand(C::kStop, Ctx(), R"({"release_license":true})"));
  const DomainEvent& e = w.pending_events().at(0);
  EXPECT_EQ(ParseJson(e.data).value(), Json::parse(R"({"command":"stop","release_license":true})"));
  EXPECT_EQ(e.actor, "user:alice");
  EXPECT_EQ(e.trace_id, "abc");
  EXPECT_EQ(e.worker_id, w.id());
  Status bad = w.RequestCommand(C::kStop, Ctx(), "[1]");
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().code, Code::kInvalidArgument);
}

// Row = recorded status, column = observed, in kAllWorkerStatuses order (P R g S d T U).
// A = apply, = = unchanged, - = ignore.
const std::map<WorkerStatus, std::string>& ExpectedObservations() {
  static const auto* table = new std::map<WorkerStatus, std::string>{
      {S::kPending, "=AAAAA-"}, {S::kRunning, "A=AAAA-"},      {S::kStopping, "AA=AAA-"},
      {S::kStopped, "AAA=AA-"}, {S::kShuttingDown, "----=A-"}, {S::kTerminated, "-----=-"},
      {S::kUnknown, "AAAAAA="},
  };
  return *table;
}

TEST(ObservationTable, EveryStatePair) {
  for (S current : kAllWorkerStatuses) {
    for (size_t col = 0; col < kAllWorkerStatuses.size(); ++col) {
      S observed = kAllWorkerStatuses[col];
      SCOPED_TRACE(std::string(ToString(current)) + " -> " + std::string(ToString(observed)));
      char cell = ExpectedObservations().at(current)[col];
      ObservationVerdict want = cell == 'A'   ? ObservationVerdict::kApply
                                : cell == '=' ? ObservationVerdict::kUnchanged
                                              : ObservationVerdict::kIgnore;
      EXPECT_EQ(ClassifyObservation(current, observed), want);

      Worker w =
          Worker::Restore(RecordIn(current, current == S::kRunning ? ServiceStatus::kAvailable
                                                                   : ServiceStatus::kUnavailable));
      const WorkerRecord before = w.record();
      EXPECT_EQ(w.ObserveState(observed, {"system:reconciler", Ctx().at, ""}), want);
      if (want != ObservationVerdict::kApply) {
        EXPECT_EQ(w.record(), before);
        EXPECT_TRUE(w.pending_events().empty());
        continue;
      }
      EXPECT_EQ(w.status(), observed);
      ASSERT_FALSE(w.pending_events().empty());
      const DomainEvent& e = w.pending_events()[0];
      EXPECT_EQ(e.type, EventType::kStatusChanged);
      Json data = ParseJson(e.data).value();
      EXPECT_EQ(data["from"], ToString(current));
      EXPECT_EQ(data["to"], ToString(observed));
      EXPECT_EQ(w.record().service_status,
                observed == S::kRunning ? ServiceStatus::kStarting : ServiceStatus::kUnavailable);
      EXPECT_EQ(w.record().terminated_at.has_value(), observed == S::kTerminated);
    }
  }
}

TEST(ObservationTable, EveryEc2SpellingMaps) {
  EXPECT_EQ(WorkerStatusFromEc2("shutting-down"), S::kShuttingDown);
  EXPECT_EQ(WorkerStatusFromEc2("running"), S::kRunning);
  EXPECT_EQ(WorkerStatusFromEc2("rebooting"), S::kUnknown);
  EXPECT_EQ(ToString(ObservationVerdict::kIgnore), "ignore");
}

}  // namespace
}  // namespace ccm::domain
