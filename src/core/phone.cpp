#include "phone.hpp"

namespace wa {

namespace {

constexpr size_t kMinDigits = 10;
constexpr size_t kMaxDigits = 15;
constexpr std::string_view kIndonesia = "62";

bool is_separator(char c) {
    return c == ' ' || c == '\t' || c == '-' || c == '.' || c == '(' || c == ')';
}

bool starts_with(std::string_view s, std::string_view prefix) {
    return s.substr(0, prefix.size()) == prefix;
}

bool plausible_length(const std::string& digits) {
    return digits.size() >= kMinDigits && digits.size() <= kMaxDigits;
}

std::optional<std::string> indonesian(std::string digits) {
    if (!plausible_length(digits) || !starts_with(digits, kIndonesia) || digits[2] == '0') {
        return std::nullopt;
    }
    return digits;
}

std::optional<std::string> international(std::string digits) {
    if (starts_with(digits, kIndonesia)) {
        return indonesian(std::move(digits));
    }

    // No country code starts with 0.
    if (!plausible_length(digits) || digits[0] == '0') {
        return std::nullopt;
    }
    return digits;
}

std::optional<std::string> national(const std::string& digits) {
    if (starts_with(digits, "00")) {
        return indonesian(digits.substr(2));
    }
    if (starts_with(digits, "0")) {
        return indonesian(std::string(kIndonesia) + digits.substr(1));
    }
    if (starts_with(digits, "8")) {
        return indonesian(std::string(kIndonesia) + digits);
    }
    return indonesian(digits);
}

bool is_digit(char c) { return c >= '0' && c <= '9'; }

bool is_word_char(char c) {
    return is_digit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '+' || c == '-';
}

// "+"? digits ("-" digits)*, with as many digits as a phone number has
// (kMaskMinDigits to kMaxDigits: an all-digit UUID has 32).
bool phone_like(std::string_view word) {
    if (!word.empty() && word[0] == '+') {
        word.remove_prefix(1);
    }
    if (word.empty() || !is_digit(word.front()) || !is_digit(word.back())) {
        return false;
    }
    size_t digits = 0;
    for (size_t i = 0; i < word.size(); i++) {
        if (is_digit(word[i])) {
            digits++;
        } else if (word[i] != '-' || word[i - 1] == '-') {
            return false;
        }
    }
    return digits >= kMaskMinDigits && digits <= kMaxDigits;
}

}  // namespace

std::string mask_phone(std::string_view phone) {
    size_t digits = 0;
    for (char c : phone) {
        digits += is_digit(c) ? 1 : 0;
    }
    std::string out(phone);
    size_t seen = 0;
    for (char& c : out) {
        if (!is_digit(c)) {
            continue;
        }
        bool keep = digits >= kMaskMinDigits && (seen < 4 || seen >= digits - 3);
        if (!keep) {
            c = '*';
        }
        seen++;
    }
    return out;
}

std::string mask_phones(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    size_t i = 0;
    while (i < text.size()) {
        if (!is_word_char(text[i])) {
            out.push_back(text[i++]);
            continue;
        }
        size_t end = i;
        while (end < text.size() && is_word_char(text[end])) {
            end++;
        }
        std::string_view word = text.substr(i, end - i);
        out += phone_like(word) ? mask_phone(word) : std::string(word);
        i = end;
    }
    return out;
}

std::optional<std::string> normalize_phone(std::string_view raw) {
    std::string digits;
    bool plus = false;

    for (char c : raw) {
        if (is_separator(c)) {
            continue;
        }
        if (c == '+' && !plus && digits.empty()) {
            plus = true;
            continue;
        }
        if (c < '0' || c > '9') {
            return std::nullopt;
        }
        digits.push_back(c);
    }

    return plus ? international(std::move(digits)) : national(digits);
}

bool whatsapp_reachable(std::string_view normalized) {
    return !starts_with(normalized, kIndonesia) || starts_with(normalized.substr(2), "8");
}

}  // namespace wa
