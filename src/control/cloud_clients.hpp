#pragma once
// CloudClients: the EC2 and CloudWatch clients for an (account, region) scope.
//
// Ec2()/CloudWatch() first check the scope against the settings: the account must be "" (the
// default credential chain) or a key of aws_accounts (else kInvalidArgument, field "account"),
// and the region must be one of that account's regions (AwsAccount::regions, or
// aws_allowed_regions when it lists none; else kInvalidArgument, field "region"). The returned
// pointer is never null, is owned by the CloudClients and stays valid for its lifetime; callers
// still pass the scope to every call (the clients sign for the scope's account).
//
// MakeCloudClients builds the real ones from Settings: endpoints from aws_endpoint_url* and the
// SDKs' AWS_ENDPOINT_URL* variables, the default credential chain (settings -> environment ->
// shared profiles -> IMDSv2), named accounts through STS AssumeRole (cached, refreshed before
// expiry), aws_max_attempts, connect/request timeouts. One transport and one client per service
// serve every scope (the scope is per call), which shares connections and the retry quota.
//
// Threading: all methods are thread-safe; the clients are thread-safe.
#include <memory>
#include <string>

#include "aws/cloudwatch_api.hpp"
#include "aws/ec2_api.hpp"
#include "aws/query_transport.hpp"
#include "config/settings.hpp"
#include "core/clock.hpp"
#include "core/error.hpp"

namespace ccm::control {

// The check described above, without building anything.
Status ValidateScope(const config::Settings& settings, const std::string& account,
                     const std::string& region);

class CloudClients {
 public:
  virtual ~CloudClients() = default;
  virtual Result<aws::Ec2Api*> Ec2(const std::string& account, const std::string& region) = 0;
  virtual Result<aws::CloudWatchApi*> CloudWatch(const std::string& account,
                                                 const std::string& region) = 0;
};

// The real clients, from the settings (copied) and the process environment. `clock` must
// outlive the result.
std::unique_ptr<CloudClients> MakeCloudClients(const config::Settings& settings, Clock& clock);

// Real Ec2Client/CloudWatchClient over a given transport (tests with their own credentials, or
// callers that already built one). The transport is owned by the result.
std::unique_ptr<CloudClients> MakeCloudClientsWithTransport(
    const config::Settings& settings, std::unique_ptr<aws::QueryTransport> transport);

}  // namespace ccm::control
