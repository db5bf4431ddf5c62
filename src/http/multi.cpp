#include "http/multi.hpp"

#include <curl/curl.h>

#include <algorithm>
#include <deque>
#include <unordered_map>
#include <utility>

#include "http/internal/curl_easy.hpp"

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

}  // namespace

struct MultiExecutor::Impl {
  MultiOptions options;
  CURLM* multi = nullptr;
  std::deque<Transfer> pending;
  std::unordered_map<CURL*, Transfer> running;

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

  // Hands every finished transfer to its completion.
  void CollectFinished(MultiStats& stats) {
    int left = 0;
    while (CURLMsg* msg = curl_multi_info_read(multi, &left)) {
      if (msg->msg != CURLMSG_DONE) continue;
      CURL* handle = msg->easy_handle;
      CURLcode rc = msg->data.result;
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
};

MultiExecutor::MultiExecutor(MultiOptions options) : impl_(std::make_unique<Impl>()) {
  internal::GlobalInit();
  if (options.max_concurrent == 0) options.max_concurrent = 1;
  if (options.max_idle_connections == 0) options.max_idle_connections = options.max_concurrent;
  impl_->options = options;
  impl_->multi = curl_multi_init();
  if (impl_->multi) {
    curl_multi_setopt(impl_->multi, CURLMOPT_MAXCONNECTS,
                      static_cast<long>(options.max_idle_connections));
  }
}

MultiExecutor::~MultiExecutor() {
  if (!impl_->multi) return;
  for (auto& [handle, transfer] : impl_->running) curl_multi_remove_handle(impl_->multi, handle);
  impl_->running.clear();
  curl_multi_cleanup(impl_->multi);
}

void MultiExecutor::Add(Request request, Completion done) {
  Transfer t;
  t.request = std::make_unique<Request>(std::move(request));
  t.done = std::move(done);
  impl_->pending.push_back(std::move(t));
}

void MultiExecutor::Run() {
  Impl& m = *impl_;
  if (!m.multi) {
    while (!m.pending.empty()) {
      Transfer t = std::move(m.pending.front());
      m.pending.pop_front();
      Impl::Complete(std::move(t), Fail(InternalError("curl_multi_init failed")), stats_);
    }
    return;
  }
  while (!m.pending.empty() || !m.running.empty()) {
    m.StartQueued(stats_);
    if (m.running.empty()) continue;  // everything queued completed at once; look again
    int still_running = 0;
    CURLMcode rc = curl_multi_perform(m.multi, &still_running);
    m.CollectFinished(stats_);
    if (rc != CURLM_OK) {
      // The multi handle is broken: fail what is in flight rather than spin.
      for (auto& [handle, t] : m.running) {
        curl_multi_remove_handle(m.multi, handle);
        Impl::Complete(std::move(t), Fail(InternalError(curl_multi_strerror(rc))), stats_);
      }
      m.running.clear();
      continue;
    }
    bool can_start_more = !m.pending.empty() && m.running.size() < m.options.max_concurrent;
    if (!m.running.empty() && !can_start_more) {
      curl_multi_poll(m.multi, nullptr, 0, 1000, nullptr);
    }
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
