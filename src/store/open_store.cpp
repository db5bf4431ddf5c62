// OpenStore: picks the implementation from the database URL.
#include <filesystem>
#include <system_error>

#include "store/sqlite/sqlite_store.hpp"
#include "store/store.hpp"

namespace ccm::store {
namespace {

constexpr std::string_view kField = "database_url";

Status ParseSqliteOption(std::string_view option, sqlite::ConnectionOptions& out) {
  size_t eq = option.find('=');
  std::string_view name = option.substr(0, eq);
  std::string_view value = eq == std::string_view::npos ? "" : option.substr(eq + 1);
  if (name == "synchronous" && (value == "normal" || value == "full")) {
    out.full_sync = value == "full";
    return Ok();
  }
  if (name == "busy_timeout_ms" && !value.empty() && value.size() <= 7 &&
      value.find_first_not_of("0123456789") == std::string_view::npos) {
    out.busy_timeout_ms = std::stoi(std::string(value));
    return Ok();
  }
  return InvalidArgument(std::string(kField),
                         "unknown or malformed option '" + std::string(option) +
                             "' (known: synchronous=normal|full, busy_timeout_ms=N)");
}

Result<std::unique_ptr<Store>> OpenSqlite(std::string_view rest) {
  size_t question = rest.find('?');
  std::string path(rest.substr(0, question));
  sqlite::ConnectionOptions options;
  if (question != std::string_view::npos) {
    std::string_view query = rest.substr(question + 1);
    while (!query.empty()) {
      size_t amp = query.find('&');
      if (auto st = ParseSqliteOption(query.substr(0, amp), options); !st) return Fail(st.error());
      query = amp == std::string_view::npos ? "" : query.substr(amp + 1);
    }
  }
  if (path.rfind("//", 0) == 0) path = path.substr(2);  // sqlite:///abs/path
  if (path.empty()) {
    return InvalidArgument(std::string(kField), "sqlite: needs a file path or :memory:");
  }
  if (path != ":memory:") {
    std::filesystem::path parent = std::filesystem::path(path).parent_path();
    std::error_code ec;
    if (!parent.empty()) std::filesystem::create_directories(parent, ec);
    if (ec) {
      Error e{Code::kFailedPrecondition,
              std::string(kField) + ": cannot create directory " + parent.string() + ": " +
                  ec.message(),
              {},
              false,
              {},
              std::string(kField)};
      return Fail(e);
    }
  }
  auto store = sqlite::SqliteStore::Open(path, options);
  if (!store) return Fail(store.error());
  return std::unique_ptr<Store>(std::move(*store));
}

}  // namespace

Result<std::unique_ptr<Store>> OpenStore(std::string_view url) {
  constexpr std::string_view kSqlite = "sqlite:";
  if (url.substr(0, kSqlite.size()) == kSqlite) return OpenSqlite(url.substr(kSqlite.size()));
  size_t colon = url.find(':');
  std::string scheme(colon == std::string_view::npos ? url : url.substr(0, colon));
  return InvalidArgument(std::string(kField),
                         "unsupported database '" + scheme +
                             "'; this build stores in SQLite: sqlite:PATH or sqlite::memory:");
}

Result<std::vector<domain::Worker>> ListAllWorkers(WorkerStore& store, const WorkerFilter& filter) {
  std::vector<domain::Worker> all;
  PageRequest page{kMaxPageSize, ""};
  while (true) {
    auto batch = store.ListWorkers(filter, page);
    if (!batch) return Fail(batch.error());
    for (auto& w : batch->workers) all.push_back(std::move(w));
    if (batch->next_cursor.empty()) return all;
    page.cursor = batch->next_cursor;
  }
}

}  // namespace ccm::store
