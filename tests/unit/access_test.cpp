#include <gtest/gtest.h>

#include <cstring>

#include "core/access.hpp"
#include "core/jwt.hpp"

namespace wa {
namespace {

constexpr int64_t kNow = 1795515921;  // 2026-11-24T10:25:21Z
const std::string kKeyA(32, 'a');
const std::string kKeyB = "0123456789abcdef0123456789abcdef0123456789abcdef";

TEST(AccessTest, OnlyGetAndHeadRead) {
    EXPECT_TRUE(is_read_method(Method::get));
    EXPECT_TRUE(is_read_method(Method::head));
    EXPECT_FALSE(is_read_method(Method::post));
    EXPECT_FALSE(is_read_method(Method::put));
    EXPECT_FALSE(is_read_method(Method::delete_));
    EXPECT_FALSE(is_read_method(Method::other));
}

TEST(AccessTest, KeysFileSkipsBlankLinesAndComments) {
    ApiKeyFile f = parse_api_keys("# workshop front end\n\n  " + kKeyA + "  \r\n\t# old\n" + kKeyB);
    EXPECT_EQ(f.error, "");
    ASSERT_EQ(f.keys.size(), 2u);
    EXPECT_TRUE(api_key_known(f.keys.data(), f.keys.size(), kKeyA));
    EXPECT_TRUE(api_key_known(f.keys.data(), f.keys.size(), kKeyB));
    EXPECT_FALSE(api_key_known(f.keys.data(), f.keys.size(), kKeyA + "a"));
    EXPECT_FALSE(api_key_known(f.keys.data(), f.keys.size(), kKeyA.substr(1)));
    EXPECT_FALSE(api_key_known(f.keys.data(), f.keys.size(), ""));
}

TEST(AccessTest, KeysFileErrorsNameTheLineNotTheKey) {
    ApiKeyFile short_key = parse_api_keys(kKeyA + "\n# c\nshort-key\n" + kKeyB + "\n");
    EXPECT_TRUE(short_key.keys.empty());
    EXPECT_EQ(short_key.error_line, 3u);
    EXPECT_EQ(short_key.error, "a key must be at least 32 characters long");

    ApiKeyFile inner_space = parse_api_keys(kKeyA + " " + kKeyB + "\n");
    EXPECT_EQ(inner_space.error_line, 1u);
    EXPECT_EQ(inner_space.error, "a key may hold only visible ASCII characters");

    ApiKeyFile control = parse_api_keys("\n" + kKeyA + "\x01" + "\n");
    EXPECT_EQ(control.error_line, 2u);
    EXPECT_EQ(control.error, "a key may hold only visible ASCII characters");

    EXPECT_EQ(parse_api_keys(std::string(31, 'x')).error_line, 1u);
    EXPECT_EQ(parse_api_keys(std::string(32, 'x')).error, "");
}

TEST(AccessTest, KeysFileWithoutKeysIsAnError) {
    for (std::string text : {"", "\n\n", "# only a comment\n", "  \t\r\n"}) {
        ApiKeyFile f = parse_api_keys(text);
        EXPECT_TRUE(f.keys.empty()) << text;
        EXPECT_EQ(f.error_line, 0u) << text;
        EXPECT_EQ(f.error, "holds no key") << text;
    }
}

TEST(AccessTest, DigestIsSha256) {
    ApiKeyDigest d = api_key_digest("abc");
    // FIPS 180-2's example.
    const unsigned char want[] = {0xba, 0x78, 0x16, 0xbf, 0x8f, 0x01, 0xcf, 0xea, 0x41, 0x41, 0x40,
                                  0xde, 0x5d, 0xae, 0x22, 0x23, 0xb0, 0x03, 0x61, 0xa3, 0x96, 0x17,
                                  0x7a, 0x9c, 0xb4, 0x10, 0xff, 0x61, 0xf2, 0x00, 0x15, 0xad};
    EXPECT_EQ(0, memcmp(d.sha256.data(), want, sizeof(want)));
}

AuthSettings key_settings(const ApiKeyFile& f) {
    AuthSettings s;
    s.mode = AuthMode::key;
    s.keys = f.keys.data();
    s.key_count = f.keys.size();
    return s;
}

void expect_refused(const AuthDecision& d, const char* detail, const char* reason) {
    EXPECT_FALSE(d.allowed);
    EXPECT_STREQ(d.detail, detail);
    EXPECT_STREQ(d.reason, reason);
}

TEST(AccessTest, OffAllowsAnything) {
    AuthSettings s;
    EXPECT_TRUE(authorize(s, std::nullopt, kNow).allowed);
    EXPECT_TRUE(authorize(s, std::string_view("Basic eDp5"), kNow).allowed);
}

TEST(AccessTest, KeyMode) {
    ApiKeyFile f = parse_api_keys(kKeyA + "\n" + kKeyB + "\n");
    AuthSettings s = key_settings(f);
    EXPECT_TRUE(authorize(s, std::string_view("Bearer " + kKeyA), kNow).allowed);
    EXPECT_TRUE(authorize(s, std::string_view("bearer  " + kKeyB + " "), kNow).allowed);
    expect_refused(authorize(s, std::nullopt, kNow), "Not authenticated", "");
    expect_refused(authorize(s, std::string_view(""), kNow), "Invalid authentication credentials",
                   "not_bearer");
    expect_refused(authorize(s, std::string_view("Basic " + kKeyA), kNow),
                   "Invalid authentication credentials", "not_bearer");
    expect_refused(authorize(s, std::string_view(kKeyA), kNow),
                   "Invalid authentication credentials", "not_bearer");
    expect_refused(authorize(s, std::string_view("Bearer " + kKeyA + "b"), kNow),
                   "Invalid authentication credentials", "unknown_key");
    expect_refused(authorize(s, std::string_view("Bearer " + kKeyA + " " + kKeyB), kNow),
                   "Invalid authentication credentials", "not_bearer");
}

TEST(AccessTest, JwtMode) {
    AuthSettings s;
    s.mode = AuthMode::jwt;
    s.jwt_secret = "s3cret";
    s.jwt_max_lifetime = 86400;
    std::string good = sign_hs256(R"({"sub":"front","exp":1795519521})", "s3cret");
    EXPECT_TRUE(authorize(s, std::string_view("Bearer " + good), kNow).allowed);
    expect_refused(authorize(s, std::string_view("Bearer " + good), 1795519521),
                   "Invalid authentication credentials", "expired");
    std::string no_exp = sign_hs256(R"({"sub":"front"})", "s3cret");
    expect_refused(authorize(s, std::string_view("Bearer " + no_exp), kNow),
                   "Invalid authentication credentials", "no_expiry");
    std::string other = sign_hs256(R"({"sub":"front","exp":1795519521})", "other");
    expect_refused(authorize(s, std::string_view("Bearer " + other), kNow),
                   "Invalid authentication credentials", "bad_signature");
    // An API key is not a token.
    expect_refused(authorize(s, std::string_view("Bearer " + kKeyA), kNow),
                   "Invalid authentication credentials", "malformed");
    expect_refused(authorize(s, std::nullopt, kNow), "Not authenticated", "");
}

}  // namespace
}  // namespace wa
