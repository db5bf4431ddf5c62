#pragma once
// SQL for listing workers: the WHERE clause a WorkerFilter stands for, keyset paging on
// (created_at, id), and the opaque cursor that carries the last row seen.
#include <cstdint>
#include <string>
#include <variant>
#include <vector>

#include "store/sqlite/connection.hpp"
#include "store/store.hpp"

namespace ccm::store::sqlite {

using SqlValue = std::variant<int64_t, std::string>;

struct WorkerQuery {
  std::string count_sql;   // SELECT COUNT(*) over the filter
  std::string select_sql;  // one page (limit + 1 rows, to tell whether another page follows)
  std::vector<SqlValue> filter_values;
  std::vector<SqlValue> page_values;
};

// kInvalidArgument naming "limit", "cursor" or "statuses" for bad input.
Result<WorkerQuery> BuildWorkerQuery(const WorkerFilter& filter, const PageRequest& page);
void BindValues(Statement& stmt, const std::vector<SqlValue>& values);

// The columns ReadRecord expects, from table alias w.
std::string WorkerSelectColumns();
std::string EncodeWorkerCursor(TimePoint created_at, const std::string& id);

}  // namespace ccm::store::sqlite
