#include "text.hpp"

namespace wa {

namespace {

constexpr char32_t kReplacement = 0xfffd;

struct Step {
    char32_t cp;    // kReplacement when !valid
    size_t length;  // bytes consumed, at least 1
    bool valid;
};

// One character of UTF-8; an ill-formed sequence is consumed as its maximal
// subpart, so one broken character is one replacement, not one per byte.
Step decode(std::string_view s, size_t i)
{
    auto c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) {
        return {c, 1, true};
    }
    size_t len = 0;
    unsigned char lo = 0x80;
    unsigned char hi = 0xbf;
    char32_t cp = 0;
    if (c >= 0xc2 && c <= 0xdf) {
        len = 2;
        cp = c & 0x1f;
    } else if (c >= 0xe0 && c <= 0xef) {
        len = 3;
        cp = c & 0x0f;
        lo = c == 0xe0 ? 0xa0 : 0x80;
        hi = c == 0xed ? 0x9f : 0xbf;
    } else if (c >= 0xf0 && c <= 0xf4) {
        len = 4;
        cp = c & 0x07;
        lo = c == 0xf0 ? 0x90 : 0x80;
        hi = c == 0xf4 ? 0x8f : 0xbf;
    } else {
        return {kReplacement, 1, false};
    }
    size_t k = 1;
    for (; k < len && i + k < s.size(); k++) {
        auto b = static_cast<unsigned char>(s[i + k]);
        if (b < (k == 1 ? lo : 0x80) || b > (k == 1 ? hi : 0xbf)) {
            break;
        }
        cp = (cp << 6) | (b & 0x3f);
    }
    if (k < len) {
        return {kReplacement, k, false};
    }
    return {cp, len, true};
}

void append_utf8(std::string& out, char32_t cp)
{
    if (cp < 0x80) {
        out.push_back(static_cast<char>(cp));
    } else if (cp < 0x800) {
        out.push_back(static_cast<char>(0xc0 | (cp >> 6)));
        out.push_back(static_cast<char>(0x80 | (cp & 0x3f)));
    } else if (cp < 0x10000) {
        out.push_back(static_cast<char>(0xe0 | (cp >> 12)));
        out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3f)));
        out.push_back(static_cast<char>(0x80 | (cp & 0x3f)));
    } else {
        out.push_back(static_cast<char>(0xf0 | (cp >> 18)));
        out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3f)));
        out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3f)));
        out.push_back(static_cast<char>(0x80 | (cp & 0x3f)));
    }
}

bool is_line_break(char32_t c)
{
    return c == '\n' || c == '\r' || c == 0x85 || c == 0x2028 || c == 0x2029;
}

bool is_space(char32_t c)
{
    return c == ' ' || (c >= '\t' && c <= '\r') || c == 0x85 || c == 0xa0 || c == 0x1680
        || (c >= 0x2000 && c <= 0x200a) || c == 0x2028 || c == 0x2029 || c == 0x202f
        || c == 0x205f || c == 0x3000;
}

bool is_control(char32_t c)
{
    return (c < 0x20 || (c >= 0x7f && c <= 0x9f)) && !is_space(c);
}

// Drops trailing spaces and line breaks that `out` ends with.
void trim_end(std::string& out)
{
    while (!out.empty() && (out.back() == ' ' || out.back() == '\n')) {
        out.pop_back();
    }
}

}  // namespace

std::optional<size_t> find_control(std::string_view text)
{
    for (size_t i = 0; i < text.size();) {
        Step st = decode(text, i);
        if (st.valid && is_control(st.cp)) {
            return i;
        }
        i += st.length;
    }
    return std::nullopt;
}

std::string one_line(std::string_view text)
{
    std::string out;
    out.reserve(text.size());
    bool pending_space = false;
    for (size_t i = 0; i < text.size();) {
        Step st = decode(text, i);
        i += st.length;
        if (st.valid && is_space(st.cp)) {
            pending_space = !out.empty();
            continue;
        }
        if (st.valid && is_control(st.cp)) {
            continue;
        }
        if (pending_space) {
            out.push_back(' ');
            pending_space = false;
        }
        append_utf8(out, st.cp);
    }
    return out;
}

std::string multi_line(std::string_view text)
{
    std::string out;
    out.reserve(text.size());
    for (size_t i = 0; i < text.size();) {
        Step st = decode(text, i);
        i += st.length;
        if (st.valid && st.cp == '\r' && i < text.size() && text[i] == '\n') {
            continue;  // the LF that follows stands for both
        }
        if (st.valid && is_line_break(st.cp)) {
            if (!out.empty()) {
                out.push_back('\n');
            }
            continue;
        }
        if (st.valid && is_space(st.cp)) {
            if (!out.empty()) {
                out.push_back(' ');
            }
            continue;
        }
        if (st.valid && is_control(st.cp)) {
            continue;
        }
        append_utf8(out, st.cp);
    }
    trim_end(out);
    return out;
}

std::string_view cut_chars(std::string_view text, size_t max_chars)
{
    size_t i = 0;
    for (size_t n = 0; i < text.size() && n < max_chars; n++) {
        i += decode(text, i).length;
    }
    return text.substr(0, i);
}

size_t count_chars(std::string_view text)
{
    size_t n = 0;
    for (size_t i = 0; i < text.size(); n++) {
        i += decode(text, i).length;
    }
    return n;
}

}  // namespace wa
