#include "escape.hpp"

#include <cstdint>

namespace wa {

namespace {

constexpr char kHex[] = "0123456789ABCDEF";

void append_hex_byte(std::string& out, unsigned char c)
{
    out += "\\x";
    out.push_back(kHex[c >> 4]);
    out.push_back(kHex[c & 15]);
}

// Length of the well-formed UTF-8 sequence at s[i] (RFC 3629: no overlong
// forms, no surrogates, nothing above U+10FFFF), 0 when there is none.
size_t utf8_sequence(std::string_view s, size_t i, uint32_t& code_point)
{
    auto byte = [&](size_t k) { return static_cast<unsigned char>(s[k]); };
    unsigned char c = byte(i);
    size_t n = 0;
    uint32_t cp = 0;
    unsigned char lo = 0x80, hi = 0xbf;
    if (c >= 0xc2 && c <= 0xdf) {
        n = 2;
        cp = c & 0x1f;
    } else if (c >= 0xe0 && c <= 0xef) {
        n = 3;
        cp = c & 0x0f;
        lo = c == 0xe0 ? 0xa0 : 0x80;
        hi = c == 0xed ? 0x9f : 0xbf;
    } else if (c >= 0xf0 && c <= 0xf4) {
        n = 4;
        cp = c & 0x07;
        lo = c == 0xf0 ? 0x90 : 0x80;
        hi = c == 0xf4 ? 0x8f : 0xbf;
    } else {
        return 0;
    }
    if (i + n > s.size()) {
        return 0;
    }
    for (size_t k = 1; k < n; k++) {
        unsigned char b = byte(i + k);
        if (b < (k == 1 ? lo : 0x80) || b > (k == 1 ? hi : 0xbf)) {
            return 0;
        }
        cp = cp << 6 | (b & 0x3f);
    }
    code_point = cp;
    return n;
}

// Characters a terminal or a log viewer may take as a line break or a
// control sequence although they are well-formed UTF-8.
bool is_unsafe_code_point(uint32_t cp)
{
    return (cp >= 0x80 && cp <= 0x9f) || cp == 0x2028 || cp == 0x2029;
}

std::string_view trim_space(std::string_view s)
{
    constexpr std::string_view space = " \t\r\n\f\v";
    size_t begin = s.find_first_not_of(space);
    if (begin == std::string_view::npos) {
        return {};
    }
    return s.substr(begin, s.find_last_not_of(space) - begin + 1);
}

}  // namespace

std::string log_escape(std::string_view value)
{
    bool cut = value.size() > kMaxLogValueBytes;
    if (cut) {
        size_t n = kMaxLogValueBytes;
        while (n > 0 && (static_cast<unsigned char>(value[n]) & 0xc0) == 0x80) {
            n--;
        }
        value = value.substr(0, n);
    }

    std::string out;
    out.reserve(value.size() + 8);
    for (size_t i = 0; i < value.size();) {
        auto c = static_cast<unsigned char>(value[i]);
        if (c == '"' || c == '\\') {
            out.push_back('\\');
            out.push_back(static_cast<char>(c));
            i++;
            continue;
        }
        if (c < 0x20 || c == 0x7f) {
            append_hex_byte(out, c);
            i++;
            continue;
        }
        if (c < 0x80) {
            out.push_back(static_cast<char>(c));
            i++;
            continue;
        }
        uint32_t cp = 0;
        size_t n = utf8_sequence(value, i, cp);
        if (n == 0) {
            append_hex_byte(out, c);
            i++;
            continue;
        }
        for (size_t k = 0; k < n; k++) {
            auto b = static_cast<unsigned char>(value[i + k]);
            if (is_unsafe_code_point(cp)) {
                append_hex_byte(out, b);
            } else {
                out.push_back(static_cast<char>(b));
            }
        }
        i += n;
    }
    if (cut) {
        out += "...";
    }
    return out;
}

bool header_value_ok(std::string_view value)
{
    for (char ch : value) {
        auto c = static_cast<unsigned char>(ch);
        if ((c < 0x20 && c != '\t') || c == 0x7f) {
            return false;
        }
    }
    return true;
}

bool header_name_ok(std::string_view name)
{
    constexpr std::string_view specials = "!#$%&'*+-.^_`|~";
    if (name.empty()) {
        return false;
    }
    for (char c : name) {
        bool alnum = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
        if (!alnum && specials.find(c) == std::string_view::npos) {
            return false;
        }
    }
    return true;
}

std::string redact(std::string_view text, std::string_view secret)
{
    secret = trim_space(secret);
    if (secret.empty()) {
        return std::string(text);
    }
    std::string out;
    out.reserve(text.size());
    size_t from = 0;
    for (size_t at = text.find(secret); at != std::string_view::npos;
         at = text.find(secret, from)) {
        out.append(text.substr(from, at - from));
        out.append(kRedacted);
        from = at + secret.size();
    }
    out.append(text.substr(from));
    return out;
}

}  // namespace wa
