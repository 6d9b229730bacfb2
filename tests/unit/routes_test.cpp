#include <gtest/gtest.h>

#include "core/routes.hpp"

namespace wa {
namespace {

constexpr const char* kCustomer = "19db3ad0-ddd1-4fb2-bb98-2ef8daf61a26";
constexpr const char* kVehicle = "451b4cf3-6123-4df7-b656-af7229d4beef";

std::string path(std::string a, std::string b = "", std::string c = "", std::string d = "") {
    return a + b + c + d;
}

void expect_route(Method m, const std::string& p, Route expected) {
    RouteMatch r = match_route(m, p);
    EXPECT_EQ(r.route, expected) << p;
    EXPECT_TRUE(r.errors.empty()) << p;
}

void expect_405(Method m, const std::string& p, const std::string& allow) {
    RouteMatch r = match_route(m, p);
    EXPECT_EQ(r.route, Route::method_not_allowed) << p;
    EXPECT_EQ(r.allow, allow) << p;
}

void expect_redirect(const std::string& p, const std::string& to) {
    RouteMatch r = match_route(Method::get, p);
    EXPECT_EQ(r.route, Route::redirect) << p;
    EXPECT_EQ(r.redirect, to) << p;
}

TEST(MatchRoute, FindsFixedRoutes) {
    expect_route(Method::get, "/", Route::list);
    expect_route(Method::get, "/detail", Route::detail);
    expect_route(Method::get, "/statistics", Route::statistics);
    expect_route(Method::post, "/reset-frequency", Route::reset_frequency);
    expect_route(Method::post, "/record", Route::record);
    expect_route(Method::post, "/data/import", Route::import);
}

TEST(MatchRoute, CapturesCanonicalIds) {
    RouteMatch r = match_route(Method::get, path("/customer/", kCustomer));
    EXPECT_EQ(r.route, Route::customer);
    EXPECT_EQ(r.a, kCustomer);

    r = match_route(Method::get,
                    path("/customer/", "19DB3AD0DDD14FB2BB982EF8DAF61A26", "/vehicle/", kVehicle));
    EXPECT_EQ(r.route, Route::customer_vehicle);
    EXPECT_EQ(r.a, kCustomer);
    EXPECT_EQ(r.b, kVehicle);

    r = match_route(Method::delete_, path("/", kVehicle));
    EXPECT_EQ(r.route, Route::delete_report);
    EXPECT_EQ(r.a, kVehicle);
}

TEST(MatchRoute, FindsDataRoutesForEachMethod) {
    for (Method m : {Method::get, Method::put, Method::delete_}) {
        RouteMatch r = match_route(m, path("/data/customers/", kCustomer));
        EXPECT_EQ(r.route, Route::customer_data);
        EXPECT_EQ(r.a, kCustomer);

        r = match_route(m, path("/data/vehicles/", kVehicle));
        EXPECT_EQ(r.route, Route::vehicle_data);
        EXPECT_EQ(r.a, kVehicle);
    }
    expect_405(Method::post, path("/data/customers/", kCustomer), "GET, PUT, DELETE");
    expect_405(Method::head, path("/data/vehicles/", kVehicle), "GET, PUT, DELETE");
}

TEST(MatchRoute, ReportsBadPathIdsLikeFastApi) {
    RouteMatch r = match_route(Method::get, "/customer/not-a-uuid");
    EXPECT_EQ(r.route, Route::invalid);
    EXPECT_EQ(
        validation_errors(r.errors),
        R"({"detail":[{"loc":["path","id_customer"],"msg":"value is not a valid uuid","type":"type_error.uuid"}]})");

    r = match_route(Method::get, path("/customer/", kCustomer, "/vehicle/xyz"));
    EXPECT_EQ(r.route, Route::invalid);
    EXPECT_EQ(
        validation_errors(r.errors),
        R"({"detail":[{"loc":["path","id_vehicle"],"msg":"value is not a valid uuid","type":"type_error.uuid"}]})");

    r = match_route(Method::get, "/customer/a/vehicle/b");
    ASSERT_EQ(r.errors.size(), 2u);
    EXPECT_EQ(r.errors[0].field, "id_customer");
    EXPECT_EQ(r.errors[1].field, "id_vehicle");

    r = match_route(Method::delete_, "/123");
    EXPECT_EQ(r.route, Route::invalid);
    EXPECT_EQ(
        validation_errors(r.errors),
        R"({"detail":[{"loc":["path","report_id"],"msg":"value is not a valid uuid","type":"type_error.uuid"}]})");

    r = match_route(Method::put, "/data/customers/x");
    EXPECT_EQ(r.route, Route::invalid);
    ASSERT_EQ(r.errors.size(), 1u);
    EXPECT_EQ(r.errors[0].field, "id");
    EXPECT_EQ(r.errors[0].where, "path");

    r = match_route(Method::get, "/data/vehicles/x");
    EXPECT_EQ(r.route, Route::invalid);
}

TEST(MatchRoute, AnswersWrongMethodsWithTheRoutesAllowList) {
    expect_405(Method::head, "/statistics", "GET");
    expect_405(Method::post, "/statistics", "GET");
    expect_405(Method::post, "/", "GET");
    expect_405(Method::delete_, "/", "GET");
    expect_405(Method::put, "/detail", "GET");
    expect_405(Method::get, "/record", "POST");
    expect_405(Method::get, "/data/import", "POST");
    expect_405(Method::other, "/detail", "GET");
    expect_405(Method::post, path("/customer/", kCustomer), "GET");
    expect_405(Method::delete_, path("/customer/", kCustomer, "/vehicle/", kVehicle), "GET");
}

// The old router declared DELETE "/{report_id}" before POST
// "/reset-frequency"; these answers were captured from it.
TEST(MatchRoute, KeepsFastApisOrderQuirks) {
    expect_405(Method::get, "/reset-frequency", "DELETE");
    expect_405(Method::get, "/anything", "DELETE");
    expect_405(Method::get, path("/", kCustomer), "DELETE");
    expect_405(Method::put, "/reset-frequency", "DELETE");
    expect_405(Method::get, "/customer", "DELETE");
    expect_405(Method::get, "/data", "DELETE");
    expect_redirect("/customer/", "/customer");

    // A path parameter is only checked once its route is chosen.
    RouteMatch r = match_route(Method::delete_, "/reset-frequency");
    EXPECT_EQ(r.route, Route::invalid);
    ASSERT_EQ(r.errors.size(), 1u);
    EXPECT_EQ(r.errors[0].field, "report_id");

    r = match_route(Method::delete_, "/statistics");
    EXPECT_EQ(r.route, Route::invalid);
    EXPECT_EQ(r.errors[0].field, "report_id");
}

TEST(MatchRoute, RedirectsTrailingSlashes) {
    expect_redirect("", "/");
    expect_redirect("/detail/", "/detail");
    expect_redirect("/statistics/", "/statistics");
    expect_redirect("/reset-frequency/", "/reset-frequency");
    expect_redirect("/detail///", "/detail");
    expect_redirect("/anything/", "/anything");
    expect_redirect(path("/customer/", kCustomer, "/"), path("/customer/", kCustomer));
    expect_redirect("/data/import/", "/data/import");

    RouteMatch r = match_route(Method::post, "/reset-frequency/");
    EXPECT_EQ(r.route, Route::redirect);
    EXPECT_EQ(r.redirect, "/reset-frequency");
}

// The path is percent-decoded: a CR or LF in it must never reach the
// Location header, so such paths get no redirect at all.
TEST(MatchRoute, NoRedirectForControlCharacters) {
    const std::string paths[] = {
        "/x\r\nSet-Cookie: evil=1/",
        "/x\nSet-Cookie: evil=1/",
        "/x\rSet-Cookie: evil=1/",
        path("/customer/", "a\nSet-Cookie: evil=1", "/"),
        "/data/vehicles/a\r\nX-Evil: 1/",
        std::string("/x\0y/", 5),
        "/x\ty/",
        "/x\x7f/",
        "/x\x1b[2J/",
    };
    for (const std::string& p : paths) {
        RouteMatch r = match_route(Method::get, p);
        EXPECT_EQ(r.route, Route::not_found) << p;
        EXPECT_TRUE(r.redirect.empty()) << p;
    }
}

TEST(MatchRoute, RedirectIsPercentEncoded) {
    expect_redirect("/ab cd/", "/ab%20cd");
    expect_redirect("/a?b/", "/a%3Fb");
    expect_redirect("/a#b/", "/a%23b");
    expect_redirect("/100%/", "/100%25");
    expect_redirect("/caf\xc3\xa9/", "/caf%C3%A9");
    expect_redirect("/a\"b/", "/a%22b");
    expect_redirect(path("/customer/", "a<b>", "/"), "/customer/a%3Cb%3E");
    expect_redirect("/a:b@c!$&'()*+,;=~._-/", "/a:b@c!$&'()*+,;=~._-");
}

TEST(UriEscapePath, KeepsWhatAPathMayHoldAndEncodesTheRest) {
    EXPECT_EQ(uri_escape_path(""), "");
    EXPECT_EQ(uri_escape_path("/whatsapp-report/detail"), "/whatsapp-report/detail");
    EXPECT_EQ(uri_escape_path("/A-Z_a.z~0:9@!$&'()*+,;="), "/A-Z_a.z~0:9@!$&'()*+,;=");
    EXPECT_EQ(uri_escape_path("/x\r\nSet-Cookie: evil=1"), "/x%0D%0ASet-Cookie:%20evil=1");
    EXPECT_EQ(uri_escape_path(std::string("\0\x7f\xff", 3)), "%00%7F%FF");
    EXPECT_EQ(uri_escape_path("?#%[]\\^`{|}\" <>"),
              "%3F%23%25%5B%5D%5C%5E%60%7B%7C%7D%22%20%3C%3E");
}

TEST(MatchRoute, ReturnsNotFoundForUnknownPaths) {
    const char* unknown[] = {"//",
                             "/a/b",
                             "/data/customers",
                             "/data/customers/",
                             "/customer/x/vehicle",
                             "/customer/x/vehicle/",
                             "/customer/x/y",
                             "/data/import/x",
                             "detail",
                             "/detail/x"};
    for (const char* p : unknown) {
        RouteMatch r = match_route(Method::get, p);
        EXPECT_EQ(r.route, Route::not_found) << p;
        EXPECT_TRUE(r.allow.empty()) << p;
        EXPECT_TRUE(r.redirect.empty()) << p;
    }
}

TEST(MethodFromName, MapsKnownMethodsOnly) {
    EXPECT_EQ(method_from_name("GET"), Method::get);
    EXPECT_EQ(method_from_name("HEAD"), Method::head);
    EXPECT_EQ(method_from_name("POST"), Method::post);
    EXPECT_EQ(method_from_name("PUT"), Method::put);
    EXPECT_EQ(method_from_name("DELETE"), Method::delete_);
    EXPECT_EQ(method_from_name("get"), Method::other);
    EXPECT_EQ(method_from_name("PATCH"), Method::other);
    EXPECT_EQ(method_from_name(""), Method::other);
}

TEST(QueryArg, ReturnsTheFirstDecodedValue) {
    EXPECT_EQ(query_arg("id_customer=abc", "id_customer"), "abc");
    EXPECT_EQ(query_arg("a=1&id_customer=x%2Dy&id_customer=z", "id_customer"), "x-y");
    EXPECT_EQ(query_arg("q=a+b%20c", "q"), "a b c");
    EXPECT_EQ(query_arg("q=%e2%82%ac", "q"), "\xe2\x82\xac");
    EXPECT_EQ(query_arg("na%6De=v", "name"), "v");
    EXPECT_EQ(query_arg("q=1=2", "q"), "1=2");
}

TEST(QueryArg, HandlesBlankAndMissingValues) {
    EXPECT_EQ(query_arg("", "q"), std::nullopt);
    EXPECT_EQ(query_arg("qq=1&xq=2", "q"), std::nullopt);
    EXPECT_EQ(query_arg("q", "q"), "");
    EXPECT_EQ(query_arg("q=", "q"), "");
    EXPECT_EQ(query_arg("&&q=1&", "q"), "1");
}

TEST(QueryArg, KeepsMalformedEscapes) {
    EXPECT_EQ(query_arg("q=100%", "q"), "100%");
    EXPECT_EQ(query_arg("q=%zz", "q"), "%zz");
    EXPECT_EQ(query_arg("q=%4", "q"), "%4");
    EXPECT_EQ(query_arg("q=%41%", "q"), "A%");
}

TEST(RouteReadsBody, OnlyTheEndpointsThatTakeOne) {
    EXPECT_TRUE(route_reads_body(match_route(Method::post, "/record").route, Method::post));
    EXPECT_TRUE(route_reads_body(match_route(Method::post, "/data/import").route, Method::post));
    std::string customer = path("/data/customers/", kCustomer);
    std::string vehicle = path("/data/vehicles/", kVehicle);
    EXPECT_TRUE(route_reads_body(match_route(Method::put, customer).route, Method::put));
    EXPECT_TRUE(route_reads_body(match_route(Method::put, vehicle).route, Method::put));
    // The same routes without a body to read.
    EXPECT_FALSE(route_reads_body(match_route(Method::get, customer).route, Method::get));
    EXPECT_FALSE(route_reads_body(match_route(Method::delete_, vehicle).route, Method::delete_));
    // Everything else, whatever its method.
    EXPECT_FALSE(
        route_reads_body(match_route(Method::post, "/reset-frequency").route, Method::post));
    EXPECT_FALSE(route_reads_body(match_route(Method::delete_, path("/", kCustomer)).route,
                                  Method::delete_));
    EXPECT_FALSE(route_reads_body(match_route(Method::get, "/").route, Method::get));
    EXPECT_FALSE(route_reads_body(Route::not_found, Method::post));
    EXPECT_FALSE(route_reads_body(Route::method_not_allowed, Method::put));
    EXPECT_FALSE(route_reads_body(Route::redirect, Method::post));
    EXPECT_FALSE(route_reads_body(Route::invalid, Method::put));
}

TEST(SchedulerRoutes, EachPathWithTheOldApisMethod) {
    struct Want {
        const char* path;
        SchedulerRoute route;
        const char* method;
    };
    for (const Want& w : {Want{"/start", SchedulerRoute::start, "POST"},
                          Want{"/stop", SchedulerRoute::stop, "POST"},
                          Want{"/status", SchedulerRoute::status, "GET"},
                          Want{"/run-now", SchedulerRoute::run_now, "POST"}}) {
        const SchedulerRouteSpec* spec = find_scheduler_route(w.path);
        ASSERT_NE(spec, nullptr) << w.path;
        EXPECT_EQ(spec->path, w.path);
        EXPECT_EQ(spec->route, w.route) << w.path;
        EXPECT_STREQ(method_name(spec->method), w.method) << w.path;
    }
    // Exact paths only: no prefix, no trailing slash, no other case, nothing
    // for the location itself.
    for (const char* p : {"", "/", "/status/", "/Status", "/run-now/x", "/start?hour=7", "start"}) {
        EXPECT_EQ(find_scheduler_route(p), nullptr) << p;
    }
}

}  // namespace
}  // namespace wa
