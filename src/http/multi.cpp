#include "http/multi.hpp"

#include <curl/curl.h>
#include <sys/epoll.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <deque>
#include <optional>
#include <unordered_map>
#include <utility>

#include "http/internal/curl_easy.hpp"

// The loop uses curl's socket interface (curl_multi_socket_action) with our own epoll set, so each
// wake-up only touches the transfers whose sockets are ready. curl_multi_perform would walk every
// transfer in flight on every wake-up, which costs O(in flight) per answer at 1000 transfers.
namespace ccm::http {

namespace {

// A request and its completion; the EasyCall refers to `request`, so both live together.
struct Transfer {
  std::unique_ptr<Request> request;
  MultiExecutor::Completion done;
  std::unique_ptr<internal::EasyCall> call;
};

Error InternalError(const std::string& what) {
  return Error{Code::kInternal, what, "CurlMulti", false, {}, {}};
}

using SteadyTime = std::chrono::steady_clock::time_point;

}  // namespace

struct MultiExecutor::Impl {
  MultiOptions options;
  CURLM* multi = nullptr;
  int epoll_fd = -1;
  std::optional<SteadyTime> timer;  // when curl wants CURL_SOCKET_TIMEOUT; nullopt = no timer
  std::deque<Transfer> pending;
  std::unordered_map<CURL*, Transfer> running;

  static int OnSocket(CURL*, curl_socket_t fd, int what, void* self_ptr, void*) {
    auto* self = static_cast<Impl*>(self_ptr);
    if (what == CURL_POLL_REMOVE) {
      epoll_ctl(self->epoll_fd, EPOLL_CTL_DEL, fd, nullptr);
      return 0;
    }
    epoll_event ev{};
    ev.data.fd = fd;
    if (what & CURL_POLL_IN) ev.events |= EPOLLIN;
    if (what & CURL_POLL_OUT) ev.events |= EPOLLOUT;
    if (epoll_ctl(self->epoll_fd, EPOLL_CTL_MOD, fd, &ev) != 0 && errno == ENOENT) {
      epoll_ctl(self->epoll_fd, EPOLL_CTL_ADD, fd, &ev);
    }
    return 0;
  }

  static int OnTimer(CURLM*, long timeout_ms, void* self_ptr) {
    auto* self = static_cast<Impl*>(self_ptr);
    if (timeout_ms < 0) {
      self->timer.reset();
    } else {
      self->timer = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
    }
    return 0;
  }

  // Starts queued transfers up to the cap. Transfers that cannot start complete at once.
  void StartQueued(MultiStats& stats) {
    while (!pending.empty() && running.size() < options.max_concurrent) {
      Transfer t = std::move(pending.front());
      pending.pop_front();
      t.call = std::make_unique<internal::EasyCall>(*t.request);
      if (!t.call->ok()) {
        Error error = t.call->setup_error();
        Complete(std::move(t), Fail(std::move(error)), stats);
        continue;
      }
      CURL* handle = t.call->handle();
      CURLMcode rc = curl_multi_add_handle(multi, handle);
      if (rc != CURLM_OK) {
        Complete(std::move(t), Fail(InternalError(curl_multi_strerror(rc))), stats);
        continue;
      }
      ++stats.started;
      running.emplace(handle, std::move(t));
      stats.peak_in_flight = std::max(stats.peak_in_flight, running.size());
    }
  }

  // Waits for ready sockets or curl's timer (at most 1 s) and lets curl act on them.
  void WaitAndAct() {
    int wait_ms = 1000;
    if (timer) {
      auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
          *timer - std::chrono::steady_clock::now());
      wait_ms = static_cast<int>(std::clamp<int64_t>(left.count(), 0, 1000));
    }
    epoll_event events[256];
    int n = epoll_wait(epoll_fd, events, 256, wait_ms);
    int still_running = 0;
    for (int i = 0; i < n; ++i) {
      int flags = 0;
      if (events[i].events & EPOLLIN) flags |= CURL_CSELECT_IN;
      if (events[i].events & EPOLLOUT) flags |= CURL_CSELECT_OUT;
      if (events[i].events & (EPOLLERR | EPOLLHUP)) flags |= CURL_CSELECT_ERR;
      curl_multi_socket_action(multi, events[i].data.fd, flags, &still_running);
    }
    if (timer && std::chrono::steady_clock::now() >= *timer) {
      timer.reset();
      curl_multi_socket_action(multi, CURL_SOCKET_TIMEOUT, 0, &still_running);
    }
  }

  // Hands every finished transfer to its completion.
  void CollectFinished(MultiStats& stats) {
    int left = 0;
    while (CURLMsg* msg = curl_multi_info_read(multi, &left)) {
      if (msg->msg != CURLMSG_DONE) continue;
      CURL* handle = msg->easy_handle;
      CURLcode rc = msg->data.result;
      long connects = 0;
      if (curl_easy_getinfo(handle, CURLINFO_NUM_CONNECTS, &connects) == CURLE_OK) {
        stats.connections_opened += static_cast<size_t>(connects);
      }
      auto it = running.find(handle);
      curl_multi_remove_handle(multi, handle);
      if (it == running.end()) continue;
      Transfer t = std::move(it->second);
      running.erase(it);
      Result<Response> result = t.call->Finish(rc);
      Complete(std::move(t), std::move(result), stats);
    }
  }

  static void Complete(Transfer t, Result<Response> result, MultiStats& stats) {
    ++stats.completed;
    Completion done = std::move(t.done);
    t.call.reset();  // free the handle before the completion queues more work
    done(std::move(result));
  }

  void FailAll(const std::string& why, MultiStats& stats) {
    for (auto& [handle, t] : running) {
      curl_multi_remove_handle(multi, handle);
      pending.push_front(std::move(t));
    }
    running.clear();
    while (!pending.empty()) {
      Transfer t = std::move(pending.front());
      pending.pop_front();
      Complete(std::move(t), Fail(InternalError(why)), stats);
    }
  }
};

MultiExecutor::MultiExecutor(MultiOptions options) : impl_(std::make_unique<Impl>()) {
  internal::GlobalInit();
  if (options.max_concurrent == 0) options.max_concurrent = 1;
  if (options.max_idle_connections == 0) options.max_idle_connections = options.max_concurrent;
  Impl& m = *impl_;
  m.options = options;
  m.epoll_fd = epoll_create1(EPOLL_CLOEXEC);
  m.multi = curl_multi_init();
  if (!m.multi) return;
  curl_multi_setopt(m.multi, CURLMOPT_MAXCONNECTS, static_cast<long>(options.max_idle_connections));
  curl_multi_setopt(m.multi, CURLMOPT_SOCKETFUNCTION, &Impl::OnSocket);
  curl_multi_setopt(m.multi, CURLMOPT_SOCKETDATA, &m);
  curl_multi_setopt(m.multi, CURLMOPT_TIMERFUNCTION, &Impl::OnTimer);
  curl_multi_setopt(m.multi, CURLMOPT_TIMERDATA, &m);
}

MultiExecutor::~MultiExecutor() {
  Impl& m = *impl_;
  if (m.multi) {
    for (auto& [handle, transfer] : m.running) curl_multi_remove_handle(m.multi, handle);
    m.running.clear();
    curl_multi_cleanup(m.multi);  // closes cached connections (socket callbacks still valid)
  }
  if (m.epoll_fd >= 0) close(m.epoll_fd);
}

void MultiExecutor::SetMaxIdleConnections(size_t count) {
  impl_->options.max_idle_connections = std::max<size_t>(count, 1);
  if (impl_->multi) {
    curl_multi_setopt(impl_->multi, CURLMOPT_MAXCONNECTS,
                      static_cast<long>(impl_->options.max_idle_connections));
  }
}

void MultiExecutor::Add(Request request, Completion done) {
  Transfer t;
  t.request = std::make_unique<Request>(std::move(request));
  t.done = std::move(done);
  impl_->pending.push_back(std::move(t));
}

void MultiExecutor::Run() {
  Impl& m = *impl_;
  if (!m.multi || m.epoll_fd < 0) {
    m.FailAll(m.multi ? "epoll_create1 failed" : "curl_multi_init failed", stats_);
    return;
  }
  while (!m.pending.empty() || !m.running.empty()) {
    m.StartQueued(stats_);
    if (m.running.empty()) continue;  // everything queued completed at once; look again
    m.WaitAndAct();
    m.CollectFinished(stats_);
  }
}

std::vector<Result<Response>> PerformAll(std::vector<Request> requests, MultiOptions options) {
  std::vector<Result<Response>> results(requests.size(), Fail(InternalError("not run")));
  MultiExecutor executor(options);
  for (size_t i = 0; i < requests.size(); ++i) {
    executor.Add(std::move(requests[i]),
                 [&results, i](Result<Response> r) { results[i] = std::move(r); });
  }
  executor.Run();
  return results;
}

}  // namespace ccm::http
