#include "phone.hpp"

namespace wa {

namespace {

constexpr size_t kMinDigits = 10;
constexpr size_t kMaxDigits = 15;
constexpr std::string_view kIndonesia = "62";

bool is_separator(char c)
{
    return c == ' ' || c == '\t' || c == '-' || c == '.' || c == '(' || c == ')';
}

bool starts_with(std::string_view s, std::string_view prefix)
{
    return s.substr(0, prefix.size()) == prefix;
}

bool plausible_length(const std::string& digits)
{
    return digits.size() >= kMinDigits && digits.size() <= kMaxDigits;
}

std::optional<std::string> indonesian(std::string digits)
{
    if (!plausible_length(digits) || !starts_with(digits, kIndonesia) || digits[2] == '0') {
        return std::nullopt;
    }
    return digits;
}

std::optional<std::string> international(std::string digits)
{
    if (starts_with(digits, kIndonesia)) {
        return indonesian(std::move(digits));
    }

    // No country code starts with 0.
    if (!plausible_length(digits) || digits[0] == '0') {
        return std::nullopt;
    }
    return digits;
}

std::optional<std::string> national(const std::string& digits)
{
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

}  // namespace

std::optional<std::string> normalize_phone(std::string_view raw)
{
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

bool whatsapp_reachable(std::string_view normalized)
{
    return !starts_with(normalized, kIndonesia) || starts_with(normalized.substr(2), "8");
}

}  // namespace wa
