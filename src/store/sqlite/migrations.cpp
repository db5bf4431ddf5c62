#include "store/sqlite/migrations.hpp"

#include <string>

namespace ccm::store::sqlite {
namespace {

// Schema 1: workers, who may use them, and the append-only event log.
constexpr std::string_view kWorkersAndEvents = R"sql(
CREATE TABLE workers (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  region TEXT NOT NULL,
  account TEXT NOT NULL,
  aws_instance_id TEXT UNIQUE,          -- NULL until launched
  instance_type TEXT NOT NULL,
  ami_id TEXT NOT NULL,
  ami_name TEXT NOT NULL,
  cml_version TEXT NOT NULL,
  status TEXT NOT NULL,
  service_status TEXT NOT NULL,
  service_status_since INTEGER,
  license_status TEXT NOT NULL,
  https_endpoint TEXT NOT NULL,
  public_ip TEXT NOT NULL,
  private_ip TEXT NOT NULL,
  tags TEXT NOT NULL,                   -- JSON object
  owner TEXT NOT NULL,
  telemetry TEXT NOT NULL,              -- JSON object
  idle_enabled INTEGER NOT NULL,
  idle_keep_until INTEGER,
  idle_warning_sent_for INTEGER,
  check_instance TEXT NOT NULL,
  check_system TEXT NOT NULL,
  monitoring INTEGER NOT NULL,
  client_token TEXT UNIQUE,             -- NULL when none
  launched_at INTEGER,
  last_started_at INTEGER,
  last_command TEXT,
  last_command_at INTEGER,
  last_command_by TEXT NOT NULL,
  created_at INTEGER NOT NULL,          -- times: milliseconds since the Unix epoch, UTC
  created_by TEXT NOT NULL,
  updated_at INTEGER NOT NULL,
  terminated_at INTEGER,
  terminated_by TEXT NOT NULL,
  version INTEGER NOT NULL CHECK (version > 0)
);
CREATE INDEX workers_by_creation ON workers (created_at, id);
CREATE INDEX workers_by_region ON workers (region, status);
CREATE INDEX workers_by_owner ON workers (owner);

CREATE TABLE worker_users (
  worker_id TEXT NOT NULL REFERENCES workers (id) ON DELETE CASCADE,
  user_id TEXT NOT NULL,
  PRIMARY KEY (worker_id, user_id)
);
CREATE INDEX worker_users_by_user ON worker_users (user_id);

-- AUTOINCREMENT: ids are never reused, even after the newest rows are rolled back or pruned.
-- No foreign key to workers: the log outlives purged workers.
CREATE TABLE events (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  type TEXT NOT NULL,
  worker_id TEXT,
  worker_version INTEGER NOT NULL,      -- the worker version the change produced; 0 for none
  actor TEXT NOT NULL,
  occurred_at INTEGER NOT NULL,
  data TEXT NOT NULL,                   -- JSON object
  trace_id TEXT NOT NULL
);
CREATE INDEX events_by_worker ON events (worker_id, id);
CREATE INDEX events_by_type ON events (type, id);
CREATE INDEX events_by_actor ON events (actor, id);
CREATE INDEX events_by_time ON events (occurred_at);
CREATE TRIGGER events_no_update BEFORE UPDATE ON events
BEGIN SELECT RAISE(ABORT, 'the event log is append-only'); END;
CREATE TRIGGER events_no_delete BEFORE DELETE ON events
BEGIN SELECT RAISE(ABORT, 'the event log is append-only'); END;
)sql";

// Schema 2: what the API needs beside workers.
constexpr std::string_view kApiTables = R"sql(
CREATE TABLE api_tokens (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  role TEXT NOT NULL,
  subject TEXT NOT NULL,
  token_hash TEXT NOT NULL UNIQUE,      -- SHA-256 hex; the token itself is never stored
  created_at INTEGER NOT NULL,
  expires_at INTEGER,
  revoked_at INTEGER
);
CREATE UNIQUE INDEX api_tokens_live_name ON api_tokens (name) WHERE revoked_at IS NULL;

CREATE TABLE idempotency_keys (
  subject TEXT NOT NULL,
  key TEXT NOT NULL,
  request_hash TEXT NOT NULL,
  completed INTEGER NOT NULL,
  status_code INTEGER NOT NULL,
  response_headers TEXT NOT NULL,
  response_body TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL,
  PRIMARY KEY (subject, key)
);
CREATE INDEX idempotency_keys_by_expiry ON idempotency_keys (expires_at);
)sql";

// Schema 3: telemetry readings are the one kind of event that may be pruned (a busy fleet makes
// one per worker per minute); every other event stays forever.
constexpr std::string_view kPrunableTelemetry = R"sql(
DROP TRIGGER events_no_delete;
CREATE TRIGGER events_no_delete BEFORE DELETE ON events
WHEN OLD.type <> 'worker.telemetry_updated'
BEGIN SELECT RAISE(ABORT, 'the event log is append-only'); END;
)sql";

Result<int> CurrentVersion(Connection& conn) {
  auto stmt = conn.Prepare("SELECT COALESCE(MAX(version), 0) FROM schema_migrations");
  if (!stmt) return Fail(stmt.error());
  auto row = stmt->Step();
  if (!row) return Fail(row.error());
  return static_cast<int>(stmt->Int(0));
}

Status Apply(Connection& conn, const Migration& m, TimePoint now) {
  auto tx = Transaction::Begin(conn);
  if (!tx) return Fail(tx.error());
  auto current = CurrentVersion(conn);
  if (!current) return Fail(current.error());
  if (*current >= m.version) return Ok();  // another process got there first
  if (auto st = conn.Exec(m.sql); !st) {
    Error e = st.error();
    e.message = "store: migration " + std::to_string(m.version) + " (" + std::string(m.name) +
                ") failed: " + e.message;
    return Fail(e);
  }
  auto record =
      conn.Prepare("INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)");
  if (!record) return Fail(record.error());
  if (auto st = record->Add(m.version).Add(m.name).Add(now).Run(); !st) return st;
  return tx->Commit();
}

}  // namespace

const std::vector<Migration>& Migrations() {
  static const auto* migrations = new std::vector<Migration>{
      {1, "workers and event log", kWorkersAndEvents},
      {2, "api tokens and idempotency keys", kApiTables},
      {3, "prunable telemetry events", kPrunableTelemetry},
  };
  return *migrations;
}

int LatestSchemaVersion() { return Migrations().back().version; }

Result<int> ApplyMigrations(Connection& conn, TimePoint now) {
  if (auto st = conn.Exec(
          "CREATE TABLE IF NOT EXISTS schema_migrations ("
          "version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL)");
      !st) {
    return Fail(st.error());
  }
  auto current = CurrentVersion(conn);
  if (!current) return Fail(current.error());
  if (*current > LatestSchemaVersion()) {
    return MakeError(Code::kFailedPrecondition,
                     "store: the database has schema version " + std::to_string(*current) +
                         ", newer than this ccm knows (" + std::to_string(LatestSchemaVersion()) +
                         "); upgrade ccm");
  }
  for (const Migration& m : Migrations()) {
    if (m.version <= *current) continue;
    if (auto st = Apply(conn, m, now); !st) return Fail(st.error());
  }
  return CurrentVersion(conn);
}

}  // namespace ccm::store::sqlite
