#include "routes.hpp"

#include <initializer_list>
#include <iterator>

#include "uuid.hpp"

namespace wa {

namespace {

constexpr size_t kMaxParams = 2;

constexpr size_t kMaxQueryErrors = 20;

// Order matters and mirrors the old FastAPI router (the document the API
// describes itself with, "/openapi.json", is matched as FastAPI matched its
// own: DELETE of it is "/{report_id}"'s 422, POST and PUT 405): "/{report_id}" comes
// before "/reset-frequency", which is why GET /reset-frequency answers 405
// with "Allow: DELETE" there and here.
const RouteSpec kRoutes[] = {
    {"/", {Method::get}, Route::list, {}},
    {"/detail", {Method::get}, Route::detail, {}},
    {"/statistics", {Method::get}, Route::statistics, {}},
    {"/due", {Method::get, Method::head}, Route::due, {"days", "from"}},
    {"/record", {Method::post}, Route::record, {}},
    {"/data/import", {Method::post}, Route::import, {}},
    {"/data/customers/{id}", {Method::get, Method::put, Method::delete_}, Route::customer_data, {}},
    {"/data/vehicles/{id}", {Method::get, Method::put, Method::delete_}, Route::vehicle_data, {}},
    {"/openapi.json", {Method::get, Method::head}, Route::openapi, {}},
    {"/customer/{id_customer}", {Method::get}, Route::customer, {}},
    {"/customer/{id_customer}/vehicle/{id_vehicle}", {Method::get}, Route::customer_vehicle, {}},
    {"/customer/{id_customer}/vehicle/{id_vehicle}/messages",
     {Method::get, Method::head},
     Route::vehicle_messages,
     {}},
    {"/statistics/delivery",
     {Method::get, Method::head},
     Route::delivery_statistics,
     {"from", "to"}},
    {"/customer/{id_customer}/vehicle/{id_vehicle}/reminder",
     {Method::get, Method::head},
     Route::reminder_explain,
     {}},
    {"/{report_id}", {Method::delete_}, Route::delete_report, {}},
    {"/reset-frequency", {Method::post}, Route::reset_frequency, {"id_customer"}},
};

const SchedulerRouteSpec kSchedulerRoutes[] = {
    {"/start", Method::post, SchedulerRoute::start, {"hour", "minute"}},
    {"/stop", Method::post, SchedulerRoute::stop, {}},
    {"/status", Method::get, SchedulerRoute::status, {}},
    {"/run-now", Method::post, SchedulerRoute::run_now, {"date", "dry_run"}},
};

struct Param {
    std::string_view name;
    std::string_view value;
};

struct PathMatch {
    bool matched = false;
    Param params[kMaxParams];
    size_t count = 0;
};

PathMatch match_pattern(std::string_view pattern, std::string_view path) {
    PathMatch result;
    size_t p = 0;
    size_t i = 0;

    while (p < pattern.size()) {
        if (pattern[p] != '{') {
            if (i >= path.size() || path[i] != pattern[p]) {
                return {};
            }
            p++;
            i++;
            continue;
        }

        size_t close = pattern.find('}', p);
        size_t end = path.find('/', i);
        if (end == std::string_view::npos) {
            end = path.size();
        }
        if (end == i || result.count == kMaxParams) {
            return {};
        }

        result.params[result.count++] = {pattern.substr(p + 1, close - p - 1),
                                         path.substr(i, end - i)};
        p = close + 1;
        i = end;
    }

    result.matched = i == path.size();
    return result;
}

bool allows(const RouteSpec& spec, Method m) {
    for (Method allowed : spec.methods) {
        if (allowed == m) {
            return true;
        }
    }
    return false;
}

std::string allow_header(const RouteSpec& spec) {
    std::string allow;
    for (Method m : spec.methods) {
        if (!allow.empty()) {
            allow.append(", ");
        }
        allow.append(method_name(m));
    }
    return allow;
}

bool matches_any_route(std::string_view path) {
    for (const RouteSpec& spec : kRoutes) {
        if (match_pattern(spec.pattern, path).matched) {
            return true;
        }
    }
    return false;
}

// FastAPI validates path parameters only once the route is chosen.
RouteMatch accept(const RouteSpec& spec, const PathMatch& path) {
    RouteMatch result;
    std::string* slots[kMaxParams] = {&result.a, &result.b};

    for (size_t k = 0; k < path.count; k++) {
        auto id = parse_uuid(path.params[k].value);
        if (!id) {
            result.errors.push_back(uuid_error("path", std::string(path.params[k].name)));
            continue;
        }
        *slots[k] = std::move(*id);
    }

    result.route = result.errors.empty() ? spec.route : Route::invalid;
    return result;
}

// Starlette strips every trailing slash, or adds one when there is none.
std::string slash_variant(std::string_view path) {
    if (path.empty() || path.back() != '/') {
        return std::string(path) + "/";
    }

    size_t end = path.find_last_not_of('/');
    return std::string(path.substr(0, end == std::string_view::npos ? 0 : end + 1));
}

bool has_control_character(std::string_view s) {
    for (char c : s) {
        if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) {
            return true;
        }
    }
    return false;
}

RouteMatch redirect_or_not_found(std::string_view path) {
    RouteMatch result;
    if (path == "/" || has_control_character(path)) {
        return result;
    }

    std::string variant = slash_variant(path);
    if (matches_any_route(variant)) {
        result.route = Route::redirect;
        result.redirect = uri_escape_path(variant);
    }
    return result;
}

int hex_value(char c) {
    if (c >= '0' && c <= '9') {
        return c - '0';
    }
    if (c >= 'a' && c <= 'f') {
        return c - 'a' + 10;
    }
    if (c >= 'A' && c <= 'F') {
        return c - 'A' + 10;
    }
    return -1;
}

// application/x-www-form-urlencoded: "+" is a space; a malformed escape
// stays as typed, as Python's unquote_plus leaves it.
std::string decode_query_component(std::string_view s) {
    std::string out;
    out.reserve(s.size());

    for (size_t i = 0; i < s.size(); i++) {
        if (s[i] == '+') {
            out.push_back(' ');
            continue;
        }

        int hi = s[i] == '%' && i + 2 < s.size() ? hex_value(s[i + 1]) : -1;
        int lo = hi >= 0 ? hex_value(s[i + 2]) : -1;
        if (lo < 0) {
            out.push_back(s[i]);
            continue;
        }

        out.push_back(static_cast<char>(hi * 16 + lo));
        i += 2;
    }

    return out;
}

// `chosen` is set when a route is chosen, even one whose path ids are bad.
RouteMatch match_spec(Method m, std::string_view path, const RouteSpec** chosen) {
    const RouteSpec* partial = nullptr;

    for (const RouteSpec& spec : kRoutes) {
        PathMatch pm = match_pattern(spec.pattern, path);
        if (!pm.matched) {
            continue;
        }
        if (allows(spec, m)) {
            *chosen = &spec;
            return accept(spec, pm);
        }
        if (partial == nullptr) {
            partial = &spec;
        }
    }

    if (partial != nullptr) {
        RouteMatch result;
        result.route = Route::method_not_allowed;
        result.allow = allow_header(*partial);
        return result;
    }

    return redirect_or_not_found(path);
}

bool mutates(Method m) { return m == Method::post || m == Method::put || m == Method::delete_; }

bool contains(const std::vector<std::string>& names, const std::string& name) {
    for (const std::string& n : names) {
        if (n == name) {
            return true;
        }
    }
    return false;
}

FieldError query_error(std::string name, const char* msg, const char* type) {
    return FieldError{"query", std::move(name), msg, type, 0};
}

}  // namespace

const char* method_name(Method m) {
    switch (m) {
    case Method::get: return "GET";
    case Method::head: return "HEAD";
    case Method::post: return "POST";
    case Method::put: return "PUT";
    case Method::delete_: return "DELETE";
    case Method::other: break;
    }
    return "";
}

Method method_from_name(std::string_view name) {
    if (name == "GET") {
        return Method::get;
    }
    if (name == "HEAD") {
        return Method::head;
    }
    if (name == "POST") {
        return Method::post;
    }
    if (name == "PUT") {
        return Method::put;
    }
    if (name == "DELETE") {
        return Method::delete_;
    }
    return Method::other;
}

RouteMatch match_route(Method m, std::string_view path) {
    const RouteSpec* chosen = nullptr;
    return match_spec(m, path, &chosen);
}

RouteMatch match_request(Method m, std::string_view path, std::string_view query) {
    const RouteSpec* chosen = nullptr;
    RouteMatch result = match_spec(m, path, &chosen);
    if (chosen == nullptr) {
        return result;
    }

    bool named = mutates(m) || chosen->params.size() > 0;
    std::vector<FieldError> errors =
        named ? named_query_errors(query, chosen->params) : std::vector<FieldError>();
    if (!errors.empty()) {
        result.route = Route::invalid;
        result.errors.insert(result.errors.end(), errors.begin(), errors.end());
    }
    return result;
}

std::vector<FieldError> query_errors(Method m, std::string_view query,
                                     std::initializer_list<std::string_view> allowed) {
    if (!mutates(m)) {
        return {};
    }
    return named_query_errors(query, allowed);
}

std::vector<FieldError> named_query_errors(std::string_view query,
                                           std::initializer_list<std::string_view> allowed) {
    std::vector<FieldError> errors;

    std::vector<std::string> seen;
    std::vector<std::string> reported;
    while (!query.empty() && errors.size() < kMaxQueryErrors) {
        size_t amp = query.find('&');
        std::string_view pair = query.substr(0, amp);
        query = amp == std::string_view::npos ? std::string_view() : query.substr(amp + 1);
        if (pair.empty()) {
            continue;
        }

        std::string name = decode_query_component(pair.substr(0, pair.find('=')));
        bool known = false;
        for (std::string_view a : allowed) {
            known = known || a == name;
        }
        bool repeated = contains(seen, name);
        if (!repeated) {
            seen.push_back(name);
        }
        if (contains(reported, name) || (known && !repeated)) {
            continue;
        }

        reported.push_back(name);
        errors.push_back(
            known
                ? query_error(name, "query parameter given more than once", "value_error.duplicate")
                : query_error(name, "extra fields not permitted", "value_error.extra"));
    }
    return errors;
}

bool route_reads_body(Route route, Method m) {
    switch (route) {
    case Route::record:
    case Route::import: return true;
    case Route::customer_data:
    case Route::vehicle_data: return m == Method::put;
    default: return false;
    }
}

RouteTable<RouteSpec> report_routes() { return {std::begin(kRoutes), std::end(kRoutes)}; }

RouteTable<SchedulerRouteSpec> scheduler_routes() {
    return {std::begin(kSchedulerRoutes), std::end(kSchedulerRoutes)};
}

const SchedulerRouteSpec* find_scheduler_route(std::string_view path) {
    for (const SchedulerRouteSpec& spec : kSchedulerRoutes) {
        if (spec.path == path) {
            return &spec;
        }
    }
    return nullptr;
}

std::string uri_escape_path(std::string_view path) {
    constexpr std::string_view kept = "-._~!$&'()*+,;=:@/";
    constexpr char hex[] = "0123456789ABCDEF";
    std::string out;
    out.reserve(path.size());

    for (char c : path) {
        bool alnum = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
        if (alnum || kept.find(c) != std::string_view::npos) {
            out.push_back(c);
            continue;
        }
        auto u = static_cast<unsigned char>(c);
        out.push_back('%');
        out.push_back(hex[u >> 4]);
        out.push_back(hex[u & 15]);
    }

    return out;
}

std::optional<std::string> query_arg(std::string_view query, std::string_view name) {
    while (!query.empty()) {
        size_t amp = query.find('&');
        std::string_view pair = query.substr(0, amp);
        query = amp == std::string_view::npos ? std::string_view() : query.substr(amp + 1);

        size_t eq = pair.find('=');
        if (decode_query_component(pair.substr(0, eq)) != name) {
            continue;
        }
        if (eq == std::string_view::npos) {
            return std::string();
        }
        return decode_query_component(pair.substr(eq + 1));
    }

    return std::nullopt;
}

}  // namespace wa
