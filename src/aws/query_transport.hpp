#pragma once
// The seam between AWS API clients (Ec2Client, CloudWatchClient, StsClient) and the wire.
// A QueryTransport sends one AWS Query-protocol action (POST form body, SigV4-signed, retried as
// the SDKs' standard mode) and returns the XML body of the successful answer. AWS error documents
// become Error with the canonical code from the mapping table, the AWS code in provider_code and
// the request id. Implementations are thread-safe. Tests of the clients may use a fake.
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/clock.hpp"
#include "core/error.hpp"

namespace ccm::aws {

// Form parameters in the order they are added (e.g. {"InstanceId.1", "i-..."}).
using Params = std::vector<std::pair<std::string, std::string>>;

struct QueryCall {
  std::string service;  // signing name and endpoint prefix: "ec2", "monitoring", "sts"
  std::string region;   // e.g. "us-east-1"
  std::string action;   // e.g. "DescribeInstances"
  std::string version;  // e.g. "2016-11-15"
  Params params;
  // The account whose credentials sign the call ("" = the default credential chain).
  std::string account;
  // When set, InvalidInstanceID.NotFound within a short window after this time is retried
  // (EC2 eventual consistency after RunInstances).
  std::optional<TimePoint> launched_at;
};

class QueryTransport {
 public:
  virtual ~QueryTransport() = default;
  // The XML body of a 2xx answer, or the mapped Error.
  virtual Result<std::string> Call(const QueryCall& call) = 0;
};

}  // namespace ccm::aws
