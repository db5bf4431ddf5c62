#include "store/sqlite/worker_rows.hpp"

#include <string>

#include "core/json.hpp"
#include "domain/worker_json.hpp"
#include "store/sqlite/worker_filter_sql.hpp"

namespace ccm::store::sqlite {
namespace {

using domain::WorkerRecord;

// Column order shared by INSERT, UPDATE and SELECT (ReadRecord reads them in this order).
// clang-format off
constexpr std::string_view kColumns[] = {
    "id", "name", "region", "account", "aws_instance_id", "instance_type", "ami_id", "ami_name",
    "cml_version", "status", "service_status", "service_status_since", "license_status",
    "https_endpoint", "public_ip", "private_ip", "tags", "owner", "telemetry", "idle_enabled",
    "idle_keep_until", "idle_warning_sent_for", "check_instance", "check_system", "monitoring",
    "client_token", "launched_at", "last_started_at", "last_command", "last_command_at",
    "last_command_by", "created_at", "created_by", "updated_at", "terminated_at", "terminated_by",
    "version",
};
// clang-format on
constexpr int kColumnCount = static_cast<int>(std::size(kColumns));

std::string Join(std::string_view separator, std::string_view suffix, size_t from = 0) {
  std::string out;
  for (size_t i = from; i < std::size(kColumns); ++i) {
    if (!out.empty()) out += separator;
    out += kColumns[i];
    out += suffix;
  }
  return out;
}

void BindRecord(Statement& s, const WorkerRecord& r, bool with_id) {
  if (with_id) s.Add(r.id);
  s.Add(r.name).Add(r.region).Add(r.account).AddTextOrNull(r.aws_instance_id);
  s.Add(r.instance_type).Add(r.ami_id).Add(r.ami_name).Add(r.cml_version);
  s.Add(ToString(r.status)).Add(ToString(r.service_status)).Add(r.service_status_since);
  s.Add(ToString(r.license_status)).Add(r.https_endpoint).Add(r.public_ip).Add(r.private_ip);
  s.Add(domain::TagsToText(r.tags)).Add(r.owner).Add(domain::TelemetryToText(r.telemetry));
  s.Add(r.idle_policy.enabled).Add(r.idle_policy.keep_until).Add(r.idle_warning_sent_for);
  s.Add(ToString(r.status_checks.instance)).Add(ToString(r.status_checks.system));
  s.Add(r.monitoring).AddTextOrNull(r.client_token).Add(r.launched_at).Add(r.last_started_at);
  if (r.last_command) {
    s.Add(ToString(*r.last_command));
  } else {
    s.AddNull();
  }
  s.Add(r.last_command_at).Add(r.last_command_by).Add(r.created_at).Add(r.created_by);
  s.Add(r.updated_at).Add(r.terminated_at).Add(r.terminated_by).Add(r.version);
}

template <typename E>
E ParseColumn(const Statement& s, int col, std::optional<E> (*parse)(std::string_view),
              std::string_view what, std::optional<Error>& error) {
  std::string text = s.Text(col);
  std::optional<E> value = parse(text);
  if (!value && !error) {
    error = MakeError(Code::kDataLoss,
                      "store: worker row holds an unknown " + std::string(what) + " '" + text + "'")
                .value();
  }
  return value.value_or(E{});
}

Result<WorkerRecord> ReadRecord(const Statement& s) {
  std::optional<Error> error;
  WorkerRecord r;
  int c = 0;
  r.id = s.Text(c++);
  r.name = s.Text(c++);
  r.region = s.Text(c++);
  r.account = s.Text(c++);
  r.aws_instance_id = s.Text(c++);
  r.instance_type = s.Text(c++);
  r.ami_id = s.Text(c++);
  r.ami_name = s.Text(c++);
  r.cml_version = s.Text(c++);
  r.status = ParseColumn(s, c++, domain::ParseWorkerStatus, "status", error);
  r.service_status = ParseColumn(s, c++, domain::ParseServiceStatus, "service status", error);
  r.service_status_since = s.OptionalTime(c++);
  r.license_status = ParseColumn(s, c++, domain::ParseLicenseStatus, "licence status", error);
  r.https_endpoint = s.Text(c++);
  r.public_ip = s.Text(c++);
  r.private_ip = s.Text(c++);
  auto tags = domain::TagsFromText(s.Text(c++));
  r.owner = s.Text(c++);
  auto telemetry = domain::TelemetryFromText(s.Text(c++));
  r.idle_policy.enabled = s.Int(c++) != 0;
  r.idle_policy.keep_until = s.OptionalTime(c++);
  r.idle_warning_sent_for = s.OptionalTime(c++);
  r.status_checks.instance = ParseColumn(s, c++, domain::ParseCheckStatus, "check", error);
  r.status_checks.system = ParseColumn(s, c++, domain::ParseCheckStatus, "check", error);
  r.monitoring = s.Int(c++) != 0;
  r.client_token = s.Text(c++);
  r.launched_at = s.OptionalTime(c++);
  r.last_started_at = s.OptionalTime(c++);
  if (!s.IsNull(c)) {
    r.last_command = ParseColumn(s, c, domain::ParseWorkerCommand, "command", error);
  }
  ++c;
  r.last_command_at = s.OptionalTime(c++);
  r.last_command_by = s.Text(c++);
  r.created_at = s.Time(c++);
  r.created_by = s.Text(c++);
  r.updated_at = s.Time(c++);
  r.terminated_at = s.OptionalTime(c++);
  r.terminated_by = s.Text(c++);
  r.version = s.Int(c++);
  auto users = ParseJson(s.Text(c), "assigned_users");
  if (users && users->is_array()) {
    for (const auto& u : *users) {
      if (u.is_string()) r.assigned_users.push_back(u.get<std::string>());
    }
  }
  if (!tags || !telemetry) {
    error = MakeError(Code::kDataLoss, "store: worker " + r.id + " holds malformed JSON: " +
                                           (tags ? telemetry.error() : tags.error()).message)
                .value();
  }
  if (error) return Fail(*error);
  r.tags = std::move(*tags);
  r.telemetry = std::move(*telemetry);
  return r;
}

Status VersionError(Connection& conn, std::string_view id, int64_t expected) {
  auto stmt = conn.Prepare("SELECT version FROM workers WHERE id = ?");
  if (!stmt) return Fail(stmt.error());
  auto row = stmt->Add(id).Step();
  if (!row) return Fail(row.error());
  if (!*row) return MakeError(Code::kNotFound, "no worker with id '" + std::string(id) + "'");
  int64_t stored = stmt->Int(0);
  if (stored == expected) return Ok();
  return MakeError(Code::kAborted, "worker '" + std::string(id) +
                                       "' was changed meanwhile (read at version " +
                                       std::to_string(expected) + ", now " +
                                       std::to_string(stored) + "); read it again and retry");
}

}  // namespace

std::string WorkerSelectColumns() {
  std::string cols;
  for (auto c : kColumns) cols += (cols.empty() ? "w." : ", w.") + std::string(c);
  return cols +
         ", (SELECT json_group_array(user_id) FROM (SELECT user_id FROM worker_users u "
         "WHERE u.worker_id = w.id ORDER BY user_id))";
}

Status InsertWorkerRow(Connection& conn, const WorkerRecord& record) {
  static const std::string sql = [] {
    std::string marks;
    for (int i = 0; i < kColumnCount; ++i) marks += i ? ", ?" : "?";
    return "INSERT INTO workers (" + Join(", ", "") + ") VALUES (" + marks + ")";
  }();
  auto stmt = conn.Prepare(sql);
  if (!stmt) return Fail(stmt.error());
  BindRecord(*stmt, record, true);
  return stmt->Run();
}

Status UpdateWorkerRow(Connection& conn, const WorkerRecord& record) {
  static const std::string sql =
      "UPDATE workers SET " + Join(", ", " = ?", 1) + " WHERE id = ? AND version = ?";
  auto stmt = conn.Prepare(sql);
  if (!stmt) return Fail(stmt.error());
  BindRecord(*stmt, record, false);
  stmt->Add(record.id).Add(record.version - 1);
  if (auto st = stmt->Run(); !st) return st;
  if (conn.Changes() == 1) return Ok();
  return VersionError(conn, record.id, record.version - 1);
}

Status CheckWorkerVersion(Connection& conn, std::string_view id, int64_t expected_version) {
  return VersionError(conn, id, expected_version);
}

Status DeleteWorkerRow(Connection& conn, std::string_view id, int64_t expected_version) {
  auto stmt = conn.Prepare("DELETE FROM workers WHERE id = ? AND version = ?");
  if (!stmt) return Fail(stmt.error());
  if (auto st = stmt->Add(id).Add(expected_version).Run(); !st) return st;
  if (conn.Changes() == 1) return Ok();
  return VersionError(conn, id, expected_version);
}

Status ReplaceWorkerUsers(Connection& conn, const WorkerRecord& record) {
  auto clear = conn.Prepare("DELETE FROM worker_users WHERE worker_id = ?");
  if (!clear) return Fail(clear.error());
  if (auto st = clear->Add(record.id).Run(); !st) return st;
  for (const auto& user : record.assigned_users) {
    auto add =
        conn.Prepare("INSERT OR IGNORE INTO worker_users (worker_id, user_id) VALUES (?, ?)");
    if (!add) return Fail(add.error());
    if (auto st = add->Add(record.id).Add(user).Run(); !st) return st;
  }
  return Ok();
}

Result<std::optional<WorkerRecord>> SelectWorker(Connection& conn, WorkerKey key,
                                                 std::string_view value) {
  std::string_view column = key == WorkerKey::kId           ? "id"
                            : key == WorkerKey::kInstanceId ? "aws_instance_id"
                                                            : "client_token";
  std::string sql =
      "SELECT " + WorkerSelectColumns() + " FROM workers w WHERE w." + std::string(column) + " = ?";
  auto stmt = conn.Prepare(sql);
  if (!stmt) return Fail(stmt.error());
  auto row = stmt->Add(value).Step();
  if (!row) return Fail(row.error());
  if (!*row) return std::optional<WorkerRecord>();
  auto record = ReadRecord(*stmt);
  if (!record) return Fail(record.error());
  return std::optional<WorkerRecord>(std::move(*record));
}

Result<WorkerPage> SelectWorkerPage(Connection& conn, const WorkerFilter& filter,
                                    const PageRequest& page) {
  auto query = BuildWorkerQuery(filter, page);
  if (!query) return Fail(query.error());
  WorkerPage out;
  auto count = conn.Prepare(query->count_sql);
  if (!count) return Fail(count.error());
  BindValues(*count, query->filter_values);
  auto counted = count->Step();
  if (!counted) return Fail(counted.error());
  out.total = count->Int(0);

  auto select = conn.Prepare(query->select_sql);
  if (!select) return Fail(select.error());
  BindValues(*select, query->page_values);
  std::vector<WorkerRecord> records;
  while (true) {
    auto row = select->Step();
    if (!row) return Fail(row.error());
    if (!*row) break;
    auto record = ReadRecord(*select);
    if (!record) return Fail(record.error());
    records.push_back(std::move(*record));
  }
  if (static_cast<int>(records.size()) > page.limit) {
    records.pop_back();
    out.next_cursor = EncodeWorkerCursor(records.back().created_at, records.back().id);
  }
  for (auto& r : records) out.workers.push_back(domain::Worker::Restore(std::move(r)));
  return out;
}

}  // namespace ccm::store::sqlite
