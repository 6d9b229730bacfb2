#include <gtest/gtest.h>

#include "core/input.hpp"

namespace wa {
namespace {

constexpr const char* kCustomer = "19db3ad0-ddd1-4fb2-bb98-2ef8daf61a26";
constexpr const char* kVehicle = "451b4cf3-6123-4df7-b656-af7229d4beef";

const std::string kTooLate =
    R"({"msg":"ensure this value is less than or equal to 9998-12-31","type":"value_error.number.not_le"})";
const std::string kTooEarly =
    R"({"msg":"ensure this value is greater than or equal to 1900-01-01","type":"value_error.number.not_ge"})";

std::string vehicle_body(const std::string& last, const std::string& next = "") {
    std::string body = R"({"customer_id":")" + std::string(kCustomer)
        + R"(","model":"Avanza","nopol":"B 1 AA","last_visit_date":")" + last + "\"";
    if (!next.empty()) {
        body += R"(,"next_visit_date":")" + next + "\"";
    }
    return body + "}";
}

// One error at loc, with a {"msg":...,"type":...} tail.
std::string one_error(const std::string& where, const std::string& field, const std::string& tail) {
    return R"({"detail":[{"loc":[")" + where + R"(",")" + field + R"("],)" + tail.substr(1) + "]}";
}

VehicleInput vehicle(Date last, std::optional<Date> next = std::nullopt) {
    VehicleInput v;
    v.last_visit = last;
    v.next_visit = next;
    return v;
}

TEST(DateRange, BoundsAreInclusive) {
    EXPECT_FALSE(in_date_range({1899, 12, 31}));
    EXPECT_TRUE(in_date_range({1900, 1, 1}));
    EXPECT_TRUE(in_date_range({2026, 11, 24}));
    EXPECT_TRUE(in_date_range({9998, 12, 31}));
    EXPECT_FALSE(in_date_range({9999, 1, 1}));
    EXPECT_FALSE(in_date_range({9999, 12, 31}));
}

TEST(DateRange, TheLongestRunWindowAfterTheLastDateKeepsFourDigits) {
    // wa_report_lead_days is at most 60.
    Date end = civil_from_days(days_from_civil(kLastDate) + 59);
    EXPECT_EQ(format_date(end), "9999-02-28");
}

TEST(DateRange, NamesTheFieldAndTheBound) {
    EXPECT_EQ(date_range_error({2026, 1, 5}, "body", "last_visit_date"), std::nullopt);
    auto late = date_range_error({9999, 12, 31}, "query", "date");
    ASSERT_TRUE(late);
    EXPECT_EQ(validation_errors({*late}), one_error("query", "date", kTooLate));
    auto early = date_range_error({1, 1, 1}, "body", "next_visit_date");
    ASSERT_TRUE(early);
    EXPECT_EQ(validation_errors({*early}), one_error("body", "next_visit_date", kTooEarly));
}

TEST(ParseVehicle, RefusesDatesOutsideTheRange) {
    auto p = parse_vehicle(vehicle_body("9999-12-31"));
    EXPECT_FALSE(p.value);
    EXPECT_EQ(validation_errors(p.errors), one_error("body", "last_visit_date", kTooLate));

    p = parse_vehicle(vehicle_body("1899-12-31", "10000-04-30"));
    EXPECT_FALSE(p.value);
    EXPECT_EQ(
        validation_errors(p.errors),
        R"({"detail":[{"loc":["body","last_visit_date"],)" + kTooEarly.substr(1)
            + R"(,{"loc":["body","next_visit_date"],"msg":"invalid date format","type":"value_error.date"}]})");

    p = parse_vehicle(vehicle_body("2026-01-05", "9999-04-30"));
    EXPECT_EQ(validation_errors(p.errors), one_error("body", "next_visit_date", kTooLate));

    p = parse_vehicle(vehicle_body("1900-01-01", "9998-12-31"));
    ASSERT_TRUE(p.value) << validation_errors(p.errors);
    EXPECT_EQ(p.value->last_visit, kFirstDate);
    EXPECT_EQ(p.value->next_visit, kLastDate);
}

TEST(ParseImportLine, RefusesDatesOutsideTheRange) {
    auto p = parse_import_line(
        R"({"kind":"vehicle","id":")" + std::string(kVehicle) + R"(","customer_id":")" + kCustomer
        + R"(","model":"Ertiga","nopol":"L 5314 BH","last_visit_date":"0001-01-01"})");
    EXPECT_FALSE(p.value);
    EXPECT_EQ(errors_text(p.errors),
              "last_visit_date: ensure this value is greater than or equal to 1900-01-01");
}

TEST(NextVisitOf, KeepsAGivenNextVisit) {
    auto next = next_visit_of(vehicle({9998, 12, 31}, Date{9998, 12, 31}), 120);
    ASSERT_TRUE(next.value);
    EXPECT_EQ(*next.value, kLastDate);
}

TEST(NextVisitOf, DerivesFromTheLastVisit) {
    auto next = next_visit_of(vehicle({2026, 10, 31}), 4);
    ASSERT_TRUE(next.value);
    EXPECT_EQ(*next.value, (Date{2027, 2, 28}));

    next = next_visit_of(vehicle({9998, 8, 31}), 4);
    ASSERT_TRUE(next.value);
    EXPECT_EQ(*next.value, kLastDate);

    next = next_visit_of(vehicle(kFirstDate), 120);
    ASSERT_TRUE(next.value);
    EXPECT_EQ(*next.value, (Date{1910, 1, 1}));
}

TEST(NextVisitOf, RefusesADerivedDateAfterTheRange) {
    auto next = next_visit_of(vehicle({9998, 9, 1}), 4);
    EXPECT_FALSE(next.value);
    EXPECT_EQ(
        validation_errors(next.errors),
        R"({"detail":[{"loc":["body","last_visit_date"],"msg":"ensure this value plus 4 months )"
        R"(is less than or equal to 9998-12-31","type":"value_error.number.not_le"}]})");

    next = next_visit_of(vehicle({9989, 1, 1}), 120);
    EXPECT_FALSE(next.value);
    EXPECT_EQ(
        errors_text(next.errors),
        "last_visit_date: ensure this value plus 120 months is less than or equal to 9998-12-31");
}

TEST(ParseQueryDate, AcceptsDatesInTheRange) {
    auto d = parse_query_date("2026-11-24", "date");
    ASSERT_TRUE(d.value);
    EXPECT_EQ(*d.value, (Date{2026, 11, 24}));
    EXPECT_TRUE(parse_query_date("9998-12-31", "date").value);
    EXPECT_TRUE(parse_query_date("1900-01-01", "date").value);
}

TEST(ParseQueryDate, RefusesBadFormatsAndDatesOutsideTheRange) {
    const std::string bad_format =
        R"({"detail":[{"loc":["query","date"],"msg":"invalid date format","type":"value_error.date"}]})";
    for (const char* text : {"", "bad", "2026-02-30", "10000-01-01", "24-11-2026"}) {
        auto d = parse_query_date(text, "date");
        EXPECT_FALSE(d.value) << text;
        EXPECT_EQ(validation_errors(d.errors), bad_format) << text;
    }
    EXPECT_EQ(validation_errors(parse_query_date("9999-01-01", "date").errors),
              one_error("query", "date", kTooLate));
    EXPECT_EQ(validation_errors(parse_query_date("1899-12-31", "date").errors),
              one_error("query", "date", kTooEarly));
}

}  // namespace
}  // namespace wa
