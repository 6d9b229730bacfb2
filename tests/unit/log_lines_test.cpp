#include <gtest/gtest.h>

#include "core/log_lines.hpp"

namespace wa {
namespace {

TEST(LogThrottle, WritesACauseOnceAMinuteWhileItLasts) {
    LogThrottle t;
    EXPECT_TRUE(t.allow("redis AUTH failed", 1000));
    EXPECT_FALSE(t.allow("redis AUTH failed", 1001));
    EXPECT_FALSE(t.allow("redis AUTH failed", 60999));
    EXPECT_TRUE(t.allow("redis AUTH failed", 61000));
    EXPECT_FALSE(t.allow("redis AUTH failed", 120999));
    EXPECT_TRUE(t.allow("redis AUTH failed", 121000));
}

TEST(LogThrottle, EachCauseHasItsOwnMinute) {
    LogThrottle t;
    EXPECT_TRUE(t.allow("a", 0));
    EXPECT_TRUE(t.allow("b", 10));
    EXPECT_FALSE(t.allow("a", 20));
    EXPECT_FALSE(t.allow("b", 30));
    EXPECT_TRUE(t.allow("c", 40));
    EXPECT_TRUE(t.allow("a", 60000));
    EXPECT_FALSE(t.allow("b", 60000));
    EXPECT_TRUE(t.allow("b", 60010));
}

TEST(LogThrottle, ClearMakesTheNextOccurrenceNews) {
    LogThrottle t;
    EXPECT_TRUE(t.allow("redis unavailable", 0));
    EXPECT_FALSE(t.allow("redis unavailable", 5));
    t.clear();
    EXPECT_TRUE(t.allow("redis unavailable", 6));
    EXPECT_FALSE(t.allow("redis unavailable", 7));
}

TEST(LogThrottle, AtMostCapacityLinesPerIntervalWhateverTheCauses) {
    LogThrottle t(60000, 3);
    EXPECT_TRUE(t.allow("a", 0));
    EXPECT_TRUE(t.allow("b", 0));
    EXPECT_TRUE(t.allow("c", 0));
    int written = 0;
    for (int i = 0; i < 1000; i++) {
        written += t.allow("cause " + std::to_string(i), 100 + i) ? 1 : 0;
    }
    EXPECT_EQ(0, written);
    EXPECT_FALSE(t.allow("a", 59999));
    // A minute on, the oldest makes room for a new cause.
    EXPECT_TRUE(t.allow("d", 60000));
    EXPECT_FALSE(t.allow("d", 60001));
    EXPECT_TRUE(t.allow("a", 60002));
}

TEST(LogThrottle, ZeroArgumentsStillLimit) {
    LogThrottle t(0, 0);
    EXPECT_TRUE(t.allow("a", 0));
    EXPECT_FALSE(t.allow("b", 0));
    EXPECT_TRUE(t.allow("b", 1));
}

RunCounts counts(int64_t total, int64_t sent, int64_t failed, int64_t skipped, int64_t unknown,
                 int64_t dry) {
    RunCounts c;
    c.total = total;
    c.sent = sent;
    c.failed = failed;
    c.skipped = skipped;
    c.unknown = unknown;
    c.dry = dry;
    return c;
}

TEST(RunFinishedLevel, ErrorWhenSendsFailedAndNoneWasAccepted) {
    EXPECT_EQ(LogLevel::error, run_finished_level(counts(3, 0, 3, 0, 0, 0)));
    EXPECT_EQ(LogLevel::error, run_finished_level(counts(5, 0, 1, 3, 1, 0)));
}

TEST(RunFinishedLevel, WarnWhenSomeFailedOrAreUnknown) {
    EXPECT_EQ(LogLevel::warn, run_finished_level(counts(3, 2, 1, 0, 0, 0)));
    EXPECT_EQ(LogLevel::warn, run_finished_level(counts(3, 2, 0, 0, 1, 0)));
    EXPECT_EQ(LogLevel::warn, run_finished_level(counts(1, 0, 0, 0, 1, 0)));
}

TEST(RunFinishedLevel, NoticeOtherwise) {
    EXPECT_EQ(LogLevel::notice, run_finished_level(counts(0, 0, 0, 0, 0, 0)));
    EXPECT_EQ(LogLevel::notice, run_finished_level(counts(3, 3, 0, 0, 0, 0)));
    EXPECT_EQ(LogLevel::notice, run_finished_level(counts(4, 0, 0, 1, 0, 3)));
    EXPECT_EQ(LogLevel::notice, run_finished_level(counts(2, 0, 0, 2, 0, 0)));
}

TEST(RunCountsText, NamesEveryCounter) {
    EXPECT_EQ("12 vehicles, 10 sent, 1 failed, 1 skipped, 0 unknown, 0 dry run",
              run_counts_text(counts(12, 10, 1, 1, 0, 0)));
    EXPECT_EQ("3 vehicles, 0 sent, 0 failed, 0 skipped, 0 unknown, 3 dry run",
              run_counts_text(counts(3, 0, 0, 0, 0, 3)));
}

TEST(LocalDateText, SaysItsZone) {
    EXPECT_EQ("2026-11-30 (Asia/Jakarta)", local_date_text(Date{2026, 11, 30}, "Asia/Jakarta"));
    EXPECT_EQ("2026-01-05 (UTC)", local_date_text(Date{2026, 1, 5}, "UTC"));
}

}  // namespace
}  // namespace wa
