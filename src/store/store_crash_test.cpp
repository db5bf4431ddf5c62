// Crash safety: a child process writes as fast as it can (worker creates, updates with events,
// purges, standalone events) and is killed with SIGKILL at a chosen moment. The database must
// then open consistent: integrity_check ok, no half-applied change (each worker's version equals
// the number of distinct versions its events record, and its row agrees with its last status
// event), event ids 1..N without holes, and every commit the child reported before it died is
// there.
// GCC 12 warns about members left out of designated initializers (GCC bug 96868).
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"

#include <gtest/gtest.h>
#include <poll.h>
#include <signal.h>
#include <sqlite3.h>
#include <sys/wait.h>
#include <unistd.h>

#include <map>
#include <string>
#include <thread>

#include "store/store.hpp"
#include "store/store_test_util.hpp"
#include "tests/support/process.hpp"

namespace ccm::store {
namespace {

using namespace std::chrono_literals;
using domain::Worker;
using domain::WorkerStatus;

void Report(int fd, Store& store) {
  std::string line = std::to_string(*store.LatestEventId()) + "\n";
  if (write(fd, line.data(), line.size()) < 0) _exit(4);
}

// One write of the loop; which kind depends on i.
void WriteOnce(Store& store, int i, int fd) {
  auto ctx = testing::Ctx(std::chrono::milliseconds(i), "system:crash-writer");
  auto workers = ListAllWorkers(store, {.include_terminated = true});
  if (!workers) _exit(5);
  if (workers->size() < 8 || i % 13 == 0) {
    if (store.CreateWorker(testing::MakeWorker({.name = "w" + std::to_string(i)}))) {
      Report(fd, store);
    }
    return;
  }
  Worker w = (*workers)[static_cast<size_t>(i * 7) % workers->size()];
  if (w.status() == WorkerStatus::kTerminated) {
    if (w.RequestPurge(ctx) && store.DeleteWorker(w)) Report(fd, store);
    return;
  }
  if (i % 17 == 0) {
    w.ObserveGone(ctx);
  } else if (i % 3 == 0) {
    w.ReplaceTags({{"i", std::to_string(i)}}, ctx);
  } else {
    w.ObserveState(
        w.status() == WorkerStatus::kRunning ? WorkerStatus::kStopped : WorkerStatus::kRunning,
        ctx);
  }
  if (i % 11 == 0) {
    if (!store.AppendEvents(
            {domain::MakeOrphanFoundEvent("i-0123abcd", "us-east-1", "", "running", ctx)})) {
      _exit(6);
    }
  }
  if (store.UpdateWorker(w)) Report(fd, store);
}

[[noreturn]] void RunWriter(const std::string& url, int fd, int start) {
  auto store = OpenStore(url);
  if (!store) _exit(3);
  for (int i = start;; ++i) WriteOnce(**store, i, fd);
}

// Reads what the writer reported into `progress`; waits up to `timeout` for at least one line.
void ReadProgress(int fd, std::string& progress, std::chrono::milliseconds timeout) {
  pollfd p{fd, POLLIN, 0};
  while (progress.find('\n') == std::string::npos && poll(&p, 1, timeout.count()) > 0) {
    char buf[4096];
    ssize_t n = read(fd, buf, sizeof buf);
    if (n <= 0) return;
    progress.append(buf, n);
  }
}

// Runs the writer, kills it `delay` after it started (or after its first commit, when
// `after_first_commit`), and returns the last event id it reported committed.
int64_t RunAndKill(const std::string& url, std::chrono::milliseconds delay, int start,
                   bool after_first_commit) {
  int fds[2];
  EXPECT_EQ(pipe(fds), 0);
  pid_t pid = fork();
  if (pid == 0) {
    close(fds[0]);
    RunWriter(url, fds[1], start);
  }
  close(fds[1]);
  std::string progress;
  if (after_first_commit) {
    ReadProgress(fds[0], progress, std::chrono::seconds(20));
    EXPECT_NE(progress.find('\n'), std::string::npos) << "the writer never committed";
  }
  std::this_thread::sleep_for(delay);
  kill(pid, SIGKILL);
  int status = 0;
  waitpid(pid, &status, 0);
  EXPECT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL)
      << "the writer stopped by itself (status " << status << ")";
  char buf[4096];
  ssize_t n;
  while ((n = read(fds[0], buf, sizeof buf)) > 0) progress.append(buf, n);
  close(fds[0]);
  size_t end = progress.rfind('\n');
  if (end == std::string::npos) return 0;
  size_t begin = end == 0 ? std::string::npos : progress.rfind('\n', end - 1);
  begin = begin == std::string::npos ? 0 : begin + 1;
  return std::stoll(progress.substr(begin, end - begin));
}

std::vector<std::vector<std::string>> Rows(sqlite3* db, const std::string& sql) {
  std::vector<std::vector<std::string>> rows;
  sqlite3_stmt* stmt = nullptr;
  EXPECT_EQ(sqlite3_prepare_v2(db, sql.c_str(), -1, &stmt, nullptr), SQLITE_OK) << sql;
  while (sqlite3_step(stmt) == SQLITE_ROW) {
    std::vector<std::string> row;
    for (int c = 0; c < sqlite3_column_count(stmt); ++c) {
      auto* text = sqlite3_column_text(stmt, c);
      row.push_back(text ? reinterpret_cast<const char*>(text) : "");
    }
    rows.push_back(std::move(row));
  }
  sqlite3_finalize(stmt);
  return rows;
}

// Returns the number of events, after checking every invariant.
int64_t CheckConsistent(const std::string& path, int64_t reported) {
  sqlite3* db = nullptr;
  EXPECT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
  EXPECT_EQ(Rows(db, "PRAGMA integrity_check"), (decltype(Rows(db, "")){{"ok"}}));
  EXPECT_TRUE(Rows(db, "PRAGMA foreign_key_check").empty());
  // Opening completes whatever the crash interrupted (e.g. the first migrations).
  {
    auto store = OpenStore("sqlite:" + path);
    EXPECT_TRUE(store) << (store ? "" : store.error().ToString());
    if (!store) return 0;
  }
  auto ids = Rows(db, "SELECT COUNT(*), COALESCE(MIN(id), 0), COALESCE(MAX(id), 0) FROM events");
  int64_t count = std::stoll(ids[0][0]);
  if (count > 0) {
    EXPECT_EQ(ids[0][1], "1");
  }
  EXPECT_EQ(ids[0][2], std::to_string(count)) << "event ids have holes";
  EXPECT_GE(count, reported) << "a commit the writer saw succeed is missing";
  // Every worker row matches its events: versions 1..v each recorded, and its status is the
  // one its last status event (or its creation) says.
  auto mismatched = Rows(db, R"sql(
    SELECT w.id, w.version, w.status,
      (SELECT COUNT(DISTINCT worker_version) FROM events e WHERE e.worker_id = w.id),
      (SELECT MAX(worker_version) FROM events e WHERE e.worker_id = w.id),
      COALESCE((SELECT json_extract(data, '$.to') FROM events e
                WHERE e.worker_id = w.id AND e.type = 'worker.status_changed'
                ORDER BY e.id DESC LIMIT 1),
               (SELECT json_extract(data, '$.status') FROM events e
                WHERE e.worker_id = w.id AND e.type = 'worker.created'))
    FROM workers w)sql");
  for (const auto& r : mismatched) {
    EXPECT_EQ(r[1], r[3]) << "worker " << r[0] << ": version vs distinct event versions";
    EXPECT_EQ(r[1], r[4]) << "worker " << r[0] << ": version vs newest event version";
    EXPECT_EQ(r[2], r[5]) << "worker " << r[0] << ": status vs last status event";
  }
  auto purged_rows = Rows(db,
                          "SELECT COUNT(*) FROM events e JOIN workers w ON w.id = e.worker_id "
                          "WHERE e.type = 'worker.deleted'");
  EXPECT_EQ(purged_rows[0][0], "0") << "a purged worker still has its row";
  sqlite3_close(db);
  return count;
}

TEST(StoreCrash, KilledWriterLeavesAConsistentDatabase) {
  std::string path = ::ccm::testing::MakeTempDir("store-crash") + "/ccm.db";
  std::string url = "sqlite:" + path;
  struct Kill {
    int delay_ms;
    bool after_first_commit;  // else from the fork: the first kills land in create/migrate
  };
  const Kill kills[] = {{0, false},  {2, false},  {5, false}, {15, false}, {0, true},
                        {1, true},   {3, true},   {10, true}, {30, true},  {60, true},
                        {100, true}, {200, true}, {7, true},  {45, true},  {150, true}};
  int64_t events = 0;
  int start = 1;
  int rounds_with_commits = 0;
  for (const Kill& k : kills) {
    SCOPED_TRACE("kill after " + std::to_string(k.delay_ms) + " ms" +
                 (k.after_first_commit ? " from the first commit" : " from the start"));
    int64_t reported =
        RunAndKill(url, std::chrono::milliseconds(k.delay_ms), start, k.after_first_commit);
    int64_t now = CheckConsistent(path, reported);
    EXPECT_GE(now, events) << "nothing committed before is lost";
    rounds_with_commits += now > events;
    std::printf("kill %3d ms after %-12s %6lld events (writer had reported %lld)\n", k.delay_ms,
                k.after_first_commit ? "1st commit:" : "start:", static_cast<long long>(now),
                static_cast<long long>(reported));
    events = now;
    start += 100000;
  }
  EXPECT_GE(rounds_with_commits, 10) << "the writer should have made progress in most rounds";
}

}  // namespace
}  // namespace ccm::store
