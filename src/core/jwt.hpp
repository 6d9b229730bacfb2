#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace wa {

// "Bearer <token>": the scheme in any case, then one or more spaces or tabs,
// then a token without whitespace (surrounding whitespace is ignored).
std::optional<std::string> bearer_token(std::string_view authorization);

enum class JwtStatus { ok, malformed, bad_algorithm, bad_signature, expired, not_yet_valid };

const char* jwt_status_name(JwtStatus status);  // "ok", "malformed", ...

// A compact JWS signed with HMAC-SHA256 (the old system's scheme). Checked in
// this order: three base64url parts (padding optional) and a JSON object
// header (malformed); "alg" exactly "HS256" (bad_algorithm: "none" and every
// other algorithm are refused) and no "crit" (malformed); the signature,
// compared in constant time (bad_signature); a JSON object payload
// (malformed); "exp" and "nbf", which must be numbers when present (else
// malformed), with now < exp (expired) and now >= nbf (not_yet_valid), no
// leeway.
//
// A token without "exp" is accepted: the old system's tokens all carried one,
// but nothing in its scheme required it. The payload is decoded only after
// the signature is verified. An empty secret verifies nothing (bad_signature),
// since anyone could sign with it.
JwtStatus verify_hs256(std::string_view token, std::string_view secret, int64_t now_unix);

// header {"alg":"HS256","typ":"JWT"}; the payload is used as given.
std::string sign_hs256(std::string_view payload_json, std::string_view secret);

// RFC 4648 section 5, without padding.
std::string base64url_encode(std::string_view data);

// Padding is optional but must be right when present; other characters,
// a length of 4n+1 and non-zero unused bits are refused.
std::optional<std::string> base64url_decode(std::string_view text);

}  // namespace wa
