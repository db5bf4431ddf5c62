#include "cml/token_cache.hpp"

#include <gtest/gtest.h>

#include <thread>

#include "core/json.hpp"

namespace ccm::cml {
namespace {

using std::chrono::seconds;

std::string Base64Url(std::string_view in) {
  static constexpr char kAlphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  std::string out;
  uint32_t acc = 0;
  int bits = 0;
  for (unsigned char c : in) {
    acc = (acc << 8) | c;
    bits += 8;
    while (bits >= 6) {
      bits -= 6;
      out.push_back(kAlphabet[(acc >> bits) & 63]);
    }
  }
  if (bits > 0) out.push_back(kAlphabet[(acc << (6 - bits)) & 63]);
  return out;
}

std::string MakeJwt(const Json& claims) {
  return Base64Url(R"({"alg":"HS256","typ":"JWT"})") + "." + Base64Url(claims.dump()) + ".c2ln";
}

TEST(JwtTest, DecodesExpAndSubjectWithoutVerifying) {
  auto claims =
      DecodeJwtClaims(MakeJwt({{"sub", "u-1"}, {"exp", 1700003600}, {"iat", 1700000000}}));
  ASSERT_TRUE(claims);
  EXPECT_EQ(claims->subject, "u-1");
  ASSERT_TRUE(claims->expires);
  EXPECT_EQ(ToUnixSeconds(*claims->expires), 1700003600);
  EXPECT_EQ(ToUnixSeconds(*claims->issued), 1700000000);
}

TEST(JwtTest, RejectsTextThatIsNotAJwt) {
  EXPECT_FALSE(DecodeJwtClaims("REDACTED.JWT.TOKEN"));  // what a spec mock hands out
  EXPECT_FALSE(DecodeJwtClaims("no-dots"));
  EXPECT_FALSE(DecodeJwtClaims("a.b"));
  EXPECT_FALSE(DecodeJwtClaims("a.b.c.d"));
  EXPECT_FALSE(DecodeJwtClaims("a.!!!.c"));
  EXPECT_FALSE(DecodeJwtClaims("a." + Base64Url("[1,2]") + ".c"));
}

TEST(JwtTest, Base64UrlAcceptsPaddingAndBothAlphabets) {
  EXPECT_EQ(DecodeBase64Url("aGk"), "hi");
  EXPECT_EQ(DecodeBase64Url("aGk="), "hi");
  EXPECT_EQ(DecodeBase64Url("-_8"), DecodeBase64Url("+/8"));
  EXPECT_FALSE(DecodeBase64Url("a b"));
}

TEST(TokenCacheTest, ReusesTokenUntilShortlyBeforeExp) {
  ManualClock clock;
  TokenCache cache(clock, seconds(3600), seconds(300));
  double now = ToUnixSeconds(clock.Now());
  std::string token = MakeJwt({{"sub", "admin-id"}, {"exp", now + 3600}});
  TimePoint refresh_at = cache.Put("w1", token);
  EXPECT_EQ(ToUnixSeconds(refresh_at), now + 3300);
  EXPECT_EQ(cache.Get("w1"), token);
  EXPECT_EQ(cache.Subject("w1"), "admin-id");
  clock.Advance(seconds(3299));
  EXPECT_EQ(cache.Get("w1"), token);
  clock.Advance(seconds(1));
  EXPECT_FALSE(cache.Get("w1"));  // renew before it lapses
}

TEST(TokenCacheTest, ShortLivedTokensRefreshAtAFifthOfTheirLifetime) {
  ManualClock clock;
  TokenCache cache(clock, seconds(3600), seconds(300));
  double now = ToUnixSeconds(clock.Now());
  cache.Put("w1", MakeJwt({{"exp", now + 10}}));
  clock.Advance(seconds(7));
  EXPECT_TRUE(cache.Get("w1"));
  clock.Advance(seconds(1));
  EXPECT_FALSE(cache.Get("w1"));
}

TEST(TokenCacheTest, UndecodableTokenGetsTheDefaultLifetime) {
  ManualClock clock;
  TokenCache cache(clock, seconds(600), seconds(60));
  cache.Put("w1", "REDACTED.JWT.TOKEN");
  clock.Advance(seconds(539));
  EXPECT_EQ(cache.Get("w1"), "REDACTED.JWT.TOKEN");
  clock.Advance(seconds(1));
  EXPECT_FALSE(cache.Get("w1"));
}

TEST(TokenCacheTest, InvalidateKeepsANewerToken) {
  ManualClock clock;
  TokenCache cache(clock, seconds(600), seconds(60));
  cache.Put("w1", "old.token.x");
  cache.Put("w1", "new.token.y");
  cache.Invalidate("w1", "old.token.x");
  EXPECT_EQ(cache.Get("w1"), "new.token.y");
  cache.Invalidate("w1", "new.token.y");
  EXPECT_FALSE(cache.Get("w1"));
}

TEST(TokenCacheTest, ForgetWorkerDropsOnlyThatWorker) {
  ManualClock clock;
  TokenCache cache(clock, seconds(600), seconds(60));
  std::string sep(1, TokenCache::kKeySeparator);
  cache.Put("w1" + sep + "https://a" + sep + "admin", "t1.x.y");
  cache.Put("w1" + sep + "https://a" + sep + "student", "t2.x.y");
  cache.Put("w10" + sep + "https://b" + sep + "admin", "t3.x.y");
  cache.ForgetWorker("w1");
  EXPECT_EQ(cache.size(), 1u);
  EXPECT_TRUE(cache.Get("w10" + sep + "https://b" + sep + "admin"));
}

TEST(TokenCacheTest, LoginMutexIsOnePerKeyAndThreadSafe) {
  ManualClock clock;
  TokenCache cache(clock, seconds(600), seconds(60));
  EXPECT_EQ(&cache.LoginMutex("a"), &cache.LoginMutex("a"));
  EXPECT_NE(&cache.LoginMutex("a"), &cache.LoginMutex("b"));
  int logins = 0;
  std::vector<std::thread> threads;
  for (int i = 0; i < 8; ++i) {
    threads.emplace_back([&] {
      std::lock_guard lock(cache.LoginMutex("w"));
      if (!cache.Get("w")) {
        ++logins;
        cache.Put("w", "tok.en.x");
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(logins, 1);
}

}  // namespace
}  // namespace ccm::cml
