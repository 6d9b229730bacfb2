// The escaper every logged value goes through, the UTF-8 reader under it,
// the header-value check and the text rules: escaped output holds no control
// byte and no bare quote, a value passing header_value_ok holds no CR/LF,
// and the UTF-8 reader covers every byte once.
#include "core/escape.hpp"
#include "core/json.hpp"
#include "core/text.hpp"
#include "core/utf8.hpp"
#include "fuzz.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    fuzz::Fields in(data, size);
    std::string_view secret = in.next();
    std::string_view value = in.rest();

    std::string escaped = wa::log_escape(value);
    FUZZ_CHECK(fuzz::no_control_chars(escaped));
    for (size_t i = 0; i < escaped.size(); i++) {
        if (escaped[i] == '\\') {
            FUZZ_CHECK(i + 1 < escaped.size());
            i++;  // the escaped character
            continue;
        }
        FUZZ_CHECK(escaped[i] != '"');
    }
    FUZZ_CHECK(escaped.size() <= 4 * wa::kMaxLogValueBytes + 3);

    if (wa::header_value_ok(value))
        FUZZ_CHECK(value.find_first_of(std::string_view("\r\n\0", 3)) == std::string_view::npos);

    // Every byte belongs to exactly one character; valid ones re-encode.
    for (size_t i = 0; i < value.size();) {
        wa::Utf8Char c = wa::utf8_char(value, i);
        FUZZ_CHECK(c.length >= 1 && i + c.length <= value.size());
        if (c.valid) {
            std::string again;
            wa::append_utf8(again, c.code_point);
            FUZZ_CHECK(again == value.substr(i, c.length));
        }
        i += c.length;
    }

    std::string line = wa::one_line(value);
    FUZZ_CHECK(fuzz::valid_utf8(line));
    FUZZ_CHECK(!wa::find_control(line).has_value());
    FUZZ_CHECK(line.find('\n') == std::string::npos);
    FUZZ_CHECK(wa::one_line(line) == line);
    std::string lines = wa::multi_line(value);
    FUZZ_CHECK(fuzz::valid_utf8(lines));
    FUZZ_CHECK(!wa::find_control(lines).has_value());
    FUZZ_CHECK(wa::multi_line(lines) == lines);
    FUZZ_CHECK(wa::count_chars(wa::cut_chars(value, 7)) <= 7);

    // JSON escapes C0 controls; C1 and DEL pass as Python's json.dumps does.
    for (unsigned char c : fuzz::json_string(value))
        FUZZ_CHECK(c >= 0x20);

    FUZZ_CHECK(!fuzz::holds_secret(wa::redact(value, secret), secret));
    return 0;
}
