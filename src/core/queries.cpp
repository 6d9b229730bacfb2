#include "queries.hpp"

#include "routes.hpp"

#include <cstdlib>
#include <string>

namespace wa {

namespace {

// A FastAPI int parameter: absent -> fallback.
void query_int(std::string_view query, const char* name, int fallback, int& out,
               std::vector<FieldError>& errors) {
    auto v = query_arg(query, name);
    if (!v) {
        out = fallback;
        return;
    }
    long long n = 0;
    if (!whole_integer(*v, n) || n < -1000000 || n > 1000000) {
        errors.push_back(int_error("query", name));
        return;
    }
    out = static_cast<int>(n);
}

}  // namespace

Parsed<Paging> parse_paging(std::string_view query) {
    Parsed<Paging> out;
    Paging p;
    if (auto limit = query_arg(query, "limit")) {
        if (auto v = query_int_in_range("limit", *limit, 1, kMaxListLimit, &out.errors)) {
            p.limit = *v;
        }
    }
    if (auto cursor = query_arg(query, "cursor")) {
        long long v = 0;
        if (!whole_integer(*cursor, v) || v < 0) {
            out.errors.push_back(FieldError{"query", "cursor", "value is not a valid cursor",
                                            "value_error.cursor", 0});
        } else {
            p.cursor = v;
        }
    }
    if (out.errors.empty()) {
        out.value = p;
    }
    return out;
}

Parsed<ScheduleTime> parse_schedule_time(std::string_view query, int hour, int minute) {
    Parsed<ScheduleTime> out;
    ScheduleTime t;
    query_int(query, "hour", hour, t.hour, out.errors);
    query_int(query, "minute", minute, t.minute, out.errors);
    if (out.errors.empty()) {
        out.value = t;
    }
    return out;
}

Parsed<RunNowQuery> parse_run_now_query(std::string_view query) {
    Parsed<RunNowQuery> out;
    RunNowQuery q;
    if (auto d = query_arg(query, "date")) {
        auto parsed = parse_query_date(*d, "date");
        if (!parsed.value) {
            out.errors = parsed.errors;
            return out;
        }
        q.date = *parsed.value;
    }
    if (auto d = query_arg(query, "dry_run")) {
        if (*d == "true" || *d == "1" || *d == "yes" || *d == "on") {
            q.dry_run = true;
        } else if (!(*d == "false" || *d == "0" || *d == "no" || *d == "off")) {
            out.errors.push_back(FieldError{"query", "dry_run",
                                            "value could not be parsed to a boolean",
                                            "type_error.bool", 0});
            return out;
        }
    }
    out.value = q;
    return out;
}

}  // namespace wa
