#pragma once
// Integration-test fixture (aws_itest only) for the EC2 and CloudWatch clients: a moto_server
// owned by the test, checking SigV4 after the bootstrap calls, with two IAM users:
//   - account ""           -> "ccm-admin", allowed everything;
//   - account "restricted" -> "ccm-restricted", allowed everything but ec2:TerminateInstances.
// Reset() wipes moto (POST /moto-api/reset, which forgets IAM too), re-arms the unauthenticated
// budget (POST /moto-api/reset-auth) and creates both users again, so each test starts clean and
// still signs every call. Not thread-safe; one per test suite.
#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "aws/credentials.hpp"
#include "aws/query_transport.hpp"
#include "tests/support/moto.hpp"

namespace ccm::aws::testing {

class MotoEc2 {
 public:
  static constexpr char kRegion[] = "us-east-1";
  static constexpr char kRestricted[] = "restricted";

  // "" on success, else why moto or the users could not be set up.
  std::string Start();
  std::string Reset();

  const std::string& endpoint() const { return endpoint_; }
  // The real transport (SigV4, retries) with credentials per account as described above.
  QueryTransport& transport() { return *transport_; }
  Credentials credentials(const std::string& account);

  // One raw signed call (for setup and checks the clients do not offer).
  Result<std::string> Raw(const std::string& service, const std::string& action, Params params,
                          const std::string& version);
  // A default subnet and the default security group of moto's default VPC.
  Result<std::pair<std::string, std::string>> DefaultSubnetAndGroup();
  // An AMI moto ships (owner amazon, x86_64, Linux), with its root device name.
  Result<std::pair<std::string, std::string>> SomeAmi();

 private:
  std::string CreateUsers();

  ccm::testing::MotoServer moto_;
  std::string endpoint_;
  std::unique_ptr<QueryTransport> transport_;
  std::mutex mu_;
  std::map<std::string, Credentials> credentials_;
};

}  // namespace ccm::aws::testing
