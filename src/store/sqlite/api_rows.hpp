#pragma once
// The api_tokens and idempotency_keys tables. Callers hold the connection (and a transaction
// where a read-then-write must be atomic). Not thread-safe on its own.
#include <optional>
#include <string_view>
#include <vector>

#include "store/sqlite/connection.hpp"
#include "store/store.hpp"

namespace ccm::store::sqlite {

Status InsertTokenRow(Connection& conn, const ApiTokenRecord& token);
Result<std::optional<ApiTokenRecord>> SelectTokenByHash(Connection& conn, std::string_view hash);
Result<std::vector<ApiTokenRecord>> SelectTokens(Connection& conn);
Status RevokeTokenRow(Connection& conn, std::string_view id, TimePoint at);

// Inside a transaction: the unexpired record for (subject, key), or inserts `claim`.
Result<std::optional<IdempotencyRecord>> ClaimIdempotencyRow(Connection& conn,
                                                             const IdempotencyRecord& claim);
Status CompleteIdempotencyRow(Connection& conn, std::string_view subject, std::string_view key,
                              int status_code, std::string_view headers, std::string_view body);
Status DeleteIdempotencyRow(Connection& conn, std::string_view subject, std::string_view key);
Result<int64_t> DeleteExpiredIdempotencyRows(Connection& conn, TimePoint now);

}  // namespace ccm::store::sqlite
