#pragma once
// Many HTTP requests at once on ONE thread, with libcurl's multi interface.
//
// MultiExecutor queues Requests, each with its own completion; Run() drives every transfer until
// the queue and the in-flight set are both empty, starting at most `max_concurrent` transfers at a
// time. Completions run on the thread that called Run(), one at a time, and may Add() further
// requests (so a caller can chain "login, then the authenticated calls" per peer without a
// barrier between steps). Connections are kept in the executor's cache between requests and
// between Run() calls, so a later call to the same host reuses its TCP/TLS connection.
//
// Threading: an executor is used by one thread at a time (Add() and Run() from the same thread, or
// Add() before handing it over). Completions must not throw.
// Errors: each completion receives what http::Perform would return for that Request: the Response
// (any HTTP status), or the transport Error (timeout, refused, TLS, size cap).
#include <cstddef>
#include <functional>
#include <memory>
#include <vector>

#include "http/http_client.hpp"

namespace ccm::http {

struct MultiOptions {
  // Transfers running at the same time; further requests wait in the queue. At least 1.
  size_t max_concurrent = 256;
  // Idle connections kept for reuse (libcurl's CURLMOPT_MAXCONNECTS); 0 = max_concurrent.
  size_t max_idle_connections = 0;
};

struct MultiStats {
  size_t started = 0;
  size_t completed = 0;
  size_t peak_in_flight = 0;
  size_t connections_opened = 0;  // new TCP connections (the rest reused cached ones)
};

class MultiExecutor {
 public:
  using Completion = std::function<void(Result<Response>)>;

  explicit MultiExecutor(MultiOptions options = {});
  ~MultiExecutor();
  MultiExecutor(const MultiExecutor&) = delete;
  MultiExecutor& operator=(const MultiExecutor&) = delete;

  // Queues a request; `done` runs exactly once, inside Run().
  void Add(Request request, Completion done);
  // Runs until nothing is queued or in flight. Returns immediately when idle.
  void Run();
  // Changes how many idle connections are kept for reuse (e.g. one per peer about to be probed).
  void SetMaxIdleConnections(size_t count);
  // Counters since construction.
  const MultiStats& stats() const { return stats_; }

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
  MultiStats stats_;
};

// Convenience: runs every request concurrently (capped) and returns the results in order.
std::vector<Result<Response>> PerformAll(std::vector<Request> requests, MultiOptions options = {});

}  // namespace ccm::http
