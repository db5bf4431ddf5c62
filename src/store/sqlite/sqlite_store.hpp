#pragma once
// The SQLite Store (see store/store.hpp for the contract).
//
// Threading: one connection, guarded by one mutex: every call runs start to finish under it, so
// calls from any number of threads are serialised. SQLite answers a point read or a small write
// in tens of microseconds, which is far below what the control plane asks of it; a second
// read-only connection can be added behind the same interface if reads ever queue.
// Other processes (e.g. `ccm reconcile --once` beside `ccm serve`) may open the same file: WAL
// lets them read beside a writer, writers wait up to busy_timeout_ms, and optimistic versions
// keep their writes from overwriting each other.
#include <memory>
#include <mutex>
#include <string>

#include "store/sqlite/connection.hpp"
#include "store/sqlite/worker_rows.hpp"
#include "store/store.hpp"

namespace ccm::store::sqlite {

class SqliteStore final : public Store {
 public:
  // path: a file (its directory must exist) or ":memory:". Applies migrations.
  static Result<std::unique_ptr<SqliteStore>> Open(const std::string& path,
                                                   const ConnectionOptions& options);

  Result<Committed> CreateWorker(domain::Worker worker) override;
  Result<domain::Worker> GetWorker(std::string_view id) override;
  Result<domain::Worker> FindWorkerByInstanceId(std::string_view aws_instance_id) override;
  Result<domain::Worker> FindWorkerByClientToken(std::string_view client_token) override;
  Result<WorkerPage> ListWorkers(const WorkerFilter& filter, const PageRequest& page) override;
  Result<Committed> UpdateWorker(domain::Worker worker) override;
  Result<std::vector<domain::DomainEvent>> DeleteWorker(domain::Worker worker) override;

  Result<std::vector<domain::DomainEvent>> AppendEvents(
      std::vector<domain::DomainEvent> events) override;
  Result<std::vector<domain::DomainEvent>> ReadEventsAfter(int64_t after_id,
                                                           const EventFilter& filter,
                                                           int limit) override;
  Result<EventPage> Audit(const AuditQuery& query) override;
  Result<int64_t> LatestEventId() override;
  Result<int64_t> PruneTelemetryEvents(TimePoint before) override;

  Result<std::optional<IdempotencyRecord>> ClaimIdempotencyKey(
      const IdempotencyRecord& claim) override;
  Status CompleteIdempotencyKey(std::string_view subject, std::string_view key, int status_code,
                                std::string_view response_headers,
                                std::string_view response_body) override;
  Status ReleaseIdempotencyKey(std::string_view subject, std::string_view key) override;
  Result<int64_t> PurgeExpiredIdempotencyKeys(TimePoint now) override;

  Status InsertApiToken(const ApiTokenRecord& token) override;
  Result<ApiTokenRecord> FindApiTokenByHash(std::string_view token_hash) override;
  Result<std::vector<ApiTokenRecord>> ListApiTokens() override;
  Status RevokeApiToken(std::string_view id, TimePoint at) override;

  Status Ping() override;
  std::string Describe() const override;
  Status Flush() override;

 private:
  SqliteStore(std::unique_ptr<Connection> conn, int schema_version);
  // Runs fn(conn) under the mutex, timing it as store operation `op` in the metrics.
  template <typename Fn>
  auto Run(std::string_view op, Fn&& fn) -> decltype(fn(std::declval<Connection&>()));
  // Runs fn(conn) inside an IMMEDIATE transaction, committing when it succeeds.
  template <typename Fn>
  auto Write(std::string_view op, Fn&& fn) -> decltype(fn(std::declval<Connection&>()));
  Result<domain::Worker> FindWorker(WorkerKey key, std::string_view value);

  mutable std::mutex mu_;
  std::unique_ptr<Connection> conn_;  // guarded by mu_
  const int schema_version_;
};

}  // namespace ccm::store::sqlite
