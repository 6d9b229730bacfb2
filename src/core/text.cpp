#include "text.hpp"

#include "utf8.hpp"

namespace wa {

namespace {

bool is_line_break(char32_t c) {
    return c == '\n' || c == '\r' || c == 0x85 || c == 0x2028 || c == 0x2029;
}

bool is_space(char32_t c) {
    return c == ' ' || (c >= '\t' && c <= '\r') || c == 0x85 || c == 0xa0 || c == 0x1680
        || (c >= 0x2000 && c <= 0x200a) || c == 0x2028 || c == 0x2029 || c == 0x202f || c == 0x205f
        || c == 0x3000;
}

bool is_control(char32_t c) { return (c < 0x20 || (c >= 0x7f && c <= 0x9f)) && !is_space(c); }

// Drops trailing spaces and line breaks that `out` ends with.
void trim_end(std::string& out) {
    while (!out.empty() && (out.back() == ' ' || out.back() == '\n')) {
        out.pop_back();
    }
}

}  // namespace

std::optional<size_t> find_control(std::string_view text) {
    for (size_t i = 0; i < text.size();) {
        Utf8Char st = utf8_char(text, i);
        if (st.valid && is_control(st.code_point)) {
            return i;
        }
        i += st.length;
    }
    return std::nullopt;
}

std::string one_line(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    bool pending_space = false;
    for (size_t i = 0; i < text.size();) {
        Utf8Char st = utf8_char(text, i);
        i += st.length;
        if (st.valid && is_space(st.code_point)) {
            pending_space = !out.empty();
            continue;
        }
        if (st.valid && is_control(st.code_point)) {
            continue;
        }
        if (pending_space) {
            out.push_back(' ');
            pending_space = false;
        }
        append_utf8(out, st.code_point);
    }
    return out;
}

std::string multi_line(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    for (size_t i = 0; i < text.size();) {
        Utf8Char st = utf8_char(text, i);
        i += st.length;
        if (st.valid && st.code_point == '\r' && i < text.size() && text[i] == '\n') {
            continue;  // the LF that follows stands for both
        }
        if (st.valid && is_line_break(st.code_point)) {
            if (!out.empty()) {
                out.push_back('\n');
            }
            continue;
        }
        if (st.valid && is_space(st.code_point)) {
            if (!out.empty()) {
                out.push_back(' ');
            }
            continue;
        }
        if (st.valid && is_control(st.code_point)) {
            continue;
        }
        append_utf8(out, st.code_point);
    }
    trim_end(out);
    return out;
}

std::string_view cut_chars(std::string_view text, size_t max_chars) {
    size_t i = 0;
    for (size_t n = 0; i < text.size() && n < max_chars; n++) {
        i += utf8_char(text, i).length;
    }
    return text.substr(0, i);
}

size_t count_chars(std::string_view text) {
    size_t n = 0;
    for (size_t i = 0; i < text.size(); n++) {
        i += utf8_char(text, i).length;
    }
    return n;
}

}  // namespace wa
