#include "store/sqlite/sqlite_store.hpp"

#include <chrono>

#include "core/metrics.hpp"
#include "store/sqlite/api_rows.hpp"
#include "store/sqlite/event_rows.hpp"
#include "store/sqlite/migrations.hpp"
#include "store/sqlite/worker_rows.hpp"

namespace ccm::store::sqlite {
namespace {

using domain::DomainEvent;
using domain::EventType;
using domain::Worker;

metrics::Family<metrics::Histogram>& OperationSeconds() {
  static auto& family = metrics::Registry::Default().AddHistogram(
      "ccm_store_operation_seconds", "Time spent in store operations, waiting included.",
      {"backend", "operation"});
  return family;
}

metrics::Family<metrics::Counter>& OperationErrors() {
  static auto& family = metrics::Registry::Default().AddCounter(
      "ccm_store_errors_total", "Store operations that failed, by error code.",
      {"backend", "operation", "code"});
  return family;
}

// The events of one worker write: each must be about this worker; they get its new version.
Status StampEvents(std::vector<DomainEvent>& events, const domain::WorkerRecord& record) {
  for (DomainEvent& e : events) {
    if (e.worker_id != record.id) {
      return InvalidArgument("events", "an event of worker '" + e.worker_id +
                                           "' cannot be written with worker '" + record.id + "'");
    }
    e.worker_version = record.version;
  }
  return Ok();
}

bool Has(const std::vector<DomainEvent>& events, EventType type) {
  for (const auto& e : events) {
    if (e.type == type) return true;
  }
  return false;
}

// SQLite names the column of a UNIQUE failure; say which worker field collided.
Error DuplicateWorker(const Error& e, const domain::WorkerRecord& r) {
  Error out = e;
  if (e.message.find("aws_instance_id") != std::string::npos) {
    out.field = "aws_instance_id";
    out.message = "instance " + r.aws_instance_id + " already belongs to another worker";
  } else if (e.message.find("client_token") != std::string::npos) {
    out.field = "client_token";
    out.message = "client token '" + r.client_token + "' is already used by another worker";
  } else {
    out.field = "id";
    out.message = "a worker with id '" + r.id + "' already exists";
  }
  return out;
}

}  // namespace

SqliteStore::SqliteStore(std::unique_ptr<Connection> conn, int schema_version)
    : conn_(std::move(conn)), schema_version_(schema_version) {}

Result<std::unique_ptr<SqliteStore>> SqliteStore::Open(const std::string& path,
                                                       const ConnectionOptions& options) {
  auto conn = Connection::Open(path, options);
  if (!conn) return Fail(conn.error());
  auto version = ApplyMigrations(**conn, SystemClock::Instance().Now());
  if (!version) return Fail(version.error());
  return std::unique_ptr<SqliteStore>(new SqliteStore(std::move(*conn), *version));
}

template <typename Fn>
auto SqliteStore::Run(std::string_view op, Fn&& fn) -> decltype(fn(std::declval<Connection&>())) {
  auto start = std::chrono::steady_clock::now();
  std::lock_guard<std::mutex> lock(mu_);
  auto result = fn(*conn_);
  std::chrono::duration<double> took = std::chrono::steady_clock::now() - start;
  std::string operation(op);
  OperationSeconds().WithLabels({"sqlite", operation}).Observe(took.count());
  if (!result) {
    OperationErrors()
        .WithLabels({"sqlite", operation, std::string(CodeName(result.error().code))})
        .Inc();
  }
  return result;
}

template <typename Fn>
auto SqliteStore::Write(std::string_view op, Fn&& fn) -> decltype(fn(std::declval<Connection&>())) {
  return Run(op, [&](Connection& conn) -> decltype(fn(conn)) {
    auto tx = Transaction::Begin(conn);
    if (!tx) return Fail(tx.error());
    auto result = fn(conn);
    if (!result) return result;  // the transaction rolls back as it goes away
    if (auto st = tx->Commit(); !st) return Fail(st.error());
    return result;
  });
}

Result<Committed> SqliteStore::CreateWorker(Worker worker) {
  if (worker.version() != 0) return InvalidArgument("version", "a new worker has version 0");
  std::vector<DomainEvent> events = worker.TakePendingEvents();
  if (events.empty() || events.front().type != EventType::kCreated) {
    return MakeError(Code::kFailedPrecondition,
                     "store: a new worker must carry its worker.created event (Worker::Create)");
  }
  domain::WorkerRecord record = worker.record();
  record.version = 1;
  if (auto st = StampEvents(events, record); !st) return Fail(st.error());
  auto written = Write("create_worker", [&](Connection& conn) -> Status {
    if (auto st = InsertWorkerRow(conn, record); !st) {
      return st.error().code == Code::kAlreadyExists ? Fail(DuplicateWorker(st.error(), record))
                                                     : st;
    }
    if (auto st = ReplaceWorkerUsers(conn, record); !st) return st;
    return InsertEvents(conn, events);
  });
  if (!written) return Fail(written.error());
  return Committed{Worker::Restore(std::move(record)), std::move(events)};
}

Result<Worker> SqliteStore::FindWorker(WorkerKey key, std::string_view value) {
  auto found = Run("get_worker", [&](Connection& conn) { return SelectWorker(conn, key, value); });
  if (!found) return Fail(found.error());
  if (!*found) {
    std::string what = key == WorkerKey::kId           ? "with id '"
                       : key == WorkerKey::kInstanceId ? "with instance '"
                                                       : "with client token '";
    return MakeError(Code::kNotFound, "no worker " + what + std::string(value) + "'");
  }
  return Worker::Restore(std::move(**found));
}

Result<Worker> SqliteStore::GetWorker(std::string_view id) {
  return FindWorker(WorkerKey::kId, id);
}

Result<Worker> SqliteStore::FindWorkerByInstanceId(std::string_view aws_instance_id) {
  return FindWorker(WorkerKey::kInstanceId, aws_instance_id);
}

Result<Worker> SqliteStore::FindWorkerByClientToken(std::string_view client_token) {
  return FindWorker(WorkerKey::kClientToken, client_token);
}

Result<WorkerPage> SqliteStore::ListWorkers(const WorkerFilter& filter, const PageRequest& page) {
  return Run("list_workers",
             [&](Connection& conn) { return SelectWorkerPage(conn, filter, page); });
}

Result<Committed> SqliteStore::UpdateWorker(Worker worker) {
  std::vector<DomainEvent> events = worker.TakePendingEvents();
  if (events.empty()) {
    auto checked = Run("check_worker", [&](Connection& conn) {
      return CheckWorkerVersion(conn, worker.id(), worker.version());
    });
    if (!checked) return Fail(checked.error());
    return Committed{std::move(worker), {}};
  }
  domain::WorkerRecord record = worker.record();
  record.version += 1;
  if (auto st = StampEvents(events, record); !st) return Fail(st.error());
  const bool access_changed = Has(events, EventType::kAccessChanged);
  auto written = Write("update_worker", [&](Connection& conn) -> Status {
    if (auto st = UpdateWorkerRow(conn, record); !st) {
      return st.error().code == Code::kAlreadyExists ? Fail(DuplicateWorker(st.error(), record))
                                                     : st;
    }
    if (access_changed) {
      if (auto st = ReplaceWorkerUsers(conn, record); !st) return st;
    }
    return InsertEvents(conn, events);
  });
  if (!written) return Fail(written.error());
  return Committed{Worker::Restore(std::move(record)), std::move(events)};
}

Result<std::vector<DomainEvent>> SqliteStore::DeleteWorker(Worker worker) {
  std::vector<DomainEvent> events = worker.TakePendingEvents();
  if (!Has(events, EventType::kDeleted)) {
    return MakeError(Code::kFailedPrecondition,
                     "store: a purge must carry its worker.deleted event (Worker::RequestPurge)");
  }
  domain::WorkerRecord record = worker.record();
  record.version += 1;  // the version the purge would have produced, for the event log
  if (auto st = StampEvents(events, record); !st) return Fail(st.error());
  auto written = Write("delete_worker", [&](Connection& conn) -> Status {
    if (auto st = DeleteWorkerRow(conn, record.id, worker.version()); !st) return st;
    return InsertEvents(conn, events);
  });
  if (!written) return Fail(written.error());
  return events;
}

Result<std::vector<DomainEvent>> SqliteStore::AppendEvents(std::vector<DomainEvent> events) {
  for (DomainEvent& e : events) e.worker_version = 0;
  auto written = Write("append_events",
                       [&](Connection& conn) -> Status { return InsertEvents(conn, events); });
  if (!written) return Fail(written.error());
  return events;
}

Result<std::vector<DomainEvent>> SqliteStore::ReadEventsAfter(int64_t after_id,
                                                              const EventFilter& filter,
                                                              int limit) {
  return Run("read_events",
             [&](Connection& conn) { return SelectEventsAfter(conn, after_id, filter, limit); });
}

Result<EventPage> SqliteStore::Audit(const AuditQuery& query) {
  return Run("audit", [&](Connection& conn) { return SelectAudit(conn, query); });
}

Result<int64_t> SqliteStore::LatestEventId() {
  return Run("latest_event_id", [&](Connection& conn) { return SelectLatestEventId(conn); });
}

Result<int64_t> SqliteStore::PruneTelemetryEvents(TimePoint before) {
  return Run("prune_events", [&](Connection& conn) { return DeleteTelemetryEvents(conn, before); });
}

Result<std::optional<IdempotencyRecord>> SqliteStore::ClaimIdempotencyKey(
    const IdempotencyRecord& claim) {
  return Write("claim_idempotency_key",
               [&](Connection& conn) { return ClaimIdempotencyRow(conn, claim); });
}

Status SqliteStore::CompleteIdempotencyKey(std::string_view subject, std::string_view key,
                                           int status_code, std::string_view response_headers,
                                           std::string_view response_body) {
  return Run("complete_idempotency_key", [&](Connection& conn) {
    return CompleteIdempotencyRow(conn, subject, key, status_code, response_headers, response_body);
  });
}

Status SqliteStore::ReleaseIdempotencyKey(std::string_view subject, std::string_view key) {
  return Run("release_idempotency_key",
             [&](Connection& conn) { return DeleteIdempotencyRow(conn, subject, key); });
}

Result<int64_t> SqliteStore::PurgeExpiredIdempotencyKeys(TimePoint now) {
  return Run("purge_idempotency_keys",
             [&](Connection& conn) { return DeleteExpiredIdempotencyRows(conn, now); });
}

Status SqliteStore::InsertApiToken(const ApiTokenRecord& token) {
  return Run("insert_api_token", [&](Connection& conn) { return InsertTokenRow(conn, token); });
}

Result<ApiTokenRecord> SqliteStore::FindApiTokenByHash(std::string_view token_hash) {
  auto found =
      Run("find_api_token", [&](Connection& conn) { return SelectTokenByHash(conn, token_hash); });
  if (!found) return Fail(found.error());
  // The hash is not a secret by itself, but it is never worth echoing.
  if (!*found) return MakeError(Code::kNotFound, "no API token with that hash");
  return std::move(**found);
}

Result<std::vector<ApiTokenRecord>> SqliteStore::ListApiTokens() {
  return Run("list_api_tokens", [&](Connection& conn) { return SelectTokens(conn); });
}

Status SqliteStore::RevokeApiToken(std::string_view id, TimePoint at) {
  return Run("revoke_api_token", [&](Connection& conn) { return RevokeTokenRow(conn, id, at); });
}

Status SqliteStore::Ping() {
  return Run("ping", [&](Connection& conn) { return conn.Exec("SELECT 1"); });
}

std::string SqliteStore::Describe() const {
  return "sqlite:" + conn_->path() + " (schema " + std::to_string(schema_version_) + ")";
}

Status SqliteStore::Flush() {
  return Run("flush",
             [&](Connection& conn) { return conn.Exec("PRAGMA wal_checkpoint(TRUNCATE)"); });
}

}  // namespace ccm::store::sqlite
