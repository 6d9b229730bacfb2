#include "uuid.hpp"

namespace wa {

namespace {

constexpr std::string_view kUrnPrefix = "urn:uuid:";
constexpr size_t kHexDigits = 32;
constexpr size_t kCanonicalLength = 36;

bool is_canonical_hyphen(size_t i) { return i == 8 || i == 13 || i == 18 || i == 23; }

bool is_hex(char c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

char lower_hex(char c) { return (c >= 'A' && c <= 'F') ? static_cast<char>(c - 'A' + 'a') : c; }

std::string_view strip_wrappers(std::string_view s) {
    if (s.substr(0, kUrnPrefix.size()) == kUrnPrefix) {
        s.remove_prefix(kUrnPrefix.size());
    }

    if (s.size() >= 2 && s.front() == '{' && s.back() == '}') {
        s = s.substr(1, s.size() - 2);
    }

    return s;
}

std::optional<std::string> hex_digits(std::string_view s) {
    bool hyphenated = s.size() == kCanonicalLength;
    if (!hyphenated && s.size() != kHexDigits) {
        return std::nullopt;
    }

    std::string digits;
    digits.reserve(kHexDigits);

    for (size_t i = 0; i < s.size(); i++) {
        if (hyphenated && is_canonical_hyphen(i)) {
            if (s[i] != '-') {
                return std::nullopt;
            }
            continue;
        }

        if (!is_hex(s[i])) {
            return std::nullopt;
        }
        digits.push_back(lower_hex(s[i]));
    }

    return digits;
}

std::string hyphenate(const std::string& digits) {
    std::string out;
    out.reserve(kCanonicalLength);
    out.append(digits, 0, 8).push_back('-');
    out.append(digits, 8, 4).push_back('-');
    out.append(digits, 12, 4).push_back('-');
    out.append(digits, 16, 4).push_back('-');
    out.append(digits, 20, 12);
    return out;
}

void append_hex64(std::string& out, uint64_t v) {
    static const char digits[] = "0123456789abcdef";

    for (int shift = 60; shift >= 0; shift -= 4) {
        out.push_back(digits[(v >> shift) & 0xf]);
    }
}

}  // namespace

std::optional<std::string> parse_uuid(std::string_view s) {
    auto digits = hex_digits(strip_wrappers(s));
    if (!digits) {
        return std::nullopt;
    }
    return hyphenate(*digits);
}

std::string format_uuid_v4(uint64_t hi, uint64_t lo) {
    hi = (hi & ~uint64_t{0xf000}) | uint64_t{0x4000};
    lo = (lo & ~(uint64_t{0xc} << 60)) | (uint64_t{0x8} << 60);

    std::string digits;
    digits.reserve(kHexDigits);
    append_hex64(digits, hi);
    append_hex64(digits, lo);
    return hyphenate(digits);
}

}  // namespace wa
