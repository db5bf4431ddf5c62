#pragma once
// A shared, ordered record of the calls fakes receive ("ec2:StopInstances",
// "cml:DeregisterLicence"...), so tests can assert the order of calls across services.
// Thread-safe.
#include <algorithm>
#include <mutex>
#include <string>
#include <vector>

namespace ccm::control::testing {

class CallLog {
 public:
  void Add(std::string call) {
    std::lock_guard lock(mu_);
    calls_.push_back(std::move(call));
  }
  std::vector<std::string> calls() const {
    std::lock_guard lock(mu_);
    return calls_;
  }
  int Count(const std::string& call) const {
    std::lock_guard lock(mu_);
    return static_cast<int>(std::count(calls_.begin(), calls_.end(), call));
  }
  // Position of the first such call, -1 when absent.
  int IndexOf(const std::string& call) const {
    std::lock_guard lock(mu_);
    auto it = std::find(calls_.begin(), calls_.end(), call);
    return it == calls_.end() ? -1 : static_cast<int>(it - calls_.begin());
  }
  void Clear() {
    std::lock_guard lock(mu_);
    calls_.clear();
  }

 private:
  mutable std::mutex mu_;
  std::vector<std::string> calls_;
};

}  // namespace ccm::control::testing
