// Access control of the report and data API: who may read, who may write.
// Pure decisions; the HTTP glue (ngx_http_wa_report_access.cpp) asks them
// with the request's method and Authorization header.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "routes.hpp"

namespace wa {

// wa_report_auth_read / wa_report_auth_write.
enum class AuthMode { off, jwt, key };

// GET and HEAD read; every other method (POST, PUT, DELETE, OPTIONS, ...)
// is taken as a write, so a method the API may learn later is never open by
// accident.
bool is_read_method(Method m);

// The shortest API key a keys file may hold, in bytes: 32 characters are
// 128 bits and more even as hex (`openssl rand -hex 32` gives 64).
constexpr size_t kMinApiKeyBytes = 32;

// SHA-256 of an API key. Keys are kept and compared only as digests, so a
// comparison takes the same time whatever the presented key's length and
// content, and a core dump of a worker holds no key.
struct ApiKeyDigest {
    std::array<unsigned char, 32> sha256;
};

ApiKeyDigest api_key_digest(std::string_view key);

// A keys file: one key per line; surrounding spaces and tabs and a final CR
// are not part of a key; blank lines and lines whose first visible character
// is '#' are skipped. A key is visible ASCII (0x21-0x7e, what can follow
// "Bearer ") and at least kMinApiKeyBytes long. On the first bad line,
// `keys` is empty, `error_line` is its 1-based number and `error` says what
// is wrong without quoting the line (it is a secret); a file without any key
// has error_line 0 and error "holds no key".
struct ApiKeyFile {
    std::vector<ApiKeyDigest> keys;
    size_t error_line = 0;
    std::string error;  // empty: the file is good
};

ApiKeyFile parse_api_keys(std::string_view text);

// True when `presented` is one of `keys`. Every key is compared, each in
// constant time (CRYPTO_memcmp), so the time taken says neither which key
// matched nor how much of one did.
bool api_key_known(const ApiKeyDigest* keys, size_t count, std::string_view presented);

// What a location checks a request against.
struct AuthSettings {
    AuthMode mode = AuthMode::off;
    std::string_view jwt_secret;       // mode jwt: the HS256 secret
    int64_t jwt_max_lifetime = 86400;  // mode jwt: seconds (verify_hs256)
    const ApiKeyDigest* keys = nullptr;
    size_t key_count = 0;  // mode key
};

// The answer to a request's credentials. When refused, `detail` is the 401
// body's detail, the scheduler API's two texts: "Not authenticated" (no
// Authorization header) or "Invalid authentication credentials"; `reason`
// names the rule that refused it for the log: a jwt_status_name(),
// "not_bearer" (not "Bearer <token>") or "unknown_key"; empty when there was
// no header. Neither ever holds anything the client sent.
struct AuthDecision {
    bool allowed = false;
    const char* detail = "";
    const char* reason = "";
};

// `authorization`: the request's Authorization header, nullopt when absent.
// `now_unix`: seconds since the epoch. Mode off allows everything.
AuthDecision authorize(const AuthSettings& settings, std::optional<std::string_view> authorization,
                       int64_t now_unix);

}  // namespace wa
