#pragma once
// Test helpers for the EC2 client tests (header-only): EC2 XML answers built from ids, recorded
// call inspection and AWS-style errors.
#include <string>
#include <vector>

#include "aws/ec2_types.hpp"
#include "aws/query_transport.hpp"
#include "core/error.hpp"

namespace ccm::aws {

inline const AwsScope kTestScope{"", "eu-west-1"};

inline std::string InstanceXml(const std::string& id, const std::string& state = "running") {
  return "<item><instanceId>" + id + "</instanceId><instanceState><name>" + state +
         "</name></instanceState><instanceType>c5.2xlarge</instanceType></item>";
}

// One reservation per id, as EC2 answers DescribeInstances.
inline std::string DescribeXml(const std::vector<std::string>& ids, const std::string& next = "") {
  std::string xml = "<DescribeInstancesResponse><reservationSet>";
  for (const auto& id : ids) {
    xml += "<item><reservationId>r-" + id + "</reservationId><instancesSet>" + InstanceXml(id) +
           "</instancesSet></item>";
  }
  xml += "</reservationSet>";
  if (!next.empty()) xml += "<nextToken>" + next + "</nextToken>";
  return xml + "</DescribeInstancesResponse>";
}

inline std::string StateXml(const char* root, const std::vector<std::string>& ids,
                            const char* state) {
  std::string xml = std::string("<") + root + "><instancesSet>";
  for (const auto& id : ids) {
    xml += "<item><instanceId>" + id + "</instanceId><currentState><name>" + state +
           "</name></currentState><previousState><name>running</name></previousState></item>";
  }
  return xml + "</instancesSet></" + root + ">";
}

inline std::vector<std::string> IdsOf(const QueryCall& call) {
  std::vector<std::string> ids;
  for (const auto& [k, v] : call.params) {
    if (k.rfind("InstanceId.", 0) == 0) ids.push_back(v);
  }
  return ids;
}

inline std::vector<std::string> MakeIds(int n) {
  std::vector<std::string> ids;
  for (int i = 0; i < n; ++i) ids.push_back("i-" + std::to_string(100000 + i));
  return ids;
}

inline Error AwsError(Code code, const std::string& provider_code, const std::string& message) {
  return Error{code, message, provider_code, false, "req-1", {}};
}

}  // namespace ccm::aws
