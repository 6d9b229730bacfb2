#include "messages.hpp"

#include "json.hpp"
#include "routes.hpp"

#include <algorithm>
#include <cmath>
#include <cstdlib>

namespace wa {

namespace {

void append_field(std::string& out, const char* name) {
    out += '"';
    out += name;
    out += "\":";
}

void append_string_or_null(std::string& out, const std::string& s) {
    if (s.empty()) {
        out += "null";
    } else {
        append_json_string(out, s);
    }
}

void append_date_or_null(std::string& out, const std::optional<Date>& d) {
    if (d) {
        append_json_string(out, format_date(*d));
    } else {
        out += "null";
    }
}

bool counter_text(const std::string& text, int64_t& out) {
    long long v = 0;
    if (!whole_integer(text, v)) {
        return false;
    }
    out = v;
    return true;
}

}  // namespace

std::string message_history_json(const std::vector<MessageRecord>& messages, const Zone& zone) {
    std::string out = "[";
    for (const MessageRecord& m : messages) {
        if (out.size() > 1) {
            out += ',';
        }
        out += '{';
        append_field(out, "message_id");
        append_json_string(out, m.message_id);
        out += ',';
        append_field(out, "provider");
        append_json_string(out, m.provider);
        out += ',';
        append_field(out, "sent_at");
        append_json_string(out, m.sent_at);
        out += ',';
        append_field(out, "status");
        append_json_string(out, m.status);
        out += ',';
        append_field(out, "status_at");
        append_string_or_null(out, m.status_at > 0 ? zone.local_iso(m.status_at) : "");
        out += ',';
        append_field(out, "error");
        if (m.status == "failed") {
            out += "{\"code\":";
            append_string_or_null(out, m.error_code);
            out += ",\"title\":";
            append_string_or_null(out, m.error_title);
            out += '}';
        } else {
            out += "null";
        }
        out += ',';
        append_field(out, "pricing_category");
        append_string_or_null(out, m.pricing_category);
        out += '}';
    }
    out += ']';
    return out;
}

DeliveryStats delivery_stats_from_fields(
    const std::vector<std::pair<std::string, std::string>>& fields) {
    DeliveryStats s;
    constexpr std::string_view failed_prefix = "failed:";
    for (const auto& [name, value] : fields) {
        int64_t n = 0;
        if (!counter_text(value, n)) {
            n = 0;
        }
        if (name == "accepted") {
            s.accepted = n;
        } else if (name == "delivered") {
            s.delivered = n;
        } else if (name == "read") {
            s.read = n;
        } else if (name == "failed") {
            s.failed = n;
        } else if (name.compare(0, failed_prefix.size(), failed_prefix) == 0
                   && name.size() > failed_prefix.size() && n != 0) {
            s.failures_by_code.emplace_back(name.substr(failed_prefix.size()), n);
        }
    }
    std::sort(s.failures_by_code.begin(), s.failures_by_code.end());
    return s;
}

double delivery_rate(int64_t part, int64_t whole) {
    if (whole <= 0) {
        return 0.0;
    }
    return std::round(static_cast<double>(part) / static_cast<double>(whole) * 10000.0) / 10000.0;
}

std::string delivery_stats_json(const DeliveryStats& s, std::optional<Date> from,
                                std::optional<Date> to) {
    std::string out = "{";
    auto count = [&out](const char* name, int64_t v) {
        append_field(out, name);
        append_int(out, v);
        out += ',';
    };
    auto rate = [&out, &s](const char* name, int64_t part) {
        append_field(out, name);
        append_python_float(out, delivery_rate(part, s.accepted));
        out += ',';
    };
    count("accepted", s.accepted);
    count("delivered", s.delivered);
    count("read", s.read);
    count("failed", s.failed);
    rate("delivery_rate", s.delivered);
    rate("read_rate", s.read);
    rate("failure_rate", s.failed);
    append_field(out, "failures_by_code");
    out += '{';
    for (size_t i = 0; i < s.failures_by_code.size(); i++) {
        if (i > 0) {
            out += ',';
        }
        append_json_string(out, s.failures_by_code[i].first);
        out += ':';
        append_int(out, s.failures_by_code[i].second);
    }
    out += "},";
    append_field(out, "from");
    append_date_or_null(out, from);
    out += ',';
    append_field(out, "to");
    append_date_or_null(out, to);
    out += '}';
    return out;
}

Parsed<DeliveryRange> parse_delivery_range(std::string_view query) {
    Parsed<DeliveryRange> out;
    DeliveryRange range;
    auto from_text = query_arg(query, "from");
    auto to_text = query_arg(query, "to");
    auto take = [&out](const std::optional<std::string>& text, const char* name,
                       std::optional<Date>& into) {
        if (!text) {
            return;
        }
        auto date = parse_query_date(*text, name);
        if (!date.value) {
            out.errors.insert(out.errors.end(), date.errors.begin(), date.errors.end());
        } else {
            into = *date.value;
        }
    };
    take(from_text, "from", range.from);
    take(to_text, "to", range.to);
    if (from_text && !to_text) {
        out.errors.push_back(FieldError{"query", "to", "field required", "value_error.missing", 0});
    } else if (to_text && !from_text) {
        out.errors.push_back(
            FieldError{"query", "from", "field required", "value_error.missing", 0});
    }
    if (out.errors.empty() && range.from && range.to) {
        int64_t days = days_from_civil(*range.to) - days_from_civil(*range.from) + 1;
        if (days < 1) {
            out.errors.push_back(FieldError{
                "query", "to",
                "ensure this value is greater than or equal to " + format_date(*range.from),
                "value_error.date.not_ge", 0});
        } else if (days > kDeliveryRangeMaxDays) {
            out.errors.push_back(FieldError{
                "query", "to",
                "ensure the range is at most " + std::to_string(kDeliveryRangeMaxDays) + " days",
                "value_error.date.range", 0});
        }
    }
    if (out.errors.empty()) {
        out.value = range;
    }
    return out;
}

}  // namespace wa
