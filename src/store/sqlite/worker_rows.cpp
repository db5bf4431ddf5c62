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

// Reads a row's columns in kColumns order, remembering the first malformed value.
class RowReader {
 public:
  explicit RowReader(const Statement& s) : s_(s) {}
  std::string Text() { return s_.Text(column_++); }
  int64_t Int() { return s_.Int(column_++); }
  bool Bool() { return s_.Int(column_++) != 0; }
  TimePoint Time() { return s_.Time(column_++); }
  std::optional<TimePoint> OptionalTime() { return s_.OptionalTime(column_++); }
  template <typename E>
  std::optional<E> Enum(std::optional<E> (*parse)(std::string_view), std::string_view what) {
    bool null = s_.IsNull(column_);
    std::string text = Text();
    if (null) return std::nullopt;
    std::optional<E> value = parse(text);
    if (!value) Problem("an unknown " + std::string(what) + " '" + text + "'");
    return value;
  }
  template <typename T>
  T Parsed(Result<T> (*parse)(std::string_view)) {
    Result<T> value = parse(Text());
    if (!value) Problem("malformed JSON (" + value.error().message + ")");
    return value ? std::move(*value) : T{};
  }
  void Problem(std::string what) {
    if (!error_) error_ = MakeError(Code::kDataLoss, "store: a worker row holds " + what).value();
  }
  const std::optional<Error>& error() const { return error_; }

 private:
  const Statement& s_;
  int column_ = 0;
  std::optional<Error> error_;
};

void ReadIdentityAndState(RowReader& in, WorkerRecord& r) {
  using namespace domain;
  r.id = in.Text();
  r.name = in.Text();
  r.region = in.Text();
  r.account = in.Text();
  r.aws_instance_id = in.Text();
  r.instance_type = in.Text();
  r.ami_id = in.Text();
  r.ami_name = in.Text();
  r.cml_version = in.Text();
  r.status = in.Enum(ParseWorkerStatus, "status").value_or(WorkerStatus::kUnknown);
  r.service_status =
      in.Enum(ParseServiceStatus, "service status").value_or(ServiceStatus::kUnavailable);
  r.service_status_since = in.OptionalTime();
  r.license_status =
      in.Enum(ParseLicenseStatus, "licence status").value_or(LicenseStatus::kUnregistered);
  r.https_endpoint = in.Text();
  r.public_ip = in.Text();
  r.private_ip = in.Text();
  r.tags = in.Parsed(TagsFromText);
  r.owner = in.Text();
  r.telemetry = in.Parsed(TelemetryFromText);
}

void ReadPolicyAndHistory(RowReader& in, WorkerRecord& r) {
  using namespace domain;
  r.idle_policy.enabled = in.Bool();
  r.idle_policy.keep_until = in.OptionalTime();
  r.idle_warning_sent_for = in.OptionalTime();
  r.status_checks.instance =
      in.Enum(ParseCheckStatus, "check status").value_or(CheckStatus::kNotApplicable);
  r.status_checks.system =
      in.Enum(ParseCheckStatus, "check status").value_or(CheckStatus::kNotApplicable);
  r.monitoring = in.Bool();
  r.client_token = in.Text();
  r.launched_at = in.OptionalTime();
  r.last_started_at = in.OptionalTime();
  r.last_command = in.Enum(ParseWorkerCommand, "command");
  r.last_command_at = in.OptionalTime();
  r.last_command_by = in.Text();
  r.created_at = in.Time();
  r.created_by = in.Text();
  r.updated_at = in.Time();
  r.terminated_at = in.OptionalTime();
  r.terminated_by = in.Text();
  r.version = in.Int();
}

Result<std::vector<std::string>> UsersFromText(std::string_view text) {
  auto json = ParseJson(text, "assigned_users");
  if (!json) return Fail(json.error());
  std::vector<std::string> users;
  for (const auto& u : *json) {
    if (!u.is_string()) return InvalidArgument("assigned_users", "must hold strings");
    users.push_back(u.get<std::string>());
  }
  return users;
}

Result<WorkerRecord> ReadRecord(const Statement& s) {
  RowReader in(s);
  WorkerRecord r;
  ReadIdentityAndState(in, r);
  ReadPolicyAndHistory(in, r);
  r.assigned_users = in.Parsed(UsersFromText);  // the column after kColumns
  if (in.error()) return Fail(*in.error());
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
