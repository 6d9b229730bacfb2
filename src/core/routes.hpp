#pragma once

#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "json.hpp"

namespace wa {

enum class Method { get, head, post, put, delete_, other };

enum class Route {
    not_found,
    method_not_allowed,
    redirect,
    invalid,
    list,
    detail,
    statistics,
    customer,
    customer_vehicle,
    delete_report,
    reset_frequency,
    record,
    customer_data,
    vehicle_data,
    import,
    openapi,
    due,
    vehicle_messages,     // GET /customer/{c}/vehicle/{v}/messages (delivery records)
    delivery_statistics,  // GET /statistics/delivery (delivery records)
    reminder_explain,
};

struct RouteMatch {
    Route route = Route::not_found;
    std::string a, b;                // canonical uuids captured from the path
    std::string allow;               // for MethodNotAllowed, e.g. "GET, PUT, DELETE"
    std::string redirect;            // for Redirect, relative to the prefix, e.g. "/detail";
                                     // percent-encoded (uri_escape_path), fit for Location
    std::vector<FieldError> errors;  // for Invalid (422)
};

// One route of the report API: `pattern` is relative to the location's
// prefix, "{name}" matching one non-empty path segment; `methods` are the
// ones it answers (any other gets 405 with them in Allow); `params` is the
// query its POST/PUT/DELETE take (see query_errors), and for a reading route
// that names any (GET /due) the only query its GET and HEAD take
// (named_query_errors).
struct RouteSpec {
    std::string_view pattern;
    std::initializer_list<Method> methods;
    Route route;
    std::initializer_list<std::string_view> params;
};

// A fixed table, walked in order (for the OpenAPI document's check).
template <class T>
struct RouteTable {
    const T* first;
    const T* last;
    const T* begin() const { return first; }
    const T* end() const { return last; }
};

// Every report API route, in match order.
RouteTable<RouteSpec> report_routes();

Method method_from_name(std::string_view name);

// "GET", "POST", ...; "" for Other.
const char* method_name(Method m);

// `path` is what follows the location prefix: "/", "/detail", "" for the
// prefix without its slash. Starlette's rules apply: the first route matching
// path and method wins; otherwise the first route matching the path alone
// gives 405; otherwise a trailing-slash variant that matches gives a redirect.
// `path` is percent-decoded: one holding a control character (0x00-0x1f,
// 0x7f) gets no redirect (NotFound), so it can never reach a header.
RouteMatch match_route(Method m, std::string_view path);

// A decoded path written for a URI (RFC 3986 path): unreserved characters,
// sub-delims, ":", "@" and "/" as they are, every other byte as %XX
// (upper-case hex), so the result holds no space, "?", "#", "%" of its own,
// nor any control character.
std::string uri_escape_path(std::string_view path);

// match_route, then the query rule below for the chosen route: a mutating
// request whose query breaks it is Route::invalid, its query errors after
// any path errors. `query` is the raw query string (nginx's $args).
RouteMatch match_request(Method m, std::string_view path, std::string_view query);

// The query rule of mutating requests (POST, PUT, DELETE): a parameter name
// not in `allowed`, or an allowed one given more than once, could make the
// request change more than its caller meant (a misspelt id_customer resets
// every report), so each is an error at ["query", name]: "extra fields not
// permitted" (value_error.extra) or "query parameter given more than once"
// (value_error.duplicate). One error per name, in the order they are found,
// at most 20. Names are percent-decoded; empty pairs ("a=1&&b=2") are
// ignored. Reading requests (GET, HEAD) get no errors: they ignore what they
// do not know.
std::vector<FieldError> query_errors(Method m, std::string_view query,
                                     std::initializer_list<std::string_view> allowed);

// query_errors' rule for any method: each parameter name not in `allowed`
// ("extra fields not permitted", value_error.extra) or given more than once
// ("query parameter given more than once", value_error.duplicate). It also
// applies to a reading route that names its parameters, so a misspelt one
// is an error rather than a silent default.
std::vector<FieldError> named_query_errors(std::string_view query,
                                           std::initializer_list<std::string_view> allowed);

// The requests whose body their endpoint reads: POST /record, POST
// /data/import, PUT of a customer or a vehicle. Any other request's body is
// read and thrown away before it is answered.
bool route_reads_body(Route route, Method m);

enum class SchedulerRoute { start, stop, status, run_now };

struct SchedulerRouteSpec {
    std::string_view path;  // after the location prefix, e.g. "/run-now"
    Method method;
    SchedulerRoute route;
    std::initializer_list<std::string_view> params;  // the query it takes
};

// Every scheduler API route.
RouteTable<SchedulerRouteSpec> scheduler_routes();

// The scheduler API's route for `path`; nullptr when there is none (404).
const SchedulerRouteSpec* find_scheduler_route(std::string_view path);

// The percent-decoded value of the first `name=` in a query string ("+" is a
// space); a bare `name` gives "".
std::optional<std::string> query_arg(std::string_view query, std::string_view name);

}  // namespace wa
