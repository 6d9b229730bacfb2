#pragma once

#include <cstdint>
#include <string>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace wa {

// Like Python's json.dumps(ensure_ascii=False): UTF-8 passes through, quotes,
// backslashes and control characters are escaped. Ill-formed UTF-8 becomes
// \ufffd (one per maximal ill-formed subsequence), so the output is always
// valid JSON.
void append_json_string(std::string& out, std::string_view s);

// Python's repr(float): shortest round-trip digits, "4.0" for integral values,
// exponent form below 1e-4 and from 1e16 on ("1e-05", "1e+16"). JSON has no
// inf or nan, so those are written as null.
void append_python_float(std::string& out, double v);

void append_int(std::string& out, int64_t v);

std::string detail_error(std::string_view msg);  // {"detail":"msg"}

struct FieldError {
    std::string where;  // "path", "query", "body"
    std::string field;
    std::string msg;
    std::string type;
    int line = 0;
};

// FastAPI's 422 body: {"detail":[{"loc":[...],"msg":...,"type":...}]}.
std::string validation_errors(const std::vector<FieldError>& errors);

FieldError uuid_error(std::string where, std::string field);
FieldError int_error(std::string where, std::string field);
// The whole text as a decimal integer (strtoll's, saturating at the range of
// long long); false for empty text or any byte strtoll does not take.
bool whole_integer(const std::string& text, long long& out);

// A query parameter that must be a whole number in [lo, hi]: the value, or
// nullopt with FastAPI's error for it appended to *errors ("value is not a
// valid integer", or "ensure this value is between lo and hi").
std::optional<long long> query_int_in_range(std::string_view field, const std::string& text,
                                            long long lo, long long hi,
                                            std::vector<FieldError>* errors);

}  // namespace wa
