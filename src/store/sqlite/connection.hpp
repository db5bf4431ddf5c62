#pragma once
// A thin RAII layer over one sqlite3 connection: prepared statements cached by SQL text,
// IMMEDIATE transactions that roll back unless committed, and SQLite result codes mapped to
// ccm::Error. Not thread-safe: SqliteStore serialises every use behind its mutex.
#include <sqlite3.h>

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "core/clock.hpp"
#include "core/error.hpp"

namespace ccm::store::sqlite {

class Connection;

// A prepared statement in use. Binds are positional from 1 (Add() binds the next one); the
// statement is reset when this object goes away, ready for its next use from the cache.
class Statement {
 public:
  Statement(Connection* conn, sqlite3_stmt* stmt, bool* in_use);
  ~Statement();
  Statement(Statement&& other) noexcept;
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;
  Statement& operator=(Statement&&) = delete;

  Statement& Add(int64_t value);
  Statement& Add(std::string_view value);
  Statement& Add(const std::string& value) { return Add(std::string_view(value)); }
  Statement& Add(const char* value) { return Add(std::string_view(value)); }
  Statement& Add(bool value) { return Add(static_cast<int64_t>(value ? 1 : 0)); }
  Statement& Add(int value) { return Add(static_cast<int64_t>(value)); }
  Statement& Add(TimePoint value);
  Statement& Add(const std::optional<TimePoint>& value);
  Statement& AddNull();
  // "" is stored as NULL (for UNIQUE columns where "none" must not collide).
  Statement& AddTextOrNull(std::string_view value);

  // True when a row is ready to read, false when done.
  Result<bool> Step();
  // Runs a statement that returns no rows.
  Status Run();

  bool IsNull(int column) const;
  int64_t Int(int column) const;
  std::string Text(int column) const;
  TimePoint Time(int column) const;
  std::optional<TimePoint> OptionalTime(int column) const;

 private:
  Connection* conn_;
  sqlite3_stmt* stmt_;
  bool* in_use_;  // the cache entry's flag; nullptr for a one-off statement we finalize
  int next_index_ = 1;
};

struct ConnectionOptions {
  bool full_sync = false;
  int busy_timeout_ms = 5000;
};

class Connection {
 public:
  // Opens (creating) the database file, or ":memory:"; sets WAL, foreign keys, busy timeout.
  static Result<std::unique_ptr<Connection>> Open(const std::string& path,
                                                  const ConnectionOptions& options);
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  // Runs SQL text without parameters (may hold several statements).
  Status Exec(std::string_view sql);
  Result<Statement> Prepare(std::string_view sql);
  int64_t Changes() const;
  int64_t LastInsertRowId() const;
  // Maps a SQLite result code (and the connection's message) to an Error.
  Error ToError(int rc, std::string_view what) const;
  const std::string& path() const { return path_; }

 private:
  Connection(sqlite3* db, std::string path) : db_(db), path_(std::move(path)) {}
  struct CachedStatement {
    sqlite3_stmt* stmt = nullptr;
    bool in_use = false;
  };
  sqlite3* db_;
  std::string path_;
  // Filters make SQL text vary (IN lists of any length); past this many, statements are
  // prepared for one use instead of cached, so the cache cannot grow without bound.
  static constexpr size_t kMaxCachedStatements = 256;
  std::map<std::string, CachedStatement, std::less<>> cache_;
};

// BEGIN IMMEDIATE (takes the write lock at once, so two writers never deadlock upgrading);
// rolls back on destruction unless Commit() succeeded.
class Transaction {
 public:
  static Result<Transaction> Begin(Connection& conn);
  Transaction(Transaction&& other) noexcept : conn_(other.conn_) { other.conn_ = nullptr; }
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;
  ~Transaction();
  Status Commit();

 private:
  explicit Transaction(Connection* conn) : conn_(conn) {}
  Connection* conn_;
};

int64_t ToMillis(TimePoint t);
TimePoint FromMillis(int64_t ms);

}  // namespace ccm::store::sqlite
