// Runs every case of AWS's official SigV4 test suite (header signing).
#include "aws/sigv4.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "core/clock.hpp"
#include "core/json.hpp"

namespace ccm::aws::sigv4 {
namespace {

namespace fs = std::filesystem;

std::string Slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

fs::path SuiteDir() {
  const char* shared = std::getenv("CCM_SHARED_DIR");
  return fs::path(shared ? shared : "../../../shared") / "testdata" / "aws-sigv4-suite";
}

// request.txt: "METHOD PATH[?QUERY] HTTP/1.1", headers (folded lines start with whitespace),
// a blank line, then the body.
Request ParseRequestTxt(const std::string& text) {
  Request r;
  std::istringstream in(text);
  std::string line;
  std::getline(in, line);
  size_t sp = line.find(' ');
  r.method = line.substr(0, sp);
  std::string target = line.substr(sp + 1, line.rfind(" HTTP/") - sp - 1);
  size_t q = target.find('?');
  r.path = target.substr(0, q);
  if (q != std::string::npos) r.query = target.substr(q + 1);
  while (std::getline(in, line) && !line.empty()) {
    if ((line[0] == ' ' || line[0] == '\t') && !r.headers.empty()) {
      r.headers.back().second += "\n" + line;
      continue;
    }
    size_t colon = line.find(':');
    r.headers.emplace_back(line.substr(0, colon), line.substr(colon + 1));
  }
  std::ostringstream rest;
  rest << in.rdbuf();
  r.body = rest.str();
  return r;
}

TEST(SigV4Suite, EveryCaseMatches) {
  fs::path dir = SuiteDir();
  ASSERT_TRUE(fs::is_directory(dir)) << "suite not found at " << dir;
  int cases = 0;
  for (const auto& entry : fs::directory_iterator(dir)) {
    if (!entry.is_directory()) continue;
    const fs::path& c = entry.path();
    SCOPED_TRACE(c.filename().string());
    auto ctx = ParseJson(Slurp(c / "context.json"));
    ASSERT_TRUE(ctx.has_value());
    Params p;
    p.access_key_id = (*ctx)["credentials"]["access_key_id"];
    p.secret_access_key = (*ctx)["credentials"]["secret_access_key"];
    p.session_token = (*ctx)["credentials"].value("token", "");
    p.region = (*ctx)["region"];
    p.service = (*ctx)["service"];
    p.normalize_path = ctx->value("normalize", true);
    p.sign_body = ctx->value("sign_body", false);
    p.omit_session_token = ctx->value("omit_session_token", false);
    auto t = ParseTime(std::string((*ctx)["timestamp"]));
    ASSERT_TRUE(t.has_value());
    p.time = *t;
    Signature sig = Sign(ParseRequestTxt(Slurp(c / "request.txt")), p);
    EXPECT_EQ(sig.canonical_request, Slurp(c / "header-canonical-request.txt"));
    EXPECT_EQ(sig.string_to_sign, Slurp(c / "header-string-to-sign.txt"));
    EXPECT_EQ(sig.signature, Slurp(c / "header-signature.txt"));
    ++cases;
  }
  EXPECT_EQ(cases, 38);
}

TEST(SigV4Suite, SessionTokenOmittedFromSignatureIsStillSent) {
  Params p{"AKID", "secret", "tok-123456", "us-east-1", "sts", TimePoint{}, true, false, true};
  Signature sig = Sign(Request{"POST", "/", "", {{"Host", "example.com"}}, ""}, p);
  EXPECT_EQ(sig.canonical_request.find("x-amz-security-token"), std::string::npos);
  bool sent = false;
  for (const auto& [k, v] : sig.headers) sent |= (k == "X-Amz-Security-Token" && v == "tok-123456");
  EXPECT_TRUE(sent);
}

TEST(SigV4, CanonicalUriNormalization) {
  EXPECT_EQ(CanonicalUri("/a/./b/../c", true), "/a/c");
  EXPECT_EQ(CanonicalUri("/a/./b/../c", false), "/a/./b/../c");
  EXPECT_EQ(CanonicalUri("", true), "/");
  EXPECT_EQ(CanonicalUri("/a b/c+d", true), "/a%20b/c%2Bd");
}

TEST(SigV4, CanonicalQuerySortsAndReencodes) {
  EXPECT_EQ(CanonicalQuery("b=2&a=1&a=0"), "a=0&a=1&b=2");
  EXPECT_EQ(CanonicalQuery("k=%7e&x=a+b"), "k=~&x=a%2Bb");
  EXPECT_EQ(CanonicalQuery("flag"), "flag=");
  EXPECT_EQ(CanonicalQuery(""), "");
}

TEST(SigV4, PercentDecodeKeepsBrokenEscapes) {
  EXPECT_EQ(PercentDecode("%41%4"), "A%4");
  EXPECT_EQ(PercentDecode("%zz"), "%zz");
}

}  // namespace
}  // namespace ccm::aws::sigv4
