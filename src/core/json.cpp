#include "json.hpp"

#include "utf8.hpp"

#include <charconv>
#include <cstdlib>
#include <cmath>

namespace wa {

namespace {

// Python switches repr() to exponent form outside [1e-4, 1e16).
constexpr int kMinPlainExponent = -4;
constexpr int kMaxPlainExponent = 15;

bool is_plain_ascii(unsigned char c) { return c >= 0x20 && c < 0x80 && c != '"' && c != '\\'; }

void append_control_escape(std::string& out, unsigned char c) {
    static const char hex[] = "0123456789abcdef";

    switch (c) {
    case '"': out.append("\\\""); return;
    case '\\': out.append("\\\\"); return;
    case '\n': out.append("\\n"); return;
    case '\r': out.append("\\r"); return;
    case '\t': out.append("\\t"); return;
    case '\b': out.append("\\b"); return;
    case '\f': out.append("\\f"); return;
    default: break;
    }

    out.append("\\u00");
    out.push_back(hex[c >> 4]);
    out.push_back(hex[c & 0xf]);
}

struct Decimal {
    bool negative = false;
    std::string digits;  // no leading or trailing zeros, except "0" itself
    int exponent = 0;    // value = d.ddd * 10^exponent
};

// std::to_chars gives the shortest round-trip digits (what repr() uses).
Decimal shortest_decimal(double v) {
    char buf[64];
    auto res = std::to_chars(buf, buf + sizeof(buf), v, std::chars_format::scientific);
    std::string_view text(buf, static_cast<size_t>(res.ptr - buf));

    Decimal dec;
    if (!text.empty() && text.front() == '-') {
        dec.negative = true;
        text.remove_prefix(1);
    }

    size_t e = text.find('e');
    for (char c : text.substr(0, e)) {
        if (c != '.') {
            dec.digits.push_back(c);
        }
    }

    std::string_view exp = text.substr(e + 1);
    if (!exp.empty() && exp.front() == '+') {
        exp.remove_prefix(1);
    }
    std::from_chars(exp.data(), exp.data() + exp.size(), dec.exponent);
    return dec;
}

void append_exponent_form(std::string& out, const Decimal& dec) {
    out.push_back(dec.digits[0]);
    if (dec.digits.size() > 1) {
        out.push_back('.');
        out.append(dec.digits, 1, std::string::npos);
    }

    out.append(dec.exponent < 0 ? "e-" : "e+");
    int magnitude = std::abs(dec.exponent);
    if (magnitude < 10) {
        out.push_back('0');
    }
    append_int(out, magnitude);
}

void append_plain_form(std::string& out, const Decimal& dec) {
    if (dec.exponent < 0) {
        out.append("0.");
        out.append(static_cast<size_t>(-dec.exponent - 1), '0');
        out.append(dec.digits);
        return;
    }

    auto int_len = static_cast<size_t>(dec.exponent) + 1;
    if (dec.digits.size() <= int_len) {
        out.append(dec.digits);
        out.append(int_len - dec.digits.size(), '0');
        out.append(".0");
        return;
    }

    out.append(dec.digits, 0, int_len);
    out.push_back('.');
    out.append(dec.digits, int_len, std::string::npos);
}

void append_loc(std::string& out, const FieldError& e) {
    out.append("[");
    append_json_string(out, e.where);
    if (!(e.where == "body" && e.field.empty())) {
        out.push_back(',');
        append_json_string(out, e.field);
    }
    out.append("]");
}

}  // namespace

void append_json_string(std::string& out, std::string_view s) {
    out.push_back('"');

    size_t i = 0;
    while (i < s.size()) {
        size_t run = i;
        while (run < s.size() && is_plain_ascii(static_cast<unsigned char>(s[run]))) {
            run++;
        }
        out.append(s.data() + i, run - i);
        i = run;
        if (i == s.size()) {
            break;
        }

        auto c = static_cast<unsigned char>(s[i]);
        if (c < 0x80) {
            append_control_escape(out, c);
            i++;
            continue;
        }

        Utf8Char step = utf8_char(s, i);
        if (step.valid) {
            out.append(s.data() + i, step.length);
        } else {
            out.append("\\ufffd");
        }
        i += step.length;
    }

    out.push_back('"');
}

void append_python_float(std::string& out, double v) {
    if (!std::isfinite(v)) {
        out.append("null");
        return;
    }

    Decimal dec = shortest_decimal(v);
    if (dec.negative) {
        out.push_back('-');
    }

    if (dec.exponent < kMinPlainExponent || dec.exponent > kMaxPlainExponent) {
        append_exponent_form(out, dec);
        return;
    }
    append_plain_form(out, dec);
}

void append_int(std::string& out, int64_t v) {
    char buf[24];
    auto res = std::to_chars(buf, buf + sizeof(buf), v);
    out.append(buf, static_cast<size_t>(res.ptr - buf));
}

std::string detail_error(std::string_view msg) {
    std::string out("{\"detail\":");
    append_json_string(out, msg);
    out.push_back('}');
    return out;
}

std::string validation_errors(const std::vector<FieldError>& errors) {
    std::string out("{\"detail\":[");

    for (size_t i = 0; i < errors.size(); i++) {
        const FieldError& e = errors[i];
        if (i > 0) {
            out.push_back(',');
        }
        out.append("{\"loc\":");
        append_loc(out, e);
        out.append(",\"msg\":");
        append_json_string(out, e.msg);
        out.append(",\"type\":");
        append_json_string(out, e.type);
        out.push_back('}');
    }

    out.append("]}");
    return out;
}

FieldError uuid_error(std::string where, std::string field) {
    FieldError e;
    e.where = std::move(where);
    e.field = std::move(field);
    e.msg = "value is not a valid uuid";
    e.type = "type_error.uuid";
    return e;
}

// The whole text as a decimal integer (strtoll's, saturating).
bool whole_integer(const std::string& text, long long& out) {
    char* end = nullptr;
    out = std::strtoll(text.c_str(), &end, 10);
    return !text.empty() && end == text.c_str() + text.size();
}

std::optional<long long> query_int_in_range(std::string_view field, const std::string& text,
                                            long long lo, long long hi,
                                            std::vector<FieldError>* errors) {
    long long v = 0;
    if (!whole_integer(text, v)) {
        errors->push_back(int_error("query", std::string(field)));
        return std::nullopt;
    }
    if (v < lo || v > hi) {
        errors->push_back(FieldError{
            "query", std::string(field),
            "ensure this value is between " + std::to_string(lo) + " and " + std::to_string(hi),
            "value_error.number.not_in_range", 0});
        return std::nullopt;
    }
    return v;
}

FieldError int_error(std::string where, std::string field) {
    FieldError e;
    e.where = std::move(where);
    e.field = std::move(field);
    e.msg = "value is not a valid integer";
    e.type = "type_error.integer";
    return e;
}

}  // namespace wa
