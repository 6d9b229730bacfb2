#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "json.hpp"

namespace wa {

enum class Method { Get, Head, Post, Put, Delete, Other };

enum class Route {
    NotFound,
    MethodNotAllowed,
    Redirect,
    Invalid,
    List,
    Detail,
    Statistics,
    Customer,
    CustomerVehicle,
    DeleteReport,
    ResetFrequency,
    Record,
    CustomerData,
    VehicleData,
    Import,
};

struct RouteMatch {
    Route route = Route::NotFound;
    std::string a, b;               // canonical uuids captured from the path
    std::string allow;              // for MethodNotAllowed, e.g. "GET, PUT, DELETE"
    std::string redirect;           // for Redirect, relative to the prefix, e.g. "/detail"
    std::vector<FieldError> errors; // for Invalid (422)
};

Method method_from_name(std::string_view name);

// `path` is what follows the location prefix: "/", "/detail", "" for the
// prefix without its slash. Starlette's rules apply: the first route matching
// path and method wins; otherwise the first route matching the path alone
// gives 405; otherwise a trailing-slash variant that matches gives a redirect.
RouteMatch match_route(Method m, std::string_view path);

// The percent-decoded value of the first `name=` in a query string ("+" is a
// space); a bare `name` gives "".
std::optional<std::string> query_arg(std::string_view query, std::string_view name);

}  // namespace wa
