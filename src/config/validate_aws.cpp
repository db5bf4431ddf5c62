// Validation of the AWS settings.
#include <algorithm>
#include <regex>

#include "config/internal/checks.hpp"
#include "config/internal/problems.hpp"

namespace ccm::config::internal {
namespace {

bool Contains(const StringList& list, const std::string& item) {
  return std::find(list.begin(), list.end(), item) != list.end();
}

void ValidateRegions(const Settings& s, Problems* p) {
  p->Region("aws_default_region", s.aws_default_region);
  if (s.aws_allowed_regions.empty()) p->Add("aws_allowed_regions", "must list at least one region");
  for (size_t i = 0; i < s.aws_allowed_regions.size(); ++i) {
    p->Region("aws_allowed_regions[" + std::to_string(i) + "]", s.aws_allowed_regions[i]);
  }
  if (IsKnownRegion(s.aws_default_region) && !s.aws_allowed_regions.empty() &&
      !Contains(s.aws_allowed_regions, s.aws_default_region)) {
    p->Add("aws_default_region", Quote(s.aws_default_region) + " is not in aws_allowed_regions");
  }
}

void ValidateAccounts(const Settings& s, Problems* p) {
  static const std::regex name_pattern(R"(^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$)");
  for (const auto& [name, account] : s.aws_accounts) {
    const std::string path = "aws_accounts." + name;
    if (!std::regex_match(name, name_pattern)) {
      p->Add(path, "account names are 1-64 letters, digits, '_', '.' or '-'");
    }
    if (!IsRoleArn(account.role_arn)) {
      p->Add(path + ".role_arn", "not an IAM role ARN (arn:aws:iam::<12 digits>:role/NAME): " +
                                     Quote(account.role_arn));
    }
    if (account.external_id.size() > 1224) {
      p->Add(path + ".external_id", "longer than 1224 characters");
    }
    for (size_t i = 0; i < account.regions.size(); ++i) {
      const std::string region_path = path + ".regions[" + std::to_string(i) + "]";
      const std::string& region = account.regions[i];
      p->Region(region_path, region);
      if (IsKnownRegion(region) && !Contains(s.aws_allowed_regions, region)) {
        p->Add(region_path, Quote(region) + " is not in aws_allowed_regions");
      }
    }
  }
}

void ValidateCredentials(const Settings& s, Problems* p) {
  if (!s.aws_access_key_id.empty() && s.aws_secret_access_key.empty()) {
    p->Add("aws_secret_access_key", "required when aws_access_key_id is set");
  }
  if (s.aws_access_key_id.empty() && !s.aws_secret_access_key.empty()) {
    p->Add("aws_access_key_id", "required when aws_secret_access_key is set");
  }
  if (!s.aws_session_token.empty() && s.aws_access_key_id.empty()) {
    p->Add("aws_session_token", "only valid with aws_access_key_id and aws_secret_access_key");
  }
}

}  // namespace

void ValidateAws(const Settings& s, Problems* p) {
  ValidateRegions(s, p);
  ValidateAccounts(s, p);
  ValidateCredentials(s, p);
  p->HttpUrl("aws_endpoint_url", s.aws_endpoint_url);
  p->HttpUrl("aws_endpoint_url_ec2", s.aws_endpoint_url_ec2);
  p->HttpUrl("aws_endpoint_url_cloudwatch", s.aws_endpoint_url_cloudwatch);
  p->HttpUrl("aws_endpoint_url_sts", s.aws_endpoint_url_sts);
  p->HttpUrl("aws_endpoint_url_iam", s.aws_endpoint_url_iam);
  p->Range("aws_max_attempts", s.aws_max_attempts, 1, 10);
  p->Positive("aws_connect_timeout_seconds", s.aws_connect_timeout_seconds);
  p->Positive("aws_request_timeout_seconds", s.aws_request_timeout_seconds);
}

}  // namespace ccm::config::internal
