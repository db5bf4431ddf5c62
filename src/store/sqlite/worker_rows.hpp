#pragma once
// The workers table: mapping WorkerRecord <-> row, and the queries on it. Callers hold the
// connection (and the transaction, for writes). Not thread-safe on its own.
#include <optional>
#include <string>
#include <string_view>

#include "domain/worker.hpp"
#include "store/sqlite/connection.hpp"
#include "store/store.hpp"

namespace ccm::store::sqlite {

enum class WorkerKey { kId, kInstanceId, kClientToken };

Status InsertWorkerRow(Connection& conn, const domain::WorkerRecord& record);
// Writes `record` over the stored row whose version is record.version - 1: kNotFound when there
// is no such worker, kAborted when the stored version is another.
Status UpdateWorkerRow(Connection& conn, const domain::WorkerRecord& record);
// kNotFound / kAborted as for updates.
Status DeleteWorkerRow(Connection& conn, std::string_view id, int64_t expected_version);
// kNotFound / kAborted unless the stored version is `expected_version`.
Status CheckWorkerVersion(Connection& conn, std::string_view id, int64_t expected_version);
Status ReplaceWorkerUsers(Connection& conn, const domain::WorkerRecord& record);

Result<std::optional<domain::WorkerRecord>> SelectWorker(Connection& conn, WorkerKey key,
                                                         std::string_view value);
Result<WorkerPage> SelectWorkerPage(Connection& conn, const WorkerFilter& filter,
                                    const PageRequest& page);

}  // namespace ccm::store::sqlite
