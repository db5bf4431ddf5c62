#pragma once
// Versioned schema migrations for the SQLite store. Each migration runs in its own IMMEDIATE
// transaction together with its row in schema_migrations, so a crash leaves the schema at a
// whole version; opening again resumes from there. Applying is idempotent, and safe when two
// processes open the same file at once (the version is re-read under the write lock).
#include <string_view>
#include <vector>

#include "core/error.hpp"
#include "store/sqlite/connection.hpp"

namespace ccm::store::sqlite {

struct Migration {
  int version;
  std::string_view name;
  std::string_view sql;
};

const std::vector<Migration>& Migrations();
int LatestSchemaVersion();

// Brings the schema up to LatestSchemaVersion(); kFailedPrecondition if the database was
// written by a newer ccm (a higher version than we know). Returns the resulting version.
Result<int> ApplyMigrations(Connection& conn, TimePoint now);

}  // namespace ccm::store::sqlite
