#include "tests/support/cml_sim.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdlib>
#include <sstream>

#include "core/json.hpp"

namespace ccm::testing {
namespace {

std::string EnvOr(const char* name, const std::string& fallback) {
  const char* v = std::getenv(name);
  return v && *v ? v : fallback;
}

// Waits for the simulator's ready line ({"control_url":...}) in its log.
std::string WaitForReadyLine(const std::string& log_path, ChildProcess& process,
                             std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    std::istringstream lines(ReadFile(log_path));
    std::string line;
    while (std::getline(lines, line)) {
      if (line.rfind("{\"control_url\"", 0) == 0) return line;
    }
    if (!process.Running()) return "";
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return "";
}

}  // namespace

std::string CmlSimProgram() {
  std::string path = EnvOr("CCM_BUILD_DIR", ".") + "/cml-sim";
  return access(path.c_str(), X_OK) == 0 ? path : "";
}

std::string CmlSim::Start(const CmlSimOptions& options) {
  std::string program = CmlSimProgram();
  if (program.empty()) {
    return "cml-sim is not built: build the cml-sim target in $CCM_BUILD_DIR (" +
           EnvOr("CCM_BUILD_DIR", "unset") + ")";
  }
  std::vector<std::string> argv = {program, "--host", "127.0.0.1", "--controllers",
                                   std::to_string(options.controllers)};
  if (options.tls) argv.push_back("--tls");
  if (options.latency_ms > 0) {
    argv.insert(argv.end(), {"--latency-ms", std::to_string(options.latency_ms)});
  }
  if (options.ready_after_seconds > 0) {
    argv.insert(argv.end(), {"--ready-after-seconds", std::to_string(options.ready_after_seconds)});
  }
  if (options.license_delay_seconds > 0) {
    argv.insert(argv.end(),
                {"--license-delay-seconds", std::to_string(options.license_delay_seconds)});
  }
  if (!options.api_base.empty()) argv.insert(argv.end(), {"--api-base", options.api_base});
  argv.insert(argv.end(), options.extra_args.begin(), options.extra_args.end());
  std::string dir = MakeTempDir("cml-sim");
  if (options.tls) argv.insert(argv.end(), {"--cert-dir", dir});
  log_path_ = dir + "/cml-sim.log";
  process_ = ChildProcess(argv, {}, log_path_);
  std::string line = WaitForReadyLine(log_path_, process_, std::chrono::seconds(60));
  if (line.empty()) return "cml-sim printed no ready line; log: " + log_path_;
  auto ready = ParseJson(line, "cml-sim ready line");
  if (!ready) return ready.error().message + "; log: " + log_path_;
  control_url_ = GetString(*ready, "control_url").value_or("");
  ca_file_ = GetString(*ready, "ca_file").value_or("");
  controllers_.clear();
  if (auto it = ready->find("controllers"); it != ready->end() && it->is_array()) {
    for (const Json& c : *it) {
      controllers_.push_back({GetString(c, "id").value_or(""), GetString(c, "url").value_or("")});
    }
  }
  if (control_url_.empty() || static_cast<int>(controllers_.size()) != options.controllers) {
    return "cml-sim ready line lacks control_url or controllers: " + line;
  }
  return "";
}

Result<http::Response> CmlSim::Control(const std::string& method, const std::string& path,
                                       const std::string& json_body) const {
  http::Request r;
  r.method = method;
  r.url = control_url_ + path;
  r.body = json_body;
  if (!json_body.empty()) r.headers.emplace_back("Content-Type", "application/json");
  r.timeout = std::chrono::seconds(30);
  return http::Perform(r);
}

namespace {
int64_t NumberIn(const Result<http::Response>& r, const std::string& key) {
  if (!r || r->status != 200) return -1;
  auto json = ParseJson(r->body);
  if (!json) return -1;
  return GetInt(*json, key).value_or(-1);
}
}  // namespace

int64_t CmlSim::StateNumber(const std::string& controller_id, const std::string& key) const {
  return NumberIn(Control("GET", "/control/controllers/" + controller_id + "/state"), key);
}

int64_t CmlSim::GlobalNumber(const std::string& key) const {
  return NumberIn(Control("GET", "/control/state"), key);
}

std::string PrismProgram() {
  std::string path = EnvOr("CCM_SOURCE_DIR", "/work/main") + "/tests/node/node_modules/.bin/prism";
  return access(path.c_str(), X_OK) == 0 ? path : "";
}

std::string Prism::Start(const std::vector<std::string>& mode_args) {
  std::string program = PrismProgram();
  if (program.empty()) {
    return "prism is not installed under tests/node (run scripts/setup --test)";
  }
  std::string spec = EnvOr("CCM_SHARED_DIR", "../shared") + "/specs/cml-2.9-openapi.json";
  if (access(spec.c_str(), R_OK) != 0) return "CML spec not found at " + spec;
  port_ = FreePort();
  std::vector<std::string> argv = {program};
  argv.insert(argv.end(), mode_args.begin(), mode_args.end());
  if (mode_args.size() >= 1 && mode_args[0] == "proxy") {
    // prism proxy SPEC UPSTREAM [flags]: put the spec before the upstream URL.
    argv = {program, "proxy", spec};
    argv.insert(argv.end(), mode_args.begin() + 1, mode_args.end());
  } else {
    argv.push_back(spec);
  }
  argv.insert(argv.end(), {"-h", "127.0.0.1", "-p", std::to_string(port_)});
  log_path_ = MakeTempDir("prism") + "/prism.log";
  process_ = ChildProcess(argv, {}, log_path_);
  if (!WaitForPort(port_, std::chrono::seconds(90))) {
    return "prism did not listen on port " + std::to_string(port_) + "; log: " + log_path_;
  }
  return "";
}

CannedHttpServer::CannedHttpServer(Handler handler) : handler_(std::move(handler)) {
  listen_fd_ = socket(AF_INET, SOCK_STREAM, 0);
  int one = 1;
  setsockopt(listen_fd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  bind(listen_fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
  socklen_t len = sizeof addr;
  getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&addr), &len);
  port_ = ntohs(addr.sin_port);
  listen(listen_fd_, 128);
  acceptor_ = std::thread([this] { AcceptLoop(); });
}

CannedHttpServer::~CannedHttpServer() {
  stopping_ = true;
  shutdown(listen_fd_, SHUT_RDWR);
  close(listen_fd_);
  acceptor_.join();
  std::vector<std::thread> workers;
  {
    std::lock_guard lock(mu_);
    for (int fd : fds_) shutdown(fd, SHUT_RDWR);
    workers = std::move(workers_);
  }
  for (auto& t : workers) t.join();
  for (int fd : fds_) close(fd);
}

std::vector<CannedHttpServer::Seen> CannedHttpServer::requests() const {
  std::lock_guard lock(mu_);
  return seen_;
}

void CannedHttpServer::AcceptLoop() {
  while (!stopping_) {
    int fd = accept(listen_fd_, nullptr, nullptr);
    if (fd < 0) return;
    std::lock_guard lock(mu_);
    fds_.push_back(fd);
    workers_.emplace_back([this, fd] { Serve(fd); });
  }
}

namespace {

std::string HeaderValue(const std::string& head, const std::string& lower_name) {
  std::istringstream lines(head);
  std::string line;
  while (std::getline(lines, line)) {
    size_t colon = line.find(':');
    if (colon == std::string::npos) continue;
    std::string name = line.substr(0, colon);
    for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (name != lower_name) continue;
    std::string value = line.substr(colon + 1);
    while (!value.empty() && (value.back() == '\r' || value.back() == ' ')) value.pop_back();
    size_t start = value.find_first_not_of(' ');
    return start == std::string::npos ? "" : value.substr(start);
  }
  return "";
}

}  // namespace

void CannedHttpServer::Serve(int fd) {
  std::string buffer;
  char chunk[8192];
  auto fill = [&](size_t want) {
    while (buffer.size() < want) {
      ssize_t n = read(fd, chunk, sizeof chunk);
      if (n <= 0) return false;
      buffer.append(chunk, static_cast<size_t>(n));
    }
    return true;
  };
  while (true) {
    size_t end;
    while ((end = buffer.find("\r\n\r\n")) == std::string::npos) {
      if (!fill(buffer.size() + 1)) return;
    }
    std::string head = buffer.substr(0, end);
    size_t length = std::strtoul(HeaderValue(head, "content-length").c_str(), nullptr, 10);
    if (!fill(end + 4 + length)) return;
    Seen seen;
    std::istringstream first(head.substr(0, head.find("\r\n")));
    first >> seen.method >> seen.target;
    seen.authorization = HeaderValue(head, "authorization");
    seen.body = buffer.substr(end + 4, length);
    buffer.erase(0, end + 4 + length);
    {
      std::lock_guard lock(mu_);
      seen_.push_back(seen);
    }
    Answer answer = handler_(seen);
    if (answer.delay.count() > 0) std::this_thread::sleep_for(answer.delay);
    std::string out = "HTTP/1.1 " + std::to_string(answer.status) +
                      " Canned\r\nContent-Type: " + answer.content_type +
                      "\r\nContent-Length: " + std::to_string(answer.body.size()) + "\r\n\r\n" +
                      answer.body;
    if (send(fd, out.data(), out.size(), MSG_NOSIGNAL) < 0) return;
  }
}

}  // namespace ccm::testing
