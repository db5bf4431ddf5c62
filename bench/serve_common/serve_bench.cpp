#include "bench/serve_common/serve_bench.hpp"

#include <sys/resource.h>

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <thread>

#include "auth/api_token.hpp"
#include "core/ids.hpp"
#include "core/json.hpp"
#include "domain/worker.hpp"
#include "http/http_client.hpp"
#include "store/store.hpp"

namespace ccm::bench {
namespace {

domain::NewWorker Spec(int i, TimePoint now) {
  char buf[32];
  domain::NewWorker n;
  n.id = NewUuid();
  std::snprintf(buf, sizeof buf, "bench-%04d", i);
  n.name = buf;
  n.region = i % 2 ? "us-west-2" : "us-east-1";
  n.instance_type = "c5.2xlarge";
  n.ami_id = "ami-0123456789abcdef0";
  n.ami_name = "CML-2.9.0";
  n.cml_version = "2.9.0";
  n.owner = "user" + std::to_string(i % 20);
  n.client_token = "ct-" + n.id;
  n.aws_instance_id = "i-0" + RandomHex(8);
  n.status = domain::WorkerStatus::kRunning;
  n.launched_at = now;
  n.tags = {{"Name", n.name}, {"ManagedBy", "cml-cloud-manager"}, {"course", "ccnp-enterprise"}};
  return n;
}

// What the reconciler would have recorded for a healthy worker.
void Observe(domain::Worker& w, int i, const domain::ChangeContext& ctx) {
  const std::string pub = "203.0." + std::to_string(i / 250) + "." + std::to_string(i % 250);
  const std::string priv = "10.0." + std::to_string(i / 250) + "." + std::to_string(i % 250);
  w.ObserveAddresses(pub, priv, "https://" + pub, ctx);
  w.ObserveStatusChecks({domain::CheckStatus::kOk, domain::CheckStatus::kOk}, ctx);
  w.ObserveServiceProbe(true, std::chrono::minutes(10), ctx);
  w.ObserveLicense(domain::LicenseStatus::kRegistered, ctx);
  domain::Telemetry t;
  t.last_activity_at = ctx.at;
  t.last_activity_source = "cml:user_activity";
  t.active_labs_count = 1;
  t.running_nodes = 4;
  t.cpu_utilization = 12.5;
  t.memory_utilization = 40.1;
  t.updated_at = ctx.at;
  w.UpdateTelemetry(t, ctx);
}

}  // namespace

Result<Seeded> SeedStore(const std::string& data_dir, int workers) {
  auto store = store::OpenStore("sqlite:" + data_dir + "/ccm.db");
  if (!store) return Fail(store.error());
  Seeded out;
  const TimePoint now = SystemClock::Instance().Now();
  const domain::ChangeContext ctx{"bench", now, ""};
  for (int i = 0; i < workers; ++i) {
    auto w = domain::Worker::Create(Spec(i, now), ctx);
    if (!w) return Fail(w.error());
    auto created = (*store)->CreateWorker(std::move(*w));
    if (!created) return Fail(created.error());
    domain::Worker stored = std::move(created->worker);
    Observe(stored, i, ctx);
    auto updated = (*store)->UpdateWorker(std::move(stored));
    if (!updated) return Fail(updated.error());
    out.worker_ids.push_back(updated->worker.id());
  }
  out.token = auth::GenerateApiToken();
  store::ApiTokenRecord token;
  token.id = NewUuid();
  token.name = "bench";
  token.role = "admin";
  token.subject = "bench";
  token.token_hash = auth::HashApiToken(out.token);
  token.created_at = now;
  if (auto st = (*store)->InsertApiToken(token); !st) return Fail(st.error());
  if (auto st = (*store)->Flush(); !st) return Fail(st.error());
  return out;
}

std::string CcmPath(const std::string& given) {
  return given.empty() ? std::string(CCM_DEFAULT_BUILD_DIR) + "/ccm" : given;
}

std::map<std::string, std::string> ServeEnvironment(const std::string& home,
                                                    const std::string& aws_endpoint) {
  return {{"HOME", home},
          {"AWS_ACCESS_KEY_ID", "AKIABENCH00000000000"},
          {"AWS_SECRET_ACCESS_KEY", "bench-secret-not-a-real-key"},
          {"AWS_SESSION_TOKEN", ""},
          {"AWS_PROFILE", ""},
          {"AWS_EC2_METADATA_DISABLED", "true"},
          {"AWS_ENDPOINT_URL", aws_endpoint},
          {"CML_WORKER_AMI_IDS", R"({"us-east-1":"ami-0123456789abcdef0"})"},
          {"BOOTSTRAP_ADMIN_TOKEN", "bench-bootstrap-" + RandomHex(16)},
          {"LOG_LEVEL", "warn"}};
}

std::string CcmProcess::Start(const std::string& ccm, const std::string& data_dir,
                              const std::vector<std::string>& args,
                              const std::map<std::string, std::string>& env) {
  port_ = testing::FreePort();
  log_path_ = data_dir + ".log";
  std::vector<std::string> argv = {
      ccm, "serve", "--listen", "127.0.0.1:" + std::to_string(port_), "--data-dir", data_dir};
  argv.insert(argv.end(), args.begin(), args.end());
  started_ = std::chrono::steady_clock::now();
  try {
    process_ = testing::ChildProcess(argv, env, log_path_);
  } catch (const std::exception& e) {
    return e.what();
  }
  return "";
}

double CcmProcess::WaitFor(const std::string& path, long status,
                           std::chrono::milliseconds timeout) {
  const auto deadline = started_ + timeout;
  while (std::chrono::steady_clock::now() < deadline && process_.Running()) {
    http::Request req;
    req.url = url() + path;
    req.connect_timeout = std::chrono::milliseconds(200);
    req.timeout = std::chrono::milliseconds(5000);
    auto res = http::Perform(req);
    if (res && res->status == status) {
      return std::chrono::duration<double>(std::chrono::steady_clock::now() - started_).count();
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return -1;
}

int64_t RssKiB(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/status");
  for (std::string line; std::getline(in, line);) {
    if (line.rfind("VmRSS:", 0) == 0) return std::stoll(line.substr(6));
  }
  return -1;
}

double Percentile(std::vector<double> sample, double p) {
  if (sample.empty()) return 0;
  std::sort(sample.begin(), sample.end());
  size_t rank = static_cast<size_t>(p / 100.0 * static_cast<double>(sample.size() - 1) + 0.5);
  return sample[std::min(rank, sample.size() - 1)];
}

void RaiseFileLimit() {
  rlimit limit{};
  if (::getrlimit(RLIMIT_NOFILE, &limit) == 0) {
    limit.rlim_cur = limit.rlim_max;
    ::setrlimit(RLIMIT_NOFILE, &limit);
  }
}

}  // namespace ccm::bench
