#include <gtest/gtest.h>

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "core/jwt.hpp"

namespace wa {
namespace {

// jwt.io's example token, signed with "secret" and with "your-256-bit-secret"
// (signatures cross-checked with Python's hmac module).
constexpr const char* kJwtIoHeader = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9";
constexpr const char* kJwtIoPayload =
    "eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiaWF0IjoxNTE2MjM5MDIyfQ";
constexpr const char* kJwtIoPayloadJson =
    R"({"sub":"1234567890","name":"John Doe","iat":1516239022})";
constexpr const char* kJwtIoSigSecret = "XbPfbIHMI6arZ3Y922BhjWgQzWXcXNrz0ogtVhfEd2o";
constexpr const char* kJwtIoSigDefault = "SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c";

constexpr int64_t kNow = 1795515921;  // 2026-11-24T10:25:21Z
constexpr int64_t kDay = 86400;       // wa_report_jwt_max_lifetime's default

// {"sub":"x","exp":kNow + 1 h}: a token the rules accept.
const std::string kPayload = R"({"sub":"x","exp":1795519521})";

std::string jwt_io(const char* sig) {
    return std::string(kJwtIoHeader) + "." + kJwtIoPayload + "." + sig;
}

// base64url(HMAC-SHA256(secret, input)), independently of sign_hs256.
std::string mac_of(const std::string& input, const std::string& secret) {
    unsigned char mac[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    HMAC(EVP_sha256(), secret.data(), static_cast<int>(secret.size()),
         reinterpret_cast<const unsigned char*>(input.data()), input.size(), mac, &len);
    return base64url_encode(std::string(reinterpret_cast<char*>(mac), len));
}

// Any header, signed independently of sign_hs256.
std::string sign_with_header(const std::string& header_json, const std::string& payload_json,
                             const std::string& secret) {
    std::string input = base64url_encode(header_json) + "." + base64url_encode(payload_json);
    return input + "." + mac_of(input, secret);
}

TEST(Base64Url, EncodesWithoutPadding) {
    EXPECT_EQ(base64url_encode(""), "");
    EXPECT_EQ(base64url_encode("f"), "Zg");
    EXPECT_EQ(base64url_encode("fo"), "Zm8");
    EXPECT_EQ(base64url_encode("foo"), "Zm9v");
    EXPECT_EQ(base64url_encode("foob"), "Zm9vYg");
    EXPECT_EQ(base64url_encode("fooba"), "Zm9vYmE");
    EXPECT_EQ(base64url_encode("foobar"), "Zm9vYmFy");
    EXPECT_EQ(base64url_encode(std::string("\xfb\xff\xbf", 3)), "-_-_");
    EXPECT_EQ(base64url_encode(R"({"alg":"HS256","typ":"JWT"})"), kJwtIoHeader);
}

TEST(Base64Url, DecodesCanonicalText) {
    EXPECT_EQ(base64url_decode(""), "");
    EXPECT_EQ(base64url_decode("Zg"), "f");
    EXPECT_EQ(base64url_decode("Zm8"), "fo");
    EXPECT_EQ(base64url_decode("Zm9v"), "foo");
    EXPECT_EQ(base64url_decode("Zm9vYmFy"), "foobar");
    EXPECT_EQ(base64url_decode("-_-_"), std::string("\xfb\xff\xbf", 3));
    EXPECT_EQ(base64url_decode(kJwtIoPayload), kJwtIoPayloadJson);
}

TEST(Base64Url, RefusesInvalidInput) {
    EXPECT_EQ(base64url_decode("Z"), std::nullopt);  // 4n+1 characters
    EXPECT_EQ(base64url_decode("Zm9vY"), std::nullopt);
    EXPECT_EQ(base64url_decode("Zg=="), std::nullopt);  // padding, even when right
    EXPECT_EQ(base64url_decode("Zm8="), std::nullopt);
    EXPECT_EQ(base64url_decode("Zg="), std::nullopt);    // incomplete padding
    EXPECT_EQ(base64url_decode("Zm8=="), std::nullopt);  // too much padding
    EXPECT_EQ(base64url_decode("Zm9v="), std::nullopt);
    EXPECT_EQ(base64url_decode("===="), std::nullopt);
    EXPECT_EQ(base64url_decode("Zm+v"), std::nullopt);  // standard alphabet
    EXPECT_EQ(base64url_decode("Zm/v"), std::nullopt);
    EXPECT_EQ(base64url_decode("Zm 9v"), std::nullopt);
    EXPECT_EQ(base64url_decode("Zh"), std::nullopt);  // non-zero unused bits
    EXPECT_EQ(base64url_decode("Zm9"), std::nullopt);
    EXPECT_EQ(base64url_decode("Z=g="), std::nullopt);
}

TEST(Base64Url, RoundTripsAllByteValues) {
    std::string all;
    for (int i = 0; i < 256; i++) {
        all.push_back(static_cast<char>(i));
    }
    for (size_t n = 0; n <= all.size(); n += 37) {
        std::string s = all.substr(0, n);
        EXPECT_EQ(base64url_decode(base64url_encode(s)), s);
    }
}

TEST(SignHs256, MatchesJwtIo) {
    EXPECT_EQ(sign_hs256(kJwtIoPayloadJson, "secret"), jwt_io(kJwtIoSigSecret));
    EXPECT_EQ(sign_hs256(kJwtIoPayloadJson, "your-256-bit-secret"), jwt_io(kJwtIoSigDefault));
}

// jwt.io's tokens are signed right (no bad_signature) but carry no "exp".
TEST(VerifyHs256, JwtIoTokensVerifyButNeverExpire) {
    EXPECT_EQ(verify_hs256(jwt_io(kJwtIoSigSecret), "secret", kNow, kDay), JwtStatus::no_expiry);
    EXPECT_EQ(verify_hs256(jwt_io(kJwtIoSigDefault), "your-256-bit-secret", kNow, kDay),
              JwtStatus::no_expiry);
}

TEST(VerifyHs256, AcceptsAValidToken) {
    EXPECT_EQ(verify_hs256(sign_hs256(kPayload, "secret"), "secret", kNow, kDay), JwtStatus::ok);
}

// One spelling per token: padding, even right and signed as sent, the
// standard alphabet and stray bits are all malformed.
TEST(VerifyHs256, RefusesNonCanonicalBase64url) {
    const std::string header = kJwtIoHeader;
    std::string input = header + "." + base64url_encode(kPayload);
    ASSERT_NE(input.size() % 4, 0u) << "the payload needs padding";
    while (input.size() % 4 != 0) {
        input += "=";
    }
    EXPECT_EQ(verify_hs256(input + "." + mac_of(input, "secret"), "secret", kNow, kDay),
              JwtStatus::malformed);
    input = header + "==" + "." + base64url_encode(kPayload);  // a header that needs none
    EXPECT_EQ(verify_hs256(input + "." + mac_of(input, "secret"), "secret", kNow, kDay),
              JwtStatus::malformed);

    const std::string valid = sign_hs256(kPayload, "secret");
    const std::string signing_input = valid.substr(0, valid.rfind('.'));
    const std::string sig = valid.substr(valid.rfind('.') + 1);
    ASSERT_EQ(sig.size(), 43u);
    EXPECT_EQ(verify_hs256(valid + "=", "secret", kNow, kDay), JwtStatus::malformed);
    EXPECT_EQ(verify_hs256(valid + "==", "secret", kNow, kDay), JwtStatus::malformed);

    // The same bytes in the standard alphabet, for a signature with "-" or "_".
    std::string t;
    for (int i = 0; t.empty() || t.substr(t.rfind('.')).find_first_of("-_") == std::string::npos;
         i++) {
        t = sign_hs256(R"({"sub":")" + std::to_string(i) + R"(","exp":1795519521})", "secret");
    }
    ASSERT_EQ(verify_hs256(t, "secret", kNow, kDay), JwtStatus::ok);
    for (size_t i = t.rfind('.'); i < t.size(); i++) {
        t[i] = t[i] == '-' ? '+' : t[i] == '_' ? '/' : t[i];
    }
    EXPECT_EQ(verify_hs256(t, "secret", kNow, kDay), JwtStatus::malformed) << t;

    // The last character of 43 carries 2 unused bits: set one.
    const std::string alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    std::string stray = sig;
    stray.back() = alphabet[alphabet.find(sig.back()) | 1];
    EXPECT_EQ(verify_hs256(signing_input + "." + stray, "secret", kNow, kDay),
              JwtStatus::malformed);
}

TEST(VerifyHs256, WrongSignature) {
    EXPECT_EQ(verify_hs256(jwt_io(kJwtIoSigSecret), "Secret", kNow, kDay),
              JwtStatus::bad_signature);
    EXPECT_EQ(verify_hs256(jwt_io(kJwtIoSigDefault), "secret", kNow, kDay),
              JwtStatus::bad_signature);

    std::string flipped = kJwtIoSigSecret;
    flipped[10] = flipped[10] == 'A' ? 'B' : 'A';
    EXPECT_EQ(verify_hs256(jwt_io(flipped.c_str()), "secret", kNow, kDay),
              JwtStatus::bad_signature);

    // Truncated and empty signatures.
    std::string shorter(kJwtIoSigSecret);
    shorter.resize(40);
    EXPECT_EQ(verify_hs256(jwt_io(shorter.c_str()), "secret", kNow, kDay),
              JwtStatus::bad_signature);
    EXPECT_EQ(verify_hs256(jwt_io(""), "secret", kNow, kDay), JwtStatus::bad_signature);

    // The payload changed after signing.
    std::string other = sign_hs256(R"({"sub":"admin"})", "secret");
    std::string tampered = other.substr(0, other.rfind('.')) + "." + kJwtIoSigSecret;
    EXPECT_EQ(verify_hs256(tampered, "secret", kNow, kDay), JwtStatus::bad_signature);
}

TEST(VerifyHs256, CrossChecksTheSigner) {
    const std::string payload = R"({"sub":"x","exp":1895515921})";
    EXPECT_EQ(sign_hs256(payload, "s3cr3t"),
              sign_with_header(R"({"alg":"HS256","typ":"JWT"})", payload, "s3cr3t"));
}

TEST(VerifyHs256, EmptySecretVerifiesNothing) {
    std::string t = sign_hs256(R"({"sub":"x"})", "");
    EXPECT_EQ(verify_hs256(t, "", kNow, kDay), JwtStatus::bad_signature);
}

TEST(VerifyHs256, Expiry) {
    std::string t = sign_hs256(R"({"sub":"x","exp":1795515921})", "secret");
    EXPECT_EQ(verify_hs256(t, "secret", kNow - 1, kDay), JwtStatus::ok);
    EXPECT_EQ(verify_hs256(t, "secret", kNow, kDay), JwtStatus::expired);
    EXPECT_EQ(verify_hs256(t, "secret", kNow + 3600, kDay), JwtStatus::expired);

    // An expired token with a bad signature reports the signature.
    EXPECT_EQ(verify_hs256(t, "other", kNow + 1, kDay), JwtStatus::bad_signature);
}

TEST(VerifyHs256, NotBefore) {
    std::string t = sign_hs256(R"({"nbf":1795515921,"exp":1795519521})", "secret");
    EXPECT_EQ(verify_hs256(t, "secret", kNow - 1, kDay), JwtStatus::not_yet_valid);
    EXPECT_EQ(verify_hs256(t, "secret", kNow, kDay), JwtStatus::ok);
    EXPECT_EQ(verify_hs256(t, "secret", kNow + 3599, kDay), JwtStatus::ok);
    EXPECT_EQ(verify_hs256(t, "secret", kNow + 3600, kDay), JwtStatus::expired);
}

TEST(VerifyHs256, ClaimsMustBeNumbers) {
    for (const char* payload : {R"({"exp":"1795519521"})", R"({"exp":null})", R"({"exp":true})",
                                R"({"nbf":"0"})", R"({"exp":[1]})"}) {
        EXPECT_EQ(verify_hs256(sign_hs256(payload, "secret"), "secret", kNow, kDay),
                  JwtStatus::malformed)
            << payload;
    }
}

TEST(VerifyHs256, TokenWithoutExpIsRefused) {
    EXPECT_EQ(verify_hs256(sign_hs256("{}", "secret"), "secret", kNow, kDay), JwtStatus::no_expiry);
    EXPECT_EQ(
        verify_hs256(sign_hs256(R"({"sub":"x","nbf":1795515000})", "secret"), "secret", kNow, kDay),
        JwtStatus::no_expiry);
}

// Seconds since the epoch as a JSON integer: anything else is malformed.
TEST(VerifyHs256, TimeClaimsAreIntegerSeconds) {
    for (const char* payload :
         {R"({"exp":1e308})", R"({"exp":1795519521.5})", R"({"exp":1795519521.0})",
          R"({"exp":1.7955195e9})", R"({"exp":-1})", R"({"exp":{}})",
          R"({"exp":1795519521,"nbf":1795515000.5})", R"({"exp":1795519521,"nbf":-5})",
          R"({"exp":1795519521,"iat":"1795515000"})", R"({"exp":1795519521,"iat":1795515000.25})",
          R"({"exp":1795519521,"iat":null})"}) {
        EXPECT_EQ(verify_hs256(sign_hs256(payload, "secret"), "secret", kNow, kDay),
                  JwtStatus::malformed)
            << payload;
    }
    // Larger than any 64-bit integer: jansson refuses to read it.
    EXPECT_EQ(
        verify_hs256(sign_hs256(R"({"exp":99999999999999999999})", "secret"), "secret", kNow, kDay),
        JwtStatus::malformed);
}

TEST(VerifyHs256, LifetimeIsBounded) {
    auto token = [](int64_t exp) {
        return sign_hs256(R"({"sub":"x","exp":)" + std::to_string(exp) + "}", "secret");
    };
    EXPECT_EQ(verify_hs256(token(kNow + kDay), "secret", kNow, kDay), JwtStatus::ok);
    EXPECT_EQ(verify_hs256(token(kNow + kDay + 1), "secret", kNow, kDay),
              JwtStatus::lifetime_too_long);
    EXPECT_EQ(verify_hs256(token(kNow + 366 * kDay), "secret", kNow, kDay),
              JwtStatus::lifetime_too_long);
    EXPECT_EQ(verify_hs256(token(INT64_MAX), "secret", kNow, kDay), JwtStatus::lifetime_too_long);
    // The limit is the caller's.
    EXPECT_EQ(verify_hs256(token(kNow + 600), "secret", kNow, 600), JwtStatus::ok);
    EXPECT_EQ(verify_hs256(token(kNow + 601), "secret", kNow, 600), JwtStatus::lifetime_too_long);
    // The same token is fine once less of its life is left.
    EXPECT_EQ(verify_hs256(token(kNow + 2 * kDay), "secret", kNow + kDay, kDay), JwtStatus::ok);
}

TEST(VerifyHs256, IssuedInTheFutureIsNotYetValid) {
    auto token = [](int64_t iat) {
        return sign_hs256(R"({"exp":1795519521,"iat":)" + std::to_string(iat) + "}", "secret");
    };
    EXPECT_EQ(verify_hs256(token(kNow), "secret", kNow, kDay), JwtStatus::ok);
    EXPECT_EQ(verify_hs256(token(kNow - 3600), "secret", kNow, kDay), JwtStatus::ok);
    EXPECT_EQ(verify_hs256(token(kNow + 1), "secret", kNow, kDay), JwtStatus::not_yet_valid);
}

TEST(VerifyHs256, RefusesOtherAlgorithms) {
    const std::string payload = base64url_encode(R"({"sub":"x","exp":1895515921})");
    for (const char* header :
         {R"({"alg":"none","typ":"JWT"})", R"({"alg":"None"})", R"({"alg":"HS384","typ":"JWT"})",
          R"({"alg":"RS256"})", R"({"alg":"hs256"})", R"({"typ":"JWT"})", R"({"alg":256})",
          R"({"alg":null})"}) {
        std::string h = base64url_encode(header);
        EXPECT_EQ(verify_hs256(h + "." + payload + ".", "secret", kNow, kDay),
                  JwtStatus::bad_algorithm)
            << header;
        EXPECT_EQ(verify_hs256(h + "." + payload + "." + kJwtIoSigSecret, "secret", kNow, kDay),
                  JwtStatus::bad_algorithm)
            << header;
    }
}

TEST(VerifyHs256, Malformed) {
    const std::string ok = sign_hs256(R"({"sub":"x"})", "secret");
    const std::string payload = base64url_encode(R"({"sub":"x"})");
    for (const std::string& t : {
             std::string(""),
             std::string("garbage"),
             std::string("a.b"),
             std::string(".."),
             ok + ".",
             ok + ".x",
             std::string(kJwtIoHeader) + ".." + kJwtIoSigSecret,
             base64url_encode("not json") + "." + payload + "." + kJwtIoSigSecret,
             base64url_encode(R"(["alg","HS256"])") + "." + payload + "." + kJwtIoSigSecret,
             base64url_encode(R"({"alg":"HS256","alg":"none"})") + "." + payload + ".x",
             std::string("eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9*.") + payload + ".x",
             std::string(kJwtIoHeader) + "." + payload + ".abc!",
             std::string(20000, 'a') + "." + payload + ".x",
         }) {
        EXPECT_EQ(verify_hs256(t, "secret", kNow, kDay), JwtStatus::malformed) << t;
    }
}

TEST(VerifyHs256, PayloadMustBeAnObject) {
    for (const char* payload : {"[1,2]", "\"sub\"", "42", "not json", "{\"a\":1,\"a\":2}"}) {
        EXPECT_EQ(verify_hs256(sign_hs256(payload, "secret"), "secret", kNow, kDay),
                  JwtStatus::malformed)
            << payload;
    }
}

TEST(VerifyHs256, IgnoresOtherHeaderFields) {
    std::string t =
        sign_with_header(R"({"typ":"at+jwt","kid":"k1","alg":"HS256"})", kPayload, "secret");
    EXPECT_EQ(verify_hs256(t, "secret", kNow, kDay), JwtStatus::ok);
    t = sign_with_header(R"({"alg":"HS256"})", kPayload, "secret");
    EXPECT_EQ(verify_hs256(t, "secret", kNow, kDay), JwtStatus::ok);
}

TEST(VerifyHs256, RefusesCriticalExtensions) {
    std::string t = sign_with_header(R"({"alg":"HS256","crit":["b64"],"b64":false})",
                                     R"({"sub":"x"})", "secret");
    EXPECT_EQ(verify_hs256(t, "secret", kNow, kDay), JwtStatus::malformed);
}

TEST(VerifyHs256, RefusesOtherAlgorithmsEvenWhenSignedWithTheSecret) {
    for (const char* header : {R"({"alg":"none"})", R"({"alg":"HS512"})", R"({"alg":"RS256"})"}) {
        std::string t = sign_with_header(header, R"({"sub":"x"})", "secret");
        EXPECT_EQ(verify_hs256(t, "secret", kNow, kDay), JwtStatus::bad_algorithm) << header;
    }
}

TEST(JwtStatusName, NamesEveryStatus) {
    EXPECT_STREQ(jwt_status_name(JwtStatus::ok), "ok");
    EXPECT_STREQ(jwt_status_name(JwtStatus::malformed), "malformed");
    EXPECT_STREQ(jwt_status_name(JwtStatus::bad_algorithm), "bad_algorithm");
    EXPECT_STREQ(jwt_status_name(JwtStatus::bad_signature), "bad_signature");
    EXPECT_STREQ(jwt_status_name(JwtStatus::expired), "expired");
    EXPECT_STREQ(jwt_status_name(JwtStatus::not_yet_valid), "not_yet_valid");
    EXPECT_STREQ(jwt_status_name(JwtStatus::no_expiry), "no_expiry");
    EXPECT_STREQ(jwt_status_name(JwtStatus::lifetime_too_long), "lifetime_too_long");
}

TEST(BearerToken, ParsesTheScheme) {
    EXPECT_EQ(bearer_token("Bearer abc.def.ghi"), "abc.def.ghi");
    EXPECT_EQ(bearer_token("bearer abc"), "abc");
    EXPECT_EQ(bearer_token("BEARER abc"), "abc");
    EXPECT_EQ(bearer_token("BeArEr abc"), "abc");
    EXPECT_EQ(bearer_token("Bearer    abc"), "abc");
    EXPECT_EQ(bearer_token("Bearer\tabc"), "abc");
    EXPECT_EQ(bearer_token("  Bearer abc  "), "abc");
}

TEST(BearerToken, RefusesOtherForms) {
    EXPECT_EQ(bearer_token(""), std::nullopt);
    EXPECT_EQ(bearer_token("Bearer"), std::nullopt);
    EXPECT_EQ(bearer_token("Bearer "), std::nullopt);
    EXPECT_EQ(bearer_token("Bearer    "), std::nullopt);
    EXPECT_EQ(bearer_token("Bearerabc"), std::nullopt);
    EXPECT_EQ(bearer_token("Basic dXNlcjpwYXNz"), std::nullopt);
    EXPECT_EQ(bearer_token("Bearer abc def"), std::nullopt);
    EXPECT_EQ(bearer_token("Token abc"), std::nullopt);
    EXPECT_EQ(bearer_token("Bear abc"), std::nullopt);
}

}  // namespace
}  // namespace wa
