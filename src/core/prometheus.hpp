// Prometheus's text exposition format, version 0.0.4
// (https://prometheus.io/docs/instrumenting/exposition_formats/): the bytes
// of a scrape, without knowing which metrics they are.
#pragma once

#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>

namespace wa::prom {

// The Content-Type of an answer in this format.
inline constexpr std::string_view content_type = "text/plain; version=0.0.4; charset=utf-8";

// A label value as the format writes it between its quotes: backslash,
// double quote and line feed become \\, \" and \n; every other byte
// (UTF-8 included) stays as it is.
std::string escape_label_value(std::string_view value);

// HELP text: backslash and line feed become \\ and \n.
std::string escape_help(std::string_view text);

// A sample value: the shortest text that reads back as the same double
// ("0.005", "1", "2.5", "1e+21"); "+Inf", "-Inf", "NaN" as the format
// spells them.
std::string format_value(double value);

struct Label {
    std::string_view name;   // a valid label name, written as it is
    std::string_view value;  // escaped here
};

using Labels = std::initializer_list<Label>;

// Appends to one scrape's text. Names are the caller's constants and
// written as they are; label values are escaped.
class Writer {
public:
    // "# HELP <name> <help>\n# TYPE <name> <type>\n"; type is "counter",
    // "gauge", "histogram", ...
    void family(std::string_view name, std::string_view type, std::string_view help);

    // "<name>{<labels>} <value>\n"; no braces without labels. Integers are
    // written exactly (a double loses counts past 2^53).
    void sample(std::string_view name, Labels labels, uint64_t value);
    void sample(std::string_view name, Labels labels, int64_t value);
    void sample(std::string_view name, Labels labels, double value);

    // One histogram's series: <name>_bucket for every upper bound in
    // `bounds` (ascending, `n` of them) and le="+Inf", then <name>_sum and
    // <name>_count. `counts` holds n + 1 observations counts, NOT cumulative:
    // counts[i] is the observations in (bounds[i-1], bounds[i]], counts[n]
    // those above the last bound; the written buckets are the running sums,
    // and _count is their total. `sum` is the observations' sum, in the
    // histogram's base unit.
    void histogram(std::string_view name, Labels labels, const double* bounds, size_t n,
                   const uint64_t* counts, double sum);

    const std::string& text() const { return out_; }

private:
    void series(std::string_view name, std::string_view suffix, Labels labels, const Label* extra);

    std::string out_;
};

}  // namespace wa::prom
