#include "store/sqlite/api_rows.hpp"

#include <algorithm>
#include <string>

namespace ccm::store::sqlite {
namespace {

constexpr std::string_view kTokenColumns =
    "id, name, role, subject, token_hash, created_at, expires_at, revoked_at";

ApiTokenRecord ReadToken(const Statement& s) {
  ApiTokenRecord t;
  t.id = s.Text(0);
  t.name = s.Text(1);
  t.role = s.Text(2);
  t.subject = s.Text(3);
  t.token_hash = s.Text(4);
  t.created_at = s.Time(5);
  t.expires_at = s.OptionalTime(6);
  t.revoked_at = s.OptionalTime(7);
  return t;
}

Status ValidateToken(const ApiTokenRecord& t) {
  auto is_hex = [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); };
  if (t.id.empty()) return InvalidArgument("id", "must not be empty");
  if (t.name.empty()) return InvalidArgument("name", "must not be empty");
  if (t.role.empty()) return InvalidArgument("role", "must not be empty");
  if (t.subject.empty()) return InvalidArgument("subject", "must not be empty");
  if (t.token_hash.size() != 64 || !std::all_of(t.token_hash.begin(), t.token_hash.end(), is_hex)) {
    return InvalidArgument("token_hash", "must be a SHA-256 digest in 64 lower-case hex digits");
  }
  return Ok();
}

}  // namespace

Status InsertTokenRow(Connection& conn, const ApiTokenRecord& t) {
  if (auto st = ValidateToken(t); !st) return st;
  auto stmt = conn.Prepare("INSERT INTO api_tokens (" + std::string(kTokenColumns) +
                           ") VALUES (?, ?, ?, ?, ?, ?, ?, ?)");
  if (!stmt) return Fail(stmt.error());
  stmt->Add(t.id).Add(t.name).Add(t.role).Add(t.subject).Add(t.token_hash);
  stmt->Add(t.created_at).Add(t.expires_at).Add(t.revoked_at);
  auto st = stmt->Run();
  if (!st && st.error().code == Code::kAlreadyExists) {
    // The constraint message names the column, never the hash's value; say it for a person.
    return MakeError(
        Code::kAlreadyExists,
        "an API token with this id, name or hash already exists (name '" + t.name + "')");
  }
  return st;
}

Result<std::optional<ApiTokenRecord>> SelectTokenByHash(Connection& conn, std::string_view hash) {
  auto stmt = conn.Prepare("SELECT " + std::string(kTokenColumns) +
                           " FROM api_tokens WHERE token_hash = ?");
  if (!stmt) return Fail(stmt.error());
  auto row = stmt->Add(hash).Step();
  if (!row) return Fail(row.error());
  if (!*row) return std::optional<ApiTokenRecord>();
  return std::optional<ApiTokenRecord>(ReadToken(*stmt));
}

Result<std::vector<ApiTokenRecord>> SelectTokens(Connection& conn) {
  auto stmt = conn.Prepare("SELECT " + std::string(kTokenColumns) +
                           " FROM api_tokens ORDER BY created_at, id");
  if (!stmt) return Fail(stmt.error());
  std::vector<ApiTokenRecord> out;
  while (true) {
    auto row = stmt->Step();
    if (!row) return Fail(row.error());
    if (!*row) return out;
    out.push_back(ReadToken(*stmt));
  }
}

Status RevokeTokenRow(Connection& conn, std::string_view id, TimePoint at) {
  auto stmt =
      conn.Prepare("UPDATE api_tokens SET revoked_at = COALESCE(revoked_at, ?) WHERE id = ?");
  if (!stmt) return Fail(stmt.error());
  if (auto st = stmt->Add(at).Add(id).Run(); !st) return st;
  if (conn.Changes() == 0) {
    return MakeError(Code::kNotFound, "no API token with id '" + std::string(id) + "'");
  }
  return Ok();
}

Result<std::optional<IdempotencyRecord>> ClaimIdempotencyRow(Connection& conn,
                                                             const IdempotencyRecord& c) {
  if (c.key.empty() || c.key.size() > 255) {
    return InvalidArgument("Idempotency-Key", "must be 1..255 characters");
  }
  auto find = conn.Prepare(
      "SELECT request_hash, completed, status_code, response_headers, response_body, "
      "created_at, expires_at FROM idempotency_keys WHERE subject = ? AND key = ? "
      "AND expires_at > ?");
  if (!find) return Fail(find.error());
  auto row = find->Add(c.subject).Add(c.key).Add(c.created_at).Step();
  if (!row) return Fail(row.error());
  if (*row) {
    IdempotencyRecord found{c.subject,
                            c.key,
                            find->Text(0),
                            find->Int(1) != 0,
                            static_cast<int>(find->Int(2)),
                            find->Text(3),
                            find->Text(4),
                            find->Time(5),
                            find->Time(6)};
    return std::optional<IdempotencyRecord>(std::move(found));
  }
  auto put = conn.Prepare(
      "INSERT OR REPLACE INTO idempotency_keys (subject, key, request_hash, completed, "
      "status_code, response_headers, response_body, created_at, expires_at) "
      "VALUES (?, ?, ?, 0, 0, '{}', '', ?, ?)");
  if (!put) return Fail(put.error());
  put->Add(c.subject).Add(c.key).Add(c.request_hash).Add(c.created_at).Add(c.expires_at);
  if (auto st = put->Run(); !st) return Fail(st.error());
  return std::optional<IdempotencyRecord>();
}

Status CompleteIdempotencyRow(Connection& conn, std::string_view subject, std::string_view key,
                              int status_code, std::string_view headers, std::string_view body) {
  auto stmt = conn.Prepare(
      "UPDATE idempotency_keys SET completed = 1, status_code = ?, response_headers = ?, "
      "response_body = ? WHERE subject = ? AND key = ?");
  if (!stmt) return Fail(stmt.error());
  stmt->Add(status_code).Add(headers).Add(body).Add(subject).Add(key);
  if (auto st = stmt->Run(); !st) return st;
  if (conn.Changes() == 0) {
    return MakeError(Code::kNotFound, "no claim for idempotency key '" + std::string(key) + "'");
  }
  return Ok();
}

Status DeleteIdempotencyRow(Connection& conn, std::string_view subject, std::string_view key) {
  auto stmt = conn.Prepare("DELETE FROM idempotency_keys WHERE subject = ? AND key = ?");
  if (!stmt) return Fail(stmt.error());
  return stmt->Add(subject).Add(key).Run();
}

Result<int64_t> DeleteExpiredIdempotencyRows(Connection& conn, TimePoint now) {
  auto stmt = conn.Prepare("DELETE FROM idempotency_keys WHERE expires_at <= ?");
  if (!stmt) return Fail(stmt.error());
  if (auto st = stmt->Add(now).Run(); !st) return Fail(st.error());
  return conn.Changes();
}

}  // namespace ccm::store::sqlite
