// The request line as the module sees it: method, path after the location
// prefix (percent-decoded by nginx) and the raw query string. Whatever the
// route, a redirect can go into a Location header, a refusal names its
// errors, and the query parsers answer a value or errors, never both.
#include <cctype>

#include "core/escape.hpp"
#include "core/queries.hpp"
#include "core/routes.hpp"
#include "fuzz.hpp"

namespace {

bool uri_path_char(unsigned char c) {
    return std::isalnum(c)
        || std::string_view("-._~!$&'()*+,;=:@/%").find(c) != std::string_view::npos;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    fuzz::Fields in(data, size);
    std::string_view method = in.next();
    std::string_view path = in.next();
    std::string_view query = in.rest();

    wa::Method m = wa::method_from_name(method);
    wa::RouteMatch match = wa::match_request(m, path, query);
    if (match.route == wa::Route::redirect) {
        FUZZ_CHECK(wa::header_value_ok(match.redirect));
        for (unsigned char c : match.redirect)
            FUZZ_CHECK(uri_path_char(c));
    }
    if (match.route == wa::Route::method_not_allowed)
        FUZZ_CHECK(!match.allow.empty() && wa::header_value_ok(match.allow));
    FUZZ_CHECK((match.route == wa::Route::invalid) == !match.errors.empty());
    if (match.route == wa::Route::invalid)
        FUZZ_CHECK(!wa::validation_errors(match.errors).empty());

    std::string escaped = wa::uri_escape_path(path);
    for (unsigned char c : escaped)
        FUZZ_CHECK(uri_path_char(c));

    auto paging = wa::parse_paging(query);
    FUZZ_CHECK(paging.value.has_value() == paging.errors.empty());
    if (paging.value) {
        FUZZ_CHECK(paging.value->limit >= 0 && paging.value->limit <= wa::kMaxListLimit);
        FUZZ_CHECK(!paging.value->cursor || *paging.value->cursor >= 0);
    }
    auto time = wa::parse_schedule_time(query, 9, 0);
    FUZZ_CHECK(time.value.has_value() == time.errors.empty());
    auto run_now = wa::parse_run_now_query(query);
    FUZZ_CHECK(run_now.value.has_value() == run_now.errors.empty());
    if (run_now.value && run_now.value->date)
        FUZZ_CHECK(wa::in_date_range(*run_now.value->date));

    const wa::SchedulerRouteSpec* spec = wa::find_scheduler_route(path);
    if (spec != nullptr)
        FUZZ_CHECK(spec->path == path);
    wa::query_arg(query, method);
    return 0;
}
