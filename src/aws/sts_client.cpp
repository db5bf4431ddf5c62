#include "aws/sts_client.hpp"

#include <pugixml.hpp>
#include <utility>

#include "core/log.hpp"

namespace ccm::aws {
namespace {

Result<pugi::xml_node> Load(pugi::xml_document& doc, std::string_view xml, const char* result) {
  if (!doc.load_buffer(xml.data(), xml.size())) {
    return MakeError(Code::kInternal, std::string("sts: unreadable ") + result + " answer");
  }
  pugi::xml_node node = doc.document_element().child(result);
  if (!node) return MakeError(Code::kInternal, std::string("sts: answer without ") + result);
  return node;
}

}  // namespace

Result<CallerIdentity> ParseGetCallerIdentity(std::string_view xml) {
  pugi::xml_document doc;
  auto node = Load(doc, xml, "GetCallerIdentityResult");
  if (!node) return Fail(node.error());
  CallerIdentity id;
  id.account = node->child("Account").text().as_string();
  id.arn = node->child("Arn").text().as_string();
  id.user_id = node->child("UserId").text().as_string();
  if (id.account.empty() || id.arn.empty()) {
    return MakeError(Code::kInternal, "sts GetCallerIdentity: answer without Account or Arn");
  }
  return id;
}

Result<Credentials> ParseAssumeRole(std::string_view xml) {
  pugi::xml_document doc;
  auto node = Load(doc, xml, "AssumeRoleResult");
  if (!node) return Fail(node.error());
  pugi::xml_node c = node->child("Credentials");
  Credentials creds;
  creds.access_key_id = c.child("AccessKeyId").text().as_string();
  creds.secret_access_key = c.child("SecretAccessKey").text().as_string();
  creds.session_token = c.child("SessionToken").text().as_string();
  log::RegisterSecret(creds.secret_access_key);
  log::RegisterSecret(creds.session_token);
  creds.expiration = ParseTime(c.child("Expiration").text().as_string());
  if (creds.access_key_id.empty() || creds.secret_access_key.empty() ||
      creds.session_token.empty() || !creds.expiration) {
    return MakeError(Code::kInternal, "sts AssumeRole: answer without complete Credentials");
  }
  return creds;
}

StsClient::StsClient(QueryTransport& transport, std::string region)
    : transport_(transport), region_(std::move(region)) {}

Result<CallerIdentity> StsClient::GetCallerIdentity(const std::string& account) {
  QueryCall call{"sts", region_, "GetCallerIdentity", kStsVersion, {}, account, std::nullopt};
  auto xml = transport_.Call(call);
  if (!xml) return Fail(xml.error());
  return ParseGetCallerIdentity(*xml);
}

Result<Credentials> StsClient::AssumeRole(const AssumeRoleRequest& request) {
  if (request.role_arn.empty()) return InvalidArgument("role_arn", "must not be empty");
  if (request.session_name.empty())
    return InvalidArgument("role_session_name", "must not be empty");
  Params params = {{"RoleArn", request.role_arn},
                   {"RoleSessionName", request.session_name},
                   {"DurationSeconds", std::to_string(request.duration.count())}};
  if (!request.external_id.empty()) params.emplace_back("ExternalId", request.external_id);
  QueryCall call{"sts",           region_,     "AssumeRole", kStsVersion, std::move(params),
                 request.account, std::nullopt};
  auto xml = transport_.Call(call);
  if (!xml) return Fail(xml.error());
  auto creds = ParseAssumeRole(*xml);
  if (creds) creds->source = "assume-role:" + request.role_arn;
  return creds;
}

}  // namespace ccm::aws
