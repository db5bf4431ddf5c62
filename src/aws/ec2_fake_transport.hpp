#pragma once
// Test and benchmark helpers around QueryTransport (header-only, no I/O):
// - ScriptedTransport answers each action from a script of recorded XML bodies or Errors, or from
//   a handler, and records every call. A call with nothing scripted fails the test loudly
//   (kInternal "unexpected call") instead of inventing an answer.
// - CountingTransport wraps another transport and counts calls per action.
// Both are thread-safe.
#include <deque>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "aws/query_transport.hpp"

namespace ccm::aws {

// The value of a form parameter of a recorded call, or "" when absent.
inline std::string Param(const QueryCall& call, const std::string& name) {
  for (const auto& [k, v] : call.params) {
    if (k == name) return v;
  }
  return "";
}

inline bool HasParam(const QueryCall& call, const std::string& name) {
  for (const auto& p : call.params) {
    if (p.first == name) return true;
  }
  return false;
}

class ScriptedTransport final : public QueryTransport {
 public:
  using Handler = std::function<Result<std::string>(const QueryCall&)>;

  // Queues one answer for action; answers are used once each, in order.
  void Reply(const std::string& action, std::string xml) {
    std::lock_guard<std::mutex> lock(mu_);
    script_[action].push_back(Result<std::string>(std::move(xml)));
  }
  void Fail(const std::string& action, Error error) {
    std::lock_guard<std::mutex> lock(mu_);
    script_[action].push_back(tl::unexpected<Error>(std::move(error)));
  }
  // Answers every call of action not covered by queued answers.
  void On(const std::string& action, Handler handler) {
    std::lock_guard<std::mutex> lock(mu_);
    handlers_[action] = std::move(handler);
  }

  Result<std::string> Call(const QueryCall& call) override {
    Handler handler;
    {
      std::lock_guard<std::mutex> lock(mu_);
      calls_.push_back(call);
      auto& queue = script_[call.action];
      if (!queue.empty()) {
        Result<std::string> answer = std::move(queue.front());
        queue.pop_front();
        return answer;
      }
      auto it = handlers_.find(call.action);
      if (it == handlers_.end()) {
        return tl::unexpected<Error>(
            Error{Code::kInternal, "unexpected call " + call.action, {}, false, {}, {}});
      }
      handler = it->second;
    }
    return handler(call);
  }

  std::vector<QueryCall> calls() const {
    std::lock_guard<std::mutex> lock(mu_);
    return calls_;
  }
  std::vector<QueryCall> calls(const std::string& action) const {
    std::lock_guard<std::mutex> lock(mu_);
    std::vector<QueryCall> out;
    for (const auto& c : calls_) {
      if (c.action == action) out.push_back(c);
    }
    return out;
  }

 private:
  mutable std::mutex mu_;
  std::map<std::string, std::deque<Result<std::string>>> script_;
  std::map<std::string, Handler> handlers_;
  std::vector<QueryCall> calls_;
};

class CountingTransport final : public QueryTransport {
 public:
  // inner must outlive this object.
  explicit CountingTransport(QueryTransport& inner) : inner_(inner) {}

  Result<std::string> Call(const QueryCall& call) override {
    {
      std::lock_guard<std::mutex> lock(mu_);
      ++counts_[call.action];
    }
    return inner_.Call(call);
  }

  std::map<std::string, int> counts() const {
    std::lock_guard<std::mutex> lock(mu_);
    return counts_;
  }
  int count(const std::string& action) const {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = counts_.find(action);
    return it == counts_.end() ? 0 : it->second;
  }
  void Clear() {
    std::lock_guard<std::mutex> lock(mu_);
    counts_.clear();
  }

 private:
  QueryTransport& inner_;
  mutable std::mutex mu_;
  std::map<std::string, int> counts_;
};

}  // namespace ccm::aws
