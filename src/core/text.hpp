// Rules on human text (names, plates, models, message texts) shared by the
// data API, which stores it, and the providers, which refuse some of it.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace wa {

// Whitespace here: ASCII space, \t, \n, \v, \f, \r, and Unicode's other
// White_Space characters (U+0085, U+00A0, U+1680, U+2000-U+200A, U+2028,
// U+2029, U+202F, U+205F, U+3000).
//
// A control character: U+0000-U+001F and U+007F-U+009F that is not
// whitespace (so not \t \n \v \f \r nor U+0085).

// The byte offset of the first control character in UTF-8 `text`; nullopt
// when there is none. Ill-formed UTF-8 is not a control character.
std::optional<size_t> find_control(std::string_view text);

// One line of text: control characters dropped, every run of whitespace
// turned into one space, none at either end; ill-formed UTF-8 becomes U+FFFD
// (one per maximal ill-formed subsequence). "  Budi\n\t Santoso " ->
// "Budi Santoso".
std::string one_line(std::string_view text);

// A text of several lines: CR LF and a lone CR become LF; \t, \v, \f and
// Unicode's other horizontal whitespace become a space (runs are kept, the
// layout is the writer's); other control characters are dropped; whitespace
// at either end is dropped; ill-formed UTF-8 becomes U+FFFD.
std::string multi_line(std::string_view text);

// At most `max_chars` characters (Unicode code points) of UTF-8 `text`, cut
// at a character boundary. An ill-formed sequence counts as one character.
std::string_view cut_chars(std::string_view text, size_t max_chars);

// Characters (code points) in UTF-8 `text`; an ill-formed sequence counts as
// one.
size_t count_chars(std::string_view text);

}  // namespace wa
