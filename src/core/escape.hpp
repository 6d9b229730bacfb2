// Untrusted text on its way to places where a byte can change the meaning of
// what follows: log lines, response header values, and anything a secret
// could be echoed into.
#pragma once

#include <string>
#include <string_view>

namespace wa {

// Longest part of a value log_escape() writes out, in input bytes; a longer
// value is cut (at a UTF-8 character boundary) and ends in "...".
constexpr size_t kMaxLogValueBytes = 1024;

// A value for the quoted part of a log line (`wa_report: <what> "<value>"`),
// written so that it can neither end the quotes nor start a line:
//   a double quote -> \" and a backslash -> a doubled backslash;
//   control characters (0x00-0x1f, 0x7f), the C1 controls U+0080-U+009F,
//   U+2028, U+2029 and every byte that is not part of well-formed UTF-8
//   -> \xNN per byte (upper-case hex)
// Other UTF-8 passes through. At most kMaxLogValueBytes of input are used.
std::string log_escape(std::string_view value);

// True when `value` may be sent as an HTTP field value as it is: only HTAB,
// SP, visible ASCII and bytes >= 0x80 (RFC 9110 field-vchar / obs-text); no
// CR, LF, NUL or other control character, which could end the header and
// start another.
bool header_value_ok(std::string_view value);

// True when `name` is a non-empty RFC 9110 token (a valid header name).
bool header_name_ok(std::string_view name);

// What stands in for a removed secret.
constexpr std::string_view kRedacted = "[redacted]";

// `text` with every occurrence of `secret` replaced by kRedacted; a secret
// that is empty after trimming surrounding whitespace (" \t\r\n\f\v")
// removes nothing. The secret is trimmed first, as it is when it is sent
// (a key file's final newline is not part of the key), so "Bearer <secret>"
// becomes "Bearer [redacted]".
std::string redact(std::string_view text, std::string_view secret);

}  // namespace wa
