#include "fuzz.hpp"

#include "core/utf8.hpp"

namespace fuzz {

bool valid_utf8(std::string_view s) {
    for (size_t i = 0; i < s.size();) {
        wa::Utf8Char c = wa::utf8_char(s, i);
        if (!c.valid)
            return false;
        i += c.length;
    }
    return true;
}

bool no_control_chars(std::string_view s) {
    for (size_t i = 0; i < s.size();) {
        wa::Utf8Char c = wa::utf8_char(s, i);
        if (!c.valid || c.code_point < 0x20 || (c.code_point >= 0x7f && c.code_point <= 0x9f))
            return false;
        i += c.length;
    }
    return true;
}

}  // namespace fuzz

#include "core/escape.hpp"
#include "core/json.hpp"

namespace fuzz {

std::string json_string(std::string_view s) {
    std::string out;
    wa::append_json_string(out, s);
    return out;
}

}  // namespace fuzz

namespace fuzz {

bool holds_secret(std::string_view text, std::string_view secret) {
    const char* space = " \t\r\n\f\v";
    size_t begin = secret.find_first_not_of(space);
    if (begin == std::string_view::npos)
        return false;
    std::string_view key = secret.substr(begin, secret.find_last_not_of(space) - begin + 1);
    // A secret spelt with the mark's own letters ("act", "da...") cannot be
    // told from a mark, whole or cut where a text is cut ("[reda...").
    for (size_t n = 0; n <= wa::kRedacted.size(); n++) {
        std::string cut = std::string(wa::kRedacted.substr(0, n)) + "...";
        if (cut.find(key) != std::string::npos || wa::kRedacted.find(key) != std::string_view::npos)
            return false;
    }
    while (!text.empty()) {
        size_t mark = text.find(wa::kRedacted);
        if (text.substr(0, mark).find(key) != std::string_view::npos)
            return true;
        if (mark == std::string_view::npos)
            break;
        text.remove_prefix(mark + wa::kRedacted.size());
    }
    return false;
}

}  // namespace fuzz
