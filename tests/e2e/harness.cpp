// The e2e harness: API calls, waits and the `ccm serve` process (see e2e.hpp).
#include <dirent.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <thread>

#include "tests/e2e/e2e.hpp"

namespace ccm::e2e {

std::string Reply::Header(const std::string& lower_name) const {
  for (const auto& [k, v] : headers) {
    if (k == lower_name) return v;
  }
  return "";
}

Reply Api::Call(const std::string& method, const std::string& path, const std::string& body,
                const http::Headers& extra, std::chrono::milliseconds timeout) const {
  http::Request req;
  req.method = method;
  req.url = base_ + path;
  req.body = body;
  req.timeout = timeout;
  if (!token_.empty()) req.headers.emplace_back("Authorization", "Bearer " + token_);
  if (!body.empty()) req.headers.emplace_back("Content-Type", "application/json");
  for (const auto& h : extra) req.headers.push_back(h);
  Reply reply;
  auto res = http::Perform(req);
  if (!res) {
    ADD_FAILURE() << method << " " << path << ": " << res.error().ToString();
    return reply;
  }
  reply.status = res->status;
  reply.headers = res->headers;
  reply.body = res->body;
  if (auto parsed = ParseJson(res->body)) reply.json = std::move(*parsed);
  return reply;
}

bool WaitUntil(const std::function<bool()>& done, std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    if (done()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  return done();
}

Json WaitForWorker(const Api& api, const std::string& id,
                   const std::function<bool(const Json&)>& done,
                   std::chrono::milliseconds timeout) {
  Json last;
  bool ok = WaitUntil(
      [&] {
        Reply r = api.Get("/api/v1/workers/" + id);
        if (r.status == 200) last = r.json;
        return r.status == 200 && done(r.json);
      },
      timeout);
  if (!ok) ADD_FAILURE() << "worker " << id << " did not reach the state; last: " << last.dump();
  return last;
}

bool IsRunningAndAvailable(const Json& w) {
  return w.value("status", "") == "running" && w.value("service_status", "") == "available";
}

Json CreateWorker(const Api& api, const std::string& name, const std::string& region) {
  Reply r = api.Post("/api/v1/workers", {{"name", name}, {"region", region}});
  EXPECT_EQ(r.status, 202) << r.body;
  EXPECT_EQ(r.json.value("status", ""), "pending") << r.body;
  return r.json;
}

std::string CcmProgram() {
  const char* dir = std::getenv("CCM_BUILD_DIR");
  std::string path = std::string(dir ? dir : ".") + "/ccm";
  return ::access(path.c_str(), X_OK) == 0 ? path : "";
}

std::map<std::string, std::string> IsolatedAwsEnvironment(const std::string& home) {
  return {{"HOME", home},
          {"AWS_ACCESS_KEY_ID", ""},
          {"AWS_SECRET_ACCESS_KEY", ""},
          {"AWS_SESSION_TOKEN", ""},
          {"AWS_PROFILE", ""},
          {"AWS_CONFIG_FILE", home + "/.aws/config"},
          {"AWS_SHARED_CREDENTIALS_FILE", home + "/.aws/credentials"},
          {"AWS_EC2_METADATA_DISABLED", "true"},
          {"AWS_ENDPOINT_URL", "http://127.0.0.1:9"}};
}

std::string CcmServe::Start(const std::string& data_dir, const std::vector<std::string>& args,
                            const std::map<std::string, std::string>& env,
                            std::chrono::milliseconds timeout) {
  static std::atomic<int> counter{0};
  const std::string program = CcmProgram();
  if (program.empty()) return "ccm is not built: $CCM_BUILD_DIR/ccm is missing";
  port_ = testing::FreePort();
  log_path_ = data_dir + "-ccm-" + std::to_string(++counter) + ".log";
  std::vector<std::string> argv = {
      program, "serve", "--listen", "127.0.0.1:" + std::to_string(port_), "--data-dir", data_dir};
  argv.insert(argv.end(), args.begin(), args.end());
  process_ = testing::ChildProcess(argv, env, log_path_);
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    if (!process_.Running()) return "ccm serve exited at start; log " + log_path_ + ":\n" + Log();
    if (testing::WaitForHttp(url() + "/healthz", std::chrono::milliseconds(200))) return "";
  }
  return "ccm serve did not answer /healthz; log " + log_path_ + ":\n" + Log();
}

int CcmServe::Terminate(std::chrono::milliseconds timeout) {
  if (process_.pid() <= 0) return -1;
  ::kill(process_.pid(), SIGTERM);
  return process_.Wait(timeout);
}

std::vector<pid_t> ChildrenOf(pid_t parent) {
  std::vector<pid_t> out;
  DIR* proc = ::opendir("/proc");
  if (!proc) return out;
  while (dirent* entry = ::readdir(proc)) {
    const std::string name = entry->d_name;
    if (name.find_first_not_of("0123456789") != std::string::npos) continue;
    std::ifstream stat("/proc/" + name + "/stat");
    std::string text((std::istreambuf_iterator<char>(stat)), std::istreambuf_iterator<char>());
    size_t close = text.rfind(')');
    if (close == std::string::npos) continue;
    // After ")": " S PPID ..."
    std::istringstream rest(text.substr(close + 2));
    std::string state;
    pid_t ppid = 0;
    rest >> state >> ppid;
    if (ppid == parent && state != "Z") out.push_back(std::stoi(name));
  }
  ::closedir(proc);
  return out;
}

bool ProcessEnds(pid_t pid, std::chrono::milliseconds timeout) {
  return WaitUntil(
      [pid] {
        if (::kill(pid, 0) != 0) return true;
        std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
        std::string text((std::istreambuf_iterator<char>(stat)), std::istreambuf_iterator<char>());
        size_t close = text.rfind(')');
        return close == std::string::npos || text.substr(close + 2, 1) == "Z";
      },
      timeout);
}

}  // namespace ccm::e2e
