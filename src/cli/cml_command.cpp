// ccm cml probe: reach one CML controller the way the reconciler does and print what it says.
//
// Exit codes: 0 ready and every call answered; 2 bad arguments (e.g. unreadable password file);
// 3 unreachable (refused, timed out, name or TLS failure); 4 login refused; 5 answering but not
// ready yet (502/503/504 while booting, or ready=false); 6 another call failed.
#include <CLI/CLI.hpp>
#include <fstream>
#include <iomanip>
#include <iostream>
#include <memory>
#include <optional>
#include <sstream>

#include "cli/commands.hpp"
#include "cml/cml_client.hpp"
#include "core/log.hpp"

namespace ccm::cli {
namespace {

constexpr int kExitOk = 0;
constexpr int kExitUsage = 2;
constexpr int kExitUnreachable = 3;
constexpr int kExitLogin = 4;
constexpr int kExitNotReady = 5;
constexpr int kExitCallFailed = 6;

struct ProbeArgs {
  std::string endpoint, api_base, username, password_file, ca_file, pin;
  bool insecure = false;
  double connect_timeout = 5, timeout = 15;
};

bool ReadPassword(const std::string& path, std::string* out) {
  std::ifstream in(path);
  if (!in) return false;
  std::stringstream ss;
  ss << in.rdbuf();
  *out = ss.str();
  while (!out->empty() && (out->back() == '\n' || out->back() == '\r')) out->pop_back();
  return true;
}

std::string GiB(double bytes) {
  std::ostringstream s;
  s << std::fixed << std::setprecision(1) << bytes / (1024.0 * 1024 * 1024);
  return s.str();
}

bool IsTransport(const Error& e) {
  return e.code == Code::kUnavailable || e.code == Code::kDeadlineExceeded;
}

void PrintLabs(const std::vector<cml::Lab>& labs) {
  std::cout << "labs:      " << labs.size() << "\n";
  if (labs.empty()) return;
  std::cout << "  " << std::left << std::setw(32) << "TITLE" << std::setw(17) << "STATE"
            << std::setw(16) << "OWNER"
            << "NODES\n";
  for (const cml::Lab& lab : labs) {
    std::string owner = lab.owner_username.empty() ? lab.owner : lab.owner_username;
    std::cout << "  " << std::left << std::setw(32) << lab.title << std::setw(17) << lab.state
              << std::setw(16) << owner << lab.node_count << "\n";
  }
}

// Prints a failed step and remembers that a call failed.
class Failures {
 public:
  void Add(const char* what, const Error& e) {
    std::cout << what << "(failed)\n";
    std::cerr << "ccm cml probe: " << e.message << "\n";
    failed_ = true;
  }
  int ExitCode() const { return failed_ ? kExitCallFailed : kExitOk; }

 private:
  bool failed_ = false;
};

void PrintSystem(cml::CmlClient& client, const cml::CmlTarget& target, Failures& failures) {
  if (auto h = client.GetSystemHealth(target)) {
    std::cout << "health:    " << (h->valid ? "valid" : "INVALID") << " (controller "
              << (h->controller_valid ? "valid" : "invalid") << ", " << h->computes.size()
              << " compute(s), licensed " << (h->is_licensed ? "yes" : "no") << ")\n";
  } else {
    failures.Add("health:    ", h.error());
  }
  if (auto s = client.GetSystemStats(target)) {
    std::cout << "stats:     cpu " << s->cpu_percent << "% of " << s->cpu_count << ", memory "
              << GiB(s->memory_used) << "/" << GiB(s->memory_total) << " GiB, disk "
              << GiB(s->disk_used) << "/" << GiB(s->disk_total) << " GiB, running nodes "
              << s->running_nodes << ", allocated cpus " << s->allocated_cpus << "\n";
  } else {
    failures.Add("stats:     ", s.error());
  }
  if (auto l = client.GetLicensing(target)) {
    std::cout << "licence:   registration " << l->registration_status << ", authorization "
              << l->authorization_status << ", product "
              << (l->product_license.empty() ? "-" : l->product_license);
    if (!l->authorization_expires.empty()) std::cout << ", expires " << l->authorization_expires;
    std::cout << "\n";
  } else {
    failures.Add("licence:   ", l.error());
  }
}

void PrintAllLabs(cml::CmlClient& client, const cml::CmlTarget& target, Failures& failures) {
  auto ids = client.ListLabIds(target);
  if (!ids) {
    failures.Add("labs:      ", ids.error());
    return;
  }
  std::vector<cml::Lab> labs;
  for (const std::string& id : *ids) {
    auto lab = client.GetLab(target, id);
    if (lab) {
      labs.push_back(std::move(*lab));
    } else if (lab.error().code != Code::kNotFound) {  // deleted meanwhile: skip
      failures.Add("lab:       ", lab.error());
    }
  }
  PrintLabs(labs);
}

// The authenticated part: health, stats, licence, labs. Returns the exit code.
int ProbeWithLogin(cml::CmlClient& client, const cml::CmlTarget& target) {
  if (auto login = client.EnsureLogin(target); !login) {
    std::cout << "login:     refused\n";
    std::cerr << "ccm cml probe: login failed: " << login.error().message << "\n";
    return IsTransport(login.error()) ? kExitUnreachable : kExitLogin;
  }
  std::cout << "login:     ok (" << target.username << ")\n";
  Failures failures;
  PrintSystem(client, target, failures);
  PrintAllLabs(client, target, failures);
  return failures.ExitCode();
}

// The target from the flags; nullopt (after saying why) when the password file is unreadable.
std::optional<cml::CmlTarget> MakeTarget(const ProbeArgs& args) {
  cml::CmlTarget target;
  target.worker_id = "cli";
  target.endpoint = args.endpoint;
  target.api_base = args.api_base;
  target.username = args.username;
  target.tls.verify = !args.insecure;
  target.tls.ca_file = args.ca_file;
  target.tls.pinned_pubkey = args.pin;
  if (!args.username.empty()) {
    if (args.password_file.empty() || !ReadPassword(args.password_file, &target.password)) {
      std::cerr << "ccm cml probe: --password-file: cannot read '" << args.password_file
                << "' (needed with --username)\n";
      return std::nullopt;
    }
    log::RegisterSecret(target.password);
  }
  return target;
}

int RunProbe(const ProbeArgs& args) {
  std::optional<cml::CmlTarget> made = MakeTarget(args);
  if (!made) return kExitUsage;
  const cml::CmlTarget& target = *made;
  cml::CmlClientOptions options;
  options.connect_timeout =
      std::chrono::milliseconds(static_cast<int64_t>(args.connect_timeout * 1000));
  options.timeout = std::chrono::milliseconds(static_cast<int64_t>(args.timeout * 1000));
  cml::CmlClient client(options);
  auto info = client.GetSystemInformation(target);
  std::cout << "endpoint:  " << target.ApiBase() << "\n";
  if (!info) {
    std::cerr << "ccm cml probe: " << info.error().message << "\n";
    if (info.error().code == Code::kInvalidArgument) return kExitUsage;
    return IsTransport(info.error()) ? kExitUnreachable : kExitCallFailed;
  }
  if (info->readiness == cml::Readiness::kStarting) {
    std::cout << "ready:     no (" << info->detail << ")\n";
    bool unreachable = info->http_status == 0;
    std::cerr << "ccm cml probe: " << (unreachable ? "unreachable: " : "not ready yet: ")
              << info->detail << "\n";
    return unreachable ? kExitUnreachable : kExitNotReady;
  }
  std::cout << "version:   " << info->version << "\n";
  std::cout << "ready:     " << (info->ready() ? "yes" : "no (no compute ready yet)") << "\n";
  int code = args.username.empty() ? kExitOk : ProbeWithLogin(client, target);
  if (args.username.empty()) std::cout << "login:     skipped (no --username)\n";
  if (code == kExitOk && !info->ready()) return kExitNotReady;
  return code;
}

}  // namespace

void AddCmlCommands(CLI::App& app) {
  auto* cml = app.add_subcommand("cml", "Talk to CML controllers directly");
  cml->require_subcommand(1);
  auto args = std::make_shared<ProbeArgs>();
  auto* probe = cml->add_subcommand(
      "probe",
      "Print a controller's version, readiness, health, licence and labs. Exit codes: 0 ready, "
      "2 bad arguments, 3 unreachable, 4 login refused, 5 not ready yet, 6 a call failed");
  probe->add_option("--endpoint", args->endpoint, "Controller, https://host[:port]")->required();
  probe->add_option("--api-base", args->api_base, "API root (default <endpoint>/api/v0)");
  probe->add_option("--username", args->username, "CML user for the authenticated calls");
  probe->add_option("--password-file", args->password_file, "File holding that user's password");
  auto* ca = probe->add_option("--ca", args->ca_file, "CA bundle (PEM) to verify the controller");
  auto* insecure = probe->add_flag("--insecure", args->insecure,
                                   "Skip TLS certificate verification (logged as a warning)");
  ca->excludes(insecure);
  probe->add_option("--pin", args->pin, "Pinned public key, sha256//BASE64 (curl syntax)");
  probe->add_option("--connect-timeout", args->connect_timeout, "Seconds to connect")
      ->check(CLI::PositiveNumber);
  probe->add_option("--timeout", args->timeout, "Seconds per call")->check(CLI::PositiveNumber);
  probe->callback([args] { SetExitCode(RunProbe(*args)); });
}

}  // namespace ccm::cli
