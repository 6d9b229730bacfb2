#include "access.hpp"

#include "jwt.hpp"

#include <openssl/crypto.h>
#include <openssl/sha.h>

namespace wa {

namespace {

constexpr const char* kNotAuthenticated = "Not authenticated";
constexpr const char* kInvalid = "Invalid authentication credentials";

bool is_blank(char c) { return c == ' ' || c == '\t'; }

std::string_view trim_blanks(std::string_view s) {
    while (!s.empty() && is_blank(s.front())) {
        s.remove_prefix(1);
    }
    while (!s.empty() && is_blank(s.back())) {
        s.remove_suffix(1);
    }
    return s;
}

bool visible_ascii(std::string_view s) {
    for (char c : s) {
        if (c < 0x21 || c > 0x7e) {
            return false;
        }
    }
    return true;
}

AuthDecision refused(const char* detail, const char* reason) { return {false, detail, reason}; }

}  // namespace

bool is_read_method(Method m) { return m == Method::get || m == Method::head; }

ApiKeyDigest api_key_digest(std::string_view key) {
    ApiKeyDigest d{};
    SHA256(reinterpret_cast<const unsigned char*>(key.data()), key.size(), d.sha256.data());
    return d;
}

ApiKeyFile parse_api_keys(std::string_view text) {
    ApiKeyFile file;
    size_t line_no = 0;
    while (!text.empty()) {
        size_t end = text.find('\n');
        std::string_view line = text.substr(0, end);
        text.remove_prefix(end == std::string_view::npos ? text.size() : end + 1);
        line_no++;
        if (!line.empty() && line.back() == '\r') {
            line.remove_suffix(1);
        }
        line = trim_blanks(line);
        if (line.empty() || line.front() == '#') {
            continue;
        }
        const char* problem = nullptr;
        if (!visible_ascii(line)) {
            problem = "a key may hold only visible ASCII characters";
        } else if (line.size() < kMinApiKeyBytes) {
            problem = "a key must be at least 32 characters long";
        }
        if (problem != nullptr) {
            file.keys.clear();
            file.error_line = line_no;
            file.error = problem;
            return file;
        }
        file.keys.push_back(api_key_digest(line));
    }
    if (file.keys.empty()) {
        file.error = "holds no key";
    }
    return file;
}

bool api_key_known(const ApiKeyDigest* keys, size_t count, std::string_view presented) {
    ApiKeyDigest p = api_key_digest(presented);
    bool known = false;
    for (size_t i = 0; i < count; i++) {
        // No early exit: every key costs the same whether or not one matched.
        known |= CRYPTO_memcmp(keys[i].sha256.data(), p.sha256.data(), p.sha256.size()) == 0;
    }
    return known;
}

AuthDecision authorize(const AuthSettings& settings, std::optional<std::string_view> authorization,
                       int64_t now_unix) {
    if (settings.mode == AuthMode::off) {
        return {true, "", ""};
    }
    if (!authorization) {
        return refused(kNotAuthenticated, "");
    }
    std::optional<std::string> token = bearer_token(*authorization);
    if (!token) {
        return refused(kInvalid, "not_bearer");
    }
    if (settings.mode == AuthMode::jwt) {
        JwtStatus st =
            verify_hs256(*token, settings.jwt_secret, now_unix, settings.jwt_max_lifetime);
        if (st != JwtStatus::ok) {
            return refused(kInvalid, jwt_status_name(st));
        }
        return {true, "", ""};
    }
    if (!api_key_known(settings.keys, settings.key_count, *token)) {
        return refused(kInvalid, "unknown_key");
    }
    return {true, "", ""};
}

}  // namespace wa
