#include "prometheus.hpp"

#include <charconv>
#include <cmath>

namespace wa::prom {

std::string escape_label_value(std::string_view value) {
    std::string out;
    out.reserve(value.size());
    for (char c : value) {
        switch (c) {
        case '\\': out += "\\\\"; break;
        case '"': out += "\\\""; break;
        case '\n': out += "\\n"; break;
        default: out += c;
        }
    }
    return out;
}

std::string escape_help(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    for (char c : text) {
        switch (c) {
        case '\\': out += "\\\\"; break;
        case '\n': out += "\\n"; break;
        default: out += c;
        }
    }
    return out;
}

std::string format_value(double value) {
    if (std::isnan(value)) {
        return "NaN";
    }
    if (std::isinf(value)) {
        return value > 0 ? "+Inf" : "-Inf";
    }
    char buf[64];
    auto [end, ec] = std::to_chars(buf, buf + sizeof buf, value);
    if (ec != std::errc()) {
        return "NaN";  // cannot happen: 64 bytes hold any double
    }
    return std::string(buf, end);
}

void Writer::family(std::string_view name, std::string_view type, std::string_view help) {
    out_ += "# HELP ";
    out_ += name;
    out_ += ' ';
    out_ += escape_help(help);
    out_ += "\n# TYPE ";
    out_ += name;
    out_ += ' ';
    out_ += type;
    out_ += '\n';
}

void Writer::series(std::string_view name, std::string_view suffix, Labels labels,
                    const Label* extra) {
    out_ += name;
    out_ += suffix;
    if (labels.size() == 0 && extra == nullptr) {
        out_ += ' ';
        return;
    }
    out_ += '{';
    bool first = true;
    auto put = [&](const Label& l) {
        if (!first) {
            out_ += ',';
        }
        first = false;
        out_ += l.name;
        out_ += "=\"";
        out_ += escape_label_value(l.value);
        out_ += '"';
    };
    for (const Label& l : labels) {
        put(l);
    }
    if (extra != nullptr) {
        put(*extra);
    }
    out_ += "} ";
}

void Writer::sample(std::string_view name, Labels labels, uint64_t value) {
    series(name, "", labels, nullptr);
    out_ += std::to_string(value);
    out_ += '\n';
}

void Writer::sample(std::string_view name, Labels labels, int64_t value) {
    series(name, "", labels, nullptr);
    out_ += std::to_string(value);
    out_ += '\n';
}

void Writer::sample(std::string_view name, Labels labels, double value) {
    series(name, "", labels, nullptr);
    out_ += format_value(value);
    out_ += '\n';
}

void Writer::histogram(std::string_view name, Labels labels, const double* bounds, size_t n,
                       const uint64_t* counts, double sum) {
    uint64_t running = 0;
    for (size_t i = 0; i <= n; i++) {
        running += counts[i];
        std::string le = i < n ? format_value(bounds[i]) : "+Inf";
        Label bucket{"le", le};
        series(name, "_bucket", labels, &bucket);
        out_ += std::to_string(running);
        out_ += '\n';
    }
    series(name, "_sum", labels, nullptr);
    out_ += format_value(sum);
    out_ += '\n';
    series(name, "_count", labels, nullptr);
    out_ += std::to_string(running);
    out_ += '\n';
}

}  // namespace wa::prom
