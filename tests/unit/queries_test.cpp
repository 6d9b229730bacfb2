#include <gtest/gtest.h>

#include "core/queries.hpp"

namespace wa {
namespace {

std::string errors_of(const std::vector<FieldError>& errors) { return validation_errors(errors); }

TEST(ParsePaging, AbsentMeansTheWholeListFromTheStart) {
    auto p = parse_paging("");
    ASSERT_TRUE(p.value.has_value());
    EXPECT_EQ(p.value->limit, 0);
    EXPECT_FALSE(p.value->cursor.has_value());
    // Unknown names are ignored, as a reading request ignores them.
    EXPECT_TRUE(parse_paging("verbose=1").value.has_value());
}

TEST(ParsePaging, TakesLimitAndCursor) {
    auto p = parse_paging("limit=50&cursor=1234");
    ASSERT_TRUE(p.value.has_value());
    EXPECT_EQ(p.value->limit, 50);
    ASSERT_TRUE(p.value->cursor.has_value());
    EXPECT_EQ(*p.value->cursor, 1234);
    EXPECT_EQ(parse_paging("limit=1").value->limit, 1);
    EXPECT_EQ(parse_paging("limit=10000").value->limit, 10000);
    EXPECT_EQ(*parse_paging("cursor=0").value->cursor, 0);
    // The first of two.
    EXPECT_EQ(parse_paging("limit=3&limit=4").value->limit, 3);
}

TEST(ParsePaging, RefusesALimitOutOfRange) {
    const char* range =
        R"({"detail":[{"loc":["query","limit"],"msg":"ensure this value is between 1 and 10000","type":"value_error.number.not_in_range"}]})";
    for (const char* q : {"limit=0", "limit=10001", "limit=-5"}) {
        auto p = parse_paging(q);
        EXPECT_FALSE(p.value.has_value()) << q;
        EXPECT_EQ(errors_of(p.errors), range) << q;
    }
}

TEST(ParsePaging, RefusesWhatIsNoInteger) {
    const char* integer =
        R"({"detail":[{"loc":["query","limit"],"msg":"value is not a valid integer","type":"type_error.integer"}]})";
    for (const char* q : {"limit=", "limit=abc", "limit=5x", "limit=1.5", "limit"}) {
        EXPECT_EQ(errors_of(parse_paging(q).errors), integer) << q;
    }
    const char* cursor =
        R"({"detail":[{"loc":["query","cursor"],"msg":"value is not a valid cursor","type":"value_error.cursor"}]})";
    for (const char* q : {"cursor=", "cursor=-1", "cursor=(5", "cursor=5x"}) {
        EXPECT_EQ(errors_of(parse_paging(q).errors), cursor) << q;
    }
}

TEST(ParsePaging, ReportsBothInOrder) {
    auto p = parse_paging("cursor=x&limit=0");
    EXPECT_FALSE(p.value.has_value());
    ASSERT_EQ(p.errors.size(), 2u);
    EXPECT_EQ(p.errors[0].field, "limit");
    EXPECT_EQ(p.errors[1].field, "cursor");
}

TEST(ParseScheduleTime, DefaultsWhenAbsent) {
    auto t = parse_schedule_time("", 7, 30);
    ASSERT_TRUE(t.value.has_value());
    EXPECT_EQ(t.value->hour, 7);
    EXPECT_EQ(t.value->minute, 30);
    t = parse_schedule_time("minute=5", 7, 30);
    EXPECT_EQ(t.value->hour, 7);
    EXPECT_EQ(t.value->minute, 5);
}

TEST(ParseScheduleTime, LeavesTheRangeToTheEndpoint) {
    auto t = parse_schedule_time("hour=25&minute=-1", 7, 0);
    ASSERT_TRUE(t.value.has_value());
    EXPECT_EQ(t.value->hour, 25);
    EXPECT_EQ(t.value->minute, -1);
    EXPECT_EQ(parse_schedule_time("hour=1000000", 7, 0).value->hour, 1000000);
    EXPECT_EQ(parse_schedule_time("hour=-1000000", 7, 0).value->hour, -1000000);
}

TEST(ParseScheduleTime, RefusesEachThatIsNoInteger) {
    auto t = parse_schedule_time("hour=x&minute=1000001", 7, 0);
    EXPECT_FALSE(t.value.has_value());
    EXPECT_EQ(
        errors_of(t.errors),
        R"({"detail":[{"loc":["query","hour"],"msg":"value is not a valid integer","type":"type_error.integer"},)"
        R"({"loc":["query","minute"],"msg":"value is not a valid integer","type":"type_error.integer"}]})");
    EXPECT_EQ(parse_schedule_time("hour=", 7, 0).errors.size(), 1u);
    EXPECT_EQ(parse_schedule_time("hour=7.5", 7, 0).errors.size(), 1u);
}

TEST(ParseRunNowQuery, TodayAndNoDryRunWhenAbsent) {
    auto q = parse_run_now_query("");
    ASSERT_TRUE(q.value.has_value());
    EXPECT_FALSE(q.value->date.has_value());
    EXPECT_FALSE(q.value->dry_run);
}

TEST(ParseRunNowQuery, TakesADateAndFastApisBooleans) {
    auto q = parse_run_now_query("date=2026-11-24&dry_run=yes");
    ASSERT_TRUE(q.value.has_value());
    ASSERT_TRUE(q.value->date.has_value());
    EXPECT_EQ(format_date(*q.value->date), "2026-11-24");
    EXPECT_TRUE(q.value->dry_run);
    for (const char* yes : {"true", "1", "yes", "on"}) {
        EXPECT_TRUE(parse_run_now_query(std::string("dry_run=") + yes).value->dry_run) << yes;
    }
    for (const char* no : {"false", "0", "no", "off"}) {
        EXPECT_FALSE(parse_run_now_query(std::string("dry_run=") + no).value->dry_run) << no;
    }
}

TEST(ParseRunNowQuery, RefusesABadBoolean) {
    auto q = parse_run_now_query("dry_run=True");
    EXPECT_FALSE(q.value.has_value());
    EXPECT_EQ(
        errors_of(q.errors),
        R"({"detail":[{"loc":["query","dry_run"],"msg":"value could not be parsed to a boolean","type":"type_error.bool"}]})");
}

TEST(ParseRunNowQuery, ABadDateIsTheOnlyErrorReported) {
    auto q = parse_run_now_query("date=24-11-2026&dry_run=maybe");
    EXPECT_FALSE(q.value.has_value());
    EXPECT_EQ(
        errors_of(q.errors),
        R"({"detail":[{"loc":["query","date"],"msg":"invalid date format","type":"value_error.date"}]})");
}

}  // namespace
}  // namespace wa
