#include <gtest/gtest.h>

#include "core/routes.hpp"

namespace wa {
namespace {

constexpr const char* kCustomer = "19db3ad0-ddd1-4fb2-bb98-2ef8daf61a26";

std::string extra(const std::string& name) {
    return R"({"loc":["query",")" + name
        + R"("],"msg":"extra fields not permitted","type":"value_error.extra"})";
}

std::string repeated(const std::string& name) {
    return R"({"loc":["query",")" + name
        + R"("],"msg":"query parameter given more than once","type":"value_error.duplicate"})";
}

std::string detail(const std::string& items) { return R"({"detail":[)" + items + "]}"; }

std::string errors_of(Method m, const std::string& query,
                      std::initializer_list<std::string_view> allowed) {
    return validation_errors(query_errors(m, query, allowed));
}

TEST(QueryErrors, ReadingRequestsIgnoreWhatTheyDoNotKnow) {
    EXPECT_TRUE(query_errors(Method::get, "customer_id=x&limit=2&limit=3", {}).empty());
    EXPECT_TRUE(query_errors(Method::head, "anything", {}).empty());
}

TEST(QueryErrors, MutatingRequestsRefuseAnUnknownName) {
    for (Method m : {Method::post, Method::put, Method::delete_}) {
        EXPECT_EQ(errors_of(m, std::string("customer_id=") + kCustomer, {"id_customer"}),
                  detail(extra("customer_id")));
    }
    EXPECT_EQ(errors_of(Method::delete_, "force=1", {}), detail(extra("force")));
    EXPECT_EQ(errors_of(Method::post, "ID_CUSTOMER=a", {"id_customer"}),
              detail(extra("ID_CUSTOMER")));
}

TEST(QueryErrors, MutatingRequestsRefuseARepeatedName) {
    EXPECT_EQ(errors_of(Method::post, "id_customer=a&id_customer=b", {"id_customer"}),
              detail(repeated("id_customer")));
    EXPECT_EQ(errors_of(Method::post, "dry_run&dry_run=true", {"date", "dry_run"}),
              detail(repeated("dry_run")));
    // Spelt differently, still the same parameter once decoded.
    EXPECT_EQ(errors_of(Method::post, "id%5fcustomer=a&id_customer=b", {"id_customer"}),
              detail(repeated("id_customer")));
}

TEST(QueryErrors, ListsEachNameOnceInTheOrderFound) {
    EXPECT_EQ(errors_of(Method::post,
                        "x=1&id_customer=a&x=2&y&id_customer=b&id_customer=c&y=", {"id_customer"}),
              detail(extra("x") + "," + extra("y") + "," + repeated("id_customer")));
}

TEST(QueryErrors, AcceptsWhatIsAllowedOnce) {
    EXPECT_TRUE(query_errors(Method::post, "", {"id_customer"}).empty());
    EXPECT_TRUE(query_errors(Method::post, "&&id_customer=a&", {"id_customer"}).empty());
    EXPECT_TRUE(query_errors(Method::post, "id%5Fcustomer=a", {"id_customer"}).empty());
    EXPECT_TRUE(query_errors(Method::post, "hour=7&minute=0", {"hour", "minute"}).empty());
    EXPECT_TRUE(query_errors(Method::post, "minute", {"hour", "minute"}).empty());
}

TEST(QueryErrors, NamesAnEmptyNameAndEscapesNothingItself) {
    EXPECT_EQ(errors_of(Method::post, "=x", {"id_customer"}), detail(extra("")));
    auto e = query_errors(Method::post, "a%0Ab=1", {});
    ASSERT_EQ(e.size(), 1u);
    EXPECT_EQ(e[0].field, "a\nb");
    EXPECT_EQ(validation_errors(e), detail(extra("a\\nb")));
}

TEST(QueryErrors, StopsAfterTwentyErrors) {
    std::string query;
    for (int i = 0; i < 1000; i++) {
        query += "p" + std::to_string(i) + "=1&";
    }
    auto e = query_errors(Method::post, query, {});
    ASSERT_EQ(e.size(), 20u);
    EXPECT_EQ(e.front().field, "p0");
    EXPECT_EQ(e.back().field, "p19");
}

TEST(MatchRequest, ResetFrequencyTakesOnlyOneIdCustomer) {
    RouteMatch r =
        match_request(Method::post, "/reset-frequency", std::string("id_customer=") + kCustomer);
    EXPECT_EQ(r.route, Route::reset_frequency);
    EXPECT_TRUE(r.errors.empty());

    r = match_request(Method::post, "/reset-frequency", std::string("customer_id=") + kCustomer);
    EXPECT_EQ(r.route, Route::invalid);
    EXPECT_EQ(validation_errors(r.errors), detail(extra("customer_id")));

    r = match_request(Method::post, "/reset-frequency", "id_customer=a&id_customer=b");
    EXPECT_EQ(r.route, Route::invalid);
    EXPECT_EQ(validation_errors(r.errors), detail(repeated("id_customer")));
}

TEST(MatchRequest, OtherMutatingRoutesTakeNoQuery) {
    const std::string id = kCustomer;
    struct Case {
        Method m;
        std::string path;
    };
    for (const Case& c :
         {Case{Method::delete_, "/" + id}, Case{Method::post, "/record"},
          Case{Method::post, "/data/import"}, Case{Method::put, "/data/customers/" + id},
          Case{Method::delete_, "/data/customers/" + id}, Case{Method::put, "/data/vehicles/" + id},
          Case{Method::delete_, "/data/vehicles/" + id}}) {
        EXPECT_NE(match_request(c.m, c.path, "").route, Route::invalid) << c.path;
        RouteMatch r = match_request(c.m, c.path, "id_customer=" + id);
        EXPECT_EQ(r.route, Route::invalid) << c.path;
        EXPECT_EQ(validation_errors(r.errors), detail(extra("id_customer"))) << c.path;
    }
}

TEST(MatchRequest, PathErrorsComeFirst) {
    RouteMatch r = match_request(Method::delete_, "/not-a-uuid", "force=1");
    EXPECT_EQ(r.route, Route::invalid);
    EXPECT_EQ(
        validation_errors(r.errors),
        detail(
            R"({"loc":["path","report_id"],"msg":"value is not a valid uuid","type":"type_error.uuid"},)"
            + extra("force")));
}

TEST(MatchRequest, ReadingRoutesStayLenient) {
    const std::string id = kCustomer;
    EXPECT_EQ(match_request(Method::get, "/", "limit=2&foo=1&limit=3").route, Route::list);
    EXPECT_EQ(match_request(Method::get, "/statistics", "x").route, Route::statistics);
    EXPECT_EQ(match_request(Method::get, "/customer/" + id, "cursor=1&x=2").route, Route::customer);
    EXPECT_EQ(match_request(Method::get, "/data/customers/" + id, "x=1").route,
              Route::customer_data);
}

TEST(MatchRequest, NotFoundMethodNotAllowedAndRedirectComeBeforeTheQuery) {
    EXPECT_EQ(match_request(Method::post, "/no/such/path", "x=1").route, Route::not_found);
    EXPECT_EQ(match_request(Method::get, "/reset-frequency", "x=1").route,
              Route::method_not_allowed);
    RouteMatch r = match_request(Method::post, "/reset-frequency/", "customer_id=1");
    EXPECT_EQ(r.route, Route::redirect);
    EXPECT_EQ(r.redirect, "/reset-frequency");
}

TEST(SchedulerRoutes, FindsEachPathWithItsMethodAndQuery) {
    const SchedulerRouteSpec* start = find_scheduler_route("/start");
    ASSERT_NE(start, nullptr);
    EXPECT_EQ(start->route, SchedulerRoute::start);
    EXPECT_STREQ(method_name(start->method), "POST");
    EXPECT_TRUE(query_errors(start->method, "hour=7&minute=0", start->params).empty());
    EXPECT_EQ(validation_errors(query_errors(start->method, "hour=7&minutes=5", start->params)),
              detail(extra("minutes")));

    const SchedulerRouteSpec* run = find_scheduler_route("/run-now");
    ASSERT_NE(run, nullptr);
    EXPECT_EQ(run->route, SchedulerRoute::run_now);
    EXPECT_TRUE(query_errors(run->method, "date=2026-11-24&dry_run=true", run->params).empty());
    EXPECT_EQ(validation_errors(query_errors(run->method, "dryrun=true", run->params)),
              detail(extra("dryrun")));
    EXPECT_EQ(validation_errors(
                  query_errors(run->method, "date=2026-11-24&date=2026-11-25", run->params)),
              detail(repeated("date")));

    const SchedulerRouteSpec* stop = find_scheduler_route("/stop");
    ASSERT_NE(stop, nullptr);
    EXPECT_EQ(validation_errors(query_errors(stop->method, "hour=7", stop->params)),
              detail(extra("hour")));

    const SchedulerRouteSpec* status = find_scheduler_route("/status");
    ASSERT_NE(status, nullptr);
    EXPECT_STREQ(method_name(status->method), "GET");
    EXPECT_TRUE(query_errors(status->method, "verbose=1", status->params).empty());

    EXPECT_EQ(find_scheduler_route("/nothing"), nullptr);
    EXPECT_EQ(find_scheduler_route("/start/"), nullptr);
}

}  // namespace
}  // namespace wa
