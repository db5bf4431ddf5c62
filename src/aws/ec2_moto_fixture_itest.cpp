#include <pugixml.hpp>

#include "aws/ec2_moto_fixture.hpp"
#include "aws/testing/moto_iam.hpp"
#include "aws/transport.hpp"
#include "http/http_client.hpp"

namespace ccm::aws::testing {
namespace {

constexpr int kBootstrapCalls = 2 * kMotoBootstrapCalls;  // two users

bool PostMotoApi(const std::string& endpoint, const std::string& path, const std::string& body) {
  http::Request req;
  req.method = "POST";
  req.url = endpoint + path;
  req.body = body;
  // moto reads reset-auth's count from the raw body, which a form content type would consume.
  req.headers = {{"Content-Type", "text/plain"}};
  auto r = http::Perform(req);
  return r && r->status == 200;
}

}  // namespace

std::string MotoEc2::Start() {
  std::string err = moto_.Start(kBootstrapCalls);
  if (!err.empty()) return err;
  endpoint_ = moto_.endpoint();
  TransportOptions options;
  options.endpoint_url = endpoint_;
  transport_ = MakeQueryTransport(
      options,
      [this](const std::string& account) { return Result<Credentials>(credentials(account)); },
      SystemClock::Instance());
  return CreateUsers();
}

std::string MotoEc2::Reset() {
  if (!PostMotoApi(endpoint_, "/moto-api/reset", "")) return "POST /moto-api/reset failed";
  if (!PostMotoApi(endpoint_, "/moto-api/reset-auth", std::to_string(kBootstrapCalls))) {
    return "POST /moto-api/reset-auth failed";
  }
  return CreateUsers();
}

Credentials MotoEc2::credentials(const std::string& account) {
  std::lock_guard<std::mutex> lock(mu_);
  return credentials_[account == kRestricted ? kRestricted : ""];
}

std::string MotoEc2::CreateUsers() {
  auto admin = CreateMotoIamUser(endpoint_, "ccm-admin");
  if (!admin) return "IAM bootstrap (admin): " + admin.error().ToString();
  auto restricted = CreateMotoIamUser(endpoint_, "ccm-restricted");
  if (!restricted) return "IAM bootstrap (restricted): " + restricted.error().ToString();
  {
    std::lock_guard<std::mutex> lock(mu_);
    credentials_[""] = *admin;
    credentials_[kRestricted] = *restricted;
  }
  // Signed as the admin: from here on moto checks every signature.
  const std::string deny = R"({"Version":"2012-10-17","Statement":[{"Effect":"Deny",)"
                           R"("Action":"ec2:TerminateInstances","Resource":"*"}]})";
  auto put = Raw(
      "iam", "PutUserPolicy",
      {{"UserName", "ccm-restricted"}, {"PolicyName", "no-terminate"}, {"PolicyDocument", deny}},
      kIamVersion);
  if (!put) return "PutUserPolicy (deny terminate): " + put.error().ToString();
  return "";
}

Result<std::string> MotoEc2::Raw(const std::string& service, const std::string& action,
                                 Params params, const std::string& version) {
  return transport_->Call(
      QueryCall{service, kRegion, action, version, std::move(params), "", std::nullopt});
}

Result<std::pair<std::string, std::string>> MotoEc2::DefaultSubnetAndGroup() {
  auto subnets =
      Raw("ec2", "DescribeSubnets",
          {{"Filter.1.Name", "default-for-az"}, {"Filter.1.Value.1", "true"}}, "2016-11-15");
  if (!subnets) return Fail(subnets.error());
  auto groups =
      Raw("ec2", "DescribeSecurityGroups",
          {{"Filter.1.Name", "group-name"}, {"Filter.1.Value.1", "default"}}, "2016-11-15");
  if (!groups) return Fail(groups.error());
  pugi::xml_document s, g;
  s.load_string(subnets->c_str());
  g.load_string(groups->c_str());
  std::string subnet =
      s.document_element().child("subnetSet").child("item").child("subnetId").text().as_string();
  std::string group = g.document_element()
                          .child("securityGroupInfo")
                          .child("item")
                          .child("groupId")
                          .text()
                          .as_string();
  if (subnet.empty() || group.empty()) {
    return MakeError(Code::kNotFound, "moto has no default subnet or security group");
  }
  return std::make_pair(subnet, group);
}

Result<std::pair<std::string, std::string>> MotoEc2::SomeAmi() {
  auto xml = Raw(
      "ec2", "DescribeImages",
      {{"Owner.1", "amazon"}, {"Filter.1.Name", "architecture"}, {"Filter.1.Value.1", "x86_64"}},
      "2016-11-15");
  if (!xml) return Fail(xml.error());
  pugi::xml_document doc;
  doc.load_string(xml->c_str());
  for (auto item : doc.document_element().child("imagesSet").children("item")) {
    std::string id = item.child("imageId").text().as_string();
    std::string root = item.child("rootDeviceName").text().as_string();
    if (std::string(item.child("platform").text().as_string()) == "windows") continue;
    if (!id.empty() && !root.empty()) return std::make_pair(id, root);
  }
  return MakeError(Code::kNotFound, "moto lists no Linux AMI owned by amazon");
}

}  // namespace ccm::aws::testing
