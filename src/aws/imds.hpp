#pragma once
// EC2 instance role credentials through IMDSv2: PUT /latest/api/token (TTL header, 1 s timeout),
// then GET /latest/meta-data/iam/security-credentials/ (the role name) and .../<role> (JSON).
// The endpoint is http://169.254.169.254 unless AWS_EC2_METADATA_SERVICE_ENDPOINT says otherwise;
// AWS_EC2_METADATA_DISABLED=true turns the link off. When no metadata service answers, or the
// instance has no role, Get() is kNotFound (the chain's last link then reports no credentials).
// Thread-safe; every call fetches (wrap in CachingProvider).
#include <chrono>

#include "aws/credential_chain.hpp"

namespace ccm::aws {

inline constexpr char kDefaultImdsEndpoint[] = "http://169.254.169.254";

class ImdsProvider final : public CredentialsProvider {
 public:
  ImdsProvider(Environment env, HttpSend send = {},
               std::chrono::milliseconds timeout = std::chrono::milliseconds(1000));
  Result<Credentials> Get() override;

 private:
  Result<std::string> Fetch(const std::string& method, const std::string& path,
                            const http::Headers& headers);
  Environment env_;
  HttpSend send_;
  std::chrono::milliseconds timeout_;
  std::string endpoint_;
};

// Parses the role JSON ({"Code":"Success","AccessKeyId":..,"SecretAccessKey":..,"Token":..,
// "Expiration":..}); exposed for tests.
Result<Credentials> ParseImdsCredentials(std::string_view json);

}  // namespace ccm::aws
