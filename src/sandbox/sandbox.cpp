#include "sandbox/sandbox.hpp"

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <thread>

#include "core/ids.hpp"
#include "core/json.hpp"
#include "core/log.hpp"
#include "http/http_client.hpp"

namespace ccm::sandbox {
namespace {

using SteadyClock = std::chrono::steady_clock;
constexpr int kMotoAttempts = 3;
constexpr std::chrono::milliseconds kMotoStopGrace{500};
constexpr char kEc2Version[] = "2016-11-15";

// A loopback port that was free a moment ago (moto takes its port on the command line).
int PickFreePort() {
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return 0;
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof addr;
  int port = 0;
  if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0 &&
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0) {
    port = ntohs(addr.sin_port);
  }
  ::close(fd);
  return port;
}

bool Answers(const std::string& url) {
  http::Request req;
  req.url = url;
  req.connect_timeout = std::chrono::milliseconds(500);
  req.timeout = std::chrono::milliseconds(2000);
  return http::Perform(req).has_value();
}

// Waits until url answers; false when the child exits or the deadline passes.
bool WaitUntilAnswering(SupervisedChild& child, const std::string& url,
                        SteadyClock::time_point deadline) {
  while (SteadyClock::now() < deadline) {
    if (!child.Running()) return false;
    if (Answers(url)) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  return false;
}

std::string Between(const std::string& text, const std::string& open, const std::string& close) {
  size_t start = text.find(open);
  if (start == std::string::npos) return "";
  start += open.size();
  size_t end = text.find(close, start);
  return end == std::string::npos ? "" : text.substr(start, end - start);
}

}  // namespace

std::vector<std::string> SandboxRegions(const config::Settings& s) {
  std::vector<std::string> regions = s.aws_allowed_regions;
  for (const auto& [name, account] : s.aws_accounts) {
    for (const auto& r : account.regions) {
      if (std::find(regions.begin(), regions.end(), r) == regions.end()) regions.push_back(r);
    }
  }
  return regions;
}

std::string FindCmlSim(const std::string& configured) {
  if (!configured.empty()) return FindExecutable(configured);
  std::error_code ec;
  auto self = std::filesystem::read_symlink("/proc/self/exe", ec);
  if (!ec) {
    std::string beside = (self.parent_path() / "cml-sim").string();
    if (!FindExecutable(beside).empty()) return beside;
  }
  return FindExecutable("cml-sim");
}

Result<std::unique_ptr<Sandbox>> Sandbox::Start(const SandboxOptions& options) {
  std::unique_ptr<Sandbox> sandbox(new Sandbox());
  sandbox->peers_.log_dir = options.data_dir + "/sandbox";
  std::error_code ec;
  std::filesystem::create_directories(sandbox->peers_.log_dir, ec);
  if (ec) {
    return MakeError(Code::kInternal,
                     "cannot create " + sandbox->peers_.log_dir + ": " + ec.message());
  }
  // Both programs are looked for before anything starts: a missing one fails fast.
  if (FindExecutable(options.moto_program).empty()) {
    return MakeError(Code::kNotFound, "sandbox: '" + options.moto_program +
                                          "' is not on PATH (install moto[server] 5.2: "
                                          "scripts/setup --test)");
  }
  const std::string cml_sim = FindCmlSim(options.cml_sim_program);
  if (cml_sim.empty()) {
    return MakeError(Code::kNotFound,
                     "sandbox: cml-sim is neither beside ccm nor on PATH (build the cml-sim "
                     "target)");
  }
  if (auto st = sandbox->StartMoto(options); !st) return Fail(st.error());
  if (auto st = sandbox->StartCmlSim(cml_sim, options); !st) return Fail(st.error());
  return sandbox;
}

Sandbox::~Sandbox() { Stop(); }

Status Sandbox::StartMoto(const SandboxOptions& options) {
  const std::string log_path = peers_.log_dir + "/moto.log";
  const auto deadline = SteadyClock::now() + options.start_timeout;
  for (int attempt = 1; attempt <= kMotoAttempts; ++attempt) {
    const int port = PickFreePort();
    ChildSpec spec;
    spec.argv = {options.moto_program, "-H", "127.0.0.1", "-p", std::to_string(port)};
    // Thousands of public images per region would only slow the first EC2 call down: the
    // sandbox registers its own.
    spec.env = {{"MOTO_EC2_LOAD_DEFAULT_AMIS", "false"}};
    // The person's AWS variables (an empty AWS_PROFILE breaks moto's own botocore) are not
    // moto's business.
    spec.drop_env_prefixes = {"AWS_"};
    spec.log_path = log_path;
    auto child = SupervisedChild::Spawn(spec);
    if (!child) return Fail(child.error());
    const std::string endpoint = "http://127.0.0.1:" + std::to_string(port);
    if (WaitUntilAnswering(**child, endpoint + "/moto-api/", deadline)) {
      moto_ = std::move(*child);
      peers_.moto_endpoint = endpoint;
      log::Info("sandbox: moto_server started",
                {{"endpoint", endpoint}, {"pid", std::to_string(moto_->pid())}});
      return Ok();
    }
    // Most likely someone took the port between our probe and moto's bind: try another.
    (*child)->Stop();
    if (SteadyClock::now() >= deadline) break;
  }
  return MakeError(Code::kUnavailable, "sandbox: moto_server did not start; log: " + log_path);
}

Status Sandbox::StartCmlSim(const std::string& program, const SandboxOptions& options) {
  peers_.cml_username = "admin";
  peers_.cml_password = "sim-" + RandomHex(16);
  log::RegisterSecret(peers_.cml_password);
  ChildSpec spec;
  // No controller at start: the sandbox resolver asks for one per worker.
  spec.argv = {program, "--host", "127.0.0.1", "--controllers", "0", "--control-port", "0"};
  spec.argv.insert(spec.argv.end(),
                   {"--tls", "--cert-dir", peers_.log_dir, "--license-delay-seconds",
                    std::to_string(options.license_delay_seconds), "--admin-user",
                    peers_.cml_username, "--admin-password", peers_.cml_password});
  spec.log_path = peers_.log_dir + "/cml-sim.log";
  spec.capture_stdout = true;
  auto child = SupervisedChild::Spawn(spec);
  if (!child) return Fail(child.error());
  auto line = (*child)->ReadLine(options.start_timeout);
  if (!line) {
    return MakeError(Code::kUnavailable, "sandbox: cml-sim did not start (" + line.error().message +
                                             "); log: " + spec.log_path);
  }
  if (auto st = ReadReadyLine(*line); !st) {
    return MakeError(Code::kUnavailable, st.error().message + "; log: " + spec.log_path);
  }
  cml_sim_ = std::move(*child);
  log::Info("sandbox: cml-sim started",
            {{"control_url", peers_.cml_control_url}, {"pid", std::to_string(cml_sim_->pid())}});
  return Ok();
}

Status Sandbox::ReadReadyLine(const std::string& line) {
  auto ready = ParseJson(line, "cml-sim ready line");
  if (!ready) return Fail(ready.error());
  peers_.cml_control_url = GetString(*ready, "control_url").value_or("");
  peers_.cml_ca_file = GetString(*ready, "ca_file").value_or("");
  if (peers_.cml_control_url.empty() || peers_.cml_ca_file.empty()) {
    return MakeError(Code::kUnavailable,
                     "sandbox: cml-sim's ready line lacks control_url or ca_file");
  }
  return Ok();
}

void ApplyPeers(const SandboxPeers& peers, config::Settings& s) {
  s.aws_endpoint_url = peers.moto_endpoint;
  s.aws_endpoint_url_ec2 = peers.moto_endpoint;
  s.aws_endpoint_url_cloudwatch = peers.moto_endpoint;
  s.aws_endpoint_url_sts = peers.moto_endpoint;
  s.aws_endpoint_url_iam = peers.moto_endpoint;
  // moto without SigV4 checking accepts any key; these never leave the machine.
  s.aws_access_key_id = "AKIASANDBOXCCM000000";
  s.aws_secret_access_key = "sandbox-secret-not-a-real-key";
  s.aws_session_token.clear();
  s.aws_profile.clear();
  s.cml_api_username = peers.cml_username;
  s.cml_api_password = peers.cml_password;
  s.cml_tls_verify = true;
  s.cml_tls_ca_file = peers.cml_ca_file;
  s.cml_license_check_on_startup = false;
  s.sandbox = true;
}

Status Sandbox::SeedAmis(aws::QueryTransport& transport, config::Settings& s) const {
  for (const auto& region : SandboxRegions(s)) {
    aws::QueryCall call;
    call.service = "ec2";
    call.region = region;
    call.action = "RegisterImage";
    call.version = kEc2Version;
    call.params = {{"Name", kSandboxAmiName},
                   {"Description", "CML 2.9.0 worker image (ccm sandbox)"}};
    auto xml = transport.Call(call);
    if (!xml) return Fail(xml.error());
    std::string image_id = Between(*xml, "<imageId>", "</imageId>");
    if (image_id.empty()) {
      return MakeError(Code::kInternal, "sandbox: RegisterImage answered no imageId");
    }
    config::AmiConfig& ami = s.cml_worker_ami_config[region];
    ami.ami_id = image_id;
    ami.ami_name = kSandboxAmiName;
    ami.cml_version = kSandboxCmlVersion;
    log::Info("sandbox: image registered", {{"region", region}, {"ami_id", image_id}});
  }
  return Ok();
}

std::vector<pid_t> Sandbox::pids() const {
  std::vector<pid_t> out;
  if (moto_) out.push_back(moto_->pid());
  if (cml_sim_) out.push_back(cml_sim_->pid());
  return out;
}

void Sandbox::Stop() {
  if (cml_sim_) cml_sim_->Stop();
  // moto keeps nothing worth a graceful exit (its state dies with it) and lingers about 3 s on
  // SIGTERM: a short grace, then SIGKILL.
  if (moto_) moto_->Stop(kMotoStopGrace);
}

}  // namespace ccm::sandbox
