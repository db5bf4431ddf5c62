#include "store/sqlite/worker_filter_sql.hpp"

#include <algorithm>

namespace ccm::store::sqlite {
namespace {

struct Cursor {
  int64_t created_at_ms = 0;
  std::string id;
};

// "<created_at ms>.<id>": URL-safe, and only meaningful to us.
Result<Cursor> DecodeCursor(const std::string& text) {
  size_t dot = text.find('.');
  bool ok = dot != std::string::npos && dot > 0 && dot <= 18 && dot + 1 < text.size() &&
            text.size() - dot - 1 <= 64;
  for (size_t i = 0; ok && i < dot; ++i) ok = text[i] >= '0' && text[i] <= '9';
  if (!ok) return InvalidArgument("cursor", "not a cursor this server gave out");
  return Cursor{std::stoll(text.substr(0, dot)), text.substr(dot + 1)};
}

// " WHERE ..." for the filter, appending its bound values.
std::string FilterClause(const WorkerFilter& filter, std::vector<SqlValue>& values) {
  std::string where = " WHERE 1 = 1";
  if (!filter.region.empty()) {
    where += " AND w.region = ?";
    values.emplace_back(filter.region);
  }
  if (filter.account) {
    where += " AND w.account = ?";
    values.emplace_back(*filter.account);
  }
  bool names_terminated = false;
  if (!filter.statuses.empty()) {
    std::string marks;
    for (auto status : filter.statuses) {
      marks += marks.empty() ? "?" : ", ?";
      values.emplace_back(std::string(ToString(status)));
      names_terminated |= status == domain::WorkerStatus::kTerminated;
    }
    where += " AND w.status IN (" + marks + ")";
  }
  if (!filter.include_terminated && !names_terminated) where += " AND w.status <> 'terminated'";
  if (!filter.user.empty()) {
    where +=
        " AND (w.owner = ? OR EXISTS (SELECT 1 FROM worker_users u WHERE u.worker_id = w.id "
        "AND u.user_id = ?))";
    values.emplace_back(filter.user);
    values.emplace_back(filter.user);
  }
  return where;
}

}  // namespace

std::string EncodeWorkerCursor(TimePoint created_at, const std::string& id) {
  return std::to_string(ToMillis(created_at)) + "." + id;
}

void BindValues(Statement& stmt, const std::vector<SqlValue>& values) {
  for (const auto& v : values) {
    if (const int64_t* i = std::get_if<int64_t>(&v)) {
      stmt.Add(*i);
    } else {
      stmt.Add(std::get<std::string>(v));
    }
  }
}

Result<WorkerQuery> BuildWorkerQuery(const WorkerFilter& filter, const PageRequest& page) {
  if (page.limit < 1 || page.limit > kMaxPageSize) {
    return InvalidArgument("limit", "must be 1.." + std::to_string(kMaxPageSize));
  }
  WorkerQuery q;
  std::string where = FilterClause(filter, q.filter_values);
  q.count_sql = "SELECT COUNT(*) FROM workers w" + where;
  q.page_values = q.filter_values;
  if (!page.cursor.empty()) {
    auto cursor = DecodeCursor(page.cursor);
    if (!cursor) return Fail(cursor.error());
    where += " AND (w.created_at > ? OR (w.created_at = ? AND w.id > ?))";
    q.page_values.emplace_back(cursor->created_at_ms);
    q.page_values.emplace_back(cursor->created_at_ms);
    q.page_values.emplace_back(cursor->id);
  }
  q.select_sql = "SELECT " + WorkerSelectColumns() + " FROM workers w" + where +
                 " ORDER BY w.created_at, w.id LIMIT ?";
  q.page_values.emplace_back(static_cast<int64_t>(page.limit) + 1);
  return q;
}

}  // namespace ccm::store::sqlite
