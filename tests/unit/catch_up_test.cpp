#include <gtest/gtest.h>

#include "core/catch_up.hpp"

namespace wa {
namespace {

std::vector<std::string> texts(const std::vector<Date>& days) {
    std::vector<std::string> out;
    for (Date d : days) {
        out.push_back(format_date(d));
    }
    return out;
}

TEST(CatchUpDays, OldestFirstBeforeAsOf) {
    EXPECT_EQ((std::vector<std::string>{"2026-11-28", "2026-11-29", "2026-11-30"}),
              texts(catch_up_days(Date{2026, 12, 1}, 3)));
    EXPECT_TRUE(catch_up_days(Date{2026, 12, 1}, 0).empty());
    EXPECT_EQ(31u, catch_up_days(Date{2026, 3, 1}, kMaxCatchUpDays).size());
    EXPECT_EQ("2026-02-28", texts(catch_up_days(Date{2026, 3, 1}, 1))[0]);
}

TEST(WindowFirst, DayAfterTheCoveredDay) {
    Date today{2026, 12, 1};
    EXPECT_EQ("2026-11-28", format_date(window_first(today, 7, Date{2026, 11, 27})));
    EXPECT_EQ("2026-12-01", format_date(window_first(today, 7, Date{2026, 11, 30})));
}

TEST(WindowFirst, BoundedByCatchUpDays) {
    Date today{2026, 12, 1};
    EXPECT_EQ("2026-11-24", format_date(window_first(today, 7, Date{2026, 11, 1})));
    EXPECT_EQ("2026-11-30", format_date(window_first(today, 1, Date{2026, 11, 1})));
}

TEST(WindowFirst, NothingMissedOrKnown) {
    Date today{2026, 12, 1};
    EXPECT_EQ("2026-12-01", format_date(window_first(today, 0, Date{2026, 11, 20})));
    EXPECT_EQ("2026-12-01", format_date(window_first(today, 7, std::nullopt)));
    EXPECT_EQ("2026-12-01", format_date(window_first(today, 7, Date{2026, 12, 1})));
    EXPECT_EQ("2026-12-01", format_date(window_first(today, 7, Date{2026, 12, 5})));
}

}  // namespace
}  // namespace wa
