// Opening: URLs, migrations (idempotent, resumable, version guard), pragmas, threads.
// GCC 12 warns about members left out of designated initializers (GCC bug 96868); leaving
// them at their defaults is the point of the filter structs.
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"

#include <gtest/gtest.h>
#include <sqlite3.h>
#include <sys/stat.h>

#include <atomic>
#include <thread>

#include "store/sqlite/migrations.hpp"
#include "store/store.hpp"
#include "store/store_test_util.hpp"
#include "tests/support/process.hpp"

namespace ccm::store {
namespace {

using namespace std::chrono_literals;
using testing::Ctx;
using testing::Stored;

std::string Query(const std::string& path, const std::string& sql) {
  sqlite3* db = nullptr;
  EXPECT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
  std::string out;
  sqlite3_exec(
      db, sql.c_str(),
      [](void* arg, int n, char** values, char**) {
        auto* text = static_cast<std::string*>(arg);
        for (int i = 0; i < n; ++i)
          *text += (i ? "|" : "") + std::string(values[i] ? values[i] : "");
        *text += "\n";
        return 0;
      },
      &out, nullptr);
  sqlite3_close(db);
  return out;
}

TEST(OpenStore, CreatesParentDirectoriesAndMigratesOnce) {
  std::string dir = ::ccm::testing::MakeTempDir("store-open") + "/deep/er";
  std::string path = dir + "/ccm.db";
  std::string id;
  {
    auto store = OpenStore("sqlite:" + path);
    ASSERT_TRUE(store) << store.error().ToString();
    EXPECT_EQ((*store)->Describe(), "sqlite:" + path + " (schema 3)");
    EXPECT_TRUE((*store)->Ping());
    id = Stored(**store, {}).id();
    EXPECT_TRUE((*store)->Flush());
  }
  EXPECT_EQ(Query(path, "SELECT version, name FROM schema_migrations ORDER BY version"),
            "1|workers and event log\n2|api tokens and idempotency keys\n"
            "3|prunable telemetry events\n");
  EXPECT_EQ(Query(path, "PRAGMA journal_mode"), "wal\n");
  for (int i = 0; i < 2; ++i) {
    auto again = OpenStore("sqlite://" + path + "?synchronous=full&busy_timeout_ms=100");
    ASSERT_TRUE(again) << again.error().ToString();
    EXPECT_EQ((*again)->GetWorker(id)->id(), id) << "data survives reopening";
  }
  EXPECT_EQ(Query(path, "SELECT COUNT(*) FROM schema_migrations"), "3\n") << "applied once";
}

TEST(OpenStore, ResumesAfterAPartialMigrationHistory) {
  std::string path = ::ccm::testing::MakeTempDir("store-resume") + "/ccm.db";
  {
    // A database left at schema 1 (as if ccm stopped between migrations).
    auto conn = sqlite::Connection::Open(path, {});
    ASSERT_TRUE(conn);
    ASSERT_TRUE((*conn)->Exec(
        "CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, "
        "applied_at INTEGER NOT NULL)"));
    ASSERT_TRUE((*conn)->Exec(std::string(sqlite::Migrations()[0].sql)));
    ASSERT_TRUE((*conn)->Exec("INSERT INTO schema_migrations VALUES (1, 'workers', 0)"));
  }
  auto store = OpenStore("sqlite:" + path);
  ASSERT_TRUE(store) << store.error().ToString();
  EXPECT_TRUE((*store)->ListApiTokens());
  EXPECT_EQ(Query(path, "SELECT MAX(version) FROM schema_migrations"), "3\n");
}

TEST(OpenStore, RefusesADatabaseFromANewerCcm) {
  std::string path = ::ccm::testing::MakeTempDir("store-newer") + "/ccm.db";
  ASSERT_TRUE(OpenStore("sqlite:" + path));
  Query(path, "INSERT INTO schema_migrations VALUES (99, 'future', 0)");
  auto store = OpenStore("sqlite:" + path);
  ASSERT_FALSE(store);
  EXPECT_EQ(store.error().code, Code::kFailedPrecondition);
  EXPECT_NE(store.error().message.find("schema version 99"), std::string::npos);
}

TEST(OpenStore, BadUrlsNameTheSetting) {
  for (const char* url : {"postgres://db/ccm", "mysql:x", "sqlite:", "sqlite:/tmp/x.db?mode=ro",
                          "sqlite:/tmp/x.db?synchronous=sometimes", "ccm.db"}) {
    auto store = OpenStore(url);
    ASSERT_FALSE(store) << url;
    EXPECT_EQ(store.error().code, Code::kInvalidArgument) << url;
    EXPECT_EQ(store.error().field, "database_url") << url;
  }
  std::string file = ::ccm::testing::MakeTempDir("store-blocked") + "/file";
  ASSERT_EQ(Query(file, "CREATE TABLE t (x)"), "");  // a plain file where a directory must go
  auto blocked = OpenStore("sqlite:" + file + "/sub/ccm.db");
  ASSERT_FALSE(blocked);
  EXPECT_EQ(blocked.error().field, "database_url");
  auto garbage_dir = ::ccm::testing::MakeTempDir("store-garbage");
  FILE* f = std::fopen((garbage_dir + "/ccm.db").c_str(), "w");
  std::fputs("this is not a database, it is a text file of some length............", f);
  std::fclose(f);
  auto garbage = OpenStore("sqlite:" + garbage_dir + "/ccm.db");
  ASSERT_FALSE(garbage);
  EXPECT_EQ(garbage.error().code, Code::kDataLoss);
}

TEST(OpenStore, AMangledRowIsDataLossNotACrash) {
  std::string path = ::ccm::testing::MakeTempDir("store-mangled") + "/ccm.db";
  auto store = OpenStore("sqlite:" + path);
  ASSERT_TRUE(store);
  std::string id = Stored(**store, {}).id();
  Query(path, "UPDATE workers SET status = 'exploded' WHERE id = '" + id + "'");
  auto got = (*store)->GetWorker(id);
  ASSERT_FALSE(got);
  EXPECT_EQ(got.error().code, Code::kDataLoss);
  EXPECT_NE(got.error().message.find("unknown status 'exploded'"), std::string::npos);
  Query(path, "UPDATE workers SET status = 'stopped', tags = '[1' WHERE id = '" + id + "'");
  EXPECT_EQ((*store)->GetWorker(id).error().code, Code::kDataLoss);
  EXPECT_EQ((*store)->ListWorkers({}, {}).error().code, Code::kDataLoss);
}

TEST(OpenStore, MemoryStoresArePrivate) {
  auto a = testing::OpenMemory();
  auto b = testing::OpenMemory();
  Stored(*a, {});
  EXPECT_EQ(a->ListWorkers({}, {})->total, 1);
  EXPECT_EQ(b->ListWorkers({}, {})->total, 0);
  EXPECT_EQ(a->Describe(), "sqlite::memory: (schema 3)");
}

TEST(OpenStore, ManyThreadsUpdatingOneWorkerLoseNothing) {
  std::string path = ::ccm::testing::MakeTempDir("store-threads") + "/ccm.db";
  auto opened = OpenStore("sqlite:" + path);
  ASSERT_TRUE(opened);
  Store& store = **opened;
  std::string id = Stored(store, {}).id();
  constexpr int kThreads = 4;
  constexpr int kEach = 25;
  std::atomic<int> aborted{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kEach;) {
        domain::Worker w = *store.GetWorker(id);
        domain::Tags tags = w.record().tags;
        tags["t" + std::to_string(t)] = std::to_string(i + 1);
        EXPECT_TRUE(w.ReplaceTags(tags, Ctx(1s)));
        auto written = store.UpdateWorker(w);
        if (written) {
          ++i;
        } else {
          EXPECT_EQ(written.error().code, Code::kAborted);
          ++aborted;
        }
      }
    });
  }
  for (auto& t : threads) t.join();
  domain::Worker w = *store.GetWorker(id);
  EXPECT_EQ(w.version(), 1 + kThreads * kEach);
  for (int t = 0; t < kThreads; ++t) EXPECT_EQ(w.record().tags.at("t" + std::to_string(t)), "25");
  EXPECT_EQ(*store.LatestEventId(), 1 + kThreads * kEach);
  std::printf("optimistic retries under contention: %d\n", aborted.load());
}

}  // namespace
}  // namespace ccm::store
