// Shared by the fuzz targets: an invariant check that stops the run with the
// input kept (libFuzzer saves the input of any abort as a crash file), and a
// reader that splits one input into the several arguments a parser takes.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

// Not assert(): the targets are built with NDEBUG-neutral flags, and a broken
// invariant must stop a replay in `make test` as it stops libFuzzer.
#define FUZZ_CHECK(cond)                                                                      \
    do {                                                                                      \
        if (!(cond)) {                                                                        \
            std::fprintf(stderr, "%s:%d: invariant failed: %s\n", __FILE__, __LINE__, #cond); \
            std::abort();                                                                     \
        }                                                                                     \
    } while (0)

namespace fuzz {

// The input as fields separated by a NUL byte, so a corpus file stays
// readable and the fuzzer can move bytes between fields; a missing field is
// empty.
class Fields {
public:
    Fields(const uint8_t* data, size_t size) : rest_(reinterpret_cast<const char*>(data), size) {}

    std::string_view next() {
        size_t nul = rest_.find('\0');
        std::string_view field = rest_.substr(0, nul);
        rest_ = nul == std::string_view::npos ? std::string_view() : rest_.substr(nul + 1);
        return field;
    }

    // What is left, NUL bytes included (for the last argument).
    std::string_view rest() const { return rest_; }

private:
    std::string_view rest_;
};

// Whether UTF-8 `s` is well-formed and holds no C0 control byte, DEL or C1
// control (what a log line or a one-line value may not hold).
bool no_control_chars(std::string_view s);

// Whether `s` is well-formed UTF-8 (RFC 3629).
bool valid_utf8(std::string_view s);

}  // namespace fuzz

namespace fuzz {

// Whether `text` shows `secret` (trimmed of surrounding whitespace, as
// redact() trims it) outside the "[redacted]" marks that replaced it; false
// for a secret spelt with the mark's own letters ("act", "da..."), which no
// text can be checked for.
bool holds_secret(std::string_view text, std::string_view secret);

// `s` as a JSON string literal (core's writer, the one responses use).
std::string json_string(std::string_view s);

}  // namespace fuzz
