// The peers of the SigV4 end-to-end tests (see e2e.hpp).
#include "aws/transport.hpp"
#include "core/ids.hpp"
#include "tests/e2e/e2e.hpp"

namespace ccm::e2e {
namespace {

std::string Between(const std::string& text, const std::string& open, const std::string& close) {
  size_t start = text.find(open);
  if (start == std::string::npos) return "";
  start += open.size();
  size_t end = text.find(close, start);
  return end == std::string::npos ? "" : text.substr(start, end - start);
}

}  // namespace

std::string World::Start() {
  dir = testing::MakeTempDir("ccm-e2e");
  if (std::string err = moto.Start(); !err.empty()) return err;
  aws::TransportOptions options;
  options.endpoint_url = moto.server.endpoint();
  transport_ = aws::MakeQueryTransport(options, aws::testing::FixedCredentials(moto.admin),
                                       SystemClock::Instance());
  ec2_ = std::make_unique<aws::Ec2Client>(*transport_);
  aws::QueryCall call{
      "ec2", kRegion, "RegisterImage", "2016-11-15", {{"Name", "CML-2.9.0-e2e"}}, "", std::nullopt};
  auto xml = transport_->Call(call);
  if (!xml) return "RegisterImage failed: " + xml.error().ToString();
  ami_id = Between(*xml, "<imageId>", "</imageId>");
  if (ami_id.empty()) return "RegisterImage answered no imageId";
  testing::CmlSimOptions sim_options;
  sim_options.controllers = 0;
  sim_options.tls = true;
  if (std::string err = sim.Start(sim_options); !err.empty()) return err;
  admin_token = "e2e-bootstrap-" + RandomHex(16);
  return StartCcm(ccm, dir + "/data");
}

std::map<std::string, std::string> World::CcmEnvironment() const {
  auto env = IsolatedAwsEnvironment(dir);
  env["AWS_ACCESS_KEY_ID"] = moto.admin.access_key_id;
  env["AWS_SECRET_ACCESS_KEY"] = moto.admin.secret_access_key;
  env["AWS_ENDPOINT_URL"] = moto.server.endpoint();
  env["BOOTSTRAP_ADMIN_TOKEN"] = admin_token;
  env["CML_WORKER_AMI_IDS"] = Json({{kRegion, ami_id}}).dump();
  env["CML_API_USERNAME"] = "admin";
  env["CML_API_PASSWORD"] = "admin";
  env["CML_TLS_CA_FILE"] = sim.ca_file();
  env["CML_LICENSE_CHECK_ON_STARTUP"] = "false";
  env["LOG_LEVEL"] = "debug";
  return env;
}

std::string World::StartCcm(CcmServe& process, const std::string& data_dir,
                            const std::vector<std::string>& extra_args) const {
  std::vector<std::string> args = {"--cml-sim-url", sim.control_url()};
  args.insert(args.end(), extra_args.begin(), extra_args.end());
  return process.Start(data_dir, args, CcmEnvironment());
}

std::optional<aws::Instance> World::Instance(const std::string& instance_id) {
  auto found = ec2_->DescribeInstancesById({"", kRegion}, {instance_id});
  if (!found || found->instances.empty()) return std::nullopt;
  return found->instances.front();
}

Result<std::string> World::LaunchOutsideCcm(const std::map<std::string, std::string>& tags) {
  aws::Params params = {{"ImageId", ami_id},
                        {"InstanceType", "t3.xlarge"},
                        {"MinCount", "1"},
                        {"MaxCount", "1"},
                        {"TagSpecification.1.ResourceType", "instance"}};
  int n = 0;
  for (const auto& [key, value] : tags) {
    const std::string prefix = "TagSpecification.1.Tag." + std::to_string(++n);
    params.emplace_back(prefix + ".Key", key);
    params.emplace_back(prefix + ".Value", value);
  }
  auto xml = transport_->Call(
      aws::QueryCall{"ec2", kRegion, "RunInstances", "2016-11-15", params, "", std::nullopt});
  if (!xml) return Fail(xml.error());
  std::string id = Between(*xml, "<instanceId>", "</instanceId>");
  if (id.empty()) return MakeError(Code::kInternal, "RunInstances answered no instanceId");
  return id;
}

}  // namespace ccm::e2e
