// X-Hub-Signature-256, the body and the secret all as an attacker may pick
// them (fields split by NUL): the check never crashes, agrees with its
// reason, accepts the body's own signature, and refuses it for a changed
// body; the handshake echoes only a short token.
#include <openssl/hmac.h>

#include "core/webhook.hpp"
#include "fuzz.hpp"

namespace {

std::string sign(std::string_view body, std::string_view secret) {
    unsigned char mac[32];
    unsigned int len = 0;
    static const unsigned char empty = 0;
    HMAC(EVP_sha256(), secret.data(), static_cast<int>(secret.size()),
         body.empty() ? &empty : reinterpret_cast<const unsigned char*>(body.data()), body.size(),
         mac, &len);
    static const char digits[] = "0123456789abcdef";
    std::string out = "sha256=";
    for (unsigned i = 0; i < len; i++) {
        out += digits[mac[i] >> 4];
        out += digits[mac[i] & 15];
    }
    return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    fuzz::Fields f(data, size);
    std::string_view header = f.next();
    std::string_view secret = f.next();
    std::string_view body = f.rest();
    bool valid = wa::valid_signature(header, body, secret);
    FUZZ_CHECK(valid == (*wa::signature_problem(header, body, secret) == '\0'));
    if (!secret.empty()) {
        std::string own = sign(body, secret);
        FUZZ_CHECK(wa::valid_signature(own, body, secret));
        FUZZ_CHECK(!wa::valid_signature(own, std::string(body) + "x", secret));
    }
    wa::VerifyResult v = wa::verify_subscription(header, secret);
    if (v.outcome == wa::Verify::ok) {
        FUZZ_CHECK(!v.challenge.empty() && v.challenge.size() <= wa::kWebhookMaxChallengeBytes);
        for (char c : v.challenge)
            FUZZ_CHECK((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')
                       || c == '.' || c == '_' || c == '~' || c == '-');
    }
    FUZZ_CHECK(wa::secret_matches(secret, secret) == !secret.empty());
    return 0;
}
