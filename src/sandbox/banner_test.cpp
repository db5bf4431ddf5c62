#include "sandbox/banner.hpp"

#include <gtest/gtest.h>

namespace ccm::sandbox {
namespace {

TEST(TryItBanner, ReadsTheTokenFromItsFileAndShowsTheLifecycle) {
  std::string text =
      TryItBanner({"http://127.0.0.1:8080", "/var/lib/ccm/sandbox-admin.token", "us-east-1"});
  EXPECT_NE(text.find("http://127.0.0.1:8080"), std::string::npos);
  EXPECT_NE(text.find("$(cat '/var/lib/ccm/sandbox-admin.token')"), std::string::npos);
  EXPECT_NE(text.find("Authorization: Bearer $CCM_TOKEN"), std::string::npos);
  for (const char* part : {"/api/v1/workers", "/api/v1/events", "/stop", "/connect", "DELETE",
                           "\"region\":\"us-east-1\""}) {
    EXPECT_NE(text.find(part), std::string::npos) << part;
  }
  EXPECT_EQ(text.find("ccm_"), std::string::npos);  // no token in it
}

TEST(ShellQuote, QuotesSingleQuotes) {
  EXPECT_EQ(ShellQuote("/tmp/a b"), "'/tmp/a b'");
  EXPECT_EQ(ShellQuote("it's"), "'it'\\''s'");
}

}  // namespace
}  // namespace ccm::sandbox
