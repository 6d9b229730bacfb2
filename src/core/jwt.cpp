#include "jwt.hpp"

#include <climits>
#include <memory>

#include <jansson.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

namespace wa {

namespace {

struct JsonDeleter {
    void operator()(json_t* json) const { json_decref(json); }
};

using JsonPtr = std::unique_ptr<json_t, JsonDeleter>;

constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

// {"alg":"HS256","typ":"JWT"}
constexpr char kHeader[] = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9";

constexpr size_t kSha256Bytes = 32;

// Far above any real token; it bounds the work an unauthenticated request
// can cause.
constexpr size_t kMaxTokenBytes = 16384;

int decode_char(char c) {
    if (c >= 'A' && c <= 'Z') {
        return c - 'A';
    }
    if (c >= 'a' && c <= 'z') {
        return c - 'a' + 26;
    }
    if (c >= '0' && c <= '9') {
        return c - '0' + 52;
    }
    if (c == '-') {
        return 62;
    }
    if (c == '_') {
        return 63;
    }
    return -1;
}

bool is_space(char c) { return c == ' ' || c == '\t'; }

bool hmac_sha256(std::string_view key, std::string_view data, unsigned char* out) {
    // HMAC() with a null key pointer would use a cached key, never do that.
    static const unsigned char empty = 0;
    if (key.size() > static_cast<size_t>(INT_MAX)) {
        return false;
    }
    const void* key_ptr = key.empty() ? static_cast<const void*>(&empty) : key.data();
    unsigned int len = 0;
    unsigned char* r =
        HMAC(EVP_sha256(), key_ptr, static_cast<int>(key.size()),
             reinterpret_cast<const unsigned char*>(data.data()), data.size(), out, &len);
    return r != nullptr && len == kSha256Bytes;
}

JsonPtr load_object(const std::string& text) {
    json_error_t error;
    JsonPtr root(json_loadb(text.data(), text.size(), JSON_REJECT_DUPLICATES, &error));
    if (!root || !json_is_object(root.get())) {
        return nullptr;
    }
    return root;
}

// A time claim: absent, or a JSON integer >= 0 (seconds since the epoch).
// false: present but of another type or negative.
bool time_claim(const json_t* payload, const char* name, std::optional<int64_t>& out) {
    const json_t* claim = json_object_get(payload, name);
    if (claim == nullptr) {
        out.reset();
        return true;
    }
    if (!json_is_integer(claim) || json_integer_value(claim) < 0) {
        return false;
    }
    out = static_cast<int64_t>(json_integer_value(claim));
    return true;
}

}  // namespace

std::optional<std::string> bearer_token(std::string_view authorization) {
    size_t begin = 0;
    while (begin < authorization.size() && is_space(authorization[begin])) {
        begin++;
    }
    size_t end = authorization.size();
    while (end > begin && is_space(authorization[end - 1])) {
        end--;
    }
    std::string_view s = authorization.substr(begin, end - begin);

    constexpr std::string_view scheme = "bearer";
    if (s.size() <= scheme.size() || !is_space(s[scheme.size()])) {
        return std::nullopt;
    }
    for (size_t i = 0; i < scheme.size(); i++) {
        char c = s[i];
        if (c >= 'A' && c <= 'Z') {
            c = static_cast<char>(c - 'A' + 'a');
        }
        if (c != scheme[i]) {
            return std::nullopt;
        }
    }

    size_t t = scheme.size();
    while (t < s.size() && is_space(s[t])) {
        t++;
    }
    std::string_view token = s.substr(t);
    if (token.empty()) {
        return std::nullopt;
    }
    for (char c : token) {
        if (is_space(c)) {
            return std::nullopt;
        }
    }
    return std::string(token);
}

const char* jwt_status_name(JwtStatus status) {
    switch (status) {
    case JwtStatus::ok: return "ok";
    case JwtStatus::malformed: return "malformed";
    case JwtStatus::bad_algorithm: return "bad_algorithm";
    case JwtStatus::bad_signature: return "bad_signature";
    case JwtStatus::expired: return "expired";
    case JwtStatus::not_yet_valid: return "not_yet_valid";
    case JwtStatus::no_expiry: return "no_expiry";
    case JwtStatus::lifetime_too_long: return "lifetime_too_long";
    }
    return "unknown";
}

std::string base64url_encode(std::string_view data) {
    std::string out;
    out.reserve((data.size() + 2) / 3 * 4);

    size_t i = 0;
    for (; i + 3 <= data.size(); i += 3) {
        uint32_t v = static_cast<uint32_t>(static_cast<unsigned char>(data[i])) << 16
            | static_cast<uint32_t>(static_cast<unsigned char>(data[i + 1])) << 8
            | static_cast<uint32_t>(static_cast<unsigned char>(data[i + 2]));
        out.push_back(kAlphabet[v >> 18 & 63]);
        out.push_back(kAlphabet[v >> 12 & 63]);
        out.push_back(kAlphabet[v >> 6 & 63]);
        out.push_back(kAlphabet[v & 63]);
    }

    size_t rest = data.size() - i;
    if (rest > 0) {
        uint32_t v = static_cast<uint32_t>(static_cast<unsigned char>(data[i])) << 16;
        if (rest == 2) {
            v |= static_cast<uint32_t>(static_cast<unsigned char>(data[i + 1])) << 8;
        }
        out.push_back(kAlphabet[v >> 18 & 63]);
        out.push_back(kAlphabet[v >> 12 & 63]);
        if (rest == 2) {
            out.push_back(kAlphabet[v >> 6 & 63]);
        }
    }
    return out;
}

std::optional<std::string> base64url_decode(std::string_view text) {
    if (text.size() % 4 == 1) {
        return std::nullopt;
    }

    std::string out;
    out.reserve(text.size() / 4 * 3 + 2);

    uint32_t acc = 0;
    int bits = 0;
    for (char c : text) {
        int v = decode_char(c);
        if (v < 0) {
            return std::nullopt;
        }
        acc = (acc << 6 | static_cast<uint32_t>(v)) & 0xffffff;
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            out.push_back(static_cast<char>(acc >> bits & 0xff));
        }
    }
    // 2 or 4 bits are left over after 3 or 2 characters; they must be zero.
    if (bits > 0 && (acc & ((1u << bits) - 1)) != 0) {
        return std::nullopt;
    }
    return out;
}

std::string sign_hs256(std::string_view payload_json, std::string_view secret) {
    std::string token = kHeader;
    token.push_back('.');
    token += base64url_encode(payload_json);

    unsigned char mac[EVP_MAX_MD_SIZE];
    if (!hmac_sha256(secret, token, mac)) {
        return std::string();
    }
    token.push_back('.');
    token += base64url_encode(std::string_view(reinterpret_cast<const char*>(mac), kSha256Bytes));
    return token;
}

JwtStatus verify_hs256(std::string_view token, std::string_view secret, int64_t now_unix,
                       int64_t max_lifetime_seconds) {
    if (token.size() > kMaxTokenBytes) {
        return JwtStatus::malformed;
    }

    size_t dot1 = token.find('.');
    if (dot1 == std::string_view::npos) {
        return JwtStatus::malformed;
    }
    size_t dot2 = token.find('.', dot1 + 1);
    if (dot2 == std::string_view::npos || token.find('.', dot2 + 1) != std::string_view::npos) {
        return JwtStatus::malformed;
    }

    std::string_view header_part = token.substr(0, dot1);
    std::string_view payload_part = token.substr(dot1 + 1, dot2 - dot1 - 1);
    std::string_view signature_part = token.substr(dot2 + 1);

    auto header_text = base64url_decode(header_part);
    auto payload_text = base64url_decode(payload_part);
    auto signature = base64url_decode(signature_part);
    if (!header_text || !payload_text || !signature || header_part.empty()
        || payload_part.empty()) {
        return JwtStatus::malformed;
    }

    JsonPtr header = load_object(*header_text);
    if (!header) {
        return JwtStatus::malformed;
    }
    const json_t* alg = json_object_get(header.get(), "alg");
    if (!json_is_string(alg)
        || std::string_view(json_string_value(alg), json_string_length(alg)) != "HS256") {
        return JwtStatus::bad_algorithm;
    }
    // RFC 7515 4.1.11: extensions we do not understand must not be ignored.
    if (json_object_get(header.get(), "crit") != nullptr) {
        return JwtStatus::malformed;
    }

    if (secret.empty() || signature->size() != kSha256Bytes) {
        return JwtStatus::bad_signature;
    }
    unsigned char mac[EVP_MAX_MD_SIZE];
    if (!hmac_sha256(secret, token.substr(0, dot2), mac)
        || CRYPTO_memcmp(mac, signature->data(), kSha256Bytes) != 0) {
        return JwtStatus::bad_signature;
    }

    JsonPtr payload = load_object(*payload_text);
    if (!payload) {
        return JwtStatus::malformed;
    }

    std::optional<int64_t> exp, nbf, iat;
    if (!time_claim(payload.get(), "exp", exp) || !time_claim(payload.get(), "nbf", nbf)
        || !time_claim(payload.get(), "iat", iat)) {
        return JwtStatus::malformed;
    }
    // A token without an end would be good for ever, also once it leaked.
    if (!exp) {
        return JwtStatus::no_expiry;
    }
    if (now_unix >= *exp) {
        return JwtStatus::expired;
    }
    if (*exp - now_unix > max_lifetime_seconds) {
        return JwtStatus::lifetime_too_long;
    }
    if ((nbf && *nbf > now_unix) || (iat && *iat > now_unix)) {
        return JwtStatus::not_yet_valid;
    }
    return JwtStatus::ok;
}

}  // namespace wa
