// Authorization: Bearer <token> against a fixed secret, and tokens signed
// here over the input as a payload: a token we did not sign never verifies,
// base64url has one spelling, and a verified token's claims were checked.
#include "core/jwt.hpp"
#include "fuzz.hpp"

namespace {

constexpr std::string_view kSecret = "fuzz-secret";
constexpr int64_t kNow = 1800000000;
constexpr int64_t kMaxLifetime = 86400;

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    std::string_view input(reinterpret_cast<const char*>(data), size);

    if (auto token = wa::bearer_token(input)) {
        // The scheme's separators are spaces and tabs; other bytes are the
        // token's, for verify_hs256 to refuse.
        FUZZ_CHECK(!token->empty() && token->find_first_of(" \t") == std::string::npos);
        wa::JwtStatus status = wa::verify_hs256(*token, kSecret, kNow, kMaxLifetime);
        FUZZ_CHECK(wa::jwt_status_name(status) != nullptr);
        if (status == wa::JwtStatus::ok)
            FUZZ_CHECK(
                token->find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
                                         "0123456789-_.")
                == std::string::npos);
    }
    // Without the secret nothing verifies, whatever the token says.
    FUZZ_CHECK(wa::verify_hs256(input, "", kNow, kMaxLifetime) != wa::JwtStatus::ok);

    if (auto decoded = wa::base64url_decode(input))
        FUZZ_CHECK(wa::base64url_encode(*decoded) == input);
    FUZZ_CHECK(wa::base64url_decode(wa::base64url_encode(input)) == std::string(input));

    // The input as a payload, signed with the secret: its verdict is one of
    // the claim checks, never a signature or header problem.
    std::string signed_token = wa::sign_hs256(input, kSecret);
    wa::JwtStatus status = wa::verify_hs256(signed_token, kSecret, kNow, kMaxLifetime);
    FUZZ_CHECK(status != wa::JwtStatus::bad_signature && status != wa::JwtStatus::bad_algorithm);
    FUZZ_CHECK(wa::verify_hs256(signed_token, "other-secret", kNow, kMaxLifetime)
               != wa::JwtStatus::ok);
    return 0;
}
