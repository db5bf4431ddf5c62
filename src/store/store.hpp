#pragma once
// Persistence of workers, the domain event log, idempotency keys and API tokens, behind
// interfaces so that SQLite (default, store/sqlite) and a later PostgreSQL implementation are
// interchangeable: callers hold a Store and never see SQL.
//
// Contract every implementation keeps:
//  - Optimistic concurrency: UpdateWorker/DeleteWorker take the worker with the version it was
//    read at; if the stored version differs the call fails with kAborted and writes nothing.
//    Each write increments the version by one.
//  - The worker's pending domain events are appended to the event log in the same transaction as
//    the row they describe, stamped with the version they produced. Event ids strictly increase
//    in commit order; a failed write appends nothing. The log is append-only, except that
//    telemetry readings may be pruned after a retention period.
//  - Errors: kNotFound (no such row), kAlreadyExists (duplicate id, instance id, client token,
//    token hash or live token name), kAborted (stale version), kInvalidArgument (bad filter,
//    cursor or limit, naming the field), kUnavailable (database busy or unreachable; retryable),
//    kDataLoss (corrupt database), kInternal (anything else).
//  - Thread-safe: one Store may be shared by every thread of the process.
// Times are UTC with millisecond precision.
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.hpp"
#include "core/error.hpp"
#include "domain/events.hpp"
#include "domain/worker.hpp"

namespace ccm::store {

inline constexpr int kMaxPageSize = 1000;

struct WorkerFilter {
  std::string region;                          // "" = any region
  std::optional<std::string> account;          // nullopt = any account ("" is the default one)
  std::vector<domain::WorkerStatus> statuses;  // empty = any status
  std::string user;                            // owner or assigned user; "" = anyone's
  // Terminated workers are left out unless this is set or `statuses` names terminated.
  bool include_terminated = false;
};

struct PageRequest {
  int limit = 100;     // 1..kMaxPageSize
  std::string cursor;  // the previous page's next_cursor; "" = first page
};

// Workers come in a stable order: creation time, then id.
struct WorkerPage {
  std::vector<domain::Worker> workers;
  std::string next_cursor;  // "" on the last page
  int64_t total = 0;        // how many workers match the filter, over all pages
};

// What a write stored: the worker as it now is (new version, no pending events) and its events
// with their log ids.
struct Committed {
  domain::Worker worker;
  std::vector<domain::DomainEvent> events;
};

class WorkerStore {
 public:
  virtual ~WorkerStore() = default;
  // The worker must be new (version 0) and carry its worker.created event. Stored as version 1.
  virtual Result<Committed> CreateWorker(domain::Worker worker) = 0;
  virtual Result<domain::Worker> GetWorker(std::string_view id) = 0;
  virtual Result<domain::Worker> FindWorkerByInstanceId(std::string_view aws_instance_id) = 0;
  virtual Result<domain::Worker> FindWorkerByClientToken(std::string_view client_token) = 0;
  virtual Result<WorkerPage> ListWorkers(const WorkerFilter& filter, const PageRequest& page) = 0;
  // Writes the worker and appends its pending events. Without pending events nothing changed:
  // nothing is written and the worker comes back as it was (kAborted still if it is stale).
  virtual Result<Committed> UpdateWorker(domain::Worker worker) = 0;
  // Purge: deletes the row and appends the pending worker.deleted event (Worker::RequestPurge).
  virtual Result<std::vector<domain::DomainEvent>> DeleteWorker(domain::Worker worker) = 0;
};

struct EventFilter {
  std::vector<std::string> worker_ids;   // empty = every worker (and none)
  std::vector<domain::EventType> types;  // empty = every type
};

struct AuditQuery {
  std::string worker_id;                 // "" = any
  std::string actor;                     // "" = any
  std::vector<domain::EventType> types;  // empty = any
  std::optional<TimePoint> since;        // occurred_at >= since
  std::optional<TimePoint> until;        // occurred_at < until
  int limit = 100;                       // 1..kMaxPageSize
  std::string cursor;                    // the previous page's next_cursor
};

// Newest first.
struct EventPage {
  std::vector<domain::DomainEvent> events;
  std::string next_cursor;  // "" on the last page
  int64_t total = 0;        // matching events over all pages
};

class EventLog {
 public:
  virtual ~EventLog() = default;
  // Events that belong to no worker write (e.g. worker.orphan_found). Worker changes go through
  // WorkerStore so that state and events commit together.
  virtual Result<std::vector<domain::DomainEvent>> AppendEvents(
      std::vector<domain::DomainEvent> events) = 0;
  // Events with id > after_id, oldest first, at most `limit` (1..10000): what an SSE client that
  // last saw after_id missed.
  virtual Result<std::vector<domain::DomainEvent>> ReadEventsAfter(int64_t after_id,
                                                                   const EventFilter& filter,
                                                                   int limit) = 0;
  virtual Result<EventPage> Audit(const AuditQuery& query) = 0;
  // 0 when the log is empty.
  virtual Result<int64_t> LatestEventId() = 0;
  // Deletes worker.telemetry_updated events that occurred before `before` (retention); every
  // other event type is kept forever. Returns how many were deleted.
  virtual Result<int64_t> PruneTelemetryEvents(TimePoint before) = 0;
};

// A request made with an Idempotency-Key, and (once finished) the answer to replay.
struct IdempotencyRecord {
  std::string subject;       // who sent it: keys are per caller
  std::string key;           // the Idempotency-Key header
  std::string request_hash;  // of method, path and body: a reused key with another request
  bool completed = false;    // false: the first request is still being handled
  int status_code = 0;
  std::string response_headers;  // JSON object text
  std::string response_body;
  TimePoint created_at;
  TimePoint expires_at;
  bool operator==(const IdempotencyRecord&) const = default;
};

class IdempotencyStore {
 public:
  virtual ~IdempotencyStore() = default;
  // Claims (subject, key) for a new request: nullopt when the claim is ours (go ahead and
  // Complete or Release it); otherwise the existing unexpired record, to replay (completed) or
  // to refuse as in progress. An expired record is replaced by the claim.
  virtual Result<std::optional<IdempotencyRecord>> ClaimIdempotencyKey(
      const IdempotencyRecord& claim) = 0;
  virtual Status CompleteIdempotencyKey(std::string_view subject, std::string_view key,
                                        int status_code, std::string_view response_headers,
                                        std::string_view response_body) = 0;
  // The request failed before it had any effect: forget the claim so a retry runs again.
  virtual Status ReleaseIdempotencyKey(std::string_view subject, std::string_view key) = 0;
  // Deletes records expired at `now`; returns how many.
  virtual Result<int64_t> PurgeExpiredIdempotencyKeys(TimePoint now) = 0;
};

struct ApiTokenRecord {
  std::string id;
  std::string name;        // unique among live (unrevoked) tokens
  std::string role;        // "admin", "operator", "user"
  std::string subject;     // the identity the token acts as
  std::string token_hash;  // SHA-256 of the token, 64 lower-case hex; the token is never stored
  TimePoint created_at;
  std::optional<TimePoint> expires_at;
  std::optional<TimePoint> revoked_at;
  bool operator==(const ApiTokenRecord&) const = default;
};

class TokenStore {
 public:
  virtual ~TokenStore() = default;
  virtual Status InsertApiToken(const ApiTokenRecord& token) = 0;
  // Revoked and expired tokens are returned too: the caller decides and can say why.
  virtual Result<ApiTokenRecord> FindApiTokenByHash(std::string_view token_hash) = 0;
  virtual Result<std::vector<ApiTokenRecord>> ListApiTokens() = 0;  // by creation time
  // Revoking twice keeps the first revocation time.
  virtual Status RevokeApiToken(std::string_view id, TimePoint at) = 0;
};

class Store : public WorkerStore, public EventLog, public IdempotencyStore, public TokenStore {
 public:
  // Readiness: the database answers.
  virtual Status Ping() = 0;
  // "sqlite:/var/lib/ccm/ccm.db (schema 2)" — never holds credentials.
  virtual std::string Describe() const = 0;
  // Makes everything written so far durable and compact (called at shutdown).
  virtual Status Flush() = 0;
};

// Opens the store named by a URL, creating and migrating it as needed:
//   sqlite:PATH (parent directories are created), sqlite::memory: (a private in-memory database,
//   for tests). SQLite URLs take options after '?': synchronous=normal|full (default normal:
//   durable across process crashes; full also across power loss), busy_timeout_ms=N (5000).
Result<std::unique_ptr<Store>> OpenStore(std::string_view url);

// Every worker matching `filter`, following cursors (for loops that need them all).
Result<std::vector<domain::Worker>> ListAllWorkers(WorkerStore& store, const WorkerFilter& filter);

}  // namespace ccm::store
