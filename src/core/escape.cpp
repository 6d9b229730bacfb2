#include "escape.hpp"

#include "utf8.hpp"

#include <cstdint>

namespace wa {

namespace {

constexpr char kHex[] = "0123456789ABCDEF";

void append_hex_byte(std::string& out, unsigned char c) {
    out += "\\x";
    out.push_back(kHex[c >> 4]);
    out.push_back(kHex[c & 15]);
}

// Characters a terminal or a log viewer may take as a line break or a
// control sequence although they are well-formed UTF-8.
bool is_unsafe_code_point(uint32_t cp) {
    return (cp >= 0x80 && cp <= 0x9f) || cp == 0x2028 || cp == 0x2029;
}

std::string_view trim_space(std::string_view s) {
    constexpr std::string_view space = " \t\r\n\f\v";
    size_t begin = s.find_first_not_of(space);
    if (begin == std::string_view::npos) {
        return {};
    }
    return s.substr(begin, s.find_last_not_of(space) - begin + 1);
}

}  // namespace

std::string log_escape(std::string_view value) {
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
        Utf8Char ch = utf8_char(value, i);
        if (!ch.valid) {
            append_hex_byte(out, c);
            i++;
            continue;
        }
        uint32_t cp = ch.code_point;
        size_t n = ch.length;
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

bool header_value_ok(std::string_view value) {
    for (char ch : value) {
        auto c = static_cast<unsigned char>(ch);
        if ((c < 0x20 && c != '\t') || c == 0x7f) {
            return false;
        }
    }
    return true;
}

bool header_name_ok(std::string_view name) {
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

std::string redact(std::string_view text, std::string_view secret) {
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
