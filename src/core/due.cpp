#include "due.hpp"

#include "json.hpp"
#include "routes.hpp"

#include <cstdlib>

namespace wa {

namespace {

void member(std::string& out, bool& first, std::string_view key) {
    out += first ? "" : ",";
    first = false;
    append_json_string(out, key);
    out += ':';
}

// Redis's absent field arrives as "", which the answer spells null.
void text_or_null(std::string& out, bool& first, std::string_view key, std::string_view value) {
    member(out, first, key);
    if (value.empty()) {
        out += "null";
    } else {
        append_json_string(out, value);
    }
}

void append_due_vehicle(std::string& out, const DueRow& row) {
    bool first = true;
    out += '{';
    member(out, first, "id_vehicle");
    append_json_string(out, row.vehicle_id);
    text_or_null(out, first, "id_customer", row.customer_id);
    text_or_null(out, first, "nopol", row.nopol);
    text_or_null(out, first, "model", row.model);
    text_or_null(out, first, "next_visit_date", row.next_visit_date);
    if (row.customer_name) {
        member(out, first, "customer_name");
        append_json_string(out, *row.customer_name);
        text_or_null(out, first, "customer_phone", row.customer_phone);
    } else {
        text_or_null(out, first, "customer_name", "");
        text_or_null(out, first, "customer_phone", "");
    }
    text_or_null(out, first, "reminded_for", row.reminded_for);
    out += '}';
}

}  // namespace

Parsed<DueQuery> parse_due_query(std::string_view query) {
    Parsed<DueQuery> out;
    DueQuery q;
    if (auto days = query_arg(query, "days")) {
        if (auto v = query_int_in_range("days", *days, 1, kDueMaxDays, &out.errors)) {
            q.days = static_cast<int>(*v);
        }
    }
    if (auto from = query_arg(query, "from")) {
        auto date = parse_query_date(*from, "from");
        if (!date.value) {
            out.errors.insert(out.errors.end(), date.errors.begin(), date.errors.end());
        } else if (out.errors.empty()
                   && days_from_civil(*date.value) + q.days - 1 > days_from_civil(kLastDate)) {
            // The window's days become key names and dates in the answer,
            // which keep four-digit years.
            out.errors.push_back(FieldError{"query", "from",
                                            "ensure this value plus " + std::to_string(q.days - 1)
                                                + " days is less than or equal to "
                                                + format_date(kLastDate),
                                            "value_error.number.not_le", 0});
        } else {
            q.from = *date.value;
        }
    }
    if (out.errors.empty()) {
        out.value = q;
    }
    return out;
}

std::string due_json(Date from, int days, const DueList& list) {
    std::string out = "{\"from\":";
    append_json_string(out, format_date(from));
    out += ",\"days\":";
    append_int(out, days);
    out += ",\"vehicles\":[";
    for (size_t i = 0; i < list.rows.size(); i++) {
        out += i > 0 ? "," : "";
        append_due_vehicle(out, list.rows[i]);
    }
    out += "],\"truncated\":";
    out += list.truncated ? "true" : "false";
    out += '}';
    return out;
}

}  // namespace wa
