#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace wa {

// "Bearer <token>": the scheme in any case, then one or more spaces or tabs,
// then a token without whitespace (surrounding whitespace is ignored).
std::optional<std::string> bearer_token(std::string_view authorization);

enum class JwtStatus {
    ok,
    malformed,
    bad_algorithm,
    bad_signature,
    expired,
    not_yet_valid,
    no_expiry,
    lifetime_too_long,
};

const char* jwt_status_name(JwtStatus status);  // "ok", "malformed", ...

// A compact JWS signed with HMAC-SHA256 (the old system's scheme). Checked in
// this order:
// - three canonical base64url parts (base64url_decode: no padding, no "+" or
//   "/", unused bits zero) and a JSON object header (malformed);
// - "alg" exactly "HS256" (bad_algorithm: "none" and every other algorithm
//   are refused) and no "crit" (malformed);
// - the signature, compared in constant time (bad_signature);
// - a JSON object payload without duplicate members (malformed);
// - the time claims, in seconds since the epoch: "exp" must be present
//   (no_expiry); "exp", and "nbf" and "iat" when present, must be JSON
//   integers >= 0, so 1e308, 1.5, "1700000000" and -1 are malformed;
// - now < exp (expired), exp - now <= max_lifetime_seconds
//   (lifetime_too_long: a token valid for longer than that was never meant
//   for this API), nbf <= now and iat <= now (not_yet_valid), no leeway.
//
// The payload is decoded only after the signature is verified. An empty
// secret verifies nothing (bad_signature), since anyone could sign with it.
JwtStatus verify_hs256(std::string_view token, std::string_view secret, int64_t now_unix,
                       int64_t max_lifetime_seconds);

// header {"alg":"HS256","typ":"JWT"}; the payload is used as given.
std::string sign_hs256(std::string_view payload_json, std::string_view secret);

// RFC 4648 section 5, without padding.
std::string base64url_encode(std::string_view data);

// Canonical base64url only (RFC 7515 section 2, the form JWS uses), so that
// a token has one spelling: no padding ("=" is refused), only the URL-safe
// alphabet, never 4n+1 characters, unused bits zero.
std::optional<std::string> base64url_decode(std::string_view text);

}  // namespace wa
