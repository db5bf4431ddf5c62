// Worker: creation, commands and the EC2 state machine. Other mutators are in
// worker_observe.cpp (CML and AWS readings) and worker_settings.cpp (what people change).
#include "domain/worker.hpp"

#include <utility>

#include "core/ids.hpp"
#include "core/json.hpp"
#include "domain/worker_json.hpp"

namespace ccm::domain {
namespace {

Status ValidateSpec(const NewWorker& s) {
  if (!IsUuid(s.id)) return InvalidArgument("id", "must be a UUID");
  if (auto st = ValidateWorkerName(s.name); !st) return st;
  if (auto st = ValidateRegion(s.region); !st) return st;
  if (auto st = ValidateInstanceType(s.instance_type); !st) return st;
  if (!s.ami_id.empty()) {
    if (auto st = ValidateAmiId(s.ami_id); !st) return st;
  }
  if (auto st = ValidateTags(s.tags); !st) return st;
  if (!s.owner.empty()) {
    if (auto st = ValidateUser(s.owner, "owner"); !st) return st;
  }
  if (!s.client_token.empty()) {
    if (auto st = ValidateClientToken(s.client_token); !st) return st;
  }
  if (!s.aws_instance_id.empty()) {
    if (auto st = ValidateInstanceId(s.aws_instance_id); !st) return st;
  } else if (s.status != WorkerStatus::kPending) {
    return InvalidArgument("status", "a worker without an instance starts as pending");
  }
  if (s.status == WorkerStatus::kShuttingDown || s.status == WorkerStatus::kTerminated) {
    return InvalidArgument("status",
                           "cannot take in an instance that is " + std::string(ToString(s.status)));
  }
  return Ok();
}

std::optional<TimePoint> Truncate(std::optional<TimePoint> t) {
  if (!t) return t;
  return TruncateToMillis(*t);
}

}  // namespace

Result<Worker> Worker::Create(const NewWorker& s, const ChangeContext& ctx) {
  if (auto st = ValidateSpec(s); !st) return Fail(st.error());
  const TimePoint at = TruncateToMillis(ctx.at);
  WorkerRecord r;
  r.id = s.id;
  r.name = s.name;
  r.region = s.region;
  r.account = s.account;
  r.aws_instance_id = s.aws_instance_id;
  r.instance_type = s.instance_type;
  r.ami_id = s.ami_id;
  r.ami_name = s.ami_name;
  r.cml_version = s.cml_version;
  r.status = s.status;
  r.service_status_since = at;
  r.tags = s.tags;
  r.owner = s.owner;
  r.client_token = s.client_token;
  r.launched_at = Truncate(s.launched_at);
  if (r.status == WorkerStatus::kRunning) {
    // An imported running instance: its CML is assumed to be booting until a probe says more.
    r.last_started_at = r.launched_at.value_or(at);
    r.service_status = ServiceStatus::kStarting;
  }
  r.created_at = at;
  r.created_by = ctx.actor;
  r.updated_at = at;
  Worker worker(std::move(r));
  worker.Emit(EventType::kCreated, ctx, ToJson(worker.record_).dump());
  return worker;
}

Worker Worker::Restore(WorkerRecord record) { return Worker(std::move(record)); }

bool Worker::CanConnect() const {
  return record_.status == WorkerStatus::kRunning &&
         record_.service_status == ServiceStatus::kAvailable && !record_.https_endpoint.empty();
}

Status Worker::Check(WorkerCommand command) const {
  return CheckCommand(command, record_.status, record_.service_status, record_.name);
}

Status Worker::RequestCommand(WorkerCommand command, const ChangeContext& ctx,
                              std::string_view detail) {
  if (command == WorkerCommand::kPurge) return RequestPurge(ctx);
  auto parsed = ParseJson(detail.empty() ? std::string_view("{}") : detail, "detail");
  if (!parsed) return Fail(parsed.error());
  if (!parsed->is_object()) return InvalidArgument("detail", "must be a JSON object");
  if (auto st = Check(command); !st) return st;
  Json data = {{"command", ToString(command)}};
  for (auto& [key, value] : parsed->items()) {
    if (key != "command") data[key] = value;
  }
  switch (command) {
    case WorkerCommand::kStart:
    case WorkerCommand::kStop:
    case WorkerCommand::kTerminate:
    case WorkerCommand::kAutoStop:
      // Remembered so that a crash between asking AWS and seeing the result is confirmed from
      // AWS's state rather than repeated blindly.
      record_.last_command = command;
      record_.last_command_at = TruncateToMillis(ctx.at);
      record_.last_command_by = ctx.actor;
      break;
    default:
      break;
  }
  Emit(EventType::kCommandRequested, ctx, data.dump());
  return Ok();
}

Status Worker::RequestPurge(const ChangeContext& ctx) {
  if (auto st = Check(WorkerCommand::kPurge); !st) return st;
  Json data = {{"name", record_.name},
               {"region", record_.region},
               {"aws_instance_id", record_.aws_instance_id},
               {"status", ToString(record_.status)}};
  Emit(EventType::kDeleted, ctx, data.dump());
  return Ok();
}

Status Worker::AssignInstance(std::string_view instance_id, std::optional<TimePoint> launched_at,
                              const ChangeContext& ctx) {
  if (auto st = ValidateInstanceId(instance_id); !st) return st;
  if (record_.aws_instance_id == instance_id) return Ok();
  if (!record_.aws_instance_id.empty()) {
    return MakeError(
        Code::kFailedPrecondition,
        "worker '" + record_.name + "' already has instance " + record_.aws_instance_id);
  }
  if (record_.status == WorkerStatus::kTerminated) {
    return MakeError(Code::kFailedPrecondition, "cannot assign an instance to worker '" +
                                                    record_.name + "': it is terminated");
  }
  record_.aws_instance_id = std::string(instance_id);
  record_.launched_at = launched_at ? Truncate(launched_at) : TruncateToMillis(ctx.at);
  Json data = {{"aws_instance_id", record_.aws_instance_id},
               {"launched_at", FormatTime(*record_.launched_at)}};
  Emit(EventType::kInstanceAssigned, ctx, data.dump());
  return Ok();
}

ObservationVerdict Worker::ObserveState(WorkerStatus observed, const ChangeContext& ctx) {
  ObservationVerdict verdict = ClassifyObservation(record_.status, observed);
  if (verdict == ObservationVerdict::kApply) ApplyStatus(observed, ctx, "observed in AWS");
  return verdict;
}

bool Worker::ObserveGone(const ChangeContext& ctx) {
  if (record_.status == WorkerStatus::kTerminated) return false;
  ApplyStatus(WorkerStatus::kTerminated, ctx, "instance no longer exists in AWS");
  return true;
}

void Worker::ApplyStatus(WorkerStatus to, const ChangeContext& ctx, std::string_view why) {
  const WorkerStatus from = record_.status;
  record_.status = to;
  Emit(EventType::kStatusChanged, ctx,
       Json({{"from", ToString(from)}, {"to", ToString(to)}, {"reason", why}}).dump());
  if (to == WorkerStatus::kRunning) {
    record_.last_started_at = TruncateToMillis(ctx.at);
    if (record_.service_status != ServiceStatus::kStarting) {
      SetServiceStatus(ServiceStatus::kStarting, ctx, "instance is running; waiting for CML");
    }
  } else if (record_.service_status != ServiceStatus::kUnavailable) {
    SetServiceStatus(ServiceStatus::kUnavailable, ctx, "instance is " + std::string(ToString(to)));
  }
  if (to != WorkerStatus::kTerminated) return;
  const bool requested = record_.last_command == WorkerCommand::kTerminate;
  record_.terminated_at = TruncateToMillis(ctx.at);
  record_.terminated_by = requested ? record_.last_command_by : ctx.actor;
  Json data = {{"terminated_by", record_.terminated_by},
               {"requested", requested},
               {"reason", requested ? std::string("terminate requested")
                                    : "terminated outside ccm (" + std::string(why) + ")"}};
  Emit(EventType::kTerminated, ctx, data.dump());
  ObserveAddresses("", "", "", ctx);
  ObserveStatusChecks(StatusChecks{}, ctx);
}

void Worker::SetServiceStatus(ServiceStatus status, const ChangeContext& ctx,
                              std::string_view reason) {
  const ServiceStatus from = record_.service_status;
  record_.service_status = status;
  record_.service_status_since = TruncateToMillis(ctx.at);
  Json data = {{"from", ToString(from)}, {"to", ToString(status)}, {"reason", reason}};
  Emit(EventType::kServiceStatusChanged, ctx, data.dump());
}

void Worker::Emit(EventType type, const ChangeContext& ctx, std::string data) {
  DomainEvent e;
  e.type = type;
  e.worker_id = record_.id;
  e.actor = ctx.actor;
  e.occurred_at = TruncateToMillis(ctx.at);
  e.data = std::move(data);
  e.trace_id = ctx.trace_id;
  record_.updated_at = e.occurred_at;
  pending_.push_back(std::move(e));
}

std::vector<DomainEvent> Worker::TakePendingEvents() {
  std::vector<DomainEvent> out;
  out.swap(pending_);
  return out;
}

}  // namespace ccm::domain
