// CmlClient behaviour that needs no peer: input validation before any I/O, a refused connection
// read as "starting", and secrets kept out of errors and logs.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <mutex>

#include "cml/cml_client.hpp"
#include "core/log.hpp"

namespace ccm::cml {
namespace {

// A loopback port that was just bound and released: connections to it are refused at once.
int ClosedPort() {
  static int port = [] {
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
    socklen_t len = sizeof addr;
    getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
    close(fd);
    return static_cast<int>(ntohs(addr.sin_port));
  }();
  return port;
}

CmlTarget Closed() {
  CmlTarget t;
  t.worker_id = "w-closed";
  t.endpoint = "http://127.0.0.1:" + std::to_string(ClosedPort());
  t.username = "admin";
  t.password = "Closed-Port-Passw0rd";
  return t;
}

TEST(CmlClientTest, RefusedConnectionIsStartingNotAnError) {
  CmlClient client;
  auto info = client.GetSystemInformation(Closed());
  ASSERT_TRUE(info) << info.error().ToString();
  EXPECT_EQ(info->readiness, Readiness::kStarting);
  EXPECT_EQ(info->http_status, 0);
  EXPECT_NE(info->detail.find("worker w-closed: GET /system_information"), std::string::npos);
}

TEST(CmlClientTest, InvalidInputIsRefusedBeforeAnyCall) {
  CmlClientOptions options;
  options.max_import_bytes = 10;
  CmlClient client(options);
  CmlTarget t = Closed();
  auto big = client.ImportLab(t, "lab", std::string(11, 'x'));
  ASSERT_FALSE(big);
  EXPECT_EQ(big.error().code, Code::kInvalidArgument);
  EXPECT_EQ(big.error().field, "topology");
  EXPECT_EQ(client.ImportLab(t, "", "{}").error().field, "title");
  EXPECT_EQ(client.ImportLab(t, std::string(65, 't'), "{}").error().field, "title");
  EXPECT_EQ(client.GetLab(t, "../etc").error().field, "lab_id");
  EXPECT_EQ(client.RegisterLicence(t, "", false).error().field, "token");
  EXPECT_EQ(client.SetProductLicense(t, "").error().field, "product_license");
  CmlTarget no_password = t;
  no_password.password.clear();
  EXPECT_EQ(client.ListLabIds(no_password).error().field, "password");
  CmlTarget bad_endpoint = t;
  bad_endpoint.endpoint = "cml.example";
  EXPECT_EQ(client.GetSystemInformation(bad_endpoint).error().field, "endpoint");
  EXPECT_EQ(client.calls(), 0u);
}

TEST(CmlClientTest, TransportErrorsNameWorkerAndCallButNoSecrets) {
  std::vector<std::string> lines;
  std::mutex mu;
  log::SetCapture([&](std::string_view line) {
    std::lock_guard lock(mu);
    lines.emplace_back(line);
  });
  CmlClient client;
  CmlTarget t = Closed();
  t.tls.verify = false;
  auto labs = client.ListLabIds(t);
  auto again = client.RegisterLicence(t, "LicenceTok3n-Very-Secret", true);
  log::SetCapture({});
  ASSERT_FALSE(labs);
  EXPECT_EQ(labs.error().code, Code::kUnavailable);
  EXPECT_TRUE(labs.error().retryable);
  EXPECT_EQ(labs.error().message.rfind("worker w-closed: POST /authenticate: ", 0), 0u)
      << labs.error().message;
  EXPECT_EQ(client.logins(), 2u);
  for (const std::string& text : {labs.error().message, again.error().message}) {
    EXPECT_EQ(text.find("Closed-Port-Passw0rd"), std::string::npos);
    EXPECT_EQ(text.find("LicenceTok3n-Very-Secret"), std::string::npos);
  }
  EXPECT_EQ(log::Redact("x Closed-Port-Passw0rd LicenceTok3n-Very-Secret"), "x *** ***");
  int warnings = 0;
  for (const auto& line : lines) {
    EXPECT_EQ(line.find("Closed-Port-Passw0rd"), std::string::npos);
    if (line.find("verification is OFF") != std::string::npos) ++warnings;
  }
  EXPECT_EQ(warnings, 1);  // once per worker, not per call
}

TEST(CmlClientTest, ProbeKeepsErrorsPerWorker) {
  CmlClient client;
  CmlTarget closed = Closed();
  CmlTarget invalid = Closed();
  invalid.worker_id = "w-invalid";
  invalid.endpoint = "ftp://x";
  auto snapshots = client.Probe({closed, invalid}, ProbeOptions{});
  ASSERT_EQ(snapshots.size(), 2u);
  EXPECT_EQ(snapshots[0].worker_id, "w-closed");
  EXPECT_TRUE(snapshots[0].ok());
  EXPECT_EQ(snapshots[0].system.readiness, Readiness::kStarting);
  EXPECT_FALSE(snapshots[0].labs);
  ASSERT_FALSE(snapshots[1].ok());
  EXPECT_EQ(snapshots[1].error()->field, "endpoint");
}

}  // namespace
}  // namespace ccm::cml
