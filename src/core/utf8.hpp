// Reading and writing UTF-8, one character at a time, for the parts of core
// that look at text a character at a time (log escaping, JSON output, the
// providers' text rules).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace wa {

constexpr char32_t kReplacementCharacter = 0xfffd;

struct Utf8Char {
    char32_t code_point;  // kReplacementCharacter when !valid
    size_t length;        // bytes it takes, at least 1
    bool valid;
};

// The character of `s` that starts at byte i (i < s.size()), as RFC 3629
// defines well-formed UTF-8 (no overlong forms, no surrogates, nothing above
// U+10FFFF). An ill-formed sequence takes its maximal subpart (Unicode 15,
// section 3.9), so one broken character counts as one, not one per byte.
Utf8Char utf8_char(std::string_view s, size_t i);

// Appends code point cp (at most U+10FFFF, no surrogate) as UTF-8.
void append_utf8(std::string& out, char32_t cp);

}  // namespace wa
