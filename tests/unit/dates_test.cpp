#include <gtest/gtest.h>

#include "core/dates.hpp"

namespace wa {
namespace {

TEST(Date, ComparesByValue) {
    EXPECT_EQ((Date{2026, 1, 5}), (Date{2026, 1, 5}));
    EXPECT_NE((Date{2026, 1, 5}), (Date{2026, 1, 6}));
    EXPECT_TRUE((Date{2025, 12, 31}) < (Date{2026, 1, 1}));
    EXPECT_FALSE((Date{2026, 1, 1}) < (Date{2026, 1, 1}));
}

TEST(IsLeapYear, FollowsGregorianRules) {
    EXPECT_TRUE(is_leap_year(2024));
    EXPECT_TRUE(is_leap_year(2028));
    EXPECT_TRUE(is_leap_year(2000));
    EXPECT_FALSE(is_leap_year(1900));
    EXPECT_FALSE(is_leap_year(2026));
    EXPECT_EQ(days_in_month(2028, 2), 29);
    EXPECT_EQ(days_in_month(2026, 2), 28);
    EXPECT_EQ(days_in_month(2026, 4), 30);
    EXPECT_EQ(days_in_month(2026, 12), 31);
}

TEST(ParseDate, AcceptsRealDates) {
    EXPECT_EQ(parse_date("2026-01-05"), (Date{2026, 1, 5}));
    EXPECT_EQ(parse_date("2028-02-29"), (Date{2028, 2, 29}));
    EXPECT_EQ(parse_date("2000-02-29"), (Date{2000, 2, 29}));
    EXPECT_EQ(parse_date("0001-01-01"), (Date{1, 1, 1}));
    EXPECT_EQ(parse_date("9999-12-31"), (Date{9999, 12, 31}));
}

TEST(ParseDate, RejectsImpossibleDates) {
    EXPECT_EQ(parse_date("2026-02-29"), std::nullopt);
    EXPECT_EQ(parse_date("1900-02-29"), std::nullopt);
    EXPECT_EQ(parse_date("2026-04-31"), std::nullopt);
    EXPECT_EQ(parse_date("2026-13-01"), std::nullopt);
    EXPECT_EQ(parse_date("2026-00-10"), std::nullopt);
    EXPECT_EQ(parse_date("2026-01-00"), std::nullopt);
    EXPECT_EQ(parse_date("0000-01-01"), std::nullopt);
}

TEST(ParseDate, RejectsOtherSpellings) {
    const char* bad[] = {"",
                         "2026-1-05",
                         "2026-01-5",
                         "26-01-05",
                         "05-01-2026",
                         "2026/01/05",
                         "2026-01-05T00:00:00",
                         " 2026-01-05",
                         "2026-01-05 ",
                         "+026-01-05",
                         "2026-0a-05",
                         "20260105",
                         "2026--1-05",
                         "１２３４-01-05"};
    for (const char* s : bad) {
        EXPECT_EQ(parse_date(s), std::nullopt) << s;
    }
}

TEST(FormatDate, PadsEveryField) {
    EXPECT_EQ(format_date({2026, 1, 5}), "2026-01-05");
    EXPECT_EQ(format_date({1, 1, 1}), "0001-01-01");
    EXPECT_EQ(format_date_dmy({2026, 1, 5}), "05-01-2026");
    EXPECT_EQ(format_date_dmy({2026, 11, 25}), "25-11-2026");
}

TEST(CivilDays, CountsFromTheUnixEpoch) {
    EXPECT_EQ(days_from_civil({1970, 1, 1}), 0);
    EXPECT_EQ(days_from_civil({1969, 12, 31}), -1);
    EXPECT_EQ(days_from_civil({2026, 1, 5}), 20458);
    EXPECT_EQ(days_from_civil({1, 1, 1}), -719162);
    EXPECT_EQ(days_from_civil({9999, 12, 31}), 2932896);
    EXPECT_EQ(civil_from_days(0), (Date{1970, 1, 1}));
    EXPECT_EQ(civil_from_days(-1), (Date{1969, 12, 31}));
    EXPECT_EQ(civil_from_days(20458), (Date{2026, 1, 5}));
    EXPECT_EQ(civil_from_days(-719162), (Date{1, 1, 1}));
}

TEST(CivilDays, RoundTripsEveryDayOfFourCenturies) {
    Date expected{1900, 1, 1};
    for (int64_t day = days_from_civil({1900, 1, 1}); day <= days_from_civil({2300, 12, 31});
         day++) {
        ASSERT_EQ(civil_from_days(day), expected) << day;
        ASSERT_EQ(days_from_civil(expected), day);

        expected.d++;
        if (expected.d > days_in_month(expected.y, expected.m)) {
            expected.d = 1;
            expected.m++;
        }
        if (expected.m > 12) {
            expected.m = 1;
            expected.y++;
        }
    }
}

TEST(AddMonths, ClampsToTheEndOfShortMonths) {
    EXPECT_EQ(add_months({2026, 10, 31}, 4), (Date{2027, 2, 28}));
    EXPECT_EQ(add_months({2027, 10, 31}, 4), (Date{2028, 2, 29}));
    EXPECT_EQ(add_months({2026, 1, 31}, 1), (Date{2026, 2, 28}));
    EXPECT_EQ(add_months({2026, 3, 31}, 1), (Date{2026, 4, 30}));
    EXPECT_EQ(add_months({2028, 2, 29}, 12), (Date{2029, 2, 28}));
}

TEST(AddMonths, CrossesYearsBothWays) {
    EXPECT_EQ(add_months({2026, 1, 5}, 4), (Date{2026, 5, 5}));
    EXPECT_EQ(add_months({2026, 11, 15}, 2), (Date{2027, 1, 15}));
    EXPECT_EQ(add_months({2026, 12, 1}, 12), (Date{2027, 12, 1}));
    EXPECT_EQ(add_months({2026, 1, 31}, -2), (Date{2025, 11, 30}));
    EXPECT_EQ(add_months({2026, 3, 31}, -1), (Date{2026, 2, 28}));
    EXPECT_EQ(add_months({2026, 1, 5}, -13), (Date{2024, 12, 5}));
    EXPECT_EQ(add_months({2026, 6, 30}, 0), (Date{2026, 6, 30}));
}

class ZoneTest : public ::testing::Test {
protected:
    void SetUp() override { ASSERT_TRUE(jakarta.load("Asia/Jakarta")); }

    Zone jakarta;
};

TEST_F(ZoneTest, DefaultsToUtc) {
    Zone utc;
    EXPECT_EQ(utc.name(), "UTC");
    EXPECT_EQ(utc.local_iso(0), "1970-01-01T00:00:00");
    EXPECT_EQ(utc.iso_with_offset(1795564800), "2026-11-25T00:00:00+00:00");
}

TEST_F(ZoneTest, RejectsUnknownZonesAndKeepsThePreviousOne) {
    Zone zone;
    EXPECT_FALSE(zone.load("Mars/Olympus_Mons"));
    EXPECT_FALSE(zone.load(""));
    EXPECT_EQ(zone.name(), "UTC");

    EXPECT_FALSE(jakarta.load("Asia/Nowhere"));
    EXPECT_EQ(jakarta.name(), "Asia/Jakarta");
    EXPECT_EQ(jakarta.local_iso(0), "1970-01-01T07:00:00");
}

TEST_F(ZoneTest, ShiftsTheDayAtJakartaMidnight) {
    // 2026-11-24T17:00:00Z is midnight in Jakarta (UTC+7).
    EXPECT_EQ(jakarta.local_iso(1795539599), "2026-11-24T23:59:59");
    EXPECT_EQ(jakarta.local_date(1795539599), (Date{2026, 11, 24}));
    EXPECT_EQ(jakarta.local_iso(1795539600), "2026-11-25T00:00:00");
    EXPECT_EQ(jakarta.local_date(1795539600), (Date{2026, 11, 25}));
}

TEST_F(ZoneTest, WritesTheOffsetLikePythonIsoformat) {
    EXPECT_EQ(jakarta.iso_with_offset(1795564800), "2026-11-25T07:00:00+07:00");

    Zone kolkata;
    ASSERT_TRUE(kolkata.load("Asia/Kolkata"));
    EXPECT_EQ(kolkata.iso_with_offset(0), "1970-01-01T05:30:00+05:30");

    Zone new_york;
    ASSERT_TRUE(new_york.load("America/New_York"));
    EXPECT_EQ(new_york.iso_with_offset(1793512800), "2026-11-01T01:00:00-05:00");

    // Local mean time offsets have seconds, which isoformat() keeps.
    Zone amsterdam;
    ASSERT_TRUE(amsterdam.load("Europe/Amsterdam"));
    EXPECT_EQ(amsterdam.iso_with_offset(-2000000000), "1906-08-16T20:46:12+00:19:32");
}

TEST_F(ZoneTest, ConvertsWallTimeToUnix) {
    EXPECT_EQ(jakarta.to_unix({2026, 11, 25}, 7, 0), 1795564800);
    EXPECT_EQ(jakarta.to_unix({2026, 11, 25}, 0, 0), 1795539600);
    EXPECT_EQ(jakarta.local_iso(jakarta.to_unix({2028, 2, 29}, 9, 15)), "2028-02-29T09:15:00");
}

TEST_F(ZoneTest, ResolvesSkippedAndRepeatedWallTimes) {
    Zone new_york;
    ASSERT_TRUE(new_york.load("America/New_York"));

    // 02:30 does not exist on 2026-03-08: the clocks jump to 03:00 EDT.
    EXPECT_EQ(new_york.to_unix({2026, 3, 8}, 2, 30), 1772953200);
    EXPECT_EQ(new_york.iso_with_offset(1772953200), "2026-03-08T03:00:00-04:00");

    // 01:30 happens twice on 2026-11-01: the EDT one comes first.
    EXPECT_EQ(new_york.to_unix({2026, 11, 1}, 1, 30), 1793511000);
    EXPECT_EQ(new_york.iso_with_offset(1793511000), "2026-11-01T01:30:00-04:00");
}

}  // namespace
}  // namespace wa
