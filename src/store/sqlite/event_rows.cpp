#include "store/sqlite/event_rows.hpp"

#include <string>

#include "core/log.hpp"
#include "store/sqlite/worker_filter_sql.hpp"

namespace ccm::store::sqlite {
namespace {

using domain::DomainEvent;

constexpr std::string_view kEventColumns =
    "id, type, worker_id, worker_version, actor, occurred_at, data, trace_id";

// Events of a type this build does not know (written by a newer ccm) are skipped, so an older
// binary can still serve the rest of the log.
Result<std::vector<DomainEvent>> ReadEvents(Statement& stmt) {
  std::vector<DomainEvent> out;
  while (true) {
    auto row = stmt.Step();
    if (!row) return Fail(row.error());
    if (!*row) break;
    auto type = domain::ParseEventType(stmt.Text(1));
    if (!type) {
      log::Warn("store: skipping an event of unknown type",
                {{"event_id", std::to_string(stmt.Int(0))}, {"type", stmt.Text(1)}});
      continue;
    }
    DomainEvent e;
    e.id = stmt.Int(0);
    e.type = *type;
    e.worker_id = stmt.Text(2);
    e.worker_version = stmt.Int(3);
    e.actor = stmt.Text(4);
    e.occurred_at = stmt.Time(5);
    e.data = stmt.Text(6);
    e.trace_id = stmt.Text(7);
    out.push_back(std::move(e));
  }
  return out;
}

// Appends " AND <column> IN (?, ...)" for a non-empty list.
template <typename T, typename ToText>
Status AddInList(std::string& where, std::vector<SqlValue>& values, std::string_view column,
                 const std::vector<T>& items, ToText to_text, std::string_view field) {
  if (items.empty()) return Ok();
  if (items.size() > kMaxFilterValues) {
    return InvalidArgument(std::string(field),
                           "at most " + std::to_string(kMaxFilterValues) + " values");
  }
  std::string marks;
  for (const auto& item : items) {
    marks += marks.empty() ? "?" : ", ?";
    values.emplace_back(std::string(to_text(item)));
  }
  where += " AND " + std::string(column) + " IN (" + marks + ")";
  return Ok();
}

std::string_view TypeText(domain::EventType t) { return domain::ToString(t); }
const std::string& Same(const std::string& s) { return s; }

Result<int64_t> DecodeAuditCursor(const std::string& cursor) {
  bool ok = !cursor.empty() && cursor.size() <= 18;
  for (char c : cursor) ok = ok && c >= '0' && c <= '9';
  if (!ok) return InvalidArgument("cursor", "not a cursor this server gave out");
  return std::stoll(cursor);
}

// " WHERE ..." for an audit query (without its cursor), appending the bound values.
Result<std::string> AuditWhere(const AuditQuery& q, std::vector<SqlValue>& values) {
  std::string where = " WHERE 1 = 1";
  if (!q.worker_id.empty()) {
    where += " AND worker_id = ?";
    values.emplace_back(q.worker_id);
  }
  if (!q.actor.empty()) {
    where += " AND actor = ?";
    values.emplace_back(q.actor);
  }
  if (auto st = AddInList(where, values, "type", q.types, TypeText, "types"); !st) {
    return Fail(st.error());
  }
  if (q.since) {
    where += " AND occurred_at >= ?";
    values.emplace_back(ToMillis(*q.since));
  }
  if (q.until) {
    where += " AND occurred_at < ?";
    values.emplace_back(ToMillis(*q.until));
  }
  return where;
}

}  // namespace

Status InsertEvents(Connection& conn, std::vector<DomainEvent>& events) {
  for (DomainEvent& e : events) {
    auto stmt = conn.Prepare(
        "INSERT INTO events (type, worker_id, worker_version, actor, occurred_at, data, "
        "trace_id) VALUES (?, ?, ?, ?, ?, ?, ?)");
    if (!stmt) return Fail(stmt.error());
    stmt->Add(domain::ToString(e.type)).AddTextOrNull(e.worker_id).Add(e.worker_version);
    stmt->Add(e.actor).Add(e.occurred_at).Add(e.data).Add(e.trace_id);
    if (auto st = stmt->Run(); !st) return st;
    e.id = conn.LastInsertRowId();
  }
  return Ok();
}

Result<std::vector<DomainEvent>> SelectEventsAfter(Connection& conn, int64_t after_id,
                                                   const EventFilter& filter, int limit) {
  if (limit < 1 || limit > kMaxEventsPerRead) {
    return InvalidArgument("limit", "must be 1.." + std::to_string(kMaxEventsPerRead));
  }
  std::string where = " WHERE id > ?";
  std::vector<SqlValue> values{after_id};
  if (auto st = AddInList(where, values, "worker_id", filter.worker_ids, Same, "worker_ids"); !st) {
    return Fail(st.error());
  }
  if (auto st = AddInList(where, values, "type", filter.types, TypeText, "types"); !st) {
    return Fail(st.error());
  }
  values.emplace_back(static_cast<int64_t>(limit));
  auto stmt = conn.Prepare("SELECT " + std::string(kEventColumns) + " FROM events" + where +
                           " ORDER BY id LIMIT ?");
  if (!stmt) return Fail(stmt.error());
  BindValues(*stmt, values);
  return ReadEvents(*stmt);
}

Result<EventPage> SelectAudit(Connection& conn, const AuditQuery& q) {
  if (q.limit < 1 || q.limit > kMaxPageSize) {
    return InvalidArgument("limit", "must be 1.." + std::to_string(kMaxPageSize));
  }
  std::vector<SqlValue> values;
  auto where = AuditWhere(q, values);
  if (!where) return Fail(where.error());
  EventPage page;
  auto count = conn.Prepare("SELECT COUNT(*) FROM events" + *where);
  if (!count) return Fail(count.error());
  BindValues(*count, values);
  if (auto row = count->Step(); !row) return Fail(row.error());
  page.total = count->Int(0);
  if (!q.cursor.empty()) {
    auto before = DecodeAuditCursor(q.cursor);
    if (!before) return Fail(before.error());
    *where += " AND id < ?";
    values.emplace_back(*before);
  }
  values.emplace_back(static_cast<int64_t>(q.limit) + 1);
  auto stmt = conn.Prepare("SELECT " + std::string(kEventColumns) + " FROM events" + *where +
                           " ORDER BY id DESC LIMIT ?");
  if (!stmt) return Fail(stmt.error());
  BindValues(*stmt, values);
  auto events = ReadEvents(*stmt);
  if (!events) return Fail(events.error());
  page.events = std::move(*events);
  if (static_cast<int>(page.events.size()) > q.limit) {
    page.events.pop_back();
    page.next_cursor = std::to_string(page.events.back().id);
  }
  return page;
}

Result<int64_t> SelectLatestEventId(Connection& conn) {
  auto stmt = conn.Prepare("SELECT COALESCE(MAX(id), 0) FROM events");
  if (!stmt) return Fail(stmt.error());
  if (auto row = stmt->Step(); !row) return Fail(row.error());
  return stmt->Int(0);
}

Result<int64_t> DeleteTelemetryEvents(Connection& conn, TimePoint before) {
  auto stmt = conn.Prepare(
      "DELETE FROM events WHERE type = 'worker.telemetry_updated' AND occurred_at < ?");
  if (!stmt) return Fail(stmt.error());
  if (auto st = stmt->Add(before).Run(); !st) return Fail(st.error());
  return conn.Changes();
}

}  // namespace ccm::store::sqlite
