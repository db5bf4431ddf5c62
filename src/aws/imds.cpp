#include "aws/imds.hpp"

#include "core/json.hpp"
#include "core/log.hpp"

namespace ccm::aws {
namespace {

Error NotFound(const std::string& why) {
  return Error{Code::kNotFound, "instance metadata: " + why, "", false, {}, {}};
}

}  // namespace

ImdsProvider::ImdsProvider(Environment env, HttpSend send, std::chrono::milliseconds timeout)
    : env_(std::move(env)), send_(std::move(send)), timeout_(timeout) {
  if (!send_) send_ = [](const http::Request& r) { return http::Perform(r); };
  endpoint_ = env_.Get("AWS_EC2_METADATA_SERVICE_ENDPOINT", kDefaultImdsEndpoint);
  while (endpoint_.ends_with("/")) endpoint_.pop_back();
}

Result<std::string> ImdsProvider::Fetch(const std::string& method, const std::string& path,
                                        const http::Headers& headers) {
  http::Request req;
  req.method = method;
  req.url = endpoint_ + path;
  req.headers = headers;
  req.connect_timeout = timeout_;
  req.timeout = timeout_;
  auto r = send_(req);
  if (!r)
    return Fail(NotFound("no metadata service at " + endpoint_ + " (" + r.error().message + ")"));
  if (r->status == 404) return Fail(NotFound(path + " not found (no instance role?)"));
  if (r->status != 200) {
    return Fail(Error{
        Code::kUnavailable,
        "instance metadata: " + method + " " + path + " answered HTTP " + std::to_string(r->status),
        "HTTP " + std::to_string(r->status),
        true,
        {},
        {}});
  }
  return std::move(r->body);
}

Result<Credentials> ImdsProvider::Get() {
  if (env_.IsTrue("AWS_EC2_METADATA_DISABLED")) {
    return Fail(NotFound("disabled by AWS_EC2_METADATA_DISABLED"));
  }
  auto token =
      Fetch("PUT", "/latest/api/token", {{"X-aws-ec2-metadata-token-ttl-seconds", "21600"}});
  if (!token) return Fail(token.error());
  log::RegisterSecret(*token);
  http::Headers auth = {{"X-aws-ec2-metadata-token", *token}};
  const std::string base = "/latest/meta-data/iam/security-credentials/";
  auto roles = Fetch("GET", base, auth);
  if (!roles) return Fail(roles.error());
  std::string role = roles->substr(0, roles->find_first_of("\r\n"));
  if (role.empty()) return Fail(NotFound("the instance has no IAM role"));
  auto json = Fetch("GET", base + role, auth);
  if (!json) return Fail(json.error());
  auto creds = ParseImdsCredentials(*json);
  if (creds) creds->source = "imds:" + role;
  return creds;
}

Result<Credentials> ParseImdsCredentials(std::string_view text) {
  auto json = ParseJson(text, "instance metadata credentials");
  if (!json) return Fail(json.error());
  std::string code = GetString(*json, "Code").value_or("Success");
  if (code != "Success") {
    return MakeError(Code::kUnavailable, "instance metadata credentials: Code " + code);
  }
  Credentials c;
  c.access_key_id = GetString(*json, "AccessKeyId").value_or("");
  c.secret_access_key = GetString(*json, "SecretAccessKey").value_or("");
  c.session_token = GetString(*json, "Token").value_or("");
  log::RegisterSecret(c.secret_access_key);
  log::RegisterSecret(c.session_token);
  if (auto exp = GetString(*json, "Expiration")) c.expiration = ParseTime(*exp);
  if (c.access_key_id.empty() || c.secret_access_key.empty()) {
    return MakeError(Code::kInternal,
                     "instance metadata credentials: AccessKeyId or SecretAccessKey missing");
  }
  return c;
}

}  // namespace ccm::aws
