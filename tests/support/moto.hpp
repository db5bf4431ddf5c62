#pragma once
// A moto_server owned by a test: started on a free loopback port, reset between tests, stopped
// with the object. When moto_server is not installed, Start() fails the test with a clear message.
#include <string>

#include "tests/support/process.hpp"

namespace ccm::testing {

class MotoServer {
 public:
  // auth_after: when >= 0, INITIAL_NO_AUTH_ACTION_COUNT=auth_after (moto then checks SigV4).
  // Returns "" on success or the reason it could not start.
  std::string Start(int auth_after = -1);
  std::string endpoint() const { return "http://127.0.0.1:" + std::to_string(port_); }
  int port() const { return port_; }
  // POST /moto-api/reset: forget every resource (isolates tests).
  bool Reset();
  void Stop() { process_.Stop(); }

 private:
  int port_ = 0;
  ChildProcess process_;
};

}  // namespace ccm::testing
