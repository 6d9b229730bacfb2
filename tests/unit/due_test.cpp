#include <gtest/gtest.h>

#include "core/due.hpp"
#include "core/routes.hpp"

namespace wa {
namespace {

std::string errors_of(const std::vector<FieldError>& errors) { return validation_errors(errors); }

std::string due_errors(const std::string& query) {
    auto p = parse_due_query(query);
    EXPECT_FALSE(p.value.has_value()) << query;
    return errors_of(p.errors);
}

TEST(DueRoute, AnswersGetAndHeadOnly) {
    EXPECT_EQ(Route::due, match_request(Method::get, "/due", "").route);
    EXPECT_EQ(Route::due, match_request(Method::head, "/due", "days=7&from=2026-12-01").route);
    RouteMatch post = match_request(Method::post, "/due", "");
    EXPECT_EQ(Route::method_not_allowed, post.route);
    EXPECT_EQ("GET, HEAD", post.allow);
    // Starlette's rule: the first route that takes the method wins, here
    // DELETE /{report_id}, which refuses "due" as an id.
    EXPECT_EQ(Route::invalid, match_request(Method::delete_, "/due", "").route);
    EXPECT_EQ(Route::redirect, match_request(Method::get, "/due/", "").route);
}

TEST(DueRoute, RefusesUnknownAndRepeatedParameters) {
    RouteMatch m = match_request(Method::get, "/due", "day=7&days=3&days=4&from=2026-12-01");
    EXPECT_EQ(Route::invalid, m.route);
    EXPECT_EQ(
        R"({"detail":[{"loc":["query","day"],"msg":"extra fields not permitted","type":"value_error.extra"},)"
        R"({"loc":["query","days"],"msg":"query parameter given more than once","type":"value_error.duplicate"}]})",
        errors_of(m.errors));
    EXPECT_EQ(Route::invalid, match_request(Method::head, "/due", "from=1&from=2").route);
    // Other reading routes keep ignoring what they do not know.
    EXPECT_EQ(Route::list, match_request(Method::get, "/", "verbose=1&verbose=2").route);
    EXPECT_EQ(Route::statistics, match_request(Method::get, "/statistics", "x=1").route);
}

TEST(NamedQueryErrors, AppliesToAnyMethod) {
    EXPECT_EQ(
        R"({"detail":[{"loc":["query","x"],"msg":"extra fields not permitted","type":"value_error.extra"}]})",
        errors_of(named_query_errors("x=1&days=2", {"days"})));
    EXPECT_TRUE(named_query_errors("days=2&from=2026-01-01", {"days", "from"}).empty());
}

TEST(ParseDueQuery, DefaultsToSevenDaysFromToday) {
    auto p = parse_due_query("");
    ASSERT_TRUE(p.value.has_value());
    EXPECT_EQ(7, p.value->days);
    EXPECT_FALSE(p.value->from.has_value());
}

TEST(ParseDueQuery, TakesDaysAndFrom) {
    auto p = parse_due_query("days=31&from=2026-12-01");
    ASSERT_TRUE(p.value.has_value());
    EXPECT_EQ(31, p.value->days);
    ASSERT_TRUE(p.value->from.has_value());
    EXPECT_EQ((Date{2026, 12, 1}), *p.value->from);
    EXPECT_EQ(1, parse_due_query("days=1").value->days);
    EXPECT_EQ((Date{1900, 1, 1}), *parse_due_query("from=1900-01-01").value->from);
    // The window's last day is 9998-12-31 itself.
    EXPECT_EQ(7, parse_due_query("from=9998-12-25").value->days);
}

TEST(ParseDueQuery, RefusesDaysOutOfRange) {
    const std::string range =
        R"({"detail":[{"loc":["query","days"],"msg":"ensure this value is between 1 and 31","type":"value_error.number.not_in_range"}]})";
    for (const char* q : {"days=0", "days=32", "days=-1"}) {
        EXPECT_EQ(range, due_errors(q)) << q;
    }
    const std::string integer =
        R"({"detail":[{"loc":["query","days"],"msg":"value is not a valid integer","type":"type_error.integer"}]})";
    for (const char* q : {"days=", "days=7.0", "days=x"}) {
        EXPECT_EQ(integer, due_errors(q)) << q;
    }
}

TEST(ParseDueQuery, RefusesABadFrom) {
    EXPECT_EQ(
        R"({"detail":[{"loc":["query","from"],"msg":"invalid date format","type":"value_error.date"}]})",
        due_errors("from=2026-02-30"));
    EXPECT_EQ(
        R"({"detail":[{"loc":["query","from"],"msg":"ensure this value is greater than or equal to 1900-01-01","type":"value_error.number.not_ge"}]})",
        due_errors("from=1899-12-31"));
    EXPECT_EQ(
        R"({"detail":[{"loc":["query","from"],"msg":"ensure this value plus 6 days is less than or equal to 9998-12-31","type":"value_error.number.not_le"}]})",
        due_errors("from=9998-12-26"));
    EXPECT_EQ(
        R"({"detail":[{"loc":["query","from"],"msg":"ensure this value plus 30 days is less than or equal to 9998-12-31","type":"value_error.number.not_le"}]})",
        due_errors("days=31&from=9998-12-02"));
}

TEST(ParseDueQuery, ReportsDaysBeforeFrom) {
    EXPECT_EQ(
        R"({"detail":[{"loc":["query","days"],"msg":"value is not a valid integer","type":"type_error.integer"},)"
        R"({"loc":["query","from"],"msg":"invalid date format","type":"value_error.date"}]})",
        due_errors("from=x&days=y"));
}

DueRow row(std::string id, std::string customer, std::string nopol, std::string model,
           std::string next, std::optional<std::string> name, std::string phone,
           std::string reminded_for) {
    DueRow r;
    r.vehicle_id = std::move(id);
    r.customer_id = std::move(customer);
    r.nopol = std::move(nopol);
    r.model = std::move(model);
    r.next_visit_date = std::move(next);
    r.customer_name = std::move(name);
    r.customer_phone = std::move(phone);
    r.reminded_for = std::move(reminded_for);
    return r;
}

TEST(DueJson, EmptyWindow) {
    EXPECT_EQ(R"({"from":"2026-12-01","days":7,"vehicles":[],"truncated":false})",
              due_json(Date{2026, 12, 1}, 7, DueList{}));
}

TEST(DueJson, WritesEachVehicleInOrder) {
    DueList list;
    list.rows.push_back(
        row("v1", "c1", "B 1 AA", "Avanza", "2026-12-02", "Budi \"B\"", "62811", "2026-12-02"));
    list.rows.push_back(row("v2", "c2", "", "Jazz", "2026-12-03", std::nullopt, "", ""));
    list.truncated = true;
    EXPECT_EQ(
        R"({"from":"2026-12-01","days":3,"vehicles":[)"
        R"({"id_vehicle":"v1","id_customer":"c1","nopol":"B 1 AA","model":"Avanza","next_visit_date":"2026-12-02","customer_name":"Budi \"B\"","customer_phone":"62811","reminded_for":"2026-12-02"},)"
        R"({"id_vehicle":"v2","id_customer":"c2","nopol":null,"model":"Jazz","next_visit_date":"2026-12-03","customer_name":null,"customer_phone":null,"reminded_for":null}],)"
        R"("truncated":true})",
        due_json(Date{2026, 12, 1}, 3, list));
}

TEST(DueJson, EscapesStoredText) {
    DueList list;
    list.rows.push_back(row("v1", "c1", "B\n1", "A\x01", "2026-12-02", "", "", ""));
    EXPECT_EQ(
        R"({"from":"2026-12-01","days":1,"vehicles":[)"
        R"({"id_vehicle":"v1","id_customer":"c1","nopol":"B\n1","model":"A\u0001","next_visit_date":"2026-12-02","customer_name":"","customer_phone":null,"reminded_for":null}],)"
        R"("truncated":false})",
        due_json(Date{2026, 12, 1}, 1, list));
}

}  // namespace
}  // namespace wa
