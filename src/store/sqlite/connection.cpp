#include "store/sqlite/connection.hpp"

namespace ccm::store::sqlite {

int64_t ToMillis(TimePoint t) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
}

TimePoint FromMillis(int64_t ms) {
  return TimePoint{std::chrono::duration_cast<Duration>(std::chrono::milliseconds(ms))};
}

// --- Statement

Statement::Statement(Connection* conn, sqlite3_stmt* stmt, bool* in_use)
    : conn_(conn), stmt_(stmt), in_use_(in_use) {}

Statement::Statement(Statement&& other) noexcept
    : conn_(other.conn_),
      stmt_(other.stmt_),
      in_use_(other.in_use_),
      next_index_(other.next_index_) {
  other.stmt_ = nullptr;
  other.in_use_ = nullptr;
}

Statement::~Statement() {
  if (!stmt_) return;
  if (in_use_) {
    sqlite3_reset(stmt_);
    sqlite3_clear_bindings(stmt_);
    *in_use_ = false;
  } else {
    sqlite3_finalize(stmt_);
  }
}

Statement& Statement::Add(int64_t value) {
  sqlite3_bind_int64(stmt_, next_index_++, value);
  return *this;
}

Statement& Statement::Add(std::string_view value) {
  sqlite3_bind_text64(stmt_, next_index_++, value.data(), value.size(), SQLITE_TRANSIENT,
                      SQLITE_UTF8);
  return *this;
}

Statement& Statement::Add(TimePoint value) { return Add(ToMillis(value)); }

Statement& Statement::Add(const std::optional<TimePoint>& value) {
  return value ? Add(*value) : AddNull();
}

Statement& Statement::AddNull() {
  sqlite3_bind_null(stmt_, next_index_++);
  return *this;
}

Statement& Statement::AddTextOrNull(std::string_view value) {
  return value.empty() ? AddNull() : Add(value);
}

Result<bool> Statement::Step() {
  int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  return Fail(conn_->ToError(rc, "statement"));
}

Status Statement::Run() {
  auto row = Step();
  if (!row) return Fail(row.error());
  return Ok();
}

bool Statement::IsNull(int column) const {
  return sqlite3_column_type(stmt_, column) == SQLITE_NULL;
}

int64_t Statement::Int(int column) const { return sqlite3_column_int64(stmt_, column); }

std::string Statement::Text(int column) const {
  const unsigned char* text = sqlite3_column_text(stmt_, column);
  if (!text) return "";
  return std::string(reinterpret_cast<const char*>(text), sqlite3_column_bytes(stmt_, column));
}

TimePoint Statement::Time(int column) const { return FromMillis(Int(column)); }

std::optional<TimePoint> Statement::OptionalTime(int column) const {
  if (IsNull(column)) return std::nullopt;
  return Time(column);
}

// --- Connection

Result<std::unique_ptr<Connection>> Connection::Open(const std::string& path,
                                                     const ConnectionOptions& options) {
  sqlite3* db = nullptr;
  int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX;
  int rc = sqlite3_open_v2(path.c_str(), &db, flags, nullptr);
  std::unique_ptr<Connection> conn(new Connection(db, path));
  if (rc != SQLITE_OK) return Fail(conn->ToError(rc, "open " + path));
  sqlite3_extended_result_codes(db, 1);
  sqlite3_busy_timeout(db, options.busy_timeout_ms);
  // WAL lets readers (e.g. `ccm reconcile --once` next to `ccm serve`) run beside a writer, and
  // with synchronous=NORMAL a commit survives a process crash; FULL adds power-loss durability.
  std::string pragmas = "PRAGMA foreign_keys = ON; PRAGMA journal_mode = WAL; ";
  pragmas += options.full_sync ? "PRAGMA synchronous = FULL;" : "PRAGMA synchronous = NORMAL;";
  if (auto st = conn->Exec(pragmas); !st) return Fail(st.error());
  auto check = conn->Prepare("PRAGMA foreign_keys");
  if (!check) return Fail(check.error());
  auto row = check->Step();
  if (!row || !*row || check->Int(0) != 1) {
    return MakeError(Code::kInternal, "store: this SQLite build cannot enforce foreign keys");
  }
  return conn;
}

Connection::~Connection() {
  for (auto& [sql, entry] : cache_) sqlite3_finalize(entry.stmt);
  sqlite3_close(db_);
}

Status Connection::Exec(std::string_view sql) {
  std::string text(sql);
  char* message = nullptr;
  int rc = sqlite3_exec(db_, text.c_str(), nullptr, nullptr, &message);
  sqlite3_free(message);
  if (rc != SQLITE_OK) return Fail(ToError(rc, "exec"));
  return Ok();
}

Result<Statement> Connection::Prepare(std::string_view sql) {
  auto it = cache_.find(sql);
  if (it != cache_.end() && !it->second.in_use) {
    it->second.in_use = true;
    return Statement(this, it->second.stmt, &it->second.in_use);
  }
  sqlite3_stmt* stmt = nullptr;
  int rc = sqlite3_prepare_v3(db_, sql.data(), static_cast<int>(sql.size()),
                              SQLITE_PREPARE_PERSISTENT, &stmt, nullptr);
  if (rc != SQLITE_OK) return Fail(ToError(rc, "prepare"));
  if (it != cache_.end() || cache_.size() >= kMaxCachedStatements) {
    // The cached copy is busy (used again while a use is open), or the cache is full: one-off.
    return Statement(this, stmt, nullptr);
  }
  CachedStatement& entry = cache_[std::string(sql)];
  entry.stmt = stmt;
  entry.in_use = true;
  return Statement(this, stmt, &entry.in_use);
}

int64_t Connection::Changes() const { return sqlite3_changes64(db_); }

int64_t Connection::LastInsertRowId() const { return sqlite3_last_insert_rowid(db_); }

Error Connection::ToError(int rc, std::string_view what) const {
  Error e;
  e.message = "store: " + std::string(what) + ": " + (db_ ? sqlite3_errmsg(db_) : "no database");
  e.provider_code = sqlite3_errstr(rc);
  switch (rc & 0xff) {
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      e.code = Code::kUnavailable;
      e.retryable = true;
      break;
    case SQLITE_CONSTRAINT:
      e.code = (rc == SQLITE_CONSTRAINT_UNIQUE || rc == SQLITE_CONSTRAINT_PRIMARYKEY)
                   ? Code::kAlreadyExists
                   : Code::kFailedPrecondition;
      break;
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
      e.code = Code::kDataLoss;
      break;
    case SQLITE_FULL:
      e.code = Code::kResourceExhausted;
      break;
    case SQLITE_CANTOPEN:
    case SQLITE_IOERR:
    case SQLITE_READONLY:
    case SQLITE_PERM:
      e.code = Code::kUnavailable;
      break;
    default:
      e.code = Code::kInternal;
  }
  return e;
}

// --- Transaction

Result<Transaction> Transaction::Begin(Connection& conn) {
  if (auto st = conn.Exec("BEGIN IMMEDIATE"); !st) return Fail(st.error());
  return Transaction(&conn);
}

Transaction::~Transaction() {
  if (conn_) (void)conn_->Exec("ROLLBACK");
}

Status Transaction::Commit() {
  Connection* conn = conn_;
  conn_ = nullptr;
  if (auto st = conn->Exec("COMMIT"); !st) {
    (void)conn->Exec("ROLLBACK");
    return st;
  }
  return Ok();
}

}  // namespace ccm::store::sqlite
