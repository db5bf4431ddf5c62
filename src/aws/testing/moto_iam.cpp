#include "aws/testing/moto_iam.hpp"

#include <pugixml.hpp>

#include "aws/transport.hpp"
#include "core/clock.hpp"

namespace ccm::aws::testing {

Result<Credentials> CreateMotoIamUser(const std::string& endpoint, const std::string& user_name) {
  TransportOptions options;
  options.endpoint_url = endpoint;
  options.max_attempts = 1;
  Credentials bootstrap{"AKIDBOOTSTRAPEXAMPLE", "bootstrap-secret-not-checked", "", {}, "test"};
  auto transport =
      MakeQueryTransport(options, FixedCredentials(bootstrap), SystemClock::Instance());
  auto call = [&](const std::string& action, Params params) {
    return transport->Call(
        QueryCall{"iam", "us-east-1", action, kIamVersion, std::move(params), "", std::nullopt});
  };
  if (auto r = call("CreateUser", {{"UserName", user_name}}); !r) return Fail(r.error());
  const std::string policy =
      R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]})";
  if (auto r = call(
          "PutUserPolicy",
          {{"UserName", user_name}, {"PolicyName", "ccm-test-admin"}, {"PolicyDocument", policy}});
      !r) {
    return Fail(r.error());
  }
  auto xml = call("CreateAccessKey", {{"UserName", user_name}});
  if (!xml) return Fail(xml.error());
  pugi::xml_document doc;
  doc.load_buffer(xml->data(), xml->size());
  pugi::xml_node key = doc.document_element().child("CreateAccessKeyResult").child("AccessKey");
  Credentials creds;
  creds.access_key_id = key.child("AccessKeyId").text().as_string();
  creds.secret_access_key = key.child("SecretAccessKey").text().as_string();
  creds.source = "moto-iam:" + user_name;
  if (creds.access_key_id.empty() || creds.secret_access_key.empty()) {
    return MakeError(Code::kInternal, "moto CreateAccessKey answered without a key");
  }
  return creds;
}

std::string MotoWithAuth::Start() {
  std::string err = server.Start(kMotoBootstrapCalls);
  if (!err.empty()) return err;
  auto creds = CreateMotoIamUser(server.endpoint());
  if (!creds) return "moto IAM bootstrap failed: " + creds.error().ToString();
  admin = *creds;
  return "";
}

Result<std::string> CreateMotoRole(QueryTransport& transport, const std::string& name,
                                   const std::string& principal_arn,
                                   const std::string& external_id) {
  std::string condition;
  if (!external_id.empty()) {
    condition = R"(,"Condition":{"StringEquals":{"sts:ExternalId":")" + external_id + R"("}})";
  }
  const std::string trust =
      R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":")" +
      principal_arn + R"("},"Action":"sts:AssumeRole")" + condition + "}]}";
  auto xml = transport.Call(QueryCall{"iam",
                                      "us-east-1",
                                      "CreateRole",
                                      kIamVersion,
                                      {{"RoleName", name}, {"AssumeRolePolicyDocument", trust}},
                                      "",
                                      std::nullopt});
  if (!xml) return Fail(xml.error());
  const std::string allow_all =
      R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]})";
  auto put = transport.Call(
      QueryCall{"iam",
                "us-east-1",
                "PutRolePolicy",
                kIamVersion,
                {{"RoleName", name}, {"PolicyName", "allow-all"}, {"PolicyDocument", allow_all}},
                "",
                std::nullopt});
  if (!put) return Fail(put.error());
  pugi::xml_document doc;
  doc.load_buffer(xml->data(), xml->size());
  std::string arn = doc.document_element()
                        .child("CreateRoleResult")
                        .child("Role")
                        .child("Arn")
                        .text()
                        .as_string();
  if (arn.empty()) return MakeError(Code::kInternal, "moto CreateRole answered without an Arn");
  return arn;
}

}  // namespace ccm::aws::testing
