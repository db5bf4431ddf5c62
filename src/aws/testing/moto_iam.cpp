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
  auto transport = MakeQueryTransport(options, FixedCredentials(bootstrap),
                                      SystemClock::Instance());
  auto call = [&](const std::string& action, Params params) {
    return transport->Call(QueryCall{"iam", "us-east-1", action, kIamVersion, std::move(params),
                                     "", std::nullopt});
  };
  if (auto r = call("CreateUser", {{"UserName", user_name}}); !r) return Fail(r.error());
  const std::string policy =
      R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]})";
  if (auto r = call("PutUserPolicy", {{"UserName", user_name},
                                      {"PolicyName", "ccm-test-admin"},
                                      {"PolicyDocument", policy}});
      !r) {
    return Fail(r.error());
  }
  auto xml = call("CreateAccessKey", {{"UserName", user_name}});
  if (!xml) return Fail(xml.error());
  pugi::xml_document doc;
  doc.load_buffer(xml->data(), xml->size());
  pugi::xml_node key =
      doc.document_element().child("CreateAccessKeyResult").child("AccessKey");
  Credentials creds;
  creds.access_key_id = key.child("AccessKeyId").text().as_string();
  creds.secret_access_key = key.child("SecretAccessKey").text().as_string();
  creds.source = "moto-iam:" + user_name;
  if (creds.access_key_id.empty() || creds.secret_access_key.empty()) {
    return MakeError(Code::kInternal, "moto CreateAccessKey answered without a key");
  }
  return creds;
}

}  // namespace ccm::aws::testing
