#include "tests/support/moto.hpp"

#include <map>

#include "http/http_client.hpp"

namespace ccm::testing {

std::string MotoServer::Start(int auth_after) {
  if (FindProgram("moto_server").empty()) {
    return "moto_server is not on PATH: install moto 5.2 (scripts/setup --test)";
  }
  port_ = FreePort();
  std::map<std::string, std::string> env;
  if (auth_after >= 0) env["INITIAL_NO_AUTH_ACTION_COUNT"] = std::to_string(auth_after);
  std::string log = MakeTempDir("moto") + "/moto.log";
  process_ = ChildProcess({"moto_server", "-H", "127.0.0.1", "-p", std::to_string(port_)}, env,
                          log);
  if (!WaitForHttp(endpoint() + "/moto-api/", std::chrono::seconds(30))) {
    return "moto_server did not answer on port " + std::to_string(port_) + "; log: " + log;
  }
  return "";
}

bool MotoServer::Reset() {
  http::Request req;
  req.method = "POST";
  req.url = endpoint() + "/moto-api/reset";
  auto r = http::Perform(req);
  return r && r->status == 200;
}

}  // namespace ccm::testing
