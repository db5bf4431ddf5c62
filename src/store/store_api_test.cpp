// Idempotency keys and API tokens.
// GCC 12 warns about members left out of designated initializers (GCC bug 96868); leaving
// them at their defaults is the point of the filter structs.
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"

#include <gtest/gtest.h>

#include "store/store.hpp"
#include "store/store_test_util.hpp"

namespace ccm::store {
namespace {

using namespace std::chrono_literals;
using testing::kT0;

IdempotencyRecord Claim(std::string key, std::string hash, TimePoint at) {
  IdempotencyRecord r;
  r.subject = "alice";
  r.key = std::move(key);
  r.request_hash = std::move(hash);
  r.created_at = at;
  r.expires_at = at + 24h;
  return r;
}

TEST(Idempotency, ClaimCompleteReplay) {
  auto store = testing::OpenMemory();
  auto first = store->ClaimIdempotencyKey(Claim("k1", "h1", kT0));
  ASSERT_TRUE(first) << first.error().ToString();
  EXPECT_FALSE(*first) << "a new key is ours to run";
  auto in_progress = store->ClaimIdempotencyKey(Claim("k1", "h1", kT0 + 1s));
  ASSERT_TRUE(in_progress && *in_progress);
  EXPECT_FALSE((*in_progress)->completed) << "the first request is still running";
  ASSERT_TRUE(
      store->CompleteIdempotencyKey("alice", "k1", 202, R"({"Location":"/w/1"})", R"({"id":"1"})"));
  auto replay = store->ClaimIdempotencyKey(Claim("k1", "other-hash", kT0 + 2s));
  ASSERT_TRUE(replay && *replay);
  const IdempotencyRecord& r = **replay;
  EXPECT_TRUE(r.completed);
  EXPECT_EQ(r.status_code, 202);
  EXPECT_EQ(r.response_body, R"({"id":"1"})");
  EXPECT_EQ(r.response_headers, R"({"Location":"/w/1"})");
  EXPECT_EQ(r.request_hash, "h1") << "the caller compares hashes to spot a reused key";
  EXPECT_EQ(r.created_at, kT0);
  EXPECT_EQ(r.expires_at, kT0 + 24h);
  IdempotencyRecord bob = Claim("k1", "h1", kT0);
  bob.subject = "bob";
  EXPECT_FALSE(*store->ClaimIdempotencyKey(bob)) << "keys are per caller";
}

TEST(Idempotency, ReleaseExpiryAndPurge) {
  auto store = testing::OpenMemory();
  ASSERT_FALSE(*store->ClaimIdempotencyKey(Claim("k1", "h1", kT0)));
  ASSERT_TRUE(store->ReleaseIdempotencyKey("alice", "k1"));
  EXPECT_FALSE(*store->ClaimIdempotencyKey(Claim("k1", "h1", kT0))) << "released: claim again";
  ASSERT_TRUE(store->CompleteIdempotencyKey("alice", "k1", 201, "{}", "done"));
  EXPECT_FALSE(*store->ClaimIdempotencyKey(Claim("k1", "h2", kT0 + 25h)))
      << "an expired record is replaced";
  ASSERT_FALSE(*store->ClaimIdempotencyKey(Claim("k2", "h", kT0)));
  auto purged = store->PurgeExpiredIdempotencyKeys(kT0 + 24h + 1s);
  ASSERT_TRUE(purged);
  EXPECT_EQ(*purged, 1) << "k2 expired; k1 was renewed at 25 h";
  EXPECT_EQ(store->CompleteIdempotencyKey("alice", "k2", 200, "{}", "").error().code,
            Code::kNotFound);
  EXPECT_EQ(store->ClaimIdempotencyKey(Claim("", "h", kT0)).error().field, "Idempotency-Key");
}

ApiTokenRecord Token(std::string id, std::string name, char hash_digit) {
  return {std::move(id), std::move(name), "operator",  "token:" + name, std::string(64, hash_digit),
          kT0,           kT0 + 90 * 24h,  std::nullopt};
}

TEST(ApiTokens, InsertFindListRevoke) {
  auto store = testing::OpenMemory();
  ApiTokenRecord ci = Token("t1", "ci", 'a');
  ASSERT_TRUE(store->InsertApiToken(ci));
  ApiTokenRecord cli = Token("t2", "cli", 'b');
  cli.created_at = kT0 + 1s;
  cli.expires_at.reset();
  ASSERT_TRUE(store->InsertApiToken(cli));
  auto found = store->FindApiTokenByHash(std::string(64, 'a'));
  ASSERT_TRUE(found) << found.error().ToString();
  EXPECT_EQ(*found, ci);
  EXPECT_EQ(store->FindApiTokenByHash(std::string(64, 'c')).error().code, Code::kNotFound);
  EXPECT_EQ(*store->ListApiTokens(), (std::vector<ApiTokenRecord>{ci, cli}));

  ASSERT_TRUE(store->RevokeApiToken("t1", kT0 + 1h));
  ASSERT_TRUE(store->RevokeApiToken("t1", kT0 + 2h));
  EXPECT_EQ(store->FindApiTokenByHash(std::string(64, 'a'))->revoked_at, kT0 + 1h)
      << "revoked tokens are still found (the caller says why it refuses) and keep the first time";
  EXPECT_EQ(store->RevokeApiToken("nope", kT0).error().code, Code::kNotFound);
}

TEST(ApiTokens, NamesAreUniqueAmongLiveTokensAndShapesAreChecked) {
  auto store = testing::OpenMemory();
  ASSERT_TRUE(store->InsertApiToken(Token("t1", "ci", 'a')));
  auto dup_name = store->InsertApiToken(Token("t2", "ci", 'b'));
  ASSERT_FALSE(dup_name);
  EXPECT_EQ(dup_name.error().code, Code::kAlreadyExists);
  EXPECT_EQ(dup_name.error().message.find(std::string(64, 'b')), std::string::npos)
      << "the hash is never echoed";
  EXPECT_EQ(store->InsertApiToken(Token("t3", "other", 'a')).error().code, Code::kAlreadyExists);
  ASSERT_TRUE(store->RevokeApiToken("t1", kT0));
  EXPECT_TRUE(store->InsertApiToken(Token("t2", "ci", 'b'))) << "a revoked name can be reused";
  ApiTokenRecord bad = Token("t4", "bad", 'c');
  bad.token_hash = "ccm_plaintext_token";
  EXPECT_EQ(store->InsertApiToken(bad).error().field, "token_hash");
  bad = Token("", "bad", 'c');
  EXPECT_EQ(store->InsertApiToken(bad).error().field, "id");
}

}  // namespace
}  // namespace ccm::store
